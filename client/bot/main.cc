// remit-bot: the custodial chat wallet (docs/BOT.md) behind a terminal or XMPP.
//
//   remit-bot terminal --testnet DIR [--demo-users alice,bob]
//   remit-bot xmpp --jid paybot@HOST --password-file F --server HOST:PORT --testnet DIR
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "client/bot/bot_runner.h"
#include "client/bot/bot_setup.h"
#include "client/bot/terminal_transport.h"
#include "client/bot/xmpp_main.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

constexpr uint64_t kDemoFundsMajorDefault = 20;
constexpr uint64_t kHourMs = 60 * 60 * 1000;
// Bounds of the retention flags: a year of hours, a billion ids.
constexpr uint64_t kMessageIdsMaxAgeHoursMax = 366 * 24;
constexpr uint64_t kMessageIdsMaxMax = 1'000'000'000;

struct CommonArgs {
  std::string testnet_dir;
  std::string data_dir;
  std::string currency = "USD";
  uint64_t confirm_above = kConfirmAboveMajorDefault;
  uint32_t payments_per_minute = kPaymentsPerMinuteMaxDefault;
  uint32_t commands_per_minute = kCommandsPerMinuteMaxDefault;
  uint64_t message_ids_max = kMessageIdsMaxDefault;
  uint64_t message_ids_max_age_hours = kMessageIdsMaxAgeMsDefault / kHourMs;
  uint64_t retry_backoff_max_ms = kRetryBackoffMsMaxDefault;
  uint64_t settle_wait_ms = kSettleWaitMsDefault;
  uint64_t request_ttl_hours = kRequestTtlMsDefault / kHourMs;
  uint64_t claim_ttl_seconds = kClaimTtlMsDefault / 1000;
  uint32_t fx_slippage_bps = kFxSlippageBpsDefault;
  std::vector<std::string> demo_users;
  uint64_t demo_funds = kDemoFundsMajorDefault;
};

void AddCommon(CLI::App* command, CommonArgs& args) {
  command->add_option("--testnet", args.testnet_dir, "the testnet directory (remit testnet up)")
      ->required();
  command->add_option(
      "--data", args.data_dir,
      "the bot's state: master key and database (default: TESTNET/bot-<transport>)");
  command->add_option("--currency", args.currency, "new users' currency")->capture_default_str();
  command
      ->add_option("--confirm-above", args.confirm_above,
                   "payments above this many whole units need 'yes <code>'")
      ->capture_default_str();
  command
      ->add_option("--payments-per-minute", args.payments_per_minute,
                   "per-user limit on payment commands")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1'000'000u));
  command
      ->add_option("--commands-per-minute", args.commands_per_minute,
                   "per-user limit on all messages")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1'000'000u));
  command
      ->add_option("--message-ids-max", args.message_ids_max,
                   "finished message ids kept at most (the oldest go first)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, kMessageIdsMaxMax));
  command
      ->add_option("--message-ids-max-age-hours", args.message_ids_max_age_hours,
                   "finished message ids are forgotten after this many hours")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, kMessageIdsMaxAgeHoursMax));
  command
      ->add_option("--retry-backoff-max-ms", args.retry_backoff_max_ms,
                   "longest wait between re-sends of a payment the ledger did not answer")
      ->capture_default_str()
      ->check(CLI::Range(kRetryBackoffMsMinDefault, uint64_t{24} * kHourMs));
  command
      ->add_option("--settle-wait-ms", args.settle_wait_ms,
                   "how long a payment waits for the ledger before the answer says it is not "
                   "reachable (the bot keeps retrying and tells the user the result)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{100}, uint64_t{600'000}));
  command
      ->add_option("--request-ttl-hours", args.request_ttl_hours,
                   "an unanswered payment request expires after this many hours")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, kMessageIdsMaxAgeHoursMax));
  command
      ->add_option("--claim-ttl-seconds", args.claim_ttl_seconds,
                   "a payment to someone without a wallet returns to the payer if not claimed "
                   "within this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, kMessageIdsMaxAgeHoursMax * 3600));
  command
      ->add_option("--fx-slippage-bps", args.fx_slippage_bps,
                   "a cross-currency payment signs its bound this many 1/10000 past the quote")
      ->capture_default_str()
      ->check(CLI::Range(0u, static_cast<unsigned>(kFxSlippageBpsMax)));
  command
      ->add_option("--demo-users", args.demo_users,
                   "users to create and fund first; NAME:CODE also sets their currency")
      ->delimiter(',');
  command->add_option("--demo-funds", args.demo_funds, "top demo users up to this many units")
      ->capture_default_str();
}

