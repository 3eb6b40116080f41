// remit-bot and remit bench against a testnet of `remit testnet up --tls`:
// both find the testnet's CA in its manifest and speak TLS (issue 11,
// "Also"); the bench also takes --tls-ca for --node targets. The nodes
// serve only TLS, so a plaintext client gets nothing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <tuple>

#include "client/testnet/manifest.h"
#include "tests/bot/bot_test_env.h"

namespace remit::bot::testing {
namespace {

// Runs `command` with stdin from `in` (may be empty); its exit code, its
// standard output, and its standard error.
std::tuple<int, std::string, std::string> RunCommand(const TestnetEnv& env,
                                                     const std::string& command,
                                                     const std::string& in = "") {
  const std::string in_path = env.dir() + "/in.txt";
  const std::string out_path = env.dir() + "/out.txt";
  const std::string err_path = env.dir() + "/err.txt";
  std::ofstream(in_path) << in;
  const int status =
      std::system(StrCat(command, " < ", in_path, " > ", out_path, " 2> ", err_path).c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadAll(out_path), ReadAll(err_path)};
}

class BotTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env_.Up(/*nodes=*/1, /*tls=*/true).ok());
    absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(env_.testnet());
    ASSERT_TRUE(manifest.ok()) << manifest.status();
    ASSERT_TRUE(manifest->tls);
    ca_ = testnet::ManifestTlsCaFile(*manifest);
    endpoint_ = manifest->nodes[0].endpoint;
  }

  TestnetEnv env_;
  std::string ca_;
  std::string endpoint_;
};

// The terminal bot pays over TLS.
TEST_F(BotTlsTest, BotSettlesOverTls) {
  const auto [code, out, err] =
      RunCommand(env_,
                 StrCat(BinDir(), "/remit-bot terminal --testnet ", env_.testnet(),
                        " --demo-users alice,bob --settle-wait-ms 15000"),
                 "alice: pay bob 0.50 tls\nbob: balance\n");
  EXPECT_EQ(code, 0) << out << err;
  EXPECT_TRUE(Contains(out, "bot -> alice: Paid bob 0.50 USD for \"tls\": SETTLED")) << out << err;
  EXPECT_TRUE(Contains(out, "bot -> bob: Your balance: 20.50 USD")) << out;
}

// remit bench loads the TLS testnet by --testnet (the manifest's CA) and by
// --node with --tls-ca, and settles transfers both ways.
TEST_F(BotTlsTest, BenchSettlesOverTls) {
  const std::string load = " --rate 20 --duration 1 --warmup 0 --accounts 2 --json -";
  auto [code, out, err] =
      RunCommand(env_, StrCat(BinDir(), "/remit bench --testnet ", env_.testnet(), load));
  ASSERT_EQ(code, 0) << out << err;
  nlohmann::json report = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(report.is_object()) << out;
  EXPECT_GT(report["settled_tps"].get<double>(), 0) << out;
  std::tie(code, out, err) =
      RunCommand(env_, StrCat(BinDir(), "/remit bench --node ", endpoint_, " --tls-ca ", ca_,
                              " --issuer-key ", testnet::FaucetKeyPath(env_.testnet()), load));
  ASSERT_EQ(code, 0) << out << err;
  report = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(report.is_object()) << out;
  EXPECT_GT(report["settled_tps"].get<double>(), 0) << out;
}

}  // namespace
}  // namespace remit::bot::testing
