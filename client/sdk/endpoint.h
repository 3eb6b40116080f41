// Validator endpoints as the user types them: "host:port", repeated or
// separated by commas.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::sdk {

// Most endpoints one client fails over between.
inline constexpr size_t kEndpointsMax = 64;

// Accepts "host:port" and "[v6-address]:port" with a port in 1..65535.
// INVALID_ARGUMENT, with an example of a valid form, otherwise.
absl::Status CheckEndpoint(std::string_view endpoint);

// Splits every value on commas, trims spaces, checks each endpoint and drops
// duplicates while keeping the first-seen order. INVALID_ARGUMENT for a bad
// endpoint, an empty list, or more than kEndpointsMax endpoints.
absl::StatusOr<std::vector<std::string>> ParseEndpoints(const std::vector<std::string>& values);

}  // namespace remit::sdk
