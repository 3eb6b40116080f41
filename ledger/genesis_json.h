// Internal to ledger/genesis*.cc: reading genesis JSON fields strictly
// (whole numbers in range, the right types) with errors naming the field.
#pragma once

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/status/statusor.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::genesis_json {

using nlohmann::json;

inline absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(StrCat("genesis: ", what));
}

// True if `value` is a JSON integer that T holds exactly. json::get<T>()
// alone would truncate 2.5 to 2, turn true into 1 and wrap -1 or 2^64-1.
template <typename T>
bool IsIntegerFor(const json& value) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
  }
  if (!value.is_number_integer()) return false;
  const int64_t signed_value = value.get<int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    return signed_value >= 0 &&
           static_cast<uint64_t>(signed_value) <= std::numeric_limits<T>::max();
  } else {
    return signed_value >= std::numeric_limits<T>::min() &&
           signed_value <= std::numeric_limits<T>::max();
  }
}

// Reads `object[key]` as T, or fails naming the field.
template <typename T>
absl::StatusOr<T> Field(const json& object, const char* key, std::string_view where) {
  if (!object.is_object() || !object.contains(key)) {
    return Invalid(StrCat(where, " lacks '", key, "'"));
  }
  if constexpr (std::is_integral_v<T>) {
    if (!IsIntegerFor<T>(object.at(key))) {
      return Invalid(StrCat(where, " has a '", key, "' that is not a whole number from ",
                            std::numeric_limits<T>::min(), " to ", std::numeric_limits<T>::max()));
    }
  }
  try {
    return object.at(key).get<T>();
  } catch (const json::exception&) {
    return Invalid(StrCat(where, " has a '", key, "' of the wrong type"));
  }
}

inline absl::StatusOr<AccountId> AccountField(const json& object, const char* key,
                                              std::string_view where) {
  ASSIGN_OR_RETURN(const std::string text, Field<std::string>(object, key, where));
  auto account = DecodeAddress(text);
  if (!account.ok()) return Invalid(StrCat(where, ".", key, ": ", account.status().message()));
  return *account;
}

// Reads `object[key]` as a JSON array, or fails naming the field.
inline absl::StatusOr<json> ArrayField(const json& object, const char* key,
                                       std::string_view where) {
  ASSIGN_OR_RETURN(json array, Field<json>(object, key, where));
  if (!array.is_array()) return Invalid(StrCat(where, " '", key, "' must be an array"));
  return array;
}

}  // namespace remit::genesis_json
