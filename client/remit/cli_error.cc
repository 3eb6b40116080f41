#include "client/remit/cli_error.h"

#include <cctype>
#include <cstdlib>

#include "absl/strings/cord.h"
#include "client/sdk/grpc_status.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

constexpr char kExitCodeUrl[] = "remit.dev/cli/exit-code";

}  // namespace

absl::Status WithExitCode(absl::Status status, ExitCode code) {
  REMIT_CHECK(!status.ok());
  status.SetPayload(kExitCodeUrl, absl::Cord(std::to_string(static_cast<int>(code))));
  return status;
}

absl::Status BadInput(absl::Status status) {
  return WithExitCode(std::move(status), kExitBadInput);
}

absl::Status BadInputError(const std::string& message) {
  return BadInput(absl::InvalidArgumentError(message));
}

int ExitCodeOf(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  const auto payload = status.GetPayload(kExitCodeUrl);
  if (!payload.has_value()) return kExitFailed;
  const std::string text(*payload);
  const int code = std::atoi(text.c_str());
  REMIT_CHECK(code > 0);
  return code;
}

absl::Status NodeError(const absl::Status& status, const std::string& doing) {
  REMIT_CHECK(!status.ok());
  // The node's reason (docs/API.md) goes beside the code; the message's own
  // copy of it in lower case is dropped.
  const std::string reason = sdk::ErrorReason(status);
  std::string kind = absl::StatusCodeToString(status.code());
  std::string message(status.message());
  if (!reason.empty()) {
    kind += " " + reason;
    std::string prefix = reason + ": ";
    for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
  }
  std::string hint;
  if (status.code() == absl::StatusCode::kUnavailable && reason.empty()) {
    hint =
        "; check that the node is running ('remit testnet status --dir DIR' or 'remit status "
        "--node HOST:PORT')";
  } else if (status.code() == absl::StatusCode::kDeadlineExceeded && reason.empty()) {
    hint = "; the node is slow or stuck: retry, or raise --timeout-ms";
  }
  return absl::Status(status.code(), StrCat(doing, " failed: ", kind, ": ", message, hint));
}

std::string OneLine(const std::string& text) {
  std::string line;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      line += "; ";
    } else {
      line.push_back(c);
    }
  }
  while (line.size() >= 2 && line.substr(line.size() - 2) == "; ") line.resize(line.size() - 2);
  return line;
}

}  // namespace remit::cli
