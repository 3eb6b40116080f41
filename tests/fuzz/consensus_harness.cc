#include "tests/fuzz/consensus_harness.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/transfer.h"
#include "node/consensus/precheck.h"
#include "node/consensus/signing.h"

namespace remit::fuzz {
namespace {

constexpr uint64_t kAdvanceMs[] = {5, 120, 1'000, 30'000};

const SigningKey& ValidatorKey(uint32_t index) { return FuzzChain::Get().validators.at(index); }
const SigningDomain& Domain() {
  static const SigningDomain domain = SigningDomain::Of(FuzzChain::Get().genesis);
  return domain;
}

// The field sizes SigningBytes needs.
bool TransferFieldsOk(const v1::SignedTransfer& signed_transfer) {
  const v1::Transfer& transfer = signed_transfer.transfer();
  return transfer.chain_id().size() <= kChainIdBytesMax &&
         transfer.genesis_hash().size() == kHashBytes &&
         transfer.from().size() == kPublicKeyBytes && transfer.to().size() == kPublicKeyBytes &&
         transfer.asset().size() <= kAssetCodeBytesMax && transfer.memo().size() <= kMemoBytesMax;
}

// The sizes ComputePayloadHash needs: the fields and the signature.
bool TransferShapeOk(const v1::SignedTransfer& signed_transfer) {
  return TransferFieldsOk(signed_transfer) && signed_transfer.signature().size() == kSignatureBytes;
}

bool HeaderShapeOk(const v1::BlockHeader& header) {
  return header.chain_id().size() <= kChainIdBytesMax &&
         header.parent_hash().size() == kHashBytes &&
         header.parent_state_hash().size() == kHashBytes &&
         header.payload_hash().size() == kHashBytes && header.proposer().size() == kPublicKeyBytes;
}

// The placeholders of a client-built transfer (see transfer_fuzzer.cc).
void FillTransfer(v1::SignedTransfer& signed_transfer) {
  const FuzzChain& chain = FuzzChain::Get();
  v1::Transfer& transfer = *signed_transfer.mutable_transfer();
  if (transfer.from().size() == 1) {
    transfer.set_from(ToString(chain.Key(static_cast<uint8_t>(transfer.from()[0])).public_key()));
  }
  if (transfer.to().size() == 1) {
    transfer.set_to(ToString(chain.Key(static_cast<uint8_t>(transfer.to()[0])).public_key()));
  }
  if (transfer.genesis_hash().empty()) transfer.set_genesis_hash(ToString(chain.genesis_hash()));
  if (signed_transfer.signature().size() == 1 && TransferFieldsOk(signed_transfer)) {
    if (const SigningKey* key = chain.KeyOf(transfer.from())) {
      signed_transfer = SignTransfer(transfer, *key);
    }
  }
}

// Fills placeholders and recomputes the payload hash; false if the block's
// fields cannot be hashed.
bool FillBlock(v1::Block& block) {
  for (v1::SignedTransfer& transfer : *block.mutable_transfers()) FillTransfer(transfer);
  v1::BlockHeader& header = *block.mutable_header();
  if (header.proposer().size() == 1) {
    header.set_proposer(ToString(
        ValidatorKey(static_cast<uint8_t>(header.proposer()[0]) % kValidators).public_key()));
  }
  header.set_payload_hash(std::string(kHashBytes, '\0'));
  if (!HeaderShapeOk(header) || block.transfers_size() > static_cast<int>(kBlockTransfersMax) ||
      !std::all_of(block.transfers().begin(), block.transfers().end(), TransferShapeOk)) {
    return false;
  }
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  return true;
}

void SignQc(v1::QuorumCert& qc) {
  if (!CheckVoteDataShape(qc.vote_data()).ok()) return;
  const std::string message = VoteSigningBytes(Domain(), qc.vote_data());
  qc.clear_signatures();
  for (uint32_t signer : qc.signers()) {
    const std::string signature =
        signer < kValidators ? ToString(ValidatorKey(signer).Sign(message)) : std::string();
    qc.add_signatures(signature);
  }
}

void SignTc(v1::TimeoutCert& tc) {
  if (tc.has_high_qc()) SignQc(*tc.mutable_high_qc());
  for (v1::TimeoutSignature& entry : *tc.mutable_signatures()) {
    if (entry.signer() >= kValidators) continue;
    entry.set_signature(
        ToString(ValidatorKey(entry.signer())
                     .Sign(TimeoutSigningBytes(Domain(), tc.round(), entry.high_qc_round()))));
  }
}

// Points a fetched block's QC at the block, as an honest quorum would have.
void CertifyBlock(v1::CertifiedBlock& certified) {
  const bool hashable = FillBlock(*certified.mutable_block());
  const v1::BlockHeader& header = certified.block().header();
  v1::VoteData& vote_data = *certified.mutable_qc()->mutable_vote_data();
  if (hashable) vote_data.set_block_hash(ToString(ComputeBlockHash(header)));
  vote_data.set_height(header.height());
  vote_data.set_round(header.round());
  vote_data.set_parent_hash(header.parent_hash());
  SignQc(*certified.mutable_qc());
}

void ForgeQuorum(v1::ConsensusMessage& message) {
  switch (message.kind_case()) {
    case v1::ConsensusMessage::kProposal:
      SignQc(*message.mutable_proposal()->mutable_qc());
      if (message.proposal().has_tc()) SignTc(*message.mutable_proposal()->mutable_tc());
      break;
    case v1::ConsensusMessage::kTimeout:
      SignQc(*message.mutable_timeout()->mutable_high_qc());
      if (message.timeout().has_last_tc()) SignTc(*message.mutable_timeout()->mutable_last_tc());
      break;
    case v1::ConsensusMessage::kSyncInfo:
      SignQc(*message.mutable_sync_info()->mutable_high_qc());
      break;
    case v1::ConsensusMessage::kBlockResponse:
      for (v1::CertifiedBlock& certified : *message.mutable_block_response()->mutable_blocks()) {
        CertifyBlock(certified);
      }
      break;
    default:
      break;
  }
}

// The validator the message claims to come from; `fallback` if it names none.
uint32_t ClaimedSenderOf(const v1::ConsensusMessage& message, const ConsensusCore& core,
                         uint32_t fallback) {
  switch (message.kind_case()) {
    case v1::ConsensusMessage::kProposal:
      return core.election().LeaderOf(message.proposal().block().header().round());
    case v1::ConsensusMessage::kVote:
      return message.vote().signer();
    case v1::ConsensusMessage::kTimeout:
      return message.timeout().signer();
    default:
      return fallback;
  }
}

// Signs the message as `sender` would.
void SignAs(uint32_t sender, v1::ConsensusMessage& message) {
  const SigningKey& key = ValidatorKey(sender);
  switch (message.kind_case()) {
    case v1::ConsensusMessage::kProposal: {
      v1::Proposal& proposal = *message.mutable_proposal();
      if (!FillBlock(*proposal.mutable_block())) return;
      const Hash32 hash = ComputeBlockHash(proposal.block().header());
      proposal.set_signature(ToString(key.Sign(ProposalSigningBytes(Domain(), hash))));
      break;
    }
    case v1::ConsensusMessage::kVote: {
      v1::Vote& vote = *message.mutable_vote();
      if (!CheckVoteDataShape(vote.vote_data()).ok()) return;
      vote.set_signature(ToString(key.Sign(VoteSigningBytes(Domain(), vote.vote_data()))));
      break;
    }
    case v1::ConsensusMessage::kTimeout: {
      v1::Timeout& timeout = *message.mutable_timeout();
      timeout.set_signature(ToString(key.Sign(
          TimeoutSigningBytes(Domain(), timeout.round(), timeout.high_qc().vote_data().round()))));
      break;
    }
    case v1::ConsensusMessage::kBlockResponse:
      for (v1::CertifiedBlock& certified : *message.mutable_block_response()->mutable_blocks()) {
        FillBlock(*certified.mutable_block());
      }
      break;
    default:
      break;
  }
}

// What validator 0 sent must be safe whatever it was fed.
void CheckSends(const NodeOutput& out, uint64_t voted_before) {
  uint64_t last_vote_round = voted_before;
  std::optional<uint64_t> timeout_round_max;
  std::map<uint64_t, uint64_t> timeout_qc_round;  // round -> high QC round
  std::map<uint64_t, std::string> proposal_hash;  // round -> block hash
  for (const CoreOutput::Send& send : out.sends) {
    REMIT_CHECK(!send.to || (*send.to < kValidators && *send.to != kSelf));
    const v1::ConsensusMessage& message = send.message;
    if (message.has_vote()) {
      const v1::Vote& vote = message.vote();
      REMIT_CHECK(vote.signer() == kSelf);
      REMIT_CHECK(vote.vote_data().round() > last_vote_round);
      REMIT_CHECK(!timeout_round_max || vote.vote_data().round() > *timeout_round_max);
      last_vote_round = vote.vote_data().round();
    } else if (message.has_timeout()) {
      const v1::Timeout& timeout = message.timeout();
      REMIT_CHECK(timeout.signer() == kSelf);
      const uint64_t qc_round = timeout.high_qc().vote_data().round();
      const auto [it, inserted] = timeout_qc_round.emplace(timeout.round(), qc_round);
      REMIT_CHECK(inserted || it->second == qc_round);
      timeout_round_max = std::max(timeout_round_max.value_or(0), timeout.round());
    } else if (message.has_proposal()) {
      const v1::Block& block = message.proposal().block();
      REMIT_CHECK(CheckBlockShape(block).ok());
      REMIT_CHECK(block.header().proposer() == AsBytes(ValidatorKey(kSelf).public_key()));
      const std::string hash = ToString(ComputeBlockHash(block.header()));
      const auto [it, inserted] = proposal_hash.emplace(block.header().round(), hash);
      REMIT_CHECK(inserted || it->second == hash);
    }
  }
}

void CheckLedger(const sim::MemLedger& ledger, const WarmState& warm, const NodeOutput& out) {
  REMIT_CHECK(ledger.committed_height() >= warm.ledger.committed_height());
  for (const AssetInfo& asset : FuzzChain::Get().genesis.assets) {
    REMIT_CHECK(ledger.AssetSum(asset.code) == 0);
  }
  uint64_t height = warm.ledger.committed_height();
  for (const BlockEffects& effects : out.committed) REMIT_CHECK(effects.height == ++height);
  REMIT_CHECK(height == ledger.committed_height());
}

}  // namespace

uint64_t AdvanceMs(uint8_t control) { return kAdvanceMs[(control >> 2) & 3]; }

FuzzedValidator::FuzzedValidator()
    : warm_(Warm()), clock_(warm_.now_ms), ledger_(warm_.ledger), safety_(warm_.safety) {
  const FuzzChain& chain = FuzzChain::Get();
  machine_ = std::make_unique<NodeMachine>(chain.genesis, chain.validators[kSelf], ledger_,
                                           RecordsOf(ledger_), safety_, clock_, NodeLimits{},
                                           FuzzConsensusOptions());
  // The pending transfers, as gossip from another validator.
  machine_->OnPeerMessage(1, GossipOf(warm_.pending), out_);
  machine_->Start(out_);
}

uint32_t FuzzedValidator::ClaimedSender(const v1::ConsensusMessage& message,
                                        uint32_t fallback) const {
  return ClaimedSenderOf(message, machine_->core(), fallback);
}

void FuzzedValidator::Prepare(uint8_t control, uint32_t sender,
                              v1::ConsensusMessage& message) const {
  if (message.has_transfers()) {
    for (v1::SignedTransfer& transfer : *message.mutable_transfers()->mutable_transfers()) {
      FillTransfer(transfer);
    }
  }
  if (control & kForgeQuorum) ForgeQuorum(message);
  if ((control & (kByzantine | kForgeQuorum)) && sender != kSelf && sender < kValidators) {
    SignAs(sender, message);
  }
}

void FuzzedValidator::Deliver(uint32_t from, v1::ConsensusMessage message) {
  const uint32_t removed = PrecheckMessage(message, machine_->core().validators(), Domain());
  REMIT_CHECK(removed == 0 || message.has_transfers());
  if (message.has_transfers() && from >= kValidators) return;  // the transport refuses them
  machine_->OnPeerMessage(from, message, out_);
  if (!message.has_transfers()) machine_->FlushCommits(out_);
}

void FuzzedValidator::Tick(uint64_t advance_ms) {
  clock_.now_ms += advance_ms;
  machine_->OnTick(out_);
  machine_->FlushCommits(out_);
}

void FuzzedValidator::CheckInvariants() {
  CheckSends(out_, warm_.last_voted_round);
  REMIT_CHECK(safety_.Load().last_voted_round() >= warm_.last_voted_round);
  CheckLedger(ledger_, warm_, out_);
}

}  // namespace remit::fuzz
