#include "client/remit/operation_run.h"

#include <fmt/format.h>

#include <optional>

#include "client/remit/cli_error.h"
#include "client/remit/record_format.h"
#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr uint32_t kRateDecimals = 4;

std::string AddressOrHex(const std::string& bytes) {
  absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  return account.ok() ? EncodeAddress(*account) : ToHex(bytes);
}

std::string NotSettledHint(v1::Outcome outcome) {
  switch (outcome) {
    case v1::INSUFFICIENT_FUNDS:
      return "the signer's balance is below what it must pay or hold; check 'remit balance'";
    case v1::EXPIRED:
      return "it expired before it was ordered; send it again";
    case v1::BAD_SEQUENCE:
      return "another transfer from this key used the same sequence; send it again";
    case v1::LIMIT_EXCEEDED:
      return "the amount is above the asset's per-transfer limit; split it";
    case v1::UNDER_DELIVER_MIN:
      return "the offers now deliver less than --deliver-min; run 'remit quote' again";
    case v1::OVER_SEND_MAX:
      return "the offers now cost more than --send-max; run 'remit quote' again";
    case v1::NO_LIQUIDITY:
      return "no offers could fill it; try a smaller amount, or later";
    case v1::UNKNOWN_OFFER:
      return "no live offer has that id (filled, cancelled or never made)";
    case v1::NOT_OWNER:
      return "it belongs to another account";
    case v1::CLAIM_EXPIRED:
      return "the claim's expiry has passed; only its sender can reclaim it now";
    case v1::CLAIM_NOT_EXPIRED:
      return "the claim has not expired yet; check 'remit claim status'";
    case v1::BAD_CLAIM_SECRET:
      return "the claim code does not open this claim";
    case v1::ALREADY_CLAIMED:
      return "the claim was already claimed or reclaimed";
    case v1::UNKNOWN_CLAIM:
      return "no claim has that id";
    default:
      return "nothing moved";
  }
}

