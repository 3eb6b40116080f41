#include "tests/bot/fake_ledger.h"

#include <chrono>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/exchange.h"
#include "ledger/executor.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"

namespace remit::bot::testing {
namespace {

Genesis FakeGenesis(const AccountId& issuer) {
  Genesis genesis;
  genesis.chain_id = "remit-test";
  for (const char* code : {"USD", "EUR", "PHP"}) {
    genesis.assets.push_back(
        AssetInfo{.code = code, .decimals = 2, .issuer = issuer, .transfer_max_minor = 1'000'000});
  }
  genesis.validators.push_back(ValidatorInfo{.public_key = issuer, .endpoint = "fake"});
  genesis.hub_asset = "USD";
  return genesis;
}

}  // namespace

FakeLedger::FakeLedger(const AccountId& issuer)
    : genesis_(FakeGenesis(issuer)), genesis_hash_(GenesisHash(genesis_)), state_(genesis_) {}

absl::StatusOr<sdk::SettleResult> FakeLedger::Settle(const v1::SignedTransfer& signed_transfer) {
  std::unique_lock<std::mutex> lock(mutex_);
  ++settle_calls_;
  const std::string from(HeaderOf(signed_transfer).signer);
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
  if (auto it = state_.records.find(*id); it != state_.records.end()) {
    return sdk::SettleResult{
        .receipt = it->second.receipt(), .duplicate = true, .attempts = 1, .endpoint = "fake"};
  }
  absl::StatusOr<sdk::SettleResult> result = Apply(signed_transfer, ToString(*id));
  if (result.ok() && lose_answer_next_ > 0) {
    --lose_answer_next_;
    return absl::UnavailableError("fake: answer lost");
  }
  return result;
}

absl::StatusOr<sdk::SettleResult> FakeLedger::Apply(const v1::SignedTransfer& signed_transfer,
                                                    const std::string& key) {
  const OpHeader header = HeaderOf(signed_transfer);
  const AccountId from = *ToArray<kPublicKeyBytes>(header.signer, "from");
  if (header.sequence != state_.NextSequence(from)) {
    return absl::FailedPreconditionError("fake: bad sequence");
  }
  v1::Block block;
  v1::BlockHeader& block_header = *block.mutable_header();
  block_header.set_chain_id(genesis_.chain_id);
  block_header.set_height(state_.height + 1);
  block_header.set_round(state_.height + 1);
  block_header.set_parent_hash(ToString(state_.block_hash));
  block_header.set_timestamp_unix_ms(block_time_ms_);
  block_header.set_parent_state_hash(ToString(state_.state_hash));
  block_header.set_proposer(ToString(genesis_.validators.at(0).public_key));
  *block.add_transfers() = signed_transfer;
  block_header.set_payload_hash(ToString(ComputePayloadHash(block)));
  const BlockEffects effects = ExecuteBlock(genesis_, state_, state_.state_hash, block);
  REMIT_CHECK(effects.records.size() == 1);
  state_.Apply(effects);
  const v1::TransferRecord& record = effects.records[0];
  REMIT_CHECK(record.receipt().transfer_id() == key);
  applied_.push_back(record);
  return sdk::SettleResult{
      .receipt = record.receipt(), .duplicate = false, .attempts = 1, .endpoint = "fake"};
}

absl::StatusOr<v1::Account> FakeLedger::GetAccount(const AccountId& account) {
  std::lock_guard<std::mutex> lock(mutex_);
  v1::Account result;
  result.set_account(ToString(account));
  const uint64_t next = state_.NextSequence(account);
  result.set_next_sequence(next > get_account_lag_ ? next - get_account_lag_ : 0);
  for (const auto& [key, amount] : state_.balances) {
    if (key.account != account) continue;
    v1::AssetBalance* balance = result.add_balances();
    balance->set_asset(key.asset);
    balance->set_balance_minor(amount);
    balance->set_decimals(2);
  }
  return result;
}

absl::StatusOr<uint64_t> FakeLedger::NextSequence(const AccountId& account) {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_.NextSequence(account);
}

absl::StatusOr<v1::ListTransfersResponse> FakeLedger::ListTransfers(const AccountId& account,
                                                                    uint32_t limit) {
  std::lock_guard<std::mutex> lock(mutex_);
  v1::ListTransfersResponse response;
  for (auto it = applied_.rbegin();
       it != applied_.rend() && response.records_size() < static_cast<int>(limit); ++it) {
    const std::vector<AccountId> touched = TouchedAccounts(*it);
    if (std::find(touched.begin(), touched.end(), account) != touched.end()) {
      *response.add_records() = *it;
    }
  }
  return response;
}

absl::StatusOr<FxQuote> FakeLedger::Quote(const FxQuoteRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!quotes_) return absl::UnimplementedError("fake: no quotes");
  const CrossRequest cross{
      .send_asset = request.send_asset,
      .deliver_asset = request.deliver_asset,
      .mode = request.strict_receive ? CrossMode::kStrictReceive : CrossMode::kStrictSend,
      .amount_minor = request.amount_minor};
  ASSIGN_OR_RETURN(const CrossResult result, remit::Quote(genesis_, state_, cross, block_time_ms_));
  FxQuote quote{.outcome = result.outcome,
                .sent_minor = result.sent_minor,
                .delivered_minor = result.delivered_minor,
                .fills = 0};
  for (const Leg& leg : result.legs) quote.fills += static_cast<uint32_t>(leg.fills.size());
  return quote;
}

absl::StatusOr<v1::ClaimEntry> FakeLedger::GetClaim(const std::string& claim_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(const Hash32 id, ToArray<kHashBytes>(claim_id, "claim id"));
  const std::optional<v1::ClaimEntry> claim = state_.FindClaim(id);
  if (!claim.has_value()) return absl::NotFoundError("fake: no such claim");
  return *claim;
}

void FakeLedger::SetBlockTime(uint64_t unix_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  block_time_ms_ = unix_ms;
}

void FakeLedger::AddOffer(const SigningKey& owner, const std::string& sell, const std::string& buy,
                          uint64_t amount_minor, uint64_t price_n, uint64_t price_d) {
  v1::Operation op;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    op.set_chain_id(genesis_.chain_id);
    op.set_genesis_hash(ToString(genesis_hash_));
    op.set_signer(ToString(owner.public_key()));
    op.set_sequence(state_.NextSequence(owner.public_key()));
    op.set_expiry_unix_ms(block_time_ms_ + 60'000);
  }
  v1::OfferCreate& offer = *op.mutable_offer_create();
  offer.set_sell_asset(sell);
  offer.set_buy_asset(buy);
  offer.set_amount_minor(amount_minor);
  offer.set_price_n(price_n);
  offer.set_price_d(price_d);
  const v1::SignedTransfer signed_op = SignOperation(op, owner);
  std::lock_guard<std::mutex> lock(mutex_);
  const absl::StatusOr<sdk::SettleResult> result =
      Apply(signed_op, ToString(OperationId(signed_op)));
  REMIT_CHECK(result.ok() && result->receipt.outcome() == v1::SETTLED);
}

void FakeLedger::DisableQuotes() {
  std::lock_guard<std::mutex> lock(mutex_);
  quotes_ = false;
}

int64_t FakeLedger::Balance(const AccountId& account, const std::string& asset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_.Balance({account, asset});
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
