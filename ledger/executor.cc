#include "ledger/executor.h"

#include <optional>
#include <set>

#include "ledger/amount.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

// Reads committed state through the block's own writes so far.
class Overlay {
 public:
  Overlay(const StateReader& state, BlockEffects& effects) : state_(state), effects_(effects) {}

  int64_t Balance(const BalanceKey& key) const {
    const auto it = effects_.balances.find(key);
    return it != effects_.balances.end() ? it->second : state_.Balance(key);
  }
  uint64_t NextSequence(const AccountId& account) const {
    const auto it = effects_.next_sequences.find(account);
    return it != effects_.next_sequences.end() ? it->second : state_.NextSequence(account);
  }

 private:
  const StateReader& state_;
  BlockEffects& effects_;
};

// Moves amount from sender to recipient and fee from sender to issuer, all
// or nothing. Returns the outcome; writes balances only when SETTLED.
v1::Outcome MoveFunds(const AssetInfo& asset, const v1::Transfer& transfer, const AccountId& from,
                      const AccountId& to, const Overlay& overlay, BlockEffects& effects) {
  const auto amount = static_cast<int64_t>(transfer.amount_minor());
  const auto fee = static_cast<int64_t>(transfer.fee_minor());
  const auto total = CheckedAdd(amount, fee);
  // No non-issuer balance reaches amount + fee above 2^63-1: that is
  // INSUFFICIENT_FUNDS, which executor.h ranks before BALANCE_OVERFLOW.
  if (!total) return from == asset.issuer ? v1::BALANCE_OVERFLOW : v1::INSUFFICIENT_FUNDS;
  std::map<BalanceKey, int64_t> changed;
  auto balance = [&](const AccountId& account) -> int64_t& {
    BalanceKey key{account, asset.code};
    auto it = changed.find(key);
    if (it == changed.end()) it = changed.emplace(key, overlay.Balance(key)).first;
    return it->second;
  };
  const auto sender_after = CheckedSub(balance(from), *total);
  if (!sender_after) return v1::BALANCE_OVERFLOW;
  if (*sender_after < 0 && from != asset.issuer) return v1::INSUFFICIENT_FUNDS;
  balance(from) = *sender_after;
  const auto recipient_after = CheckedAdd(balance(to), amount);
  if (!recipient_after) return v1::BALANCE_OVERFLOW;
  balance(to) = *recipient_after;
  if (fee > 0) {
    const auto issuer_after = CheckedAdd(balance(asset.issuer), fee);
    if (!issuer_after) return v1::BALANCE_OVERFLOW;
    balance(asset.issuer) = *issuer_after;
  }
  for (const auto& [key, value] : changed) effects.balances[key] = value;
  return v1::SETTLED;
}

// nullopt: the sequence is above the sender's next, so the transfer is
// skipped with no record and may execute in a later block.
std::optional<v1::Outcome> Apply(const Genesis& genesis, const v1::Transfer& transfer,
                                 uint64_t block_time_unix_ms, const Overlay& overlay,
                                 BlockEffects& effects) {
  const auto from = ToArray<kPublicKeyBytes>(transfer.from(), "sender");
  const auto to = ToArray<kPublicKeyBytes>(transfer.to(), "recipient");
  REMIT_CHECK(from.ok() && to.ok());
  REMIT_CHECK(*from != *to);
  const uint64_t next_sequence = overlay.NextSequence(*from);
  if (transfer.sequence() > next_sequence) return std::nullopt;
  if (transfer.sequence() < next_sequence) return v1::BAD_SEQUENCE;
  REMIT_CHECK(next_sequence < UINT64_MAX);
  effects.next_sequences[*from] = next_sequence + 1;

  const AssetInfo* asset = genesis.FindAsset(transfer.asset());
  if (asset == nullptr) return v1::UNKNOWN_ASSET;
  if (block_time_unix_ms > transfer.expiry_unix_ms()) return v1::EXPIRED;
  if (transfer.amount_minor() > asset->transfer_max_minor) return v1::LIMIT_EXCEEDED;
  return MoveFunds(*asset, transfer, *from, *to, overlay, effects);
}

}  // namespace

BlockEffects ExecuteBlock(const Genesis& genesis, const StateReader& state,
                          const Hash32& parent_state_hash, const v1::Block& block) {
  REMIT_CHECK(CheckBlockShape(block).ok());
  const v1::BlockHeader& header = block.header();
  REMIT_CHECK(header.chain_id() == genesis.chain_id);
  REMIT_CHECK(header.parent_state_hash() == AsBytes(parent_state_hash));
  BlockEffects effects;
  effects.height = header.height();
  effects.block_hash = ComputeBlockHash(header);
  const Overlay overlay(state, effects);
  std::set<TransferId> final_in_block;
  for (int position = 0; position < block.transfers_size(); ++position) {
    const v1::SignedTransfer& signed_transfer = block.transfers(position);
    const TransferId id = ComputeTransferId(signed_transfer.transfer());
    if (state.HasTransfer(id) || final_in_block.contains(id)) continue;
    const std::optional<v1::Outcome> applied =
        Apply(genesis, signed_transfer.transfer(), header.timestamp_unix_ms(), overlay, effects);
    if (!applied) continue;
    const v1::Outcome outcome = *applied;
    REMIT_CHECK(outcome != v1::OUTCOME_UNSPECIFIED);
    REMIT_CHECK(final_in_block.insert(id).second);
    v1::TransferRecord& record = effects.records.emplace_back();
    *record.mutable_signed_transfer() = signed_transfer;
    v1::Receipt& receipt = *record.mutable_receipt();
    receipt.set_transfer_id(ToString(id));
    receipt.set_outcome(outcome);
    receipt.set_height(header.height());
    receipt.set_position(static_cast<uint32_t>(position));
    receipt.set_block_hash(ToString(effects.block_hash));
    receipt.set_block_time_unix_ms(header.timestamp_unix_ms());
  }
  effects.state_hash = ComputeStateHash(parent_state_hash, effects);
  return effects;
}

v1::Block GenesisBlock(const Genesis& genesis) {
  v1::Block block;
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(genesis.chain_id);
  header.set_height(0);
  header.set_round(0);
  header.set_parent_hash(std::string(kHashBytes, '\0'));
  header.set_timestamp_unix_ms(genesis.genesis_time_unix_ms);
  header.set_parent_state_hash(ToString(GenesisHash(genesis)));
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  header.set_proposer(std::string(kPublicKeyBytes, '\0'));
  return block;
}

BlockEffects GenesisEffects(const Genesis& genesis) {
  REMIT_CHECK(ValidateGenesis(genesis).ok());
  const v1::Block block = GenesisBlock(genesis);
  BlockEffects effects;
  effects.height = 0;
  effects.block_hash = ComputeBlockHash(block.header());
  for (const GenesisBalance& balance : genesis.balances) {
    effects.balances[BalanceKey{balance.account, balance.asset}] = balance.amount_minor;
  }
  effects.state_hash = ComputeStateHash(GenesisHash(genesis), effects);
  return effects;
}

}  // namespace remit
