// Test helpers for operations: signing each kind, and a chain in memory that
// executes blocks of them on a MemoryState and checks the invariants every
// block must keep (assets sum to zero with held amounts, only issuers
// negative, the basket reserve, no offer beyond its amount or below its
// price).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/claim_code.h"
#include "ledger/crypto.h"
#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "ledger/memory_state.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"

namespace remit::testing {

inline constexpr uint64_t kNever = UINT64_MAX;

inline SigningKey SeededKey(uint8_t index, uint8_t salt = 0x5c) {
  Seed seed{};
  seed.fill(index);
  seed[0] = salt;  // keep clear of seeds other tests use
  return SigningKey::FromSeed(seed);
}

inline Hash32 IdOf(const v1::SignedTransfer& signed_transfer) {
  return OperationId(signed_transfer);
}

// Signs operations and transfers for one chain.
class OpSigner {
 public:
  explicit OpSigner(const Genesis& genesis)
      : chain_id_(genesis.chain_id), genesis_hash_(GenesisHash(genesis)) {}

  const Hash32& genesis_hash() const { return genesis_hash_; }

  v1::Operation Header(const SigningKey& key, uint64_t sequence, uint64_t expiry = kNever,
                       const std::string& memo = "") const {
    v1::Operation op;
    op.set_chain_id(chain_id_);
    op.set_genesis_hash(ToString(genesis_hash_));
    op.set_signer(ToString(key.public_key()));
    op.set_sequence(sequence);
    op.set_expiry_unix_ms(expiry);
    op.set_memo(memo);
    return op;
  }

  v1::SignedTransfer Transfer(const SigningKey& from, const AccountId& to, const std::string& asset,
                              uint64_t amount_minor, uint64_t sequence) const {
    v1::Transfer transfer;
    transfer.set_chain_id(chain_id_);
    transfer.set_genesis_hash(ToString(genesis_hash_));
    transfer.set_from(ToString(from.public_key()));
    transfer.set_to(ToString(to));
    transfer.set_asset(asset);
    transfer.set_amount_minor(amount_minor);
    transfer.set_sequence(sequence);
    transfer.set_expiry_unix_ms(kNever);
    return SignTransfer(transfer, from);
  }

  v1::SignedTransfer StrictSend(const SigningKey& key, uint64_t sequence, const AccountId& to,
                                const std::string& send_asset, uint64_t send_minor,
                                const std::string& deliver_asset, uint64_t deliver_min) const {
    v1::Operation op = Header(key, sequence);
    v1::StrictSend& body = *op.mutable_strict_send();
    body.set_to(ToString(to));
    body.set_send_asset(send_asset);
    body.set_send_amount_minor(send_minor);
    body.set_deliver_asset(deliver_asset);
    body.set_deliver_min_minor(deliver_min);
    return SignOperation(op, key);
  }

  v1::SignedTransfer StrictReceive(const SigningKey& key, uint64_t sequence, const AccountId& to,
                                   const std::string& send_asset, uint64_t send_max,
                                   const std::string& deliver_asset, uint64_t deliver_minor) const {
    v1::Operation op = Header(key, sequence);
    v1::StrictReceive& body = *op.mutable_strict_receive();
    body.set_to(ToString(to));
    body.set_send_asset(send_asset);
    body.set_send_max_minor(send_max);
    body.set_deliver_asset(deliver_asset);
    body.set_deliver_amount_minor(deliver_minor);
    return SignOperation(op, key);
  }

  v1::SignedTransfer OfferCreate(const SigningKey& key, uint64_t sequence, const std::string& sell,
                                 const std::string& buy, uint64_t amount_minor, uint64_t price_n,
                                 uint64_t price_d, uint64_t offer_expiry = 0) const {
    v1::Operation op = Header(key, sequence);
    v1::OfferCreate& body = *op.mutable_offer_create();
    body.set_sell_asset(sell);
    body.set_buy_asset(buy);
    body.set_amount_minor(amount_minor);
    body.set_price_n(price_n);
    body.set_price_d(price_d);
    body.set_offer_expiry_unix_ms(offer_expiry);
    return SignOperation(op, key);
  }

  v1::SignedTransfer OfferCancel(const SigningKey& key, uint64_t sequence,
                                 const Hash32& offer_id) const {
    v1::Operation op = Header(key, sequence);
    op.mutable_offer_cancel()->set_offer_id(ToString(offer_id));
    return SignOperation(op, key);
  }

  v1::SignedTransfer Mint(const SigningKey& key, uint64_t sequence, const std::string& basket,
                          uint64_t units) const {
    v1::Operation op = Header(key, sequence);
    op.mutable_basket_mint()->set_basket_asset(basket);
    op.mutable_basket_mint()->set_amount_minor(units);
    return SignOperation(op, key);
  }

  v1::SignedTransfer Redeem(const SigningKey& key, uint64_t sequence, const std::string& basket,
                            uint64_t units) const {
    v1::Operation op = Header(key, sequence);
    op.mutable_basket_redeem()->set_basket_asset(basket);
    op.mutable_basket_redeem()->set_amount_minor(units);
    return SignOperation(op, key);
  }

