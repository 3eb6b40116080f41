// remit offer create --key K --sell AMOUNT ASSET --buy ASSET --price P [--expires 7d]
// remit offer cancel --key K OFFER_ID
// remit offer list SELL BUY [--limit N] [--page-token T]
//
// Standing offers (docs/FX.md): create holds AMOUNT ASSET until filled or
// cancelled, at P major units of the buy asset per major unit sold.
#include <memory>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

struct OfferArgs {
  std::string key_path;
  std::vector<std::string> sell;  // AMOUNT ASSET
  std::string buy_asset;
  std::string list_sell;  // offer list SELL
  std::string price;
  std::string expires;
  std::string offer_id;
  std::string memo;
  uint32_t limit = 0;
  std::string page_token;
  ConnectionFlags connection;
};

void ReportSettled(const Genesis& genesis, const SettledOperation& settled,
                   const std::string& summary, Output& output) {
  nlohmann::json json = OperationJson(genesis, settled);
  json["offer_id"] = ToHex(settled.result.receipt.transfer_id());
  output.Emit(json, StrCat(OutcomeName(settled.result.receipt.outcome()), " ", summary,
                           " at height ", settled.result.receipt.height(), ", id ",
                           ToHex(settled.result.receipt.transfer_id())));
}

absl::Status RunCreate(OfferArgs& args, Output& output) {
  if (args.sell.size() != 2) return BadInputError("--sell takes AMOUNT ASSET, e.g. --sell 100 EUR");
  ASSIGN_OR_RETURN(const std::string sell_asset, ParseAssetArg(args.sell[1]));
  RETURN_IF_ERROR(CheckAmountArg(args.sell[0]));
  ASSIGN_OR_RETURN(const std::string buy_asset, ParseAssetArg(args.buy_asset));
  if (sell_asset == buy_asset) return BadInputError("--sell and --buy name the same asset");
  RETURN_IF_ERROR(CheckMemoArg(args.memo));
  uint64_t lifetime_ms = 0;
  if (!args.expires.empty()) {
    ASSIGN_OR_RETURN(lifetime_ms, ParseDurationArg("--expires", args.expires));
  }
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const uint64_t amount_minor,
                   ResolveAmount(run.genesis, sell_asset, args.sell[0]));
  ASSIGN_OR_RETURN(const MinorPrice price,
                   ResolvePrice(run.genesis, sell_asset, buy_asset, args.price));
  const uint64_t expiry_unix_ms = lifetime_ms == 0 ? 0 : NowUnixMs() + lifetime_ms;
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, args.memo, [&](const auto& context) {
                     v1::OfferCreate body;
                     body.set_sell_asset(sell_asset);
                     body.set_buy_asset(buy_asset);
                     body.set_amount_minor(amount_minor);
                     body.set_price_n(price.price_n);
                     body.set_price_d(price.price_d);
                     body.set_offer_expiry_unix_ms(expiry_unix_ms);
                     return sdk::BuildOfferCreate(context, body);
                   }));
  ReportSettled(run.genesis, settled,
                StrCat("offer to sell ", AmountText(run.genesis, sell_asset, amount_minor), " for ",
                       buy_asset, " at ", args.price, " ", buy_asset, " per ", sell_asset),
                output);
  return SettledOrNotSettled(settled);
}

absl::Status RunCancel(OfferArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const Hash32 offer_id, ParseIdArg("offer id", args.offer_id));
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, "", [&](const auto& context) {
                     return sdk::BuildOfferCancel(context, offer_id);
                   }));
  nlohmann::json json = OperationJson(run.genesis, settled);
  json["offer_id"] = ToHex(offer_id);
  output.Emit(json, StrCat(OutcomeName(settled.result.receipt.outcome()), " cancel of offer ",
                           ToHex(offer_id), " at height ", settled.result.receipt.height()));
  return SettledOrNotSettled(settled);
}

