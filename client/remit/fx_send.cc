// remit send --to ADDR --deliver 500 PHP --send-max 9 USD (strict receive)
// remit send --to ADDR 10 USD --deliver-min 550 PHP       (strict send)
//
// Cross-currency transfers (docs/FX.md): the bound the user typed is signed;
// if the book moves past it before the transfer is ordered, it ends
// UNDER_DELIVER_MIN or OVER_SEND_MAX with nothing moved (exit 3).
#include "client/remit/cli_error.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "client/remit/send_args.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

struct AmountArg {
  std::string asset;
  uint64_t amount_minor = 0;
};

// "--flag AMOUNT ASSET" against genesis.
absl::StatusOr<AmountArg> ResolveAmountPair(const Genesis& genesis, std::string_view flag,
                                            const std::vector<std::string>& pair) {
  if (pair.size() != 2) return BadInputError(StrCat(flag, " takes AMOUNT ASSET, e.g. 500 PHP"));
  AmountArg out;
  ASSIGN_OR_RETURN(out.asset, ParseAssetArg(pair[1]));
  RETURN_IF_ERROR(CheckAmountArg(pair[0]));
  ASSIGN_OR_RETURN(out.amount_minor, ResolveAmount(genesis, out.asset, pair[0]));
  return out;
}

void Report(const Genesis& genesis, const SettledOperation& settled, const AccountId& to,
            Output& output) {
  const v1::Receipt& receipt = settled.result.receipt;
  nlohmann::json json = OperationJson(genesis, settled);
  json["to"] = EncodeAddress(to);
  std::string line = StrCat(OutcomeName(receipt.outcome()));
  if (receipt.outcome() == v1::SETTLED) {
    line += StrCat(
        " sent ", AmountText(genesis, receipt.sent_asset(), receipt.sent_minor()), ", delivered ",
        AmountText(genesis, receipt.delivered_asset(), receipt.delivered_minor()), " to ",
        EncodeAddress(to), " at ",
        RateText(genesis, receipt.sent_asset(), receipt.sent_minor(), receipt.delivered_asset(),
                 receipt.delivered_minor()),
        ", ", receipt.fills_size(), " offer", receipt.fills_size() == 1 ? "" : "s", " crossed");
  }
  line += StrCat(" at height ", receipt.height(), ", id ", ToHex(receipt.transfer_id()),
                 settled.result.duplicate ? " (already final before this call)" : "");
  output.Emit(json, line);
}

absl::Status CheckDistinct(const std::string& send_asset, const std::string& deliver_asset) {
  if (send_asset == deliver_asset) {
    return BadInputError(StrCat("both assets are ", send_asset,
                                "; for a payment in one asset, leave out --deliver-min / "
                                "--deliver"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunStrictSend(const TransferArgs& args, const SigningKey& key, const AccountId& to,
                           Output& output) {
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const uint64_t send_minor, ResolveAmount(run.genesis, args.asset, args.amount));
  ASSIGN_OR_RETURN(const AmountArg minimum,
                   ResolveAmountPair(run.genesis, "--deliver-min", args.deliver_min));
  RETURN_IF_ERROR(CheckDistinct(args.asset, minimum.asset));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, args.memo, [&](auto context) {
                     context.ttl_ms = args.ttl_ms;
                     v1::StrictSend body;
                     body.set_to(ToString(to));
                     body.set_send_asset(args.asset);
                     body.set_send_amount_minor(send_minor);
                     body.set_deliver_asset(minimum.asset);
                     body.set_deliver_min_minor(minimum.amount_minor);
                     return sdk::BuildStrictSend(context, body);
                   }));
  Report(run.genesis, settled, to, output);
  return SettledOrNotSettled(settled);
}

absl::Status RunStrictReceive(const TransferArgs& args, const SigningKey& key, const AccountId& to,
                              Output& output) {
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const AmountArg deliver,
                   ResolveAmountPair(run.genesis, "--deliver", args.deliver));
  ASSIGN_OR_RETURN(const AmountArg maximum,
                   ResolveAmountPair(run.genesis, "--send-max", args.send_max));
  RETURN_IF_ERROR(CheckDistinct(maximum.asset, deliver.asset));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, args.memo, [&](auto context) {
                     context.ttl_ms = args.ttl_ms;
                     v1::StrictReceive body;
                     body.set_to(ToString(to));
                     body.set_send_asset(maximum.asset);
                     body.set_send_max_minor(maximum.amount_minor);
                     body.set_deliver_asset(deliver.asset);
                     body.set_deliver_amount_minor(deliver.amount_minor);
                     return sdk::BuildStrictReceive(context, body);
                   }));
  Report(run.genesis, settled, to, output);
  return SettledOrNotSettled(settled);
}

}  // namespace remit::cli
