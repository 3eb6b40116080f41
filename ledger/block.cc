#include "ledger/block.h"

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/merkle.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {
namespace {
constexpr std::string_view kBlockDomain = "remit-block-v1";
constexpr std::string_view kStateDomain = "remit-state-v2";

void PutCount(std::string& out, size_t count) {
  REMIT_CHECK(count <= UINT32_MAX);
  PutU32(out, static_cast<uint32_t>(count));
}

void PutOffers(const BlockEffects& effects, std::string& out) {
  PutCount(out, effects.offers.size());
  for (const auto& [id, write] : effects.offers) {
    out.append(AsBytes(id));
    PutU8(out, write.live ? 1 : 0);
    if (!write.live) continue;
    const v1::Offer& offer = write.offer;
    REMIT_CHECK(offer.owner().size() == kPublicKeyBytes);
    out.append(offer.owner());
    PutShortBytes(out, offer.sell_asset());
    PutShortBytes(out, offer.buy_asset());
    PutU64(out, offer.price_n());
    PutU64(out, offer.price_d());
    PutU64(out, offer.amount_minor());
    PutU64(out, offer.expiry_unix_ms());
    PutU64(out, offer.created_height());
    PutU32(out, offer.created_position());
  }
}

void PutClaims(const BlockEffects& effects, std::string& out) {
  PutCount(out, effects.claims.size());
  for (const auto& [id, claim] : effects.claims) {
    REMIT_CHECK(claim.sender().size() == kPublicKeyBytes);
    REMIT_CHECK(claim.claim_key().size() == kPublicKeyBytes);
    REMIT_CHECK(claim.claimant().empty() || claim.claimant().size() == kPublicKeyBytes);
    out.append(AsBytes(id));
    out.append(claim.sender());
    PutShortBytes(out, claim.asset());
    PutU64(out, claim.amount_minor());
    out.append(claim.claim_key());
    PutU64(out, claim.expiry_unix_ms());
    PutU8(out, static_cast<uint8_t>(claim.status()));
    out.append(claim.claimant().empty() ? std::string(kPublicKeyBytes, '\0') : claim.claimant());
    PutU64(out, claim.created_height());
    PutU64(out, claim.ended_height());
  }
}

void PutBasket(const BlockEffects& effects, std::string& out) {
  PutU8(out, effects.basket ? 1 : 0);
  if (!effects.basket) return;
  PutU64(out, effects.basket->outstanding_minor);
  PutCount(out, effects.basket->reserve_minor.size());
  for (uint64_t reserve : effects.basket->reserve_minor) PutU64(out, reserve);
}

void PutRecords(const BlockEffects& effects, std::string& out) {
  PutCount(out, effects.records.size());
  for (const v1::TransferRecord& record : effects.records) {
    const v1::Receipt& receipt = record.receipt();
    REMIT_CHECK(receipt.transfer_id().size() == kHashBytes);
    REMIT_CHECK(receipt.fills_size() <= UINT16_MAX);
    out.append(receipt.transfer_id());
    PutU8(out, static_cast<uint8_t>(receipt.outcome()));
    PutU64(out, receipt.sent_minor());
    PutU64(out, receipt.delivered_minor());
    PutU16(out, static_cast<uint16_t>(receipt.fills_size()));
    for (const v1::Fill& fill : receipt.fills()) {
      REMIT_CHECK(fill.offer_id().size() == kHashBytes);
      out.append(fill.offer_id());
      PutU64(out, fill.sold_minor());
      PutU64(out, fill.bought_minor());
    }
  }
}
}  // namespace

std::vector<Hash32> PayloadLeaves(const v1::Block& block) {
  REMIT_CHECK(block.transfers_size() <= static_cast<int>(kBlockTransfersMax));
  std::vector<Hash32> leaves;
  leaves.reserve(static_cast<size_t>(block.transfers_size()));
  for (const v1::SignedTransfer& signed_transfer : block.transfers()) {
    REMIT_CHECK(signed_transfer.signature().size() == kSignatureBytes);
    leaves.push_back(MerkleLeafHash(OperationId(signed_transfer), signed_transfer.signature()));
  }
  return leaves;
}

Hash32 ComputePayloadHash(const v1::Block& block) {
  return PayloadRootHash(static_cast<uint32_t>(block.transfers_size()),
                         MerkleRoot(PayloadLeaves(block)));
}

Hash32 ComputeBlockHash(const v1::BlockHeader& header) {
  REMIT_CHECK(header.parent_hash().size() == kHashBytes);
  REMIT_CHECK(header.parent_state_hash().size() == kHashBytes);
  REMIT_CHECK(header.payload_hash().size() == kHashBytes);
  REMIT_CHECK(header.proposer().size() == kPublicKeyBytes);
  std::string bytes(kBlockDomain);
  PutShortBytes(bytes, header.chain_id());
  PutU64(bytes, header.height());
  PutU64(bytes, header.round());
  bytes.append(header.parent_hash());
  PutU64(bytes, header.timestamp_unix_ms());
  bytes.append(header.parent_state_hash());
  bytes.append(header.payload_hash());
  bytes.append(header.proposer());
  // Only when present, so that blocks without it keep their hash.
  if (!header.parent_signers().empty()) PutShortBytes(bytes, header.parent_signers());
  return Blake2b256(bytes);
}

absl::Status CheckBlockShape(const v1::Block& block) {
  const v1::BlockHeader& header = block.header();
  if (header.chain_id().size() > kChainIdBytesMax || header.parent_hash().size() != kHashBytes ||
      header.parent_state_hash().size() != kHashBytes ||
      header.payload_hash().size() != kHashBytes || header.proposer().size() != kPublicKeyBytes ||
      header.parent_signers().size() > kParentSignersBytesMax) {
    return absl::InvalidArgumentError("block header has a field of the wrong size");
  }
  if (block.transfers_size() > static_cast<int>(kBlockTransfersMax)) {
    return absl::InvalidArgumentError(StrCat("block has ", block.transfers_size(),
                                             " transfers; at most ", kBlockTransfersMax,
                                             " allowed"));
  }
  for (const v1::SignedTransfer& signed_transfer : block.transfers()) {
    if (!HasSigningShape(signed_transfer)) {
      return absl::InvalidArgumentError("block carries a malformed transfer");
    }
  }
  if (header.payload_hash() != AsBytes(ComputePayloadHash(block))) {
    return absl::InvalidArgumentError("block payload hash does not match its transfers");
  }
  return absl::OkStatus();
}

Hash32 ComputeStateHash(const Hash32& parent_state_hash, const BlockEffects& effects) {
  std::string bytes(kStateDomain);
  bytes.append(AsBytes(parent_state_hash));
  PutU64(bytes, effects.height);
  PutCount(bytes, effects.balances.size());
  for (const auto& [key, balance] : effects.balances) {
    bytes.append(AsBytes(key.account));
    PutShortBytes(bytes, key.asset);
    PutI64(bytes, balance);
  }
  PutCount(bytes, effects.next_sequences.size());
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    bytes.append(AsBytes(account));
    PutU64(bytes, next_sequence);
  }
  PutOffers(effects, bytes);
  PutClaims(effects, bytes);
  PutBasket(effects, bytes);
  PutRecords(effects, bytes);
  return Blake2b256(bytes);
}

}  // namespace remit
