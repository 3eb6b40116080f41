// Fuzzes SignedTransfer bytes through the path a client's transfer takes in
// a validator: protobuf decoding, the stateless checks of the public API
// (node/ledger_service.cc Prepare: size bound, then CheckTransfer), mempool
// admission, and execution in a block. Proves for every input:
//   - nothing crashes, and a refusal is INVALID_ARGUMENT with a reason name;
//   - an accepted transfer's id is stable: it is OperationId of its
//     fields, and the same after a protobuf round trip (unknown fields,
//     repeated fields and other encodings of one transfer give one id);
//   - a flipped signature bit is refused;
//   - executing it (twice in one block) gives exactly one record (none when
//     its sequence is ahead of the sender's next, which is 0), keeps every
//     asset summing to zero, leaves only issuers negative, and moves exactly
//     amount + fee on SETTLED.
//
// Raw bytes rarely carry a valid signature, so a second pass fills in
// placeholders, the way a client would build a transfer: a 1-byte `from` or
// `to` names key k of the test chain (users, then the issuer), and a 1-byte
// signature is replaced by the sender's real signature, and an empty
// genesis_hash by the chain's; an operation's 1-byte signer likewise. Seeds
// in corpus/transfer use these forms, for transfers and for operations.
#include <cstdint>
#include <map>
#include <string>

#include "ledger/amount.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"
#include "node/limits.h"
#include "node/mempool.h"
#include "tests/fuzz/fuzz_chain.h"
#include "tests/fuzz/quiet_logs.h"
#include "tests/sim/mem_ledger.h"