// 10^exponent, if it fits.
std::optional<Uint128> Pow10(uint32_t exponent) {
  Uint128 value = 1;
  for (uint32_t i = 0; i < exponent; ++i) {
    if (value > (~Uint128{0}) / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

// The rate scaled by 10^kRateDecimals, rounded down.
std::optional<Uint128> ScaledRate(const Genesis& genesis, const std::string& send_asset,
                                  uint64_t send_minor, const std::string& deliver_asset,
                                  uint64_t deliver_minor) {
  const AssetInfo* send = genesis.FindAsset(send_asset);
  const AssetInfo* deliver = genesis.FindAsset(deliver_asset);
  if (send == nullptr || deliver == nullptr || send_minor == 0 || deliver_minor == 0) {
    return std::nullopt;
  }
  const std::optional<Uint128> up = Pow10(send->decimals + kRateDecimals);
  const std::optional<Uint128> down = Pow10(deliver->decimals);
  if (!up || !down) return std::nullopt;
  Uint128 numerator = 0;
  Uint128 denominator = 0;
  if (__builtin_mul_overflow(Uint128{deliver_minor}, *up, &numerator) ||
      __builtin_mul_overflow(Uint128{send_minor}, *down, &denominator)) {
    return std::nullopt;
  }
  const Uint128 scaled = numerator / denominator;
  if (scaled > static_cast<Uint128>(INT64_MAX)) return std::nullopt;
  return scaled;
}

}  // namespace

uint64_t NowUnixMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

absl::StatusOr<OperationRun> StartOperation(const ConnectionFlags& flags) {
  OperationRun run;
  ASSIGN_OR_RETURN(run.client, Connect(flags));
  absl::StatusOr<Genesis> genesis = run.client->GetGenesis();
  if (!genesis.ok()) return NodeError(genesis.status(), "fetching the chain's genesis");
  run.genesis = *std::move(genesis);
  run.genesis_hash = GenesisHash(run.genesis);
  return run;
}

absl::StatusOr<SettledOperation> SignAndSettleOperation(OperationRun& run, const SigningKey& key,
                                                        const std::string& memo,
                                                        const OperationBuild& build) {
  absl::StatusOr<uint64_t> sequence = run.client->NextSequence(key.public_key());
  if (!sequence.ok()) return NodeError(sequence.status(), "fetching the signer's next sequence");
  sdk::OperationContext context;
  context.key = &key;
  context.genesis = &run.genesis;
  context.genesis_hash = run.genesis_hash;
  context.sequence = *sequence;
  context.now_unix_ms = NowUnixMs();
  context.memo = memo;
  absl::StatusOr<v1::SignedTransfer> built = build(context);
  if (!built.ok()) return BadInput(built.status());
  SettledOperation settled;
  settled.signed_transfer = *std::move(built);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<sdk::SettleResult> result = run.client->Settle(settled.signed_transfer);
  if (!result.ok()) return NodeError(result.status(), "settling the operation");
  settled.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  settled.result = *std::move(result);
  return settled;
}

nlohmann::json OperationJson(const Genesis& genesis, const SettledOperation& settled) {
  const v1::Receipt& receipt = settled.result.receipt;
  nlohmann::json json = ReceiptToJson(receipt);
  json["kind"] = std::string(KindName(KindOf(settled.signed_transfer)));
  json["latency_ms"] = settled.latency_ms;
  json["duplicate"] = settled.result.duplicate;
  json["endpoint"] = settled.result.endpoint;
  json["sequence"] = HeaderOf(settled.signed_transfer).sequence;
  if (!receipt.sent_asset().empty()) {
    json["sent_asset"] = receipt.sent_asset();
    json["sent"] = DecimalAmount(genesis, receipt.sent_asset(), receipt.sent_minor());
  }
  if (!receipt.delivered_asset().empty()) {
    json["delivered_asset"] = receipt.delivered_asset();
    json["delivered"] =
        DecimalAmount(genesis, receipt.delivered_asset(), receipt.delivered_minor());
  }
  if (!receipt.sent_asset().empty() && !receipt.delivered_asset().empty() &&
      receipt.sent_asset() != receipt.delivered_asset()) {
    json["rate"] = RateDecimal(genesis, receipt.sent_asset(), receipt.sent_minor(),
                               receipt.delivered_asset(), receipt.delivered_minor());
  }
  json["fills"] = FillsJson(genesis, receipt.fills());
  if (!receipt.claim_id().empty()) json["claim_id"] = ToHex(receipt.claim_id());
  if (!receipt.counterparty().empty()) json["counterparty"] = AddressOrHex(receipt.counterparty());
  return json;
}

absl::Status SettledOrNotSettled(const SettledOperation& settled) {
  const v1::Outcome outcome = settled.result.receipt.outcome();
  if (outcome == v1::SETTLED) return absl::OkStatus();
  return WithExitCode(
      absl::FailedPreconditionError(StrCat(KindName(KindOf(settled.signed_transfer)),
                                           " is final but was not settled: ", OutcomeName(outcome),
                                           "; ", NotSettledHint(outcome))),
      kExitNotSettled);
}

std::string RateDecimal(const Genesis& genesis, const std::string& send_asset, uint64_t send_minor,
                        const std::string& deliver_asset, uint64_t deliver_minor) {
  const std::optional<Uint128> scaled =
      ScaledRate(genesis, send_asset, send_minor, deliver_asset, deliver_minor);
  if (!scaled) return "-";
  return FormatAmount(static_cast<int64_t>(*scaled), kRateDecimals);
}

std::string RateText(const Genesis& genesis, const std::string& send_asset, uint64_t send_minor,
                     const std::string& deliver_asset, uint64_t deliver_minor) {
  return StrCat(RateDecimal(genesis, send_asset, send_minor, deliver_asset, deliver_minor), " ",
                deliver_asset, " per ", send_asset);
}

nlohmann::json FillsJson(const Genesis& genesis,
                         const google::protobuf::RepeatedPtrField<v1::Fill>& fills) {
  nlohmann::json out = nlohmann::json::array();
  for (const v1::Fill& fill : fills) {
    out.push_back({{"offer_id", ToHex(fill.offer_id())},
                   {"owner", AddressOrHex(fill.owner())},
                   {"sold_asset", fill.sold_asset()},
                   {"sold", DecimalAmount(genesis, fill.sold_asset(), fill.sold_minor())},
                   {"bought_asset", fill.bought_asset()},
                   {"bought", DecimalAmount(genesis, fill.bought_asset(), fill.bought_minor())}});
  }
  return out;
}

}  // namespace remit::cli
