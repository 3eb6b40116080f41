// How a `remit` command fails: every error is one line on stderr and an exit
// code that tells scripts what kind of failure it was.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace remit::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,      // the node or the machine failed; retrying may help
  kExitBadInput = 2,    // the command line is wrong; nothing was sent
  kExitNotSettled = 3,  // the transfer is final, but rejected (e.g. INSUFFICIENT_FUNDS)
  kExitInterrupted = 130,
};

// Marks `status` (not OK) as caused by the command line: exit kExitBadInput.
absl::Status BadInput(absl::Status status);
absl::Status BadInputError(const std::string& message);
absl::Status WithExitCode(absl::Status status, ExitCode code);

// kExitOk for OK; the attached code; kExitFailed otherwise.
int ExitCodeOf(const absl::Status& status);

// A node call failed while `doing` (e.g. "fetching the account"): the
// message says so, keeps the node's code, its reason (docs/API.md) when it
// gave one, and its message, and for a bare UNAVAILABLE (no node answered)
// says how to check the node.
absl::Status NodeError(const absl::Status& status, const std::string& doing);

// `text` with every line break replaced by "; ", so errors stay on one line.
std::string OneLine(const std::string& text);

}  // namespace remit::cli
