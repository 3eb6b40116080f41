// CliTestnetTest: the base of the end-to-end tests that drive the real
// `remit` binary (REMIT_BIN) against a testnet of real `remitd` processes
// (REMITD_BIN) in a temporary directory. It runs `remit` commands there and
// starts the testnet on a free loopback base port; its destructor stops the
// testnet whatever failed, so no validator outlives a test.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/client/base_port.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

#ifndef REMIT_BIN
#error "REMIT_BIN must name the remit executable"
#endif
#ifndef REMITD_BIN
#error "REMITD_BIN must name the remitd executable"
#endif

namespace remit::testing {

inline constexpr uint64_t kCommandTimeoutMs = 60'000;

class CliTestnetTest : public ::testing::Test {
 protected:
  CliTestnetTest() : testnet_dir_(dir_.Join("net")) {
    ::setenv("REMITD", REMITD_BIN, 1);
    ::unsetenv("REMIT_NODE");
  }

  ~CliTestnetTest() override {
    Remit({"testnet", "down", "--dir", testnet_dir_, "--timeout-ms", "5000"});
  }

  // `remit ARGS` in the temporary directory.
  ProcessRun Remit(std::vector<std::string> args) {
    args.insert(args.begin(), REMIT_BIN);
    return RunProcess(args, dir_.path(), kCommandTimeoutMs);
  }

  // `testnet up --nodes N --json` on a free base port (base_port_ then
  // names it) and its parsed output; a test failure and a null object if
  // up failed otherwise or no candidate port was free. A taken port leaves
  // no testnet behind, so the next attempt reuses the directory.
  nlohmann::json UpOnFreePort(uint32_t nodes) {
    for (int attempt = 1; attempt <= kBasePortAttemptsMax; ++attempt) {
      const uint32_t port = BasePortCandidate(attempt);
      const ProcessRun run = Remit({"testnet", "up", "--nodes", std::to_string(nodes), "--dir",
                                    testnet_dir_, "--base-port", std::to_string(port), "--json"});
      if (run.exit_code == 0) {
        base_port_ = port;
        return nlohmann::json::parse(run.out);
      }
      if (run.err.find("is in use") == std::string::npos) {
        ADD_FAILURE() << "testnet up failed (exit " << run.exit_code << "): " << run.err;
        return nlohmann::json();
      }
    }
    ADD_FAILURE() << "no free base port after " << kBasePortAttemptsMax << " attempts";
    return nlohmann::json();
  }

  TempDir dir_;
  std::string testnet_dir_;
  uint32_t base_port_ = 0;
};

}  // namespace remit::testing
