#include "client/testnet/executable.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "ledger/strings.h"

namespace remit::testnet {
namespace {

constexpr std::string_view kRemitdName = "remitd";
constexpr std::string_view kRemitdEnv = "REMITD";

bool IsExecutableFile(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

absl::StatusOr<std::string> FindRemitd() {
  if (const char* env = std::getenv(std::string(kRemitdEnv).c_str()); env != nullptr && *env) {
    if (!IsExecutableFile(env)) {
      return absl::NotFoundError(StrCat("$", kRemitdEnv, " is ", env,
                                        ", which is not an executable file; fix or unset it"));
    }
    return std::filesystem::absolute(env).string();
  }
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  std::string beside;
  if (!error) {
    beside = (self.parent_path() / kRemitdName).string();
    if (IsExecutableFile(beside)) return beside;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    const std::string_view dirs = path;
    for (size_t start = 0; start <= dirs.size();) {
      const size_t colon = std::min(dirs.find(':', start), dirs.size());
      const std::string_view dir = dirs.substr(start, colon - start);
      start = colon + 1;
      if (dir.empty()) continue;
      const std::string candidate = StrCat(dir, "/", kRemitdName);
      if (IsExecutableFile(candidate)) return candidate;
    }
  }
  return absl::NotFoundError(StrCat("cannot find ", kRemitdName, " (looked at $", kRemitdEnv, ", ",
                                    beside.empty() ? "?" : beside, " and $PATH); build it or set ",
                                    kRemitdEnv, "=/path/to/remitd"));
}

}  // namespace remit::testnet
