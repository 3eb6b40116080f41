#include "client/remit/cli_error.h"

#include <cstdlib>

#include "absl/strings/cord.h"
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
  std::string hint;
  if (status.code() == absl::StatusCode::kUnavailable) {
    hint =
        "; check that the node is running ('remit testnet status --dir DIR' or 'remit status "
        "--node HOST:PORT')";
  } else if (status.code() == absl::StatusCode::kDeadlineExceeded) {
    hint = "; the node is slow or stuck: retry, or raise --timeout-ms";
  }
  return absl::Status(status.code(),
                      StrCat(doing, " failed: ", absl::StatusCodeToString(status.code()), ": ",
                             status.message(), hint));
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
