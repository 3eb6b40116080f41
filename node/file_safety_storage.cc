#include "node/file_safety_storage.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/check.h"

namespace remit {
namespace {

void SyncOrDie(int fd, const std::string& what) {
  if (fd < 0 || ::fsync(fd) != 0) {
    spdlog::critical("cannot make {} durable", what);
    std::abort();
  }
}

}  // namespace

v1::SafetyData FileSafetyStorage::Load() {
  v1::SafetyData data;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return data;  // never voted
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!data.ParseFromString(bytes.str())) {
    spdlog::critical(
        "safety data {} is corrupt; refusing to start rather than risk "
        "equivocating",
        path_);
    std::abort();
  }
  return data;
}

void FileSafetyStorage::Save(const v1::SafetyData& data) {
  const std::string temporary = path_ + ".tmp";
  const std::string bytes = data.SerializeAsString();
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REMIT_CHECK(fd >= 0);
  REMIT_CHECK(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  SyncOrDie(fd, temporary);
  ::close(fd);
  REMIT_CHECK(std::rename(temporary.c_str(), path_.c_str()) == 0);
  const std::string directory = std::filesystem::path(path_).parent_path().string();
  const int dir_fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_CLOEXEC);
  SyncOrDie(dir_fd, directory);
  ::close(dir_fd);
}

}  // namespace remit
