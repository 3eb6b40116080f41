#include "tests/bot/fake_ledger.h"

#include <chrono>

#include "ledger/transfer.h"

namespace remit::bot::testing {

FakeLedger::FakeLedger(const AccountId& issuer) {
  genesis_.chain_id = "remit-test";
  for (const char* code : {"USD", "EUR", "PHP"}) {
    genesis_.assets.push_back(
        AssetInfo{.code = code, .decimals = 2, .issuer = issuer, .transfer_max_minor = 1'000'000});
  }
  genesis_.validators.push_back(ValidatorInfo{.public_key = issuer, .endpoint = "fake"});
  genesis_hash_ = GenesisHash(genesis_);
}

absl::StatusOr<sdk::SettleResult> FakeLedger::Settle(const v1::SignedTransfer& signed_transfer) {
  std::unique_lock<std::mutex> lock(mutex_);
  ++settle_calls_;
  const std::string from = signed_transfer.transfer().from();
  if (held_.has_value() && from == AsBytes(*held_)) {
    ++held_settles_;
    released_.notify_all();
    released_.wait(lock, [this] { return !held_.has_value(); });
  }
  if (drop_next_ > 0) {
    --drop_next_;
    return absl::UnavailableError("fake: dropped");
  }
  absl::StatusOr<TransferId> id = CheckTransfer(signed_transfer, genesis_.chain_id, genesis_hash_);
  if (!id.ok()) return id.status();
  const std::string key = ToString(*id);
  if (auto it = by_id_.find(key); it != by_id_.end()) {
    return sdk::SettleResult{
        .receipt = it->second.receipt(), .duplicate = true, .attempts = 1, .endpoint = "fake"};
  }
  absl::StatusOr<sdk::SettleResult> result = Apply(signed_transfer, key);
  if (result.ok() && lose_answer_next_ > 0) {
    --lose_answer_next_;
    return absl::UnavailableError("fake: answer lost");
  }
  return result;
}

absl::StatusOr<sdk::SettleResult> FakeLedger::Apply(const v1::SignedTransfer& signed_transfer,
                                                    const std::string& key) {
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
  receipt.set_height(applied_.size() + 1);
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
  applied_.push_back(record);
  return sdk::SettleResult{
      .receipt = receipt, .duplicate = false, .attempts = 1, .endpoint = "fake"};
}

absl::StatusOr<v1::Account> FakeLedger::GetAccount(const AccountId& account) {
  std::lock_guard<std::mutex> lock(mutex_);
  v1::Account result;
  result.set_account(ToString(account));
  const uint64_t next = next_sequence_[account];
  result.set_next_sequence(next > get_account_lag_ ? next - get_account_lag_ : 0);
  for (const auto& [key, amount] : balances_) {
    if (key.first != account) continue;
    v1::AssetBalance* balance = result.add_balances();
    balance->set_asset(key.second);
    balance->set_balance_minor(amount);
    balance->set_decimals(2);
  }
  return result;
}

absl::StatusOr<uint64_t> FakeLedger::NextSequence(const AccountId& account) {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_sequence_[account];
}

absl::StatusOr<v1::ListTransfersResponse> FakeLedger::ListTransfers(const AccountId& account,
                                                                    uint32_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  v1::ListTransfersResponse response;
  for (auto it = applied_.rbegin();
       it != applied_.rend() && response.records_size() < static_cast<int>(limit); ++it) {
    const v1::Transfer& t = it->signed_transfer().transfer();
    if (t.from() == AsBytes(account) || t.to() == AsBytes(account)) *response.add_records() = *it;
  }
  return response;
}

int64_t FakeLedger::Balance(const AccountId& account, const std::string& asset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = balances_.find({account, asset});
  return it == balances_.end() ? 0 : it->second;
}

int FakeLedger::settle_calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return settle_calls_;
}

void FakeLedger::DropNext(int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  drop_next_ = count;
}

void FakeLedger::LoseAnswerNext(int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  lose_answer_next_ = count;
}

void FakeLedger::SetGetAccountLag(uint64_t lag) {
  std::lock_guard<std::mutex> lock(mutex_);
  get_account_lag_ = lag;
}

void FakeLedger::Hold(const AccountId& account) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_ = account;
}

void FakeLedger::Release() {
  std::lock_guard<std::mutex> lock(mutex_);
  held_.reset();
  released_.notify_all();
}

int FakeLedger::held_settles() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return held_settles_;
}

bool FakeLedger::WaitUntilHeld(int count, uint64_t timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  return released_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [this, count] { return held_settles_ >= count; });
}

std::vector<v1::TransferRecord> FakeLedger::Applied() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return applied_;
}

v1::TransferRecord FakeLedger::LastApplied() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return applied_.back();
}

}  // namespace remit::bot::testing
