#include "tests/bot/fake_ledger.h"

#include "ledger/transfer.h"

namespace remit::bot::testing {

FakeLedger::FakeLedger(const AccountId& issuer) {
  genesis_.chain_id = "remit-test";
  for (const char* code : {"USD", "EUR", "PHP"}) {
    genesis_.assets.push_back(
        AssetInfo{.code = code, .decimals = 2, .issuer = issuer, .transfer_max_minor = 1'000'000});
  }
  genesis_.validators.push_back(ValidatorInfo{.public_key = issuer, .endpoint = "fake"});
}

absl::StatusOr<sdk::SettleResult> FakeLedger::Settle(const v1::SignedTransfer& signed_transfer) {
  ++settle_calls;
  if (drop_next > 0) {
    --drop_next;
    return absl::UnavailableError("fake: dropped");
  }
  absl::StatusOr<TransferId> id = CheckTransfer(signed_transfer, genesis_.chain_id);
  if (!id.ok()) return id.status();
  const std::string key = ToString(*id);
  if (auto it = by_id_.find(key); it != by_id_.end()) {
    return sdk::SettleResult{
        .receipt = it->second.receipt(), .duplicate = true, .attempts = 1, .endpoint = "fake"};
  }
  const v1::Transfer& t = signed_transfer.transfer();
  const AccountId from = *ToArray<kPublicKeyBytes>(t.from(), "from");
  const AccountId to = *ToArray<kPublicKeyBytes>(t.to(), "to");
  if (t.sequence() != next_sequence_[from]) {
    return absl::FailedPreconditionError("fake: bad sequence");
  }
  next_sequence_[from] += 1;
  const AssetInfo* asset = genesis_.FindAsset(t.asset());
  const auto amount = static_cast<int64_t>(t.amount_minor());
  v1::TransferRecord record;
  *record.mutable_signed_transfer() = signed_transfer;
  v1::Receipt& receipt = *record.mutable_receipt();
  receipt.set_transfer_id(key);
  receipt.set_height(applied.size() + 1);
  if (asset == nullptr) {
    receipt.set_outcome(v1::UNKNOWN_ASSET);
  } else if (asset->issuer != from && balances_[{from, t.asset()}] < amount) {
    receipt.set_outcome(v1::INSUFFICIENT_FUNDS);
  } else {
    balances_[{from, t.asset()}] -= amount;
    balances_[{to, t.asset()}] += amount;
    receipt.set_outcome(v1::SETTLED);
  }
  by_id_[key] = record;
  applied.push_back(record);
  if (lose_answer_next > 0) {
    --lose_answer_next;
    return absl::UnavailableError("fake: answer lost");
  }
  return sdk::SettleResult{
      .receipt = receipt, .duplicate = false, .attempts = 1, .endpoint = "fake"};
}

absl::StatusOr<v1::Account> FakeLedger::GetAccount(const AccountId& account) {
  v1::Account result;
  result.set_account(ToString(account));
  result.set_next_sequence(next_sequence_[account]);
  for (const auto& [key, amount] : balances_) {
    if (key.first != account) continue;
    v1::AssetBalance* balance = result.add_balances();
    balance->set_asset(key.second);
    balance->set_balance_minor(amount);
    balance->set_decimals(2);
  }
  return result;
}

absl::StatusOr<v1::ListTransfersResponse> FakeLedger::ListTransfers(const AccountId& account,
                                                                    uint32_t limit) {
  v1::ListTransfersResponse response;
  for (auto it = applied.rbegin();
       it != applied.rend() && response.records_size() < static_cast<int>(limit); ++it) {
    const v1::Transfer& t = it->signed_transfer().transfer();
    if (t.from() == AsBytes(account) || t.to() == AsBytes(account)) *response.add_records() = *it;
  }
  return response;
}

int64_t FakeLedger::Balance(const AccountId& account, const std::string& asset) const {
  auto it = balances_.find({account, asset});
  return it == balances_.end() ? 0 : it->second;
}

}  // namespace remit::bot::testing