absl::Status RunList(OfferArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const std::string sell_asset, ParseAssetArg(args.list_sell));
  ASSIGN_OR_RETURN(const std::string buy_asset, ParseAssetArg(args.buy_asset));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  absl::StatusOr<std::string> token = FromHex(args.page_token);
  if (!token.ok()) return BadInputError("--page-token is not hex; copy it from the last page");
  absl::StatusOr<v1::ListOffersResponse> page =
      run.client->ListOffers(sell_asset, buy_asset, args.limit, *token);
  if (!page.ok()) return NodeError(page.status(), "listing offers");
  nlohmann::json offers = nlohmann::json::array();
  std::string lines;
  for (const v1::Offer& offer : page->offers()) {
    const std::string amount = DecimalAmount(run.genesis, sell_asset, offer.amount_minor());
    // The price in major units: what one major unit sold costs in the buy asset.
    const std::string price =
        RateDecimal(run.genesis, sell_asset, offer.price_d(), buy_asset, offer.price_n());
    offers.push_back({{"offer_id", ToHex(offer.offer_id())},
                      {"owner", EncodeAddress(*ToArray<kPublicKeyBytes>(offer.owner(), "owner"))},
                      {"sell_asset", sell_asset},
                      {"amount", amount},
                      {"buy_asset", buy_asset},
                      {"price", price},
                      {"price_n", offer.price_n()},
                      {"price_d", offer.price_d()},
                      {"expiry_unix_ms", offer.expiry_unix_ms()}});
    lines += StrCat(lines.empty() ? "" : "\n", amount, " ", sell_asset, " at ", price, " ",
                    buy_asset, " per ", sell_asset, ", id ", ToHex(offer.offer_id()));
  }
  const std::string next = ToHex(page->next_page_token());
  if (lines.empty()) lines = StrCat("no offers sell ", sell_asset, " for ", buy_asset);
  if (!next.empty()) lines += StrCat("\nmore: --page-token ", next);
  output.Emit({{"offers", offers}, {"next_page_token", next}}, lines);
  return absl::OkStatus();
}

}  // namespace

void AddOfferCommands(CLI::App& app, CliContext& context) {
  CLI::App* offer = app.add_subcommand("offer", "create, cancel or list standing offers");
  offer->require_subcommand(1);
  auto args = std::make_shared<OfferArgs>();

  CLI::App* create = offer->add_subcommand("create", "offer to sell an amount at a price");
  create->add_option("--key", args->key_path, "the owner's key file")->required();
  create->add_option("--sell", args->sell, "AMOUNT ASSET to sell, e.g. --sell 100 EUR")
      ->expected(2)
      ->required();
  create->add_option("--buy", args->buy_asset, "the asset wanted in return")->required();
  create->add_option("--price", args->price, "major units of --buy per major unit sold, e.g. 1.10")
      ->required();
  create->add_option("--expires", args->expires, "lifetime, e.g. 7d (default: none)");
  create->add_option("--memo", args->memo, "a note (at most 140 bytes)");
  AddConnectionFlags(create, &args->connection);
  AddJsonFlag(create, context);
  create->callback([&context, args] {
    context.action = [&context, args] { return RunCreate(*args, *context.output); };
  });

  CLI::App* cancel = offer->add_subcommand("cancel", "cancel one of your offers");
  cancel->add_option("--key", args->key_path, "the owner's key file")->required();
  cancel->add_option("OFFER_ID", args->offer_id, "the offer's id (64 hex digits)")->required();
  AddConnectionFlags(cancel, &args->connection);
  AddJsonFlag(cancel, context);
  cancel->callback([&context, args] {
    context.action = [&context, args] { return RunCancel(*args, *context.output); };
  });

  CLI::App* list = offer->add_subcommand("list", "the offers selling SELL for BUY, best first");
  list->add_option("SELL", args->list_sell, "the asset the offers sell")->required();
  list->add_option("BUY", args->buy_asset, "the asset they want")->required();
  list->add_option("--limit", args->limit, "offers per page (default 20, at most 1000)");
  list->add_option("--page-token", args->page_token, "the next page's token, from the last page");
  AddConnectionFlags(list, &args->connection);
  AddJsonFlag(list, context);
  list->callback([&context, args] {
    context.action = [&context, args] { return RunList(*args, *context.output); };
  });
}

}  // namespace remit::cli