namespace remit::fuzz {
namespace {

constexpr uint64_t kBlockTimeOffsetMs = 1'000;
__extension__ typedef __int128 Int128;  // exact for sums of two int64

// The block a leader would build around the transfer: it twice, on genesis.
v1::Block BlockOf(const FuzzChain& chain, const sim::MemLedger& ledger,
                  const v1::SignedTransfer& transfer) {
  v1::Block block;
  *block.add_transfers() = transfer;
  *block.add_transfers() = transfer;
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(chain.genesis.chain_id);
  header.set_height(1);
  header.set_round(1);
  header.set_parent_hash(ToString(ledger.committed_block_hash()));
  header.set_timestamp_unix_ms(chain.genesis.genesis_time_unix_ms + kBlockTimeOffsetMs);
  header.set_parent_state_hash(ToString(ledger.committed_state_hash()));
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  header.set_proposer(ToString(chain.validators[0].public_key()));
  REMIT_CHECK(CheckBlockShape(block).ok());
  return block;
}

// A plain transfer's receipt and its exact balance changes.
void CheckTransferFlows(const FuzzChain& chain, const sim::MemLedger& ledger,
                        const v1::Transfer& transfer, const v1::Receipt& receipt,
                        const BlockEffects& effects) {
  const AccountId from = *ToArray<kPublicKeyBytes>(transfer.from(), "from");
  const AccountId to = *ToArray<kPublicKeyBytes>(transfer.to(), "to");
  const auto before = [&ledger](const AccountId& account, const std::string& asset) {
    return ledger.Balance(BalanceKey{account, asset});
  };
  const auto after = [&](const AccountId& account, const std::string& asset) {
    const auto it = effects.balances.find(BalanceKey{account, asset});
    return it == effects.balances.end() ? before(account, asset) : it->second;
  };
  if (receipt.outcome() == v1::SETTLED) {
    const AssetInfo* asset = chain.genesis.FindAsset(transfer.asset());
    REMIT_CHECK(asset != nullptr);
    const auto amount = static_cast<int64_t>(transfer.amount_minor());
    const auto fee = static_cast<int64_t>(transfer.fee_minor());
    // Issuer as sender, recipient or fee taker: compare net flows.
    auto expected = [&](const AccountId& account) {
      Int128 flow = 0;
      if (account == from) flow -= amount + static_cast<Int128>(fee);
      if (account == to) flow += amount;
      if (account == asset->issuer) flow += fee;
      return flow;
    };
    for (const AccountId& account : {from, to, asset->issuer}) {
      REMIT_CHECK(static_cast<Int128>(after(account, asset->code)) - before(account, asset->code) ==
                  expected(account));
    }
    REMIT_CHECK(effects.next_sequences.at(from) == transfer.sequence() + 1);
  } else {
    REMIT_CHECK(effects.balances.empty());
    if (receipt.outcome() == v1::BAD_SEQUENCE) REMIT_CHECK(effects.next_sequences.empty());
  }
}

void CheckExecution(const FuzzChain& chain, const v1::SignedTransfer& signed_transfer,
                    const TransferId& id) {
  sim::MemLedger ledger(chain.genesis);
  const v1::Block block = BlockOf(chain, ledger, signed_transfer);
  const BlockEffects effects =
      ExecuteBlock(chain.genesis, ledger, ledger.committed_state_hash(), block);
  // On genesis every next sequence is 0: a later one is skipped with no
  // record and no effect (it could execute once its predecessors have).
  if (HeaderOf(signed_transfer).sequence > 0) {
    REMIT_CHECK(effects.records.empty());
    REMIT_CHECK(effects.balances.empty() && effects.next_sequences.empty());
    return;
  }
  REMIT_CHECK(effects.records.size() == 1);  // the copy is skipped
  const v1::Receipt& receipt = effects.records[0].receipt();
  REMIT_CHECK(receipt.transfer_id() == AsBytes(id));
  REMIT_CHECK(receipt.position() == 0 && receipt.height() == 1);
  const BlockEffects again =
      ExecuteBlock(chain.genesis, ledger, ledger.committed_state_hash(), block);
  REMIT_CHECK(again.state_hash == effects.state_hash);  // deterministic
  if (signed_transfer.has_transfer()) {
    CheckTransferFlows(chain, ledger, signed_transfer.transfer(), receipt, effects);
  } else if (receipt.outcome() != v1::SETTLED) {
    // A refused operation moves nothing (a settled one is checked by the
    // executor itself: its changes net to zero per asset).
    REMIT_CHECK(effects.balances.empty() && effects.offers.empty() && effects.claims.empty() &&
                !effects.basket.has_value());
  }
  REMIT_CHECK(ledger.Commit(block, effects, v1::QuorumCert(), nullptr).ok());
  for (const AssetInfo& asset : chain.genesis.assets) {
    REMIT_CHECK(ledger.AssetSum(asset.code) == 0);  // balances and held amounts
  }
  for (const auto& [key, balance] : effects.balances) {
    const AssetInfo* asset = chain.genesis.FindAsset(key.asset);
    REMIT_CHECK(asset != nullptr);
    REMIT_CHECK(balance >= 0 || MayGoNegative(*asset, key.account));
  }
}

void CheckAdmission(const FuzzChain& chain, const v1::SignedTransfer& signed_transfer,
                    const TransferId& id) {
  Mempool mempool{NodeLimits{}};
  PendingTransfer pending;
  pending.signed_transfer = signed_transfer;
  pending.id = id;
  const OpHeader header = HeaderOf(signed_transfer);
  pending.from = *ToArray<kPublicKeyBytes>(header.signer, "signer");
  pending.sequence = header.sequence;
  pending.expiry_unix_ms = header.expiry_unix_ms;
  const absl::StatusOr<Mempool::Admission> added =
      mempool.Add(pending, 0, chain.genesis.genesis_time_unix_ms);
  if (!added.ok()) {
    REMIT_CHECK(added.status().code() == absl::StatusCode::kFailedPrecondition);
    REMIT_CHECK(mempool.size() == 0);
    return;
  }
  REMIT_CHECK(*added == Mempool::Admission::kAdded);
  REMIT_CHECK(*mempool.Add(pending, 0, chain.genesis.genesis_time_unix_ms) ==
              Mempool::Admission::kAlreadyPending);
  const auto ready = mempool.Ready(10, [](const AccountId&) { return uint64_t{0}; });
  REMIT_CHECK(ready.size() == (pending.sequence == 0 ? 1u : 0u));
}

// Prepare's checks, then the invariants of an accepted transfer.
void CheckTransferPath(const FuzzChain& chain, const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.ByteSizeLong() > kSignedTransferBytesMax) return;  // refused by Prepare
  const absl::StatusOr<TransferId> id =
      CheckTransfer(signed_transfer, chain.genesis.chain_id, chain.genesis_hash());
  if (!id.ok()) {
    REMIT_CHECK(id.status().code() == absl::StatusCode::kInvalidArgument);
    const std::string_view message(id.status().message().data(), id.status().message().size());
    REMIT_CHECK(message.find(": ") != std::string_view::npos);  // "reason: detail"
    return;
  }
  REMIT_CHECK(*id == OperationId(signed_transfer));
  v1::SignedTransfer reparsed;
  REMIT_CHECK(reparsed.ParseFromString(signed_transfer.SerializeAsString()));
  const absl::StatusOr<TransferId> same =
      CheckTransfer(reparsed, chain.genesis.chain_id, chain.genesis_hash());
  REMIT_CHECK(same.ok() && *same == *id);
  v1::SignedTransfer tampered = signed_transfer;
  std::string& signature = *tampered.mutable_signature();
  signature[id->front() % signature.size()] ^= static_cast<char>(1 << (id->back() % 8));
  REMIT_CHECK(!CheckTransfer(tampered, chain.genesis.chain_id, chain.genesis_hash()).ok());
  CheckAdmission(chain, signed_transfer, *id);
  CheckExecution(chain, signed_transfer, *id);
}

// The placeholders of an operation: a 1-byte signer, an empty genesis hash,
// a 1-byte signature.
bool FillOperation(const FuzzChain& chain, v1::SignedTransfer& signed_transfer) {
  v1::Operation& op = *signed_transfer.mutable_operation();
  bool filled = false;
  if (op.signer().size() == 1) {
    op.set_signer(ToString(chain.Key(static_cast<uint8_t>(op.signer()[0])).public_key()));
    filled = true;
  }
  if (op.genesis_hash().empty()) {
    op.set_genesis_hash(ToString(chain.genesis_hash()));
    filled = true;
  }
  if (signed_transfer.signature().size() == 1) {
    const SigningKey* key = chain.KeyOf(op.signer());
    signed_transfer.set_signature(std::string(kSignatureBytes, '\0'));
    if (key != nullptr && HasSigningShape(signed_transfer)) {
      signed_transfer = SignOperation(signed_transfer.operation(), *key);
    }
    filled = true;
  }
  return filled;
}

// Fills the placeholders described at the top; false if there are none.
bool FillPlaceholders(const FuzzChain& chain, v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_operation()) return FillOperation(chain, signed_transfer);
  v1::Transfer& transfer = *signed_transfer.mutable_transfer();
  bool filled = false;
  if (transfer.from().size() == 1) {
    transfer.set_from(ToString(chain.Key(static_cast<uint8_t>(transfer.from()[0])).public_key()));
    filled = true;
  }
  if (transfer.to().size() == 1) {
    transfer.set_to(ToString(chain.Key(static_cast<uint8_t>(transfer.to()[0])).public_key()));
    filled = true;
  }
  if (transfer.genesis_hash().empty()) {
    transfer.set_genesis_hash(ToString(chain.genesis_hash()));
    filled = true;
  }
  if (signed_transfer.signature().size() == 1) {
    const SigningKey* key = chain.KeyOf(transfer.from());
    // SigningBytes needs the field lengths CheckTransfer enforces.
    if (key != nullptr && transfer.chain_id().size() <= kChainIdBytesMax &&
        transfer.genesis_hash().size() == kHashBytes && transfer.to().size() == kPublicKeyBytes &&
        transfer.asset().size() <= kAssetCodeBytesMax && transfer.memo().size() <= kMemoBytesMax) {
      signed_transfer = SignTransfer(transfer, *key);
    }
    filled = true;
  }
  return filled;
}

}  // namespace
}  // namespace remit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  remit::fuzz::QuietLogs();
  const remit::fuzz::FuzzChain& chain = remit::fuzz::FuzzChain::Get();
  remit::v1::SignedTransfer signed_transfer;
  if (!signed_transfer.ParseFromArray(data, static_cast<int>(size))) return 0;
  remit::fuzz::CheckTransferPath(chain, signed_transfer);
  if (remit::fuzz::FillPlaceholders(chain, signed_transfer)) {
    remit::fuzz::CheckTransferPath(chain, signed_transfer);
  }
  return 0;
}
