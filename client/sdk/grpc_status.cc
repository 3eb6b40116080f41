#include "client/sdk/grpc_status.h"

#include "absl/strings/cord.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "ledger/check.h"
#include "remit/v1/ledger.pb.h"

namespace remit::sdk {
namespace {

// Where FromGrpcStatus keeps the reason in an absl::Status.
constexpr char kReasonPayloadUrl[] = "type.googleapis.com/google.rpc.ErrorInfo.reason";

}  // namespace

ErrorDetails DecodeErrorDetails(const grpc::Status& status) {
  ErrorDetails out;
  google::rpc::Status details;
  if (status.ok() || status.error_details().empty() ||
      !details.ParseFromString(status.error_details()) ||
      details.code() != static_cast<int>(status.error_code())) {
    return out;
  }
  for (const google::protobuf::Any& any : details.details()) {
    google::rpc::ErrorInfo info;
    v1::SettleResponse original;
    if (any.Is<google::rpc::ErrorInfo>() && any.UnpackTo(&info)) {
      out.reason = info.reason();
      out.domain = info.domain();
      out.metadata.insert(info.metadata().begin(), info.metadata().end());
    } else if (any.Is<v1::SettleResponse>() && any.UnpackTo(&original) && original.has_receipt()) {
      out.original_receipt = original.receipt();
    }
  }
  return out;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  // Both follow google.rpc.Code; anything outside it is reported as UNKNOWN.
  const bool known = code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated);
  absl::Status converted(known ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown,
                         status.error_message());
  REMIT_CHECK(!converted.ok());
  const ErrorDetails details = DecodeErrorDetails(status);
  if (!details.reason.empty()) converted.SetPayload(kReasonPayloadUrl, absl::Cord(details.reason));
  return converted;
}

std::string ErrorReason(const absl::Status& status) {
  const auto reason = status.GetPayload(kReasonPayloadUrl);  // an absl::optional
  return reason.has_value() ? std::string(*reason) : std::string();
}

}  // namespace remit::sdk
