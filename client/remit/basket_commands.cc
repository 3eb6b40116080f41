// remit basket mint --key K AMOUNT   (deposit AMOUNT x weight of every component)
// remit basket redeem --key K AMOUNT (return AMOUNT basket units for the components)
//
// The genesis basket (docs/FX.md, "The basket"); AMOUNT is in basket units.
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

struct BasketArgs {
  std::string key_path;
  std::string amount;
  std::string memo;
  ConnectionFlags connection;
};

// "1.00 USD + 0.90 EUR": the components of `amount_minor` basket units, or
// "" if a product does not fit 64 bits.
std::string ComponentsText(const Genesis& genesis, uint64_t amount_minor) {
  std::string text;
  for (const BasketComponent& component : genesis.basket->components) {
    uint64_t total = 0;
    if (__builtin_mul_overflow(amount_minor, component.weight_minor, &total)) return "";
    text += StrCat(text.empty() ? "" : " + ", AmountText(genesis, component.asset, total));
  }
  return text;
}

absl::Status RunBasket(BasketArgs& args, bool mint, Output& output) {
  RETURN_IF_ERROR(CheckAmountArg(args.amount));
  RETURN_IF_ERROR(CheckMemoArg(args.memo));
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  if (!run.genesis.basket.has_value()) {
    return BadInputError(StrCat("chain '", run.genesis.chain_id, "' defines no basket"));
  }
  const std::string basket = run.genesis.basket->asset.code;
  ASSIGN_OR_RETURN(const uint64_t amount_minor, ResolveAmount(run.genesis, basket, args.amount));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, args.memo, [&](const auto& context) {
                     if (mint) {
                       v1::BasketMint body;
                       body.set_basket_asset(basket);
                       body.set_amount_minor(amount_minor);
                       return sdk::BuildBasketMint(context, body);
                     }
                     v1::BasketRedeem body;
                     body.set_basket_asset(basket);
                     body.set_amount_minor(amount_minor);
                     return sdk::BuildBasketRedeem(context, body);
                   }));
  nlohmann::json json = OperationJson(run.genesis, settled);
  json["basket_asset"] = basket;
  json["amount"] = DecimalAmount(run.genesis, basket, amount_minor);
  const std::string components = ComponentsText(run.genesis, amount_minor);
  output.Emit(json, StrCat(OutcomeName(settled.result.receipt.outcome()), " ",
                           mint ? "mint of " : "redeem of ",
                           AmountText(run.genesis, basket, amount_minor), mint ? " for " : " into ",
                           components, " at height ", settled.result.receipt.height(), ", id ",
                           ToHex(settled.result.receipt.transfer_id())));
  return SettledOrNotSettled(settled);
}

void AddBasketCommand(CLI::App* basket, CliContext& context, const std::string& name,
                      const std::string& help, bool mint) {
  auto args = std::make_shared<BasketArgs>();
  CLI::App* command = basket->add_subcommand(name, help);
  command->add_option("--key", args->key_path, "the signer's key file")->required();
  command->add_option("AMOUNT", args->amount, "basket units, e.g. 10")->required();
  command->add_option("--memo", args->memo, "a note (at most 140 bytes)");
  AddConnectionFlags(command, &args->connection);
  AddJsonFlag(command, context);
  command->callback([&context, args, mint] {
    context.action = [&context, args, mint] { return RunBasket(*args, mint, *context.output); };
  });
}

}  // namespace

void AddBasketCommands(CLI::App& app, CliContext& context) {
  CLI::App* basket = app.add_subcommand("basket", "mint or redeem units of the chain's basket");
  basket->require_subcommand(1);
  AddBasketCommand(basket, context, "mint", "deposit the components, receive basket units", true);
  AddBasketCommand(basket, context, "redeem", "return basket units, receive the components", false);
}

}  // namespace remit::cli
