#include "ledger/executor.h"

#include <map>
#include <optional>
#include <set>

#include "ledger/amount.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/execute_ops.h"
#include "ledger/layered_state.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

AccountId Account(std::string_view bytes) {
  const absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  REMIT_CHECK(account.ok());
  return *account;
}

// Moves amount from sender to recipient and fee from sender to issuer, all
// or nothing. Returns the outcome; writes balances only when SETTLED.
v1::Outcome MoveFunds(const AssetInfo& asset, const v1::Transfer& transfer, const AccountId& from,
                      const AccountId& to, const StateReader& view, BlockEffects& effects) {
  const auto amount = static_cast<int64_t>(transfer.amount_minor());
  const auto fee = static_cast<int64_t>(transfer.fee_minor());
  const auto total = CheckedAdd(amount, fee);
  const bool from_issuer = MayGoNegative(asset, from);
  // No non-issuer balance reaches amount + fee above 2^63-1: that is
  // INSUFFICIENT_FUNDS, which executor.h ranks before BALANCE_OVERFLOW.
  if (!total) return from_issuer ? v1::BALANCE_OVERFLOW : v1::INSUFFICIENT_FUNDS;
  std::map<BalanceKey, int64_t> changed;
  auto balance = [&](const AccountId& account) -> int64_t& {
    BalanceKey key{account, asset.code};
    auto it = changed.find(key);
    if (it == changed.end()) it = changed.emplace(key, view.Balance(key)).first;
    return it->second;
  };
  const auto sender_after = CheckedSub(balance(from), *total);
  if (!sender_after) return v1::BALANCE_OVERFLOW;
  if (*sender_after < 0 && !from_issuer) return v1::INSUFFICIENT_FUNDS;
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

// A plain transfer whose sequence was just consumed.
v1::Outcome ApplyTransfer(const OpContext& context, const v1::Transfer& transfer,
                          const AccountId& from, BlockEffects& effects) {
  const AccountId to = Account(transfer.to());
  REMIT_CHECK(from != to);
  const AssetInfo* asset = context.genesis.FindAsset(transfer.asset());
  if (asset == nullptr) return v1::UNKNOWN_ASSET;
  if (context.block_time_unix_ms > transfer.expiry_unix_ms()) return v1::EXPIRED;
  if (transfer.amount_minor() > asset->transfer_max_minor) return v1::LIMIT_EXCEEDED;
  return MoveFunds(*asset, transfer, from, to, context.view, effects);
}

// The outcome of one signed transfer or operation; nullopt when its
// sequence is above the signer's next, so that it is skipped with no record
// and may execute in a later block.
std::optional<OpResult> ApplyOne(const OpContext& context,
                                 const v1::SignedTransfer& signed_transfer, BlockEffects& effects) {
  const OpHeader header = HeaderOf(signed_transfer);
  const AccountId signer = Account(header.signer);
  const uint64_t next_sequence = context.view.NextSequence(signer);
  if (header.sequence > next_sequence) return std::nullopt;
  if (header.sequence < next_sequence) return OpResult{v1::BAD_SEQUENCE, {}};
  REMIT_CHECK(next_sequence < UINT64_MAX);
  effects.next_sequences[signer] = next_sequence + 1;
  if (signed_transfer.has_transfer()) {
    return OpResult{ApplyTransfer(context, signed_transfer.transfer(), signer, effects), {}};
  }
  if (context.block_time_unix_ms > header.expiry_unix_ms) return OpResult{v1::EXPIRED, {}};
  return ExecuteOperation(context, signed_transfer.operation(), effects);
}

v1::Block GenesisBlockWith(const Genesis& genesis, const Hash32& genesis_hash) {
  v1::Block block;
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(genesis.chain_id);
  header.set_height(0);
  header.set_round(0);
  header.set_parent_hash(std::string(kHashBytes, '\0'));
  header.set_timestamp_unix_ms(genesis.genesis_time_unix_ms);
  header.set_parent_state_hash(ToString(genesis_hash));
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  header.set_proposer(std::string(kPublicKeyBytes, '\0'));
  return block;
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
  const LayeredState view(state, {&effects});
  std::set<TransferId> final_in_block;
  for (int position = 0; position < block.transfers_size(); ++position) {
    const v1::SignedTransfer& signed_transfer = block.transfers(position);
    const TransferId id = OperationId(signed_transfer);
    if (state.HasTransfer(id) || final_in_block.contains(id)) continue;
    const OpContext context{
        genesis, view, header.timestamp_unix_ms(), header.height(), static_cast<uint32_t>(position),
        id};
    std::optional<OpResult> result = ApplyOne(context, signed_transfer, effects);
    if (!result) continue;
    REMIT_CHECK(result->outcome != v1::OUTCOME_UNSPECIFIED);
    REMIT_CHECK(final_in_block.insert(id).second);
    v1::TransferRecord& record = effects.records.emplace_back();
    *record.mutable_signed_transfer() = signed_transfer;
    v1::Receipt& receipt = *record.mutable_receipt();
    receipt = std::move(result->details);
    receipt.set_transfer_id(ToString(id));
    receipt.set_outcome(result->outcome);
    receipt.set_height(header.height());
    receipt.set_position(static_cast<uint32_t>(position));
    receipt.set_block_hash(ToString(effects.block_hash));
    receipt.set_block_time_unix_ms(header.timestamp_unix_ms());
  }
  effects.state_hash = ComputeStateHash(parent_state_hash, effects);
  return effects;
}

v1::Block GenesisBlock(const Genesis& genesis) {
  return GenesisBlockWith(genesis, GenesisHash(genesis));
}

BlockEffects GenesisEffects(const Genesis& genesis) {
  REMIT_CHECK(ValidateGenesis(genesis).ok());
  const Hash32 genesis_hash = GenesisHash(genesis);
  const v1::Block block = GenesisBlockWith(genesis, genesis_hash);
  BlockEffects effects;
  effects.height = 0;
  effects.block_hash = ComputeBlockHash(block.header());
  for (const GenesisBalance& balance : genesis.balances) {
    effects.balances[BalanceKey{balance.account, balance.asset}] = balance.amount_minor;
  }
  // The market maker's offers hold their amounts out of its balances
  // (ValidateGenesis checked that they cover them).
  for (const v1::Offer& offer : GenesisOffers(genesis, genesis_hash)) {
    int64_t& balance = effects.balances[BalanceKey{Account(offer.owner()), offer.sell_asset()}];
    const std::optional<int64_t> after =
        CheckedSub(balance, static_cast<int64_t>(offer.amount_minor()));
    REMIT_CHECK(after.has_value());
    balance = *after;
    effects.PutOffer(offer, /*live=*/true);
  }
  if (genesis.basket) effects.basket = EmptyBasket(*genesis.basket);
  effects.state_hash = ComputeStateHash(genesis_hash, effects);
  return effects;
}

}  // namespace remit
