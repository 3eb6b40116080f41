// Locating the `remitd` executable that `remit testnet` starts.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace remit::testnet {

// In order: $REMITD (must be executable), `remitd` in the directory of the
// running executable (/proc/self/exe, so a build tree works as is), then each
// directory of $PATH. NOT_FOUND, listing where it looked and what to do.
absl::StatusOr<std::string> FindRemitd();

}  // namespace remit::testnet
