// Conversion of gRPC statuses into absl::Status, the error type of the SDK.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace remit::sdk {

// Same code and message. gRPC and absl share the canonical code numbering.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace remit::sdk
