#include "node/consensus/precheck.h"

#include <algorithm>

#include "ledger/block.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "ledger/unknown_fields.h"
#include "node/consensus/signing.h"

namespace remit {
namespace {

// Signatures only: chain binding and every other field are checked by the
// core, which sees the same (key, message, signature) triples.
void PrecheckTransfers(const v1::Block& block) {
  for (const v1::SignedTransfer& transfer : block.transfers()) {
    if (transfer.ByteSizeLong() > kSignedTransferBytesMax || HasUnknownFields(transfer)) {
      continue;  // the core refuses the block without checking signatures
    }
    (void)VerifyTransferSignature(transfer);
  }
}

// True while `signer` may follow `previous` in a certificate: strictly
// increasing genesis indexes, so at most one entry per validator is checked.
bool NextSigner(int index, uint32_t signer, uint32_t previous, const ValidatorSet& validators) {
  return signer < validators.size() && (index == 0 || signer > previous);
}

void PrecheckQc(const v1::QuorumCert& qc, const ValidatorSet& validators,
                const SigningDomain& domain) {
  if (!CheckVoteDataShape(qc.vote_data()).ok()) return;
  const std::string message = VoteSigningBytes(domain, qc.vote_data());
  const int count = std::min(qc.signers_size(), qc.signatures_size());
  for (int i = 0; i < count; ++i) {
    if (!NextSigner(i, qc.signers(i), i > 0 ? qc.signers(i - 1) : 0, validators)) return;
    (void)VerifyBy(validators, qc.signers(i), message, qc.signatures(i));
  }
}

void PrecheckTc(const v1::TimeoutCert& tc, const ValidatorSet& validators,
                const SigningDomain& domain) {
  for (int i = 0; i < tc.signatures_size(); ++i) {
    const v1::TimeoutSignature& entry = tc.signatures(i);
    if (!NextSigner(i, entry.signer(), i > 0 ? tc.signatures(i - 1).signer() : 0, validators)) {
      return;
    }
    (void)VerifyBy(validators, entry.signer(),
                   TimeoutSigningBytes(domain, tc.round(), entry.high_qc_round()),
                   entry.signature());
  }
  PrecheckQc(tc.high_qc(), validators, domain);
}

void PrecheckProposal(const v1::Proposal& proposal, const ValidatorSet& validators,
                      const SigningDomain& domain) {
  const v1::BlockHeader& header = proposal.block().header();
  if (CheckBlockShape(proposal.block()).ok()) {
    // The core checks that the proposer leads the round; here only its key matters.
    const auto proposer =
        validators.IndexOf(*ToArray<kPublicKeyBytes>(header.proposer(), "proposer"));
    if (proposer) {
      (void)VerifyBy(validators, *proposer, ProposalSigningBytes(domain, ComputeBlockHash(header)),
                     proposal.signature());
    }
  }
  PrecheckTransfers(proposal.block());
  PrecheckQc(proposal.qc(), validators, domain);
  PrecheckTc(proposal.tc(), validators, domain);
}

uint32_t PrecheckGossip(v1::TransferBatch& batch) {
  auto& transfers = *batch.mutable_transfers();
  const auto bad = std::remove_if(transfers.begin(), transfers.end(), [&](const auto& transfer) {
    return transfer.ByteSizeLong() > kSignedTransferBytesMax || !VerifyTransferSignature(transfer);
  });
  const auto removed = static_cast<uint32_t>(transfers.end() - bad);
  transfers.erase(bad, transfers.end());
  return removed;
}

}  // namespace

uint32_t PrecheckMessage(v1::ConsensusMessage& message, const ValidatorSet& validators,
                         const SigningDomain& domain) {
  switch (message.kind_case()) {
    case v1::ConsensusMessage::kTransfers:
      return PrecheckGossip(*message.mutable_transfers());
    case v1::ConsensusMessage::kProposal:
      PrecheckProposal(message.proposal(), validators, domain);
      break;
    case v1::ConsensusMessage::kVote:
      if (CheckVoteDataShape(message.vote().vote_data()).ok()) {
        (void)VerifyBy(validators, message.vote().signer(),
                       VoteSigningBytes(domain, message.vote().vote_data()),
                       message.vote().signature());
      }
      break;
    case v1::ConsensusMessage::kTimeout: {
      const v1::Timeout& timeout = message.timeout();
      (void)VerifyBy(
          validators, timeout.signer(),
          TimeoutSigningBytes(domain, timeout.round(), timeout.high_qc().vote_data().round()),
          timeout.signature());
      PrecheckQc(timeout.high_qc(), validators, domain);
      PrecheckTc(timeout.last_tc(), validators, domain);
      break;
    }
    case v1::ConsensusMessage::kBlockResponse:
      // Fetched blocks come with their QC; their transfers' signatures are
      // not checked again (ConsensusCore::ExecuteAndInsert).
      for (const v1::CertifiedBlock& block : message.block_response().blocks()) {
        PrecheckQc(block.qc(), validators, domain);
      }
      break;
    case v1::ConsensusMessage::kSyncInfo:
      PrecheckQc(message.sync_info().high_qc(), validators, domain);
      break;
    case v1::ConsensusMessage::kBlockRequest:
    case v1::ConsensusMessage::kSyncRequest:
    case v1::ConsensusMessage::KIND_NOT_SET:
      break;
  }
  return 0;
}

}  // namespace remit
