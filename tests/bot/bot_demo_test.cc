// `remit demo` as a person runs it (issue 11, "Also"): in the terminal and
// over XMPP, the demo ends by saying what is still running (the 4
// validators, and Prosody) and the one command that stops it; `remit demo
// --stop` then stops all of it. Over XMPP the bot says it serves only once
// it is connected.
#include <gtest/gtest.h>

#include <cstdlib>

#include "client/bot/local_prosody.h"
#include "client/testnet/node_control.h"
#include "client/testnet/process.h"
#include "client/testnet/testnet.h"
#include "tests/bot/bot_test_env.h"
#include "tests/bot/chat_client.h"
#include "tests/client/unused_port.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kDemoTimeoutMs = 60'000;

class BotDemoTest : public ::testing::Test {
 protected:
  BotDemoTest() {
    char pattern[] = "/tmp/remit-demo-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    demo_ = dir_ + "/demo";
  }
  ~BotDemoTest() override {
    // Whatever failed, leave nothing running.
    (void)std::system(
        StrCat(BinDir(), "/remit demo --stop --dir ", demo_, " >/dev/null 2>&1").c_str());
    (void)testnet::TestnetDown(demo_ + "/testnet", 5'000);
    (void)LocalProsody::StopRecorded(demo_ + "/prosody");
    std::filesystem::remove_all(dir_);
  }
  // `remit ARGS` with stdin from `in`; its exit code and everything it printed.
  std::pair<int, std::string> Remit(const std::string& args, const std::string& in = "") {
    const std::string in_path = dir_ + "/in.txt";
    const std::string out_path = dir_ + "/out.txt";
    std::ofstream(in_path) << in;
    const int status = std::system(
        StrCat(BinDir(), "/remit ", args, " < ", in_path, " > ", out_path, " 2>&1").c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ReadAll(out_path)};
  }
  uint32_t RunningValidators() {
    absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(demo_ + "/testnet");
    if (!manifest.ok()) return 0;
    uint32_t alive = 0;
    for (const testnet::TestnetNode& node : manifest->nodes) {
      alive += testnet::FindNodeProcess(*manifest, node.index).alive ? 1 : 0;
    }
    return alive;
  }
  // A candidate of its own per test, so one test's leftovers cannot stop
  // the next.
  static std::string BasePort(int attempt) {
    return StrCat(remit::testing::BasePortCandidate(attempt));
  }

  std::string dir_;
  std::string demo_;
};

// The terminal demo chats, then names the 4 validators it leaves and the
// command that stops them, which does.
TEST_F(BotDemoTest, TerminalDemoSaysWhatIsLeftAndStops) {
  const auto [code, out] =
      Remit(StrCat("demo --dir ", demo_, " --base-port ", BasePort(1)), "alice: balance\n");
  EXPECT_EQ(code, 0) << out;
  EXPECT_TRUE(Contains(out, "bot -> alice: Your balance: 20.00 USD")) << out;
  EXPECT_TRUE(Contains(out, StrCat("still running: 4 validators (", demo_, "/testnet)"))) << out;
  EXPECT_TRUE(Contains(out, StrCat("Stop everything with: remit demo --stop --dir ", demo_)))
      << out;
  EXPECT_EQ(RunningValidators(), 4u);
  const auto [stop_code, stopped] = Remit(StrCat("demo --stop --dir ", demo_));
  EXPECT_EQ(stop_code, 0) << stopped;
  EXPECT_TRUE(Contains(stopped, "stopped 4 validators")) << stopped;
  EXPECT_TRUE(Contains(stopped, "nothing of the demo is running")) << stopped;
  EXPECT_EQ(RunningValidators(), 0u);
}

// The XMPP demo serves once connected (a user gets an answer), and when it
// is stopped it names the validators and Prosody; --stop stops both.
TEST_F(BotDemoTest, XmppDemoSaysWhatIsLeftAndStops) {
  const uint32_t xmpp_port = remit::testing::UnusedPort();
  const std::string log = dir_ + "/demo.log";
  absl::StatusOr<pid_t> demo =
      testnet::SpawnDetached({BinDir() + "/remit", "demo", "--xmpp", "--dir", demo_, "--base-port",
                              BasePort(2), "--xmpp-port", StrCat(xmpp_port)},
                             log);
  ASSERT_TRUE(demo.ok()) << demo.status();
  ASSERT_TRUE(WaitForFileText(log, "serving", kDemoTimeoutMs)) << ReadAll(log);
  EXPECT_TRUE(Contains(ReadAll(log), "prosodyctl --config")) << ReadAll(log);  // adding a user
  {
    ChatClient alice("alice@localhost", "alice", static_cast<uint16_t>(xmpp_port));
    ASSERT_TRUE(alice.Connect(5'000));
    alice.Send("paybot@localhost", "balance", "demo-1");
    EXPECT_FALSE(WaitFor({&alice}, alice, "Your balance: 20.00 USD", 15'000).empty());
  }
  ASSERT_TRUE(testnet::StopProcess(*demo, 10'000).ok());
  const std::string out = ReadAll(log);
  EXPECT_TRUE(
      Contains(out, StrCat("still running: 4 validators (", demo_, "/testnet) and Prosody")))
      << out;
  EXPECT_TRUE(Contains(out, StrCat("Stop everything with: remit demo --stop --dir ", demo_)))
      << out;
  const auto [code, stopped] = Remit(StrCat("demo --stop --dir ", demo_));
  EXPECT_EQ(code, 0) << stopped;
  EXPECT_TRUE(Contains(stopped, "stopped 4 validators and Prosody")) << stopped;
  EXPECT_EQ(RunningValidators(), 0u);
  EXPECT_TRUE(Contains(stopped, "nothing of the demo is running")) << stopped;
}

}  // namespace
}  // namespace remit::bot::testing
