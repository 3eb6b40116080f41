#include "ledger/block.h"

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {
namespace {
constexpr std::string_view kPayloadDomain = "remit-payload-v1";
constexpr std::string_view kBlockDomain = "remit-block-v1";
constexpr std::string_view kStateDomain = "remit-state-v1";
}  // namespace

Hash32 ComputePayloadHash(const v1::Block& block) {
  REMIT_CHECK(block.transfers_size() <= static_cast<int>(kBlockTransfersMax));
  Blake2bHasher hasher;
  hasher.Update(kPayloadDomain);
  std::string count;
  PutU32(count, static_cast<uint32_t>(block.transfers_size()));
  hasher.Update(count);
  for (const v1::SignedTransfer& signed_transfer : block.transfers()) {
    REMIT_CHECK(signed_transfer.signature().size() == kSignatureBytes);
    hasher.Update(AsBytes(ComputeTransferId(signed_transfer.transfer())));
    hasher.Update(signed_transfer.signature());
  }
  return hasher.Finish();
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
    const v1::Transfer& transfer = signed_transfer.transfer();
    if (signed_transfer.signature().size() != kSignatureBytes ||
        transfer.chain_id().size() > kChainIdBytesMax ||
        transfer.genesis_hash().size() != kHashBytes || transfer.from().size() != kPublicKeyBytes ||
        transfer.to().size() != kPublicKeyBytes || transfer.asset().size() > kAssetCodeBytesMax ||
        transfer.memo().size() > kMemoBytesMax) {
      return absl::InvalidArgumentError("block carries a malformed transfer");
    }
  }
  if (header.payload_hash() != AsBytes(ComputePayloadHash(block))) {
    return absl::InvalidArgumentError("block payload hash does not match its transfers");
  }
  return absl::OkStatus();
}

Hash32 ComputeStateHash(const Hash32& parent_state_hash, const BlockEffects& effects) {
  Blake2bHasher hasher;
  hasher.Update(kStateDomain);
  hasher.Update(AsBytes(parent_state_hash));
  std::string bytes;
  PutU64(bytes, effects.height);
  for (const auto& [key, balance] : effects.balances) {
    bytes.append(AsBytes(key.account));
    PutShortBytes(bytes, key.asset);
    PutI64(bytes, balance);
  }
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    bytes.append(AsBytes(account));
    PutU64(bytes, next_sequence);
  }
  for (const v1::TransferRecord& record : effects.records) {
    REMIT_CHECK(record.receipt().transfer_id().size() == kHashBytes);
    bytes.append(record.receipt().transfer_id());
    PutU8(bytes, static_cast<uint8_t>(record.receipt().outcome()));
  }
  hasher.Update(bytes);
  return hasher.Finish();
}

}  // namespace remit