  v1::SignedTransfer CreateClaim(const SigningKey& key, uint64_t sequence, const std::string& asset,
                                 uint64_t amount_minor, const std::string& code,
                                 uint64_t claim_expiry) const {
    const absl::StatusOr<SigningKey> claim_key = ClaimKeyFromCode(code);
    REMIT_CHECK(claim_key.ok());
    v1::Operation op = Header(key, sequence);
    v1::CreateClaim& body = *op.mutable_create_claim();
    body.set_asset(asset);
    body.set_amount_minor(amount_minor);
    body.set_claim_key(ToString(claim_key->public_key()));
    body.set_claim_expiry_unix_ms(claim_expiry);
    return SignOperation(op, key);
  }

  // A claim by `claimant` whose proof is made for `proof_for` (normally the
  // claimant itself) with the code `code`.
  v1::SignedTransfer Claim(const SigningKey& claimant, uint64_t sequence, const Hash32& claim_id,
                           const std::string& code, const AccountId& proof_for) const {
    const absl::StatusOr<SigningKey> claim_key = ClaimKeyFromCode(code);
    REMIT_CHECK(claim_key.ok());
    v1::Operation op = Header(claimant, sequence);
    op.mutable_claim()->set_claim_id(ToString(claim_id));
    op.mutable_claim()->set_proof(
        ToString(SignClaimProof(*claim_key, genesis_hash_, claim_id, proof_for)));
    return SignOperation(op, claimant);
  }
  v1::SignedTransfer Claim(const SigningKey& claimant, uint64_t sequence, const Hash32& claim_id,
                           const std::string& code) const {
    return Claim(claimant, sequence, claim_id, code, claimant.public_key());
  }

  v1::SignedTransfer Reclaim(const SigningKey& key, uint64_t sequence,
                             const Hash32& claim_id) const {
    v1::Operation op = Header(key, sequence);
    op.mutable_reclaim()->set_claim_id(ToString(claim_id));
    return SignOperation(op, key);
  }

 private:
  std::string chain_id_;
  Hash32 genesis_hash_;
};

// The block after `parent` carrying `entries`, proposed by the first
// validator at `time_ms`.
inline v1::Block BlockOn(const Genesis& genesis, const MemoryState& parent,
                         const std::vector<v1::SignedTransfer>& entries, uint64_t time_ms) {
  v1::Block block;
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(genesis.chain_id);
  header.set_height(parent.height + 1);
  header.set_round(parent.height + 1);
  header.set_parent_hash(ToString(parent.block_hash));
  header.set_timestamp_unix_ms(time_ms);
  header.set_parent_state_hash(ToString(parent.state_hash));
  header.set_proposer(ToString(genesis.validators.at(0).public_key));
  for (const v1::SignedTransfer& entry : entries) *block.add_transfers() = entry;
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  return block;
}

// A chain in memory: genesis applied, then blocks of operations.
class MemChain {
 public:
  explicit MemChain(Genesis genesis)
      : genesis_(std::move(genesis)), signer_(genesis_), state_(genesis_) {
    time_ms_ = genesis_.genesis_time_unix_ms;
  }

  v1::Block NextBlock(const std::vector<v1::SignedTransfer>& entries, uint64_t time_ms) const {
    return BlockOn(genesis_, state_, entries, time_ms);
  }

  // Executes and commits a block of entries (each must pass CheckTransfer),
  // at `time_ms` (0: one second after the last block).
  BlockEffects Commit(const std::vector<v1::SignedTransfer>& entries, uint64_t time_ms = 0) {
    const uint64_t at = time_ms != 0 ? time_ms : time_ms_ + 1000;
    for (const v1::SignedTransfer& entry : entries) {
      const absl::StatusOr<TransferId> id =
          CheckTransfer(entry, genesis_.chain_id, signer_.genesis_hash());
      REMIT_CHECK(id.ok());
    }
    const v1::Block block = NextBlock(entries, at);
    const BlockEffects effects = ExecuteBlock(genesis_, state_, state_.state_hash, block);
    state_.Apply(effects);
    time_ms_ = at;
    return effects;
  }

  // The single record of a one-entry block.
  v1::Receipt CommitOne(const v1::SignedTransfer& entry, uint64_t time_ms = 0) {
    const BlockEffects effects = Commit({entry}, time_ms);
    REMIT_CHECK(effects.records.size() == 1);
    return effects.records[0].receipt();
  }

  const Genesis& genesis() const { return genesis_; }
  const OpSigner& sign() const { return signer_; }
  const MemoryState& state() const { return state_; }
  uint64_t time_ms() const { return time_ms_; }
  int64_t Balance(const SigningKey& key, const std::string& asset) const {
    return state_.Balance({key.public_key(), asset});
  }
  int64_t Balance(const AccountId& account, const std::string& asset) const {
    return state_.Balance({account, asset});
  }
  uint64_t Next(const SigningKey& key) const { return state_.NextSequence(key.public_key()); }

  // Every asset (and the basket) sums to zero with what is held.
  bool AssetsSumToZero() const {
    for (const AssetInfo& asset : genesis_.assets) {
      if (state_.AssetTotal(genesis_, asset.code) != 0) return false;
    }
    return !genesis_.basket || state_.AssetTotal(genesis_, genesis_.basket->asset.code) == 0;
  }

 private:
  Genesis genesis_;
  OpSigner signer_;
  MemoryState state_;
  uint64_t time_ms_ = 0;
};

}  // namespace remit::testing
