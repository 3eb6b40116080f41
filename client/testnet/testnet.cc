#include "client/testnet/testnet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "client/testnet/create.h"
#include "client/testnet/executable.h"
#include "client/testnet/port.h"
#include "client/testnet/process.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

// An exclusive flock on DIR/testnet.lock, released on destruction.
class DirLock {
 public:
  static absl::StatusOr<DirLock> Acquire(const std::string& dir) {
    const std::string path = LockPath(dir);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::InternalError(StrCat("cannot open ", path, ": ", std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX) != 0) {
      ::close(fd);
      return absl::InternalError(StrCat("cannot lock ", path, ": ", std::strerror(errno)));
    }
    return DirLock(fd);
  }
  DirLock(DirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DirLock& operator=(DirLock&&) = delete;
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

// The manifest of `dir`, created first if it has none.
absl::StatusOr<TestnetManifest> OpenOrCreate(const std::string& dir, const UpOptions& options,
                                             bool* created) {
  absl::StatusOr<TestnetManifest> manifest = ReadManifest(dir);
  *created = false;
  if (manifest.ok()) {
    const uint32_t nodes = static_cast<uint32_t>(manifest->nodes.size());
    if (options.nodes != 0 && options.nodes != nodes) {
      return absl::InvalidArgumentError(StrCat(dir, " is a testnet of ", nodes, " nodes, not ",
                                               options.nodes,
                                               "; omit --nodes, or use a new --dir"));
    }
    if (options.base_port != 0 && options.base_port != manifest->base_port) {
      return absl::InvalidArgumentError(StrCat(dir, " is a testnet with base port ",
                                               manifest->base_port, ", not ", options.base_port,
                                               "; omit --base-port, or use a new --dir"));
    }
    if (options.tls && !manifest->tls) {
      return absl::InvalidArgumentError(StrCat(dir,
                                               " is a plaintext testnet; omit --tls, or use "
                                               "a new --dir for a TLS one"));
    }
    return manifest;
  }
  if (manifest.status().code() != absl::StatusCode::kNotFound) return manifest.status();
  const CreateOptions create{
      .nodes = options.nodes == 0 ? 1 : options.nodes,
      .base_port = options.base_port == 0 ? kBasePortDefault : options.base_port,
      .genesis_time_unix_ms = options.genesis_time_unix_ms,
      .fault_injection = options.fault_injection,
      .tls = options.tls,
      .market = options.market};
  // Check the ports before writing anything, so a taken port leaves no
  // half-made testnet behind.
  for (uint32_t i = 0; i < create.nodes && create.base_port + i <= 65535; ++i) {
    if (!IsPortFree(create.base_port + i)) {
      return absl::FailedPreconditionError(StrCat("port ", create.base_port + i,
                                                  " is in use by another program; pick another "
                                                  "--base-port"));
    }
  }
  *created = true;
  return CreateTestnet(dir, create);
}

// The nodes `up` starts and waits for: all, or options.only_node.
absl::StatusOr<std::vector<uint32_t>> WantedNodes(const TestnetManifest& manifest,
                                                  const UpOptions& options) {
  if (options.only_node.has_value()) {
    if (*options.only_node >= manifest.nodes.size()) {
      return absl::InvalidArgumentError(StrCat("node ", *options.only_node, " does not exist; ",
                                               manifest.dir, " has nodes 0..",
                                               manifest.nodes.size() - 1));
    }
    return std::vector<uint32_t>{*options.only_node};
  }
  std::vector<uint32_t> all;
  for (const TestnetNode& node : manifest.nodes) all.push_back(node.index);
  return all;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> TestnetEndpoints(const std::string& dir) {
  ASSIGN_OR_RETURN(const TestnetManifest manifest, ReadManifest(dir));
  return ManifestEndpoints(manifest);
}

absl::StatusOr<UpReport> TestnetUp(const std::string& dir, const UpOptions& options) {
  const std::string absolute = AbsoluteDir(dir);
  std::error_code error;
  std::filesystem::create_directories(absolute, error);
  if (error) {
    return absl::InvalidArgumentError(StrCat("cannot create --dir ", dir, ": ", error.message()));
  }
  ASSIGN_OR_RETURN(const DirLock lock, DirLock::Acquire(absolute));
  UpReport report;
  ASSIGN_OR_RETURN(report.manifest, OpenOrCreate(absolute, options, &report.created));
  const TestnetManifest& manifest = report.manifest;
  ASSIGN_OR_RETURN(const std::vector<uint32_t> wanted, WantedNodes(manifest, options));
  for (uint32_t index : wanted) {
    if (FindNodeProcess(manifest, index).alive) continue;
    RETURN_IF_ERROR(CheckNodePortFree(manifest, index));
    report.started.push_back(index);
  }
  if (!report.started.empty()) {
    std::string remitd = options.remitd_path;
    if (remitd.empty()) {
      ASSIGN_OR_RETURN(remitd, FindRemitd());
    }
    for (uint32_t index : report.started) {
      RETURN_IF_ERROR(StartNode(manifest, index, remitd).status());
    }
  }
  RETURN_IF_ERROR(WaitUntilReady(manifest, wanted, options.ready_timeout_ms));
  for (const TestnetNode& node : manifest.nodes) {
    report.nodes.push_back(FindNodeProcess(manifest, node.index));
  }
  return report;
}

absl::StatusOr<StopReport> TestnetStopNode(const std::string& dir, uint32_t index, bool kill,
                                           uint64_t grace_ms) {
  ASSIGN_OR_RETURN(const TestnetManifest manifest, ReadManifest(dir));
  if (index >= manifest.nodes.size()) {
    return absl::InvalidArgumentError(StrCat("node ", index, " does not exist; ", dir,
                                             " has nodes 0..", manifest.nodes.size() - 1));
  }
  ASSIGN_OR_RETURN(const DirLock lock, DirLock::Acquire(manifest.dir));
  const NodeProcess process = FindNodeProcess(manifest, index);
  StopReport report{
      .index = index, .pid = process.pid, .was_running = process.alive, .killed = false};
  if (!process.alive) return report;
  if (kill) {
    RETURN_IF_ERROR(KillProcess(process.pid));
    report.killed = true;
  } else {
    ASSIGN_OR_RETURN(report.killed, StopProcess(process.pid, grace_ms));
  }
  return report;
}

absl::StatusOr<std::vector<StopReport>> TestnetDown(const std::string& dir, uint64_t grace_ms) {
  ASSIGN_OR_RETURN(const TestnetManifest manifest, ReadManifest(dir));
  ASSIGN_OR_RETURN(const DirLock lock, DirLock::Acquire(manifest.dir));
  std::vector<StopReport> reports;
  // Signal all first, then wait, so that N nodes take one grace period.
  for (const TestnetNode& node : manifest.nodes) {
    const NodeProcess process = FindNodeProcess(manifest, node.index);
    reports.push_back(
        {.index = node.index, .pid = process.pid, .was_running = process.alive, .killed = false});
    if (process.alive) ::kill(process.pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (StopReport& report : reports) {
    if (!report.was_running) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (WaitForExit(report.pid, static_cast<uint64_t>(std::max<int64_t>(0, left.count())))) {
      continue;
    }
    RETURN_IF_ERROR(KillProcess(report.pid));
    report.killed = true;
  }
  return reports;
}

}  // namespace remit::testnet
