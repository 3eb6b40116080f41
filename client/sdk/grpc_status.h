// Conversion of gRPC statuses into absl::Status, the error type of the SDK,
// and the standard error details a Remit node attaches (docs/API.md,
// "Errors"): a google.rpc.Status in the details trailer whose `details` hold
// a google.rpc.ErrorInfo (the refusal's reason) and, for ALREADY_EXISTS, the
// original receipt as a remit.v1.SettleResponse.
#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "remit/v1/types.pb.h"

namespace remit::sdk {

// What a status's details trailer said. Empty fields when the trailer is
// absent, is not a google.rpc.Status, or names another code than the call's.
struct ErrorDetails {
  std::string reason;                           // ErrorInfo.reason, e.g. "SEQUENCE_USED"
  std::string domain;                           // ErrorInfo.domain: "remit" for a Remit node
  std::map<std::string, std::string> metadata;  // e.g. "transferId", "nextSequence"
  std::optional<v1::Receipt> original_receipt;  // ALREADY_EXISTS only
};

ErrorDetails DecodeErrorDetails(const grpc::Status& status);

// Same code and message (gRPC and absl share the canonical numbering); the
// details' ErrorInfo reason, if any, travels along for ErrorReason().
absl::Status FromGrpcStatus(const grpc::Status& status);

// The node's ErrorInfo reason carried by a status from FromGrpcStatus, or ""
// when the node gave none (or the error did not come from a node).
std::string ErrorReason(const absl::Status& status);

}  // namespace remit::sdk
