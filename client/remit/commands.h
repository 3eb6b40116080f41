// The `remit` subcommands. Each Add* function registers its commands on the
// app; when the parser selects one, its callback stores in context.action
// the function that runs it, called after parsing succeeded.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "absl/status/status.h"
#include "client/remit/output.h"

namespace remit::cli {

struct CliContext {
  Output* output = nullptr;
  std::function<absl::Status()> action;
};

// keygen, address
void AddKeyCommands(CLI::App& app, CliContext& context);
// testnet up|status|down|kill|restart|logs
void AddTestnetCommands(CLI::App& app, CliContext& context);
// send, faucet
void AddTransferCommands(CLI::App& app, CliContext& context);
// quote (client/remit/quote_command.cc)
void AddQuoteCommand(CLI::App& app, CliContext& context);
// offer create|cancel|list
void AddOfferCommands(CLI::App& app, CliContext& context);
// basket mint|redeem
void AddBasketCommands(CLI::App& app, CliContext& context);
// claim CODE, claim status, reclaim
void AddClaimCommands(CLI::App& app, CliContext& context);
// balance, history, receipt, status
void AddQueryCommands(CLI::App& app, CliContext& context);
// watch
void AddWatchCommand(CLI::App& app, CliContext& context);
// demo (client/remit/demo_command.cc)
void AddDemoCommand(CLI::App& app, CliContext& context);
// bench (client/remit/bench_command.cc)
void AddBenchCommand(CLI::App& app, CliContext& context);

// Adds --json to `command`, writing the context's output flag.
void AddJsonFlag(CLI::App* command, CliContext& context);

}  // namespace remit::cli
