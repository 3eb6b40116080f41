#include "client/sdk/grpc_status.h"

#include "ledger/check.h"

namespace remit::sdk {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  // Both follow google.rpc.Code; anything outside it is reported as UNKNOWN.
  const bool known = code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated);
  const absl::Status converted(
      known ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown,
      status.error_message());
  REMIT_CHECK(!converted.ok());
  return converted;
}

}  // namespace remit::sdk