BotSetupOptions SetupOptions(const CommonArgs& args, const std::string& transport) {
  BotSetupOptions options;
  options.testnet_dir = args.testnet_dir;
  options.data_dir = args.data_dir.empty() ? args.testnet_dir + "/bot-" + transport : args.data_dir;
  options.engine.default_currency = args.currency;
  options.engine.confirm_above_major = args.confirm_above;
  options.engine.payments_per_minute_max = args.payments_per_minute;
  options.engine.commands_per_minute_max = args.commands_per_minute;
  options.engine.message_ids_max = args.message_ids_max;
  options.engine.message_ids_max_age_ms = args.message_ids_max_age_hours * kHourMs;
  options.engine.retry_backoff_ms_max = args.retry_backoff_max_ms;
  options.engine.request_ttl_ms = args.request_ttl_hours * kHourMs;
  options.engine.claim_ttl_ms = args.claim_ttl_seconds * 1000;
  options.engine.fx_slippage_bps = args.fx_slippage_bps;
  options.settle_wait_ms = args.settle_wait_ms;
  return options;
}

// Sets the bot up and creates and funds the demo users; nullopt after
// printing why not.
std::optional<Bot> StartBot(const CommonArgs& args, const std::string& transport) {
  absl::StatusOr<Bot> bot = SetUpBot(SetupOptions(args, transport));
  if (!bot.ok()) {
    std::cerr << "remit-bot: " << bot.status().message() << "\n";
    return std::nullopt;
  }
  for (const std::string& entry : args.demo_users) {
    const size_t colon = entry.find(':');
    const std::string user = entry.substr(0, colon);
    absl::Status funded = bot->engine->EnsureFunded(user, args.demo_funds, WallClockMs());
    if (funded.ok() && colon != std::string::npos) {
      funded = bot->engine->SetCurrency(user, entry.substr(colon + 1));
    }
    if (!funded.ok()) {
      std::cerr << "remit-bot: cannot set up demo user " << user << ": " << funded.message()
                << "\n";
      return std::nullopt;
    }
  }
  return std::move(*bot);
}

int RunTerminal(const CommonArgs& args) {
  std::optional<Bot> bot = StartBot(args, "terminal");
  if (!bot.has_value()) return 1;
  const bool interactive = ::isatty(STDIN_FILENO) != 0;
  if (interactive) {
    std::cout << "remit chat: type NAME: TEXT, e.g. 'alice: pay bob $0.50 coffee' or "
                 "'bob: balance'; 'alice: help' lists commands; Ctrl-D quits.\n";
  }
  TerminalTransport transport(std::cin, std::cout, interactive, WallClockMs);
  BotRunner runner(bot->engine.get(), bot->client.get(), &transport, WallClockMs);
  const absl::Status status = runner.Run(WallClockMs());
  if (!status.ok()) {
    std::cerr << "remit-bot: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  CLI::App app("remit-bot: a custodial chat wallet for a Remit testnet", "remit-bot");
  app.require_subcommand(1);
  CommonArgs terminal_args;
  CLI::App* terminal = app.add_subcommand(
      "terminal", "chat in this terminal: lines 'NAME: TEXT' in, 'bot -> NAME: TEXT' out");
  AddCommon(terminal, terminal_args);
  CommonArgs xmpp_args;
  XmppArgs xmpp;
  CLI::App* xmpp_command = app.add_subcommand("xmpp", "serve chat users over an XMPP server");
  AddCommon(xmpp_command, xmpp_args);
  AddXmppOptions(xmpp_command, xmpp);
  CLI11_PARSE(app, argc, argv);
  if (terminal->parsed()) return RunTerminal(terminal_args);
  std::optional<Bot> bot = StartBot(xmpp_args, "xmpp");
  if (!bot.has_value()) return 1;
  return RunXmpp(xmpp, *bot);
}

}  // namespace
}  // namespace remit::bot

int main(int argc, char** argv) { return remit::bot::Main(argc, argv); }
