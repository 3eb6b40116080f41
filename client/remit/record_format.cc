#include "client/remit/record_format.h"

#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::cli {
namespace {

// An address if the bytes are a public key, else hex (a malformed record).
std::string AddressText(const std::string& bytes) {
  absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  return account.ok() ? EncodeAddress(*account) : ToHex(bytes);
}

}  // namespace

std::string DecimalAmount(const Genesis& genesis, const std::string& asset, uint64_t amount_minor) {
  const AssetInfo* info = genesis.FindAsset(asset);
  if (info == nullptr || amount_minor > static_cast<uint64_t>(INT64_MAX)) {
    return std::to_string(amount_minor);
  }
  return FormatAmount(static_cast<int64_t>(amount_minor), info->decimals);
}

std::string AmountText(const Genesis& genesis, const std::string& asset, uint64_t amount_minor) {
  const AssetInfo* info = genesis.FindAsset(asset);
  if (info == nullptr || amount_minor > static_cast<uint64_t>(INT64_MAX)) {
    return StrCat(amount_minor, " minor units of ", asset);
  }
  return StrCat(FormatAmount(static_cast<int64_t>(amount_minor), info->decimals), " ", asset);
}

std::string OutcomeName(v1::Outcome outcome) {
  const std::string& name = v1::Outcome_Name(outcome);
  return name.empty() ? StrCat("OUTCOME_", static_cast<int>(outcome)) : name;
}

nlohmann::json ReceiptToJson(const v1::Receipt& receipt) {
  return {{"transfer_id", ToHex(receipt.transfer_id())},
          {"outcome", OutcomeName(receipt.outcome())},
          {"height", receipt.height()},
          {"position", receipt.position()},
          {"block_hash", ToHex(receipt.block_hash())},
          {"block_time_unix_ms", receipt.block_time_unix_ms()}};
}

nlohmann::json RecordToJson(const Genesis& genesis, const v1::TransferRecord& record) {
  const v1::Transfer& transfer = record.signed_transfer().transfer();
  nlohmann::json json = ReceiptToJson(record.receipt());
  json["from"] = AddressText(transfer.from());
  json["to"] = AddressText(transfer.to());
  json["asset"] = transfer.asset();
  json["amount_minor"] = transfer.amount_minor();
  json["amount"] = DecimalAmount(genesis, transfer.asset(), transfer.amount_minor());
  json["sequence"] = transfer.sequence();
  json["expiry_unix_ms"] = transfer.expiry_unix_ms();
  json["memo"] = transfer.memo();
  return json;
}

std::string RecordToLine(const Genesis& genesis, const v1::TransferRecord& record) {
  const v1::Transfer& transfer = record.signed_transfer().transfer();
  const v1::Receipt& receipt = record.receipt();
  std::string line = StrCat(OutcomeName(receipt.outcome()), " ",
                            AmountText(genesis, transfer.asset(), transfer.amount_minor()), " ",
                            AddressText(transfer.from()), " -> ", AddressText(transfer.to()),
                            " height ", receipt.height(), " id ", ToHex(receipt.transfer_id()));
  if (!transfer.memo().empty())
    line += StrCat(" memo ", nlohmann::json(transfer.memo())
                                 .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return line;
}

}  // namespace remit::cli
