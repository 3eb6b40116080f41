#include "client/sdk/receipt_proof.h"

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/merkle.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/consensus/signing.h"
#include "node/consensus/validator_set.h"

namespace remit::sdk {
namespace {

absl::Status Failed(std::string_view check, std::string_view what) {
  return absl::InvalidArgumentError(StrCat(check, ": ", what));
}

// Every field of `header` has the size its hash needs (ComputeBlockHash).
bool HeaderShapeOk(const v1::BlockHeader& header) {
  return header.chain_id().size() <= kChainIdBytesMax &&
         header.parent_hash().size() == kHashBytes &&
         header.parent_state_hash().size() == kHashBytes &&
         header.payload_hash().size() == kHashBytes &&
         header.proposer().size() == kPublicKeyBytes &&
         header.parent_signers().size() <= kParentSignersBytesMax;
}

// genesis and transfer: signed for this chain, by its sender, with the
// receipt's id.
absl::Status CheckSignedTransfer(const v1::TransferRecord& record, const Genesis& genesis,
                                 const Hash32& genesis_hash, std::vector<std::string>& checked) {
  const v1::SignedTransfer& signed_transfer = record.signed_transfer();
  if (!HasSigningShape(signed_transfer)) return Failed("transfer", "the transfer is malformed");
  const OpHeader header = HeaderOf(signed_transfer);
  if (absl::Status chain =
          CheckChain(header.chain_id, header.genesis_hash, genesis.chain_id, genesis_hash);
      !chain.ok()) {
    return Failed("genesis",
                  StrCat("the transfer is not signed for this genesis (chain ", genesis.chain_id,
                         ", hash ", ToHex(genesis_hash), "): ", chain.message()));
  }
  checked.push_back(StrCat("genesis: transfer signed for chain ", genesis.chain_id,
                           ", genesis hash ", ToHex(genesis_hash)));
  const auto id = CheckTransfer(signed_transfer, genesis.chain_id, genesis_hash);
  if (!id.ok()) return Failed("transfer", std::string(id.status().message()));
  if (AsBytes(*id) != record.receipt().transfer_id()) {
    return Failed("transfer", StrCat("the transfer's id ", ToHex(*id), " is not the receipt's ",
                                     ToHex(record.receipt().transfer_id())));
  }
  checked.push_back(StrCat("transfer: signature verifies; id ", ToHex(*id)));
  return absl::OkStatus();
}

// header and merkle_path: the header is the receipt's block and its payload
// hash covers the transfer at the receipt's position.
absl::Status CheckInclusion(const v1::TransferRecord& record, const v1::ReceiptProof& proof,
                            const Genesis& genesis, std::vector<std::string>& checked) {
  const v1::Receipt& receipt = record.receipt();
  const v1::BlockHeader& header = proof.header();
  if (!HeaderShapeOk(header)) return Failed("header", "the header has a field of the wrong size");
  if (header.chain_id() != genesis.chain_id) {
    return Failed("header", StrCat("the header is of chain '", header.chain_id(), "'"));
  }
  const Hash32 block_hash = ComputeBlockHash(header);
  if (AsBytes(block_hash) != receipt.block_hash()) {
    return Failed("header", StrCat("the header hashes to ", ToHex(block_hash),
                                   ", not the receipt's block hash ", ToHex(receipt.block_hash())));
  }
  if (header.height() != receipt.height() ||
      header.timestamp_unix_ms() != receipt.block_time_unix_ms()) {
    return Failed("header", "the header's height or time is not the receipt's");
  }
  checked.push_back(StrCat("header: block ", header.height(), " hashes to ", ToHex(block_hash)));
  std::vector<Hash32> path;
  for (const std::string& sibling : proof.merkle_path()) {
    const auto hash = ToArray<kHashBytes>(sibling, "sibling");
    if (!hash.ok()) return Failed("merkle_path", "a sibling is not 32 bytes");
    path.push_back(*hash);
  }
  const Hash32 leaf =
      MerkleLeafHash(OperationId(record.signed_transfer()), record.signed_transfer().signature());
  const auto root = MerkleRootFromPath(leaf, receipt.position(), proof.transfer_count(), path);
  if (!root.ok()) return Failed("merkle_path", std::string(root.status().message()));
  if (AsBytes(PayloadRootHash(proof.transfer_count(), *root)) != header.payload_hash()) {
    return Failed("merkle_path",
                  StrCat("the path from the transfer at position ", receipt.position(),
                         " does not lead to the header's payload hash"));
  }
  checked.push_back(StrCat("merkle_path: transfer is entry ", receipt.position(), " of ",
                           proof.transfer_count(), " under payload hash ",
                           ToHex(header.payload_hash())));
  return absl::OkStatus();
}

// descendants: each header above extends the one below; returns the last.
absl::StatusOr<const v1::BlockHeader*> CheckDescendants(const v1::ReceiptProof& proof,
                                                        std::vector<std::string>& checked) {
  const v1::BlockHeader* below = &proof.header();
  for (const v1::BlockHeader& above : proof.descendants()) {
    if (!HeaderShapeOk(above) || above.parent_hash() != AsBytes(ComputeBlockHash(*below)) ||
        above.height() != below->height() + 1) {
      return Failed("descendants", StrCat("the header at height ", above.height(),
                                          " does not extend block ", below->height()));
    }
    below = &above;
  }
  if (!proof.descendants().empty()) {
    checked.push_back(StrCat("descendants: blocks ", proof.header().height() + 1, "..",
                             below->height(), " extend it"));
  }
  return below;
}

// qc_link, qc_signers, qc_signature: a quorum of genesis validators voted
// for the child, one round later, of `last`.
absl::Status CheckCommitQc(const v1::QuorumCert& qc, const v1::BlockHeader& last,
                           const Genesis& genesis, const Hash32& genesis_hash,
                           std::vector<std::string>& checked) {
  const v1::VoteData& vote = qc.vote_data();
  if (!CheckVoteDataShape(vote).ok() || vote.parent_hash() != AsBytes(ComputeBlockHash(last)) ||
      vote.parent_round() != last.round() || vote.round() != last.round() + 1 ||
      vote.height() != last.height() + 1) {
    return Failed("qc_link", StrCat("the QC is not on a child of block ", last.height(),
                                    " one round later (round ", last.round() + 1,
                                    "), so it does not commit it by the 2-chain rule"));
  }
  checked.push_back(StrCat("qc_link: QC on block ", vote.height(), " round ", vote.round(),
                           " extends block ", last.height(), " round ", last.round(),
                           ": commits it by the 2-chain rule"));
  const ValidatorSet validators(genesis);
  if (qc.signers_size() != qc.signatures_size()) {
    return Failed("qc_signers", "the QC has a different number of signers and signatures");
  }
  if (static_cast<uint32_t>(qc.signers_size()) < validators.quorum()) {
    return Failed("qc_signers",
                  StrCat("the QC has ", qc.signers_size(), " signers; a quorum of genesis's ",
                         validators.size(), " validators is ", validators.quorum()));
  }
  for (int i = 0; i < qc.signers_size(); ++i) {
    if ((i > 0 && qc.signers(i) <= qc.signers(i - 1)) || qc.signers(i) >= validators.size()) {
      return Failed("qc_signers", "the QC's signers are not distinct, increasing genesis indexes");
    }
  }
  const std::string message = VoteSigningBytes(SigningDomain{genesis.chain_id, genesis_hash}, vote);
  for (int i = 0; i < qc.signers_size(); ++i) {
    if (!VerifyBy(validators, qc.signers(i), message, qc.signatures(i))) {
      return Failed("qc_signature", StrCat("the signature of validator ", qc.signers(i),
                                           " does not verify under genesis's key for it"));
    }
  }
  checked.push_back(StrCat("qc_signature: ", qc.signers_size(), " of ", validators.size(),
                           " genesis validators signed it (quorum ", validators.quorum(), ")"));
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyReceipt(const v1::TransferRecord& record, const v1::ReceiptProof& proof,
                           const Genesis& genesis, std::vector<std::string>* checked) {
  std::vector<std::string> lines;
  const Hash32 genesis_hash = GenesisHash(genesis);
  RETURN_IF_ERROR(CheckSignedTransfer(record, genesis, genesis_hash, lines));
  RETURN_IF_ERROR(CheckInclusion(record, proof, genesis, lines));
  ASSIGN_OR_RETURN(const v1::BlockHeader* last, CheckDescendants(proof, lines));
  RETURN_IF_ERROR(CheckCommitQc(proof.commit_qc(), *last, genesis, genesis_hash, lines));
  if (checked != nullptr) checked->insert(checked->end(), lines.begin(), lines.end());
  return absl::OkStatus();
}

}  // namespace remit::sdk
