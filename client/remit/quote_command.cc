// remit quote AMOUNT ASSET --to-asset X   (strict send: what AMOUNT ASSET delivers in X)
// remit quote AMOUNT ASSET --from-asset X (strict receive: what delivering AMOUNT ASSET costs in X)
//
// Asks a node's Quote (docs/API.md): the other amount, the rate and the
// offers a transfer signed now would cross. Nothing is signed or sent.
#include <memory>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

struct QuoteArgs {
  std::string amount;
  std::string asset;
  std::string to_asset;
  std::string from_asset;
  ConnectionFlags connection;
};

void Report(const Genesis& genesis, const v1::QuoteResponse& quote, const v1::QuoteRequest& asked,
            Output& output) {
  const std::string& send = asked.send_asset();
  const std::string& deliver = asked.deliver_asset();
  nlohmann::json json = {
      {"send_asset", send},
      {"send_amount", DecimalAmount(genesis, send, quote.send_amount_minor())},
      {"deliver_asset", deliver},
      {"deliver_amount", DecimalAmount(genesis, deliver, quote.deliver_amount_minor())},
      {"rate", RateDecimal(genesis, send, quote.send_amount_minor(), deliver,
                           quote.deliver_amount_minor())},
      {"mode", asked.send_amount_minor() != 0 ? "strict_send" : "strict_receive"},
      {"path", std::vector<std::string>(quote.path().begin(), quote.path().end())},
      {"fills", FillsJson(genesis, quote.fills())},
      {"height", quote.height()},
      {"block_time_unix_ms", quote.block_time_unix_ms()}};
  std::string path;
  for (const std::string& asset : quote.path()) path += StrCat(path.empty() ? "" : " -> ", asset);
  output.Emit(json,
              StrCat(AmountText(genesis, send, quote.send_amount_minor()), " -> ",
                     AmountText(genesis, deliver, quote.deliver_amount_minor()), " at ",
                     RateText(genesis, send, quote.send_amount_minor(), deliver,
                              quote.deliver_amount_minor()),
                     " via ", path, ", ", quote.fills_size(), " offer",
                     quote.fills_size() == 1 ? "" : "s", " crossed, at height ", quote.height()));
}

absl::Status RunQuote(QuoteArgs& args, Output& output) {
  ASSIGN_OR_RETURN(args.asset, ParseAssetArg(args.asset));
  RETURN_IF_ERROR(CheckAmountArg(args.amount));
  if (args.to_asset.empty() == args.from_asset.empty()) {
    return BadInputError(
        "name exactly one of --to-asset (what AMOUNT ASSET delivers) and --from-asset (what "
        "delivering AMOUNT ASSET costs)");
  }
  const bool strict_send = !args.to_asset.empty();
  ASSIGN_OR_RETURN(const std::string other,
                   ParseAssetArg(strict_send ? args.to_asset : args.from_asset));
  if (other == args.asset) return BadInputError("both assets are the same; no quote is needed");
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const uint64_t amount_minor,
                   ResolveAmount(run.genesis, args.asset, args.amount));
  if (run.genesis.FindAsset(other) == nullptr) {
    return BadInputError(StrCat("unknown asset '", other, "'; chain '", run.genesis.chain_id,
                                "' has ", AssetCodeList(run.genesis)));
  }
  v1::QuoteRequest request;
  request.set_send_asset(strict_send ? args.asset : other);
  request.set_deliver_asset(strict_send ? other : args.asset);
  if (strict_send) {
    request.set_send_amount_minor(amount_minor);
  } else {
    request.set_deliver_amount_minor(amount_minor);
  }
  absl::StatusOr<v1::QuoteResponse> quote = run.client->Quote(request);
  if (!quote.ok()) return NodeError(quote.status(), "asking for a quote");
  Report(run.genesis, *quote, request, output);
  return absl::OkStatus();
}

}  // namespace

void AddQuoteCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<QuoteArgs>();
  CLI::App* command =
      app.add_subcommand("quote", "what AMOUNT ASSET buys in another asset now, or what it costs");
  command->add_option("AMOUNT", args->amount, "a positive decimal amount, e.g. 10")->required();
  command->add_option("ASSET", args->asset, "its asset code, e.g. USD")->required();
  command->add_option("--to-asset", args->to_asset,
                      "quote a strict send: what AMOUNT ASSET delivers in this asset");
  command->add_option("--from-asset", args->from_asset,
                      "quote a strict receive: what delivering AMOUNT ASSET costs in this asset");
  AddConnectionFlags(command, &args->connection);
  AddJsonFlag(command, context);
  command->callback([&context, args] {
    context.action = [&context, args] { return RunQuote(*args, *context.output); };
  });
}

}  // namespace remit::cli
