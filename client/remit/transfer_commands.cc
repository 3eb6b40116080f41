// remit send --key FILE --to ADDRESS AMOUNT ASSET [--memo TEXT];
// remit send ... cross-currency or --claimable (client/remit/send_args.h);
// remit faucet ADDRESS AMOUNT ASSET --testnet DIR.
//
// Both check everything the user typed before signing; a transfer is sent
// only once the key, recipient, asset, amount and memo are all valid.
#include <chrono>
#include <memory>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/connection.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "client/remit/send_args.h"
#include "client/sdk/transfer_builder.h"
#include "client/testnet/manifest.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

std::string NotSettledHint(v1::Outcome outcome) {
  switch (outcome) {
    case v1::INSUFFICIENT_FUNDS:
      return "the sender's balance is below the amount; check it with 'remit balance'";
    case v1::EXPIRED:
      return "the transfer expired before it was ordered; send it again";
    case v1::BAD_SEQUENCE:
      return "another transfer from this key used the same sequence; send it again";
    case v1::LIMIT_EXCEEDED:
      return "the amount is above the asset's per-transfer limit; split it";
    default:
      return "no money moved";
  }
}

void Report(const Genesis& genesis, const v1::SignedTransfer& signed_transfer,
            const sdk::SettleResult& result, double latency_ms, Output& output) {
  const v1::Transfer& transfer = signed_transfer.transfer();
  const v1::Receipt& receipt = result.receipt;
  nlohmann::json json = ReceiptToJson(receipt);
  json["latency_ms"] = latency_ms;
  json["settle_latency_us"] = receipt.settle_latency_us();
  json["duplicate"] = result.duplicate;
  json["endpoint"] = result.endpoint;
  json["asset"] = transfer.asset();
  json["amount"] = DecimalAmount(genesis, transfer.asset(), transfer.amount_minor());
  json["amount_minor"] = transfer.amount_minor();
  json["to"] = EncodeAddress(*ToArray<kPublicKeyBytes>(transfer.to(), "to"));
  json["sequence"] = transfer.sequence();
  output.Emit(json,
              StrCat(OutcomeName(receipt.outcome()), " ",
                     AmountText(genesis, transfer.asset(), transfer.amount_minor()), " to ",
                     json["to"].get<std::string>(), " at height ", receipt.height(), " in ",
                     fmt::format("{:.1f}", latency_ms), " ms, id ", ToHex(receipt.transfer_id()),
                     result.duplicate ? " (already final before this call)" : ""));
}

// Fetches genesis and the sender's sequence, signs, settles, reports.
absl::Status SignAndSettle(const SigningKey& key, const AccountId& to, const TransferArgs& args,
                           Output& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<Genesis> genesis = client->GetGenesis();
  if (!genesis.ok()) return NodeError(genesis.status(), "fetching the chain's genesis");
  ASSIGN_OR_RETURN(const uint64_t amount_minor, ResolveAmount(*genesis, args.asset, args.amount));
  // Asked of every node: one that restarted and is still catching up would
  // name a sequence already used.
  absl::StatusOr<uint64_t> sequence = client->NextSequence(key.public_key());
  if (!sequence.ok()) return NodeError(sequence.status(), "fetching the sender's next sequence");
  const sdk::TransferRequest request{.to = to,
                                     .asset = args.asset,
                                     .amount_minor = amount_minor,
                                     .memo = args.memo,
                                     .sequence = *sequence,
                                     .ttl_ms = args.ttl_ms};
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      sdk::BuildTransfer(key, *genesis, GenesisHash(*genesis), request, NowUnixMs());
  if (!signed_transfer.ok()) return BadInput(signed_transfer.status());
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<sdk::SettleResult> result = client->Settle(*signed_transfer);
  if (!result.ok()) return NodeError(result.status(), "settling the transfer");
  const double latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Report(*genesis, *signed_transfer, *result, latency_ms, output);
  const v1::Outcome outcome = result->receipt.outcome();
  if (outcome == v1::SETTLED) return absl::OkStatus();
  return WithExitCode(absl::FailedPreconditionError(
                          StrCat("transfer is final but was not settled: ", OutcomeName(outcome),
                                 "; ", NotSettledHint(outcome))),
                      kExitNotSettled);
}

// The checks that need no node, in the order a user reads the command.
absl::Status CheckLocalArgs(TransferArgs& args) {
  ASSIGN_OR_RETURN(args.asset, ParseAssetArg(args.asset));
  RETURN_IF_ERROR(CheckAmountArg(args.amount));
  RETURN_IF_ERROR(CheckMemoArg(args.memo));
  if (args.ttl_ms == 0 || args.ttl_ms > sdk::kTransferTtlMsMax) {
    return BadInputError(
        StrCat("--ttl-ms ", args.ttl_ms, " is outside 1..", sdk::kTransferTtlMsMax));
  }
  return absl::OkStatus();
}

// Which form of send the flags ask for, and that they do not mix forms.
enum class SendForm { kPlain, kStrictSend, kStrictReceive, kClaimable };

