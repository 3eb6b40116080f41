// End to end over TLS: the real `remit` and `remitd` binaries on loopback.
// Proves that `remit testnet up --tls` makes a CA and node certificates with
// openssl and brings up a validator that serves only TLS; that `--testnet
// DIR` commands find the CA in the manifest and settle transfers over TLS;
// that `--tls-ca FILE` does the same for `--node`; and that a plaintext
// client, or one trusting another CA, is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/client/base_port.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

#ifndef REMIT_BIN
#error "REMIT_BIN must name the remit executable"
#endif
#ifndef REMITD_BIN
#error "REMITD_BIN must name the remitd executable"
#endif

namespace remit {
namespace {

using nlohmann::json;
using testing::ProcessRun;

constexpr uint64_t kCommandTimeoutMs = 60'000;

class TlsEndToEndTest : public ::testing::Test {
 protected:
  TlsEndToEndTest() : testnet_dir_(dir_.Join("net")) {
    ::setenv("REMITD", REMITD_BIN, 1);
    ::unsetenv("REMIT_NODE");
  }

  ~TlsEndToEndTest() override {
    // Never leave a validator behind, whatever failed.
    Remit({"testnet", "down", "--dir", testnet_dir_, "--timeout-ms", "5000"});
    Remit({"testnet", "down", "--dir", dir_.Join("other"), "--timeout-ms", "5000"});
  }

  ProcessRun Remit(std::vector<std::string> args) {
    args.insert(args.begin(), REMIT_BIN);
    return testing::RunProcess(args, dir_.path(), kCommandTimeoutMs);
  }

  // Runs a command that must succeed with --json, and returns its object.
  json RemitJson(std::vector<std::string> args) {
    args.push_back("--json");
    const ProcessRun run = Remit(args);
    EXPECT_EQ(run.exit_code, 0) << args[0] << " failed: " << run.err;
    const json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << run.out;
    return parsed;
  }

  // `testnet up --tls` of one node on a free base port.
  json UpOnFreePort(const std::string& dir) {
    for (int attempt = 1; attempt <= testing::kBasePortAttemptsMax; ++attempt) {
      const uint32_t port = testing::BasePortCandidate(attempt) + 7;
      const ProcessRun run = Remit({"testnet", "up", "--tls", "--nodes", "1", "--dir", dir,
                                    "--base-port", std::to_string(port), "--json"});
      if (run.exit_code == 0) return json::parse(run.out);
      if (run.err.find("is in use") == std::string::npos) {
        ADD_FAILURE() << "testnet up --tls failed (exit " << run.exit_code << "): " << run.err;
        return json();
      }
    }
    ADD_FAILURE() << "no free base port after " << testing::kBasePortAttemptsMax << " attempts";
    return json();
  }

  testing::TempDir dir_;
  const std::string testnet_dir_;
};

bool IsOwnerOnly(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & 0777) == 0600;
}

TEST_F(TlsEndToEndTest, SettlesOverTlsAndRefusesPlaintext) {
  const json up = UpOnFreePort(testnet_dir_);
  ASSERT_TRUE(up.is_object());
  const std::string endpoint = up["endpoints"][0];
  const std::string ca = up["tls_ca_file"];
  EXPECT_NE(ca.find("/tls/ca.crt"), std::string::npos) << ca;
  EXPECT_TRUE(IsOwnerOnly(testnet_dir_ + "/tls/ca.key"));
  EXPECT_TRUE(IsOwnerOnly(testnet_dir_ + "/node0/tls.key"));

  // `testnet status` and a transfer over TLS, the CA taken from the manifest.
  const json status = RemitJson({"testnet", "status", "--dir", testnet_dir_});
  EXPECT_EQ(status["nodes"][0]["alive"], true) << status.dump();
  const std::string alice_key = dir_.Join("alice.key");
  const std::string alice = RemitJson({"keygen", "--out", alice_key})["address"];
  const std::string bob = RemitJson({"keygen", "--out", dir_.Join("bob.key")})["address"];
  EXPECT_EQ(RemitJson({"faucet", alice, "10", "USD", "--testnet", testnet_dir_})["outcome"],
            "SETTLED");
  const json sent = RemitJson(
      {"send", "--key", alice_key, "--to", bob, "0.50", "USD", "--testnet", testnet_dir_});
  EXPECT_EQ(sent["outcome"], "SETTLED");

  // --tls-ca for a node named by address.
  const json balance = RemitJson({"balance", bob, "--node", endpoint, "--tls-ca", ca});
  EXPECT_EQ(balance["balances"], (json{{"USD", "0.50"}}));

  // A plaintext client gets no answer: the port speaks only TLS.
  const ProcessRun plaintext =
      Remit({"balance", bob, "--node", endpoint, "--timeout-ms", "3000", "--json"});
  EXPECT_NE(plaintext.exit_code, 0) << plaintext.out;
  EXPECT_EQ(plaintext.out, "");

  // A client trusting another testnet's CA refuses this node's certificate.
  const json other = UpOnFreePort(dir_.Join("other"));
  ASSERT_TRUE(other.is_object());
  const ProcessRun wrong_ca = Remit({"balance", bob, "--node", endpoint, "--tls-ca",
                                     other["tls_ca_file"], "--timeout-ms", "3000", "--json"});
  EXPECT_NE(wrong_ca.exit_code, 0) << wrong_ca.out;
  EXPECT_EQ(wrong_ca.out, "");
}

}  // namespace
}  // namespace remit
