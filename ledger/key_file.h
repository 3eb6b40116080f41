// Key files: the JSON a CLI user keeps for an account key.
//
//   {"type": "remit-ed25519-seed", "address": "rmt1...", "seed": "<64 hex>"}
//
// The seed is stored in the clear, like an SSH private key, so the file is
// created with mode 0600 and a file readable by group or others is refused.
// (The chat bot keeps its users' keys encrypted instead.)
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"

namespace remit {

// Writes a new key file with mode 0600. Refuses (ALREADY_EXISTS) to overwrite
// an existing file, so that a key holding money is never clobbered.
absl::Status WriteKeyFile(const std::string& path, const SigningKey& key);

// NOT_FOUND if missing, PERMISSION_DENIED if readable by group or others,
// INVALID_ARGUMENT if malformed or if the address does not match the seed.
absl::StatusOr<SigningKey> ReadKeyFile(const std::string& path);

}  // namespace remit
