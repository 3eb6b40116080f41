// For the bot's process tests and benchmark: a scratch directory, a testnet
// of 1 or more validators on a free base port chosen by pid
// (tests/client/base_port.h, so parallel runs do not collide), and the path
// of the executables built beside the test.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "client/testnet/testnet.h"
#include "ledger/strings.h"
#include "tests/client/base_port.h"

namespace remit::bot::testing {

inline std::string BinDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Polls `path` until it contains `part`; false after timeout_ms.
inline bool WaitForFileText(const std::string& path, const std::string& part, uint64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ReadAll(path).find(part) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class TestnetEnv {
 public:
  TestnetEnv() {
    char pattern[] = "/tmp/remit-bot-e2e-XXXXXX";
    dir_ = mkdtemp(pattern);
    testnet_ = dir_ + "/testnet";
  }
  ~TestnetEnv() {
    (void)testnet::TestnetDown(testnet_, 2'000);
    std::filesystem::remove_all(dir_);
  }
  // A new testnet of `nodes` validators (TLS-only with `tls`), on the first
  // free candidate base port; TestnetUp's error otherwise.
  absl::Status Up(uint32_t nodes = 1, bool tls = false) {
    absl::Status last;
    for (int attempt = 1; attempt <= remit::testing::kBasePortAttemptsMax; ++attempt) {
      testnet::UpOptions options;
      options.nodes = nodes;
      options.base_port = remit::testing::BasePortCandidate(attempt);
      options.tls = tls;
      // No default market maker: a test that needs liquidity makes its own
      // offers, so its quotes do not move with the default rates file.
      options.market.enabled = false;
      absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(testnet_, options);
      if (report.ok()) return absl::OkStatus();
      last = report.status();
      if (last.code() != absl::StatusCode::kFailedPrecondition) break;  // not a taken port
    }
    return last;
  }
  const std::string& dir() const { return dir_; }
  const std::string& testnet() const { return testnet_; }

 private:
  std::string dir_;
  std::string testnet_;
};

}  // namespace remit::bot::testing
