// For the bot's process tests: a scratch directory, a 1-node testnet on
// ports derived from the pid (so parallel runs do not collide), and the path
// of the executables built beside the test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "client/testnet/testnet.h"
#include "ledger/strings.h"

namespace remit::bot::testing {

inline std::string BinDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

// A free-ish port range for this process: 20000..59999, by pid.
inline uint32_t PortBase(uint32_t salt) {
  return 20000 + static_cast<uint32_t>((::getpid() * 7 + salt * 101) % 40000);
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
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
  void Up() {
    testnet::UpOptions options;
    options.nodes = 1;
    options.base_port = PortBase(1);
    absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(testnet_, options);
    ASSERT_TRUE(report.ok()) << report.status();
  }
  const std::string& dir() const { return dir_; }
  const std::string& testnet() const { return testnet_; }

 private:
  std::string dir_;
  std::string testnet_;
};

}  // namespace remit::bot::testing
