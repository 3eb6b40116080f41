// `remit-bot terminal` through a pipe against a real 1-node testnet.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/bot/bot_test_env.h"

namespace remit::bot::testing {
namespace {

// Runs remit-bot terminal with `script` on stdin; returns stdout.
std::string RunScript(const TestnetEnv& env, const std::string& script) {
  const std::string in = env.dir() + "/in.txt";
  const std::string out = env.dir() + "/out.txt";
  std::ofstream(in) << script;
  const std::string command =
      StrCat(BinDir(), "/remit-bot terminal --testnet ", env.testnet(),
             " --demo-users alice,bob --settle-wait-ms 15000 < ", in, " > ", out, " 2>&1");
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadAll(out);
  return ReadAll(out);
}

// A scripted chat pays, tells both sides, refuses bad input, and keeps
// balances and contacts across a restart of the bot.
TEST(BotTerminalTest, ScriptedChatSettlesAndSurvivesRestart) {
  TestnetEnv env;
  ASSERT_TRUE(env.Up().ok());
  std::string out = RunScript(env,
                              "alice: pay bob $0.50 coffee\n"
                              "alice: pay bob 1,000\n"
                              "bob: balance\n"
                              "no colon here\n");
  EXPECT_TRUE(Contains(out, "bot -> alice: Paid bob 0.50 USD for \"coffee\": SETTLED in ")) << out;
  EXPECT_TRUE(Contains(out, "bot -> bob: alice paid you 0.50 USD for \"coffee\"")) << out;
  EXPECT_TRUE(Contains(out, "bot -> alice: Nothing was paid: '1,000' is ambiguous")) << out;
  EXPECT_TRUE(Contains(out, "bot -> bob: Your balance: 20.50 USD")) << out;
  EXPECT_TRUE(Contains(out, "bot: type NAME: TEXT")) << out;
  out = RunScript(env, "alice: balance\nbob: history 1\n");
  // Demo users are topped up to 20.00 only when below it: alice was.
  EXPECT_TRUE(Contains(out, "bot -> alice: Your balance: 20.00 USD")) << out;
  EXPECT_TRUE(Contains(out,
                       "bot -> bob: Your last 1 payments:\n    +0.50 USD from alice for "
                       "\"coffee\": SETTLED"))
      << out;
}

}  // namespace
}  // namespace remit::bot::testing
