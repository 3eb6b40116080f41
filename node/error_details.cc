#include "node/error_details.h"

#include <cctype>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "ledger/check.h"
#include "remit/v1/ledger.pb.h"

namespace remit {
namespace {

using Code = absl::StatusCode;

// docs/API.md, "Refusals", in the same order.
constexpr RefusalReason kReasons[] = {
    // The request can never be valid on this chain: fix it (and sign again).
    {"malformed", Code::kInvalidArgument},
    {"wrong_chain", Code::kInvalidArgument},
    {"self_transfer", Code::kInvalidArgument},
    {"bad_amount", Code::kInvalidArgument},
    {"memo_too_long", Code::kInvalidArgument},
    {"bad_signature", Code::kInvalidArgument},
    {"unknown_asset", Code::kInvalidArgument},
    {"same_asset", Code::kInvalidArgument},
    {"batch_empty", Code::kInvalidArgument},
    {"batch_too_large", Code::kInvalidArgument},
    // Valid, but the ledger's state or the time refuses it: sign a new one.
    {"expired", Code::kFailedPrecondition},
    {"sequence_used", Code::kFailedPrecondition, /*names_next_sequence=*/true},
    {"sequence_window", Code::kFailedPrecondition, /*names_next_sequence=*/true},
    {"sequence_taken", Code::kFailedPrecondition, /*names_next_sequence=*/true},
    {"no_liquidity", Code::kFailedPrecondition},
    {"unfunded_sender", Code::kFailedPrecondition},
    {"sequence_gap", Code::kFailedPrecondition, /*names_next_sequence=*/true},
    // Final already: the original receipt is attached.
    {"already_final", Code::kAlreadyExists},
    // Back-pressure: retry later or on another validator.
    {"sender_queue_full", Code::kResourceExhausted},
    {"mempool_full", Code::kResourceExhausted},
    {"evicted", Code::kResourceExhausted},
    {"inbox_full", Code::kResourceExhausted},
    {"verify_queue_full", Code::kResourceExhausted},
    {"too_many_calls", Code::kResourceExhausted},
    {"too_many_watchers", Code::kResourceExhausted},
    {"watcher_behind", Code::kResourceExhausted},
    {"shutting_down", Code::kUnavailable},
    // Not final (yet): look the receipt up by id later.
    {"pending", Code::kDeadlineExceeded},
    {"not_found", Code::kNotFound},
};

std::string UpperCase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

}  // namespace

std::span<const RefusalReason> RefusalReasons() { return kReasons; }

const RefusalReason* FindRefusalReason(const absl::Status& status) {
  const std::string_view message(status.message().data(), status.message().size());
  const size_t colon = message.find(':');
  if (colon == std::string_view::npos) return nullptr;
  const std::string_view prefix = message.substr(0, colon);
  for (const RefusalReason& reason : kReasons) {
    if (reason.prefix == prefix) return &reason;
  }
  return nullptr;
}

std::string ErrorReason(const absl::Status& status) {
  REMIT_CHECK(!status.ok());
  const RefusalReason* reason = FindRefusalReason(status);
  if (reason != nullptr) return UpperCase(reason->prefix);
  return absl::StatusCodeToString(status.code());
}

grpc::Status ToGrpc(const absl::Status& status, const ErrorContext& context) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::ErrorInfo info;
  info.set_reason(ErrorReason(status));
  info.set_domain(std::string(kErrorDomain));
  if (context.transfer_id.has_value()) {
    (*info.mutable_metadata())["transferId"] = ToHex(*context.transfer_id);
  }
  const RefusalReason* reason = FindRefusalReason(status);
  if (context.next_sequence.has_value() && reason != nullptr && reason->names_next_sequence) {
    (*info.mutable_metadata())["nextSequence"] = std::to_string(*context.next_sequence);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int32_t>(status.code()));
  details.set_message(std::string(status.message()));
  REMIT_CHECK(details.add_details()->PackFrom(info));
  if (status.code() == Code::kAlreadyExists && context.original != nullptr) {
    v1::SettleResponse original;
    *original.mutable_receipt() = *context.original;
    REMIT_CHECK(details.add_details()->PackFrom(original));
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
                      details.SerializeAsString());
}

}  // namespace remit