absl::StatusOr<SendForm> FormOf(const TransferArgs& args) {
  const bool receive = !args.deliver.empty() || !args.send_max.empty();
  const bool positional = !args.amount.empty() || !args.asset.empty();
  if (args.claimable) {
    if (receive || !args.deliver_min.empty() || !args.to.empty()) {
      return BadInputError(
          "--claimable takes AMOUNT ASSET and no --to, --deliver or --deliver-min");
    }
    if (args.amount.empty() || args.asset.empty()) {
      return BadInputError("--claimable needs AMOUNT ASSET, e.g. 5 USD");
    }
    return SendForm::kClaimable;
  }
  if (!args.expires.empty()) return BadInputError("--expires goes with --claimable");
  if (args.to.empty()) return BadInputError("--to ADDRESS is required (or --claimable)");
  if (receive) {
    if (args.deliver.empty() || args.send_max.empty() || positional || !args.deliver_min.empty()) {
      return BadInputError(
          "a strict receive is --deliver AMOUNT ASSET --send-max AMOUNT ASSET, with no AMOUNT "
          "ASSET of its own");
    }
    return SendForm::kStrictReceive;
  }
  if (args.amount.empty() || args.asset.empty()) {
    return BadInputError("AMOUNT ASSET is required, e.g. 5 USD");
  }
  return args.deliver_min.empty() ? SendForm::kPlain : SendForm::kStrictSend;
}

absl::Status RunSend(TransferArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const SendForm form, FormOf(args));
  AccountId to{};
  if (form != SendForm::kClaimable) {
    ASSIGN_OR_RETURN(to, ParseAddressArg("recipient address", args.to));
  }
  if (form == SendForm::kStrictReceive) {
    args.amount = "1";  // no amount of its own: the pairs are checked against genesis
    args.asset = "X";
  }
  RETURN_IF_ERROR(CheckLocalArgs(args));
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  // A cross-currency transfer to oneself is a conversion.
  if (form == SendForm::kPlain && key.public_key() == to) {
    return BadInputError("--to is the address of --key itself; send to another account");
  }
  RETURN_IF_ERROR(ResolveEndpoints(args.connection).status());
  switch (form) {
    case SendForm::kStrictSend:
      return RunStrictSend(args, key, to, output);
    case SendForm::kStrictReceive:
      return RunStrictReceive(args, key, to, output);
    case SendForm::kClaimable:
      return RunClaimableSend(args, key, output);
    case SendForm::kPlain:
      break;
  }
  return SignAndSettle(key, to, args, output);
}

absl::Status RunFaucet(TransferArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const AccountId to, ParseAddressArg("recipient address", args.to));
  RETURN_IF_ERROR(CheckLocalArgs(args));
  absl::StatusOr<testnet::TestnetManifest> manifest =
      testnet::ReadManifest(args.connection.testnet_dir);
  if (!manifest.ok()) return BadInput(manifest.status());
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(testnet::FaucetKeyPath(manifest->dir)));
  if (key.public_key() == to) return BadInputError("the faucet cannot pay itself");
  return SignAndSettle(key, to, args, output);
}

void AddTransferOptions(CLI::App* command, TransferArgs& args, bool required = true) {
  command->add_option("AMOUNT", args.amount, "a positive decimal amount, e.g. 0.50")
      ->required(required);
  command->add_option("ASSET", args.asset, "an asset code of the chain, e.g. USD")
      ->required(required);
  command->add_option("--memo", args.memo, "a note for the recipient (at most 140 bytes)");
  command->add_option("--ttl-ms", args.ttl_ms, "how long the signed transfer stays valid")
      ->capture_default_str();
}

}  // namespace

void AddTransferCommands(CLI::App& app, CliContext& context) {
  auto send = std::make_shared<TransferArgs>();
  CLI::App* send_command = app.add_subcommand(
      "send", "pay AMOUNT ASSET to an address (or across currencies, or claimable) and wait");
  send_command->add_option("--key", send->key_path, "the sender's key file")->required();
  send_command->add_option("--to", send->to, "the recipient's address (rmt1...)");
  AddTransferOptions(send_command, *send, /*required=*/false);
  send_command
      ->add_option("--deliver", send->deliver,
                   "strict receive: deliver exactly AMOUNT ASSET (with --send-max)")
      ->expected(2);
  send_command
      ->add_option("--send-max", send->send_max, "strict receive: pay at most AMOUNT ASSET for it")
      ->expected(2);
  send_command
      ->add_option("--deliver-min", send->deliver_min,
                   "strict send: AMOUNT ASSET is paid, at least this AMOUNT ASSET is delivered")
      ->expected(2);
  send_command->add_flag("--claimable", send->claimable,
                         "hold AMOUNT ASSET for whoever gets the printed claim code");
  send_command->add_option("--expires", send->expires,
                           "--claimable: how long it can be claimed, e.g. 30s, 10m, 7d (default "
                           "14d)");
  AddConnectionFlags(send_command, &send->connection);
  AddJsonFlag(send_command, context);
  send_command->callback([&context, send] {
    context.action = [&context, send] { return RunSend(*send, *context.output); };
  });

  auto faucet = std::make_shared<TransferArgs>();
  CLI::App* faucet_command =
      app.add_subcommand("faucet", "issue testnet money to ADDRESS from the testnet's faucet");
  faucet_command->add_option("ADDRESS", faucet->to, "the recipient's address (rmt1...)")
      ->required();
  AddTransferOptions(faucet_command, *faucet);
  faucet_command
      ->add_option("--testnet", faucet->connection.testnet_dir,
                   "the testnet directory that holds faucet.key")
      ->required();
  faucet_command->add_option("--timeout-ms", faucet->connection.timeout_ms,
                             "deadline of each call to a node");
  AddJsonFlag(faucet_command, context);
  faucet_command->callback([&context, faucet] {
    context.action = [&context, faucet] { return RunFaucet(*faucet, *context.output); };
  });
}

}  // namespace remit::cli
