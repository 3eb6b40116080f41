#include "client/remit/cli.h"

#include <string>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/output.h"
#include "ledger/crypto.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

constexpr char kDescription[] =
    "remit: keys, payments and local testnets for a Remit ledger.\n"
    "Exit codes: 0 ok, 1 node or system failure, 2 bad input (nothing sent), "
    "3 transfer final but not settled.";

// "remit send" for the deepest subcommand the parser reached.
std::string CommandPath(const CLI::App& app) {
  std::string path = "remit";
  const CLI::App* current = &app;
  while (current != nullptr) {
    const std::vector<CLI::App*> used = current->get_subcommands();
    current = used.empty() ? nullptr : used.front();
    if (current != nullptr) path += " " + current->get_name();
  }
  return path;
}

bool IsCommand(CLI::App& app, const std::string& name) {
  const std::vector<CLI::App*> commands =
      app.get_subcommands([&name](CLI::App* command) { return command->check_name(name); });
  return !commands.empty();
}

}  // namespace

void AddJsonFlag(CLI::App* command, CliContext& context) {
  command->add_flag("--json", *context.output->json_flag(),
                    "print one JSON object on stdout instead of text");
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  InitCrypto();
  Output output(out, err);
  CliContext context{.output = &output, .action = {}};
  CLI::App app(kDescription, "remit");
  app.require_subcommand(1);
  AddKeyCommands(app, context);
  AddTransferCommands(app, context);
  AddQuoteCommand(app, context);
  AddOfferCommands(app, context);
  AddBasketCommands(app, context);
  AddClaimCommands(app, context);
  AddQueryCommands(app, context);
  AddWatchCommand(app, context);
  AddTestnetCommands(app, context);
  AddDemoCommand(app, context);
  AddBenchCommand(app, context);
  if (argc > 1 && argv[1][0] != '-' && !IsCommand(app, argv[1])) {
    output.Error(StrCat("unknown command '", argv[1], "'; run 'remit --help' for the list"));
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help
    const std::string command = CommandPath(app);
    output.Error(StrCat(e.what(), "; run '", command, " --help'"));
    return kExitBadInput;
  }
  if (!context.action) {
    output.Error("no command given; run 'remit --help'");
    return kExitBadInput;
  }
  const absl::Status status = context.action();
  if (!status.ok()) output.Error(std::string(status.message()));
  return ExitCodeOf(status);
}

}  // namespace remit::cli
