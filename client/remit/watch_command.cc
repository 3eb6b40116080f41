// remit watch [ADDRESS]: one line (or one JSON object per line) for every
// transfer that becomes final, for one account or all, until interrupted or
// the node ends the stream.
#include <memory>
#include <optional>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/connection.h"
#include "client/remit/inputs.h"
#include "client/remit/record_format.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

struct WatchArgs {
  std::string address;
  uint64_t count_max = 0;  // 0: no limit
  ConnectionFlags connection;
};

absl::Status RunWatch(const WatchArgs& args, Output& output) {
  std::optional<AccountId> account;
  if (!args.address.empty()) {
    ASSIGN_OR_RETURN(account, ParseAddressArg("address", args.address));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<Genesis> genesis = client->GetGenesis();
  if (!genesis.ok()) return NodeError(genesis.status(), "fetching the chain's genesis");
  output.Note(StrCat("watching ", account.has_value() ? EncodeAddress(*account) : "all accounts",
                     " on ", client->preferred_endpoint(), "; Ctrl-C to stop"));
  uint64_t seen = 0;
  const absl::Status status = client->Watch(account, [&](const v1::WatchEvent& event) {
    output.Emit(RecordToJson(*genesis, event.record()), RecordToLine(*genesis, event.record()));
    ++seen;
    return args.count_max == 0 || seen < args.count_max;
  });
  if (!status.ok()) return NodeError(status, "watching");
  return absl::OkStatus();
}

}  // namespace

void AddWatchCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<WatchArgs>();
  CLI::App* command =
      app.add_subcommand("watch", "print transfers as they become final, until interrupted");
  command->add_option("ADDRESS", args->address, "only transfers from or to this address");
  command->add_option("--count", args->count_max, "stop after this many events (0: never)")
      ->capture_default_str();
  AddConnectionFlags(command, &args->connection);
  AddJsonFlag(command, context);
  command->callback([&context, args] {
    context.action = [&context, args] { return RunWatch(*args, *context.output); };
  });
}

}  // namespace remit::cli
