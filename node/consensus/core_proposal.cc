// Proposing, checking proposals, executing blocks and voting.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"
#include "ledger/unknown_fields.h"
#include "node/consensus/core.h"
#include "node/consensus/signing.h"

namespace remit {
namespace {

// What admission requires of a transfer's bytes, which its id and signature
// do not cover: at most kSignedTransferBytesMax, and no unknown fields
// (they would be stored with the block, unhashed, and differ between
// validators).
bool FitsInBlock(const v1::SignedTransfer& transfer) {
  return transfer.ByteSizeLong() <= kSignedTransferBytesMax && !HasUnknownFields(transfer);
}

}  // namespace

void ConsensusCore::MaybePropose(CoreOutput& out) {
  if (halt_reason_ || election_.LeaderOf(round_) != index_ || proposed_in_round_) return;
  const uint64_t qc_round = high_qc_.vote_data().round();
  const bool by_tc = high_tc_.has_value() && high_tc_->round() + 1 == round_;
  if (qc_round + 1 != round_ && !by_tc) return;
  const Hash32 parent = HashOf(high_qc_.vote_data().block_hash());
  if (!tree_.IsKnownParent(parent)) {
    spdlog::debug("round {}: leading, but block {} of QC round {} is not here yet", round_,
                  ToHex(parent).substr(0, 16), qc_round);
    return;  // fetching it first
  }
  const auto state = tree_.StateAfter(parent);
  std::vector<v1::SignedTransfer> ready =
      mempool_.Ready(options_.block_transfers_max,
                     [&state](const AccountId& account) { return state->NextSequence(account); });
  std::erase_if(ready, [](const v1::SignedTransfer& transfer) { return !FitsInBlock(transfer); });
  if (ready.empty() && !tree_.PathHasTransfers(parent)) {
    spdlog::debug("round {}: leading, nothing to order ({} pending)", round_, mempool_.size());
    return;
  }

  v1::Proposal proposal;
  v1::Block& block = *proposal.mutable_block();
  for (v1::SignedTransfer& transfer : ready) *block.add_transfers() = std::move(transfer);
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(genesis_.chain_id);
  header.set_height(high_qc_.vote_data().height() + 1);
  header.set_round(round_);
  header.set_parent_hash(ToString(parent));
  header.set_timestamp_unix_ms(std::max(clock_.NowUnixMs(), tree_.TimestampOf(parent)));
  header.set_parent_state_hash(ToString(tree_.StateHashAfter(parent)));
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  header.set_proposer(ToString(key_.public_key()));
  header.set_parent_signers(SignerBitmap(high_qc_));
  const Hash32 hash = ComputeBlockHash(header);
  proposed_in_round_ = true;  // one attempt per round, whatever follows
  if (!ExecuteAndInsert(block, hash, std::nullopt)) {
    spdlog::error("round {}: this validator's own block does not execute; not proposing", round_);
    return;
  }
  // The safety rules refuse a round this validator already signed in (it
  // restarted there): the block just made is then never sent.
  std::optional<std::string> signature = safety_.SignProposal(round_, qc_round, hash);
  if (!signature) return;
  (void)FirstOfRound(header, hash);
  *proposal.mutable_qc() = high_qc_;
  if (qc_round + 1 != round_) *proposal.mutable_tc() = *high_tc_;
  proposal.set_signature(std::move(*signature));
  ++counters_.proposals_sent;
  // This proposal carries the QC just formed: no SyncInfo needs to.
  if (qc_unannounced_ && qc_unannounced_->vote_data().round() == qc_round) {
    qc_unannounced_.reset();
  }
  v1::ConsensusMessage message;
  *message.mutable_proposal() = proposal;
  Send(std::nullopt, std::move(message), out);
  VoteFor(proposal, hash, out);
}

bool ConsensusCore::CheckCertificates(const v1::Proposal& proposal) {
  const v1::BlockHeader& header = proposal.block().header();
  if (!CheckBlockShape(proposal.block()).ok() || header.chain_id() != genesis_.chain_id ||
      CheckVoteDataShape(proposal.qc().vote_data()) != absl::OkStatus()) {
    ++counters_.dropped_bad_block;
    return false;
  }
  if (!VerifyQc(proposal.qc(), validators_, domain_, genesis_qc_).ok()) {
    ++counters_.dropped_bad_certificate;
    return false;
  }
  uint64_t tc_high = 0;
  if (proposal.has_tc() &&
      !VerifyTc(proposal.tc(), validators_, domain_, genesis_qc_, &tc_high).ok()) {
    ++counters_.dropped_bad_certificate;
    return false;
  }
  return true;
}

bool ConsensusCore::CheckProposer(uint32_t from, const v1::Proposal& proposal) {
  const v1::BlockHeader& header = proposal.block().header();
  const uint32_t leader = election_.LeaderOf(header.round());
  if (from != leader || header.proposer() != AsBytes(validators_.key(leader))) {
    ++counters_.dropped_bad_signature;  // not this round's leader, or impersonating it
    return false;
  }
  const Hash32 hash = ComputeBlockHash(header);
  if (!VerifyBy(validators_, leader, ProposalSigningBytes(domain_, hash), proposal.signature())) {
    ++counters_.dropped_bad_signature;
    return false;
  }
  const v1::VoteData& parent = proposal.qc().vote_data();
  const bool extends_qc = header.round() == parent.round() + 1;
  const bool justified_by_tc = proposal.has_tc() && proposal.tc().round() + 1 == header.round();
  // The header names the QC's signers (hashed, for leader election).
  if (header.parent_hash() != parent.block_hash() || header.height() != parent.height() + 1 ||
      header.round() <= parent.round() || (!extends_qc && !justified_by_tc) ||
      header.parent_signers() != SignerBitmap(proposal.qc())) {
    ++counters_.dropped_bad_block;
    return false;
  }
  return true;
}

void ConsensusCore::OnProposal(uint32_t from, const v1::Proposal& proposal, CoreOutput& out) {
  // Certificates stand on their own signatures: they move this validator on
  // (and let one that lags, and so may disagree about the leader, catch up)
  // whoever carried them. Only then is the proposal itself judged.
  if (!CheckCertificates(proposal)) return;
  ProcessQc(proposal.qc(), from, out);
  if (proposal.has_tc()) ProcessTc(proposal.tc(), from, out);
  if (halt_reason_ || !CheckProposer(from, proposal)) return;
  const v1::BlockHeader& header = proposal.block().header();
  if (header.round() != round_) {
    // Too late to vote for, but if a QC we hold names it (the votes outran
    // the proposal, as they do when the proposal is large), it is the block
    // the next one must extend: keep it.
    const auto certified = pending_qcs_.find(ComputeBlockHash(header));
    if (certified != pending_qcs_.end() && tree_.IsKnownParent(HashOf(header.parent_hash())) &&
        ExecuteAndInsert(proposal.block(), certified->first,
                         HashOf(certified->second.vote_data().state_hash()))) {
      RetryPending(out);
      MaybePropose(out);
      return;
    }
    ++counters_.dropped_stale;
    spdlog::debug("round {}: proposal of round {} from {} is stale", round_, header.round(), from);
    return;
  }
  const Hash32 hash = ComputeBlockHash(header);
  if (!FirstOfRound(header, hash)) return;
  // A proposal's time may run at most clock_drift_ms_max ahead of ours
  // (certified blocks are not held to it: a quorum accepted them).
  if (header.timestamp_unix_ms() > clock_.NowUnixMs() + options_.clock_drift_ms_max) {
    ++counters_.dropped_bad_block;
    spdlog::warn("round {}: proposal from {} is timed {} ms ahead of this validator's clock",
                 round_, from, header.timestamp_unix_ms() - clock_.NowUnixMs());
    return;
  }
  const Hash32 parent = HashOf(header.parent_hash());
  if (!tree_.IsKnownParent(parent)) {
    ++counters_.dropped_unknown_parent;
    if (pending_.size() >= options_.pending_proposals_max) pending_.erase(pending_.begin());
    pending_.emplace(parent, std::make_pair(from, proposal));
    return;  // ProcessQc asked for the parent
  }
  if (tree_.Find(hash) == nullptr && !ExecuteAndInsert(proposal.block(), hash, std::nullopt)) {
    return;
  }
  VoteFor(proposal, hash, out);
}

bool ConsensusCore::FirstOfRound(const v1::BlockHeader& header, const Hash32& hash) {
  // CheckProposer passed: the proposer is the round's leader.
  const uint32_t proposer = election_.LeaderOf(header.round());
  auto [seen, inserted] = proposed_.try_emplace({header.round(), proposer}, hash, false);
  if (inserted || seen->second.first == hash) return true;
  ++counters_.equivocations;
  if (!seen->second.second) {
    seen->second.second = true;  // logged once per (round, proposer)
    spdlog::warn(
        "EQUIVOCATION: validator {} proposed two blocks for round {} ({} and {}); keeping the "
        "first",
        proposer, header.round(), ToHex(seen->second.first).substr(0, 16),
        ToHex(hash).substr(0, 16));
  }
  return false;
}

bool ConsensusCore::ExecuteAndInsert(const v1::Block& block, const Hash32& hash,
                                     std::optional<Hash32> certified_state_hash) {
  const v1::BlockHeader& header = block.header();
  const Hash32 parent = HashOf(header.parent_hash());
  REMIT_CHECK(tree_.IsKnownParent(parent));
  if (header.timestamp_unix_ms() < tree_.TimestampOf(parent)) {
    ++counters_.dropped_bad_block;
    return false;
  }
  // A block a quorum certified carries transfers whose signatures 2f+1
  // validators (f+1 of them honest) checked before voting: a validator that
  // fetches it checks every field but the signature, and its execution must
  // still reach the certified state. Otherwise each transfer is checked in
  // full, unless our own mempool's checks passed it with the same signature
  // (the id does not cover the signature).
  for (const v1::SignedTransfer& transfer : block.transfers()) {
    const v1::SignedTransfer* pooled =
        certified_state_hash ? nullptr : mempool_.Find(OperationId(transfer));
    const bool ok = FitsInBlock(transfer) &&
                    (certified_state_hash.has_value()
                         ? CheckTransferFields(transfer, genesis_.chain_id, genesis_hash_).ok()
                         : (pooled != nullptr && pooled->signature() == transfer.signature()) ||
                               CheckTransfer(transfer, genesis_.chain_id, genesis_hash_).ok());
    if (!ok) {
      ++counters_.dropped_bad_block;
      return false;
    }
  }
  const Hash32 parent_state = tree_.StateHashAfter(parent);
  if (header.parent_state_hash() != AsBytes(parent_state)) {
    if (certified_state_hash) {
      Halt(StrCat("certified block ", ToHex(hash), " at height ", header.height(),
                  " says the state after its parent is ", ToHex(header.parent_state_hash()),
                  ", but this validator computed ", ToHex(parent_state)));
      return false;
    }
    ++counters_.dropped_state_divergence;
    spdlog::error(
        "STATE DIVERGENCE: block {} at height {} says the state after its parent is {}, but "
        "this validator computed {}; refusing to vote",
        ToHex(hash), header.height(), ToHex(header.parent_state_hash()), ToHex(parent_state));
    return false;
  }
  TreeBlock tree_block;
  tree_block.block = block;
  tree_block.hash = hash;
  tree_block.effects = ExecuteBlock(genesis_, *tree_.StateAfter(parent), parent_state, block);
  if (certified_state_hash && *certified_state_hash != tree_block.effects.state_hash) {
    Halt(StrCat("a quorum certified state ", ToHex(*certified_state_hash), " after block ",
                ToHex(hash), " at height ", header.height(), ", but this validator computed ",
                ToHex(tree_block.effects.state_hash)));
    return false;
  }
  for (const v1::TransferRecord& record : tree_block.effects.records) {
    tree_block.final_ids.insert(HashOf(record.receipt().transfer_id()));
  }
  tree_.Insert(std::move(tree_block));
  return true;
}

void ConsensusCore::VoteFor(const v1::Proposal& proposal, const Hash32& hash, CoreOutput& out) {
  if (halt_reason_) return;
  const TreeBlock* block = tree_.Find(hash);
  REMIT_CHECK(block != nullptr);
  const v1::BlockHeader& header = proposal.block().header();
  v1::VoteData vote_data;
  vote_data.set_block_hash(ToString(hash));
  vote_data.set_round(header.round());
  vote_data.set_height(header.height());
  vote_data.set_parent_hash(header.parent_hash());
  vote_data.set_parent_round(proposal.qc().vote_data().round());
  vote_data.set_state_hash(ToString(block->effects.state_hash));
  std::optional<uint64_t> tc_high;
  if (proposal.has_tc() && proposal.tc().round() + 1 == header.round()) {
    tc_high = 0;
    for (const auto& entry : proposal.tc().signatures()) {
      tc_high = std::max(*tc_high, entry.high_qc_round());
    }
  }
  std::optional<v1::Vote> vote = safety_.SignVote(vote_data, index_, tc_high);
  if (!vote) return;
  ++counters_.votes_sent;
  const uint32_t next_leader = election_.LeaderOf(header.round() + 1);
  if (next_leader == index_) {
    OnVote(*vote, out);
    return;
  }
  v1::ConsensusMessage message;
  *message.mutable_vote() = std::move(*vote);
  Send(next_leader, std::move(message), out);
}

void ConsensusCore::OnVote(const v1::Vote& vote, CoreOutput& out) {
  const v1::VoteData& vote_data = vote.vote_data();
  if (!CheckVoteDataShape(vote_data).ok()) {
    ++counters_.dropped_bad_block;
    return;
  }
  if (vote_data.round() + 1 < round_) {
    ++counters_.dropped_stale;
    return;
  }
  if (vote_data.round() > round_ + options_.rounds_ahead_max ||
      election_.LeaderOf(vote_data.round() + 1) != index_) {
    ++counters_.dropped_far_future;
    return;
  }
  const std::string message = VoteSigningBytes(domain_, vote_data);
  if (!VerifyBy(validators_, vote.signer(), message, vote.signature())) {
    ++counters_.dropped_bad_signature;
    return;
  }
  // One vote per (signer, round): a second one is an equivocation or a
  // replay, and keeping it would let one validator grow votes_ at will.
  if (!voted_[vote_data.round()].insert(vote.signer()).second) {
    ++counters_.dropped_second_vote;
    return;
  }
  auto& signatures = votes_[vote_data.round()][message];
  signatures.emplace(vote.signer(), vote.signature());
  if (signatures.size() < validators_.quorum()) return;
  v1::QuorumCert qc;
  *qc.mutable_vote_data() = vote_data;
  for (const auto& [signer, signature] : signatures) {
    qc.add_signers(signer);
    qc.add_signatures(signature);
  }
  votes_.erase(vote_data.round());
  ProcessQc(qc, index_, out);
  // Sent on its own when the event is done, unless the proposal that
  // follows carries it (AnnounceQc).
  if (!proposed_in_round_ || round_ != vote_data.round() + 1) qc_unannounced_ = qc;
}

void ConsensusCore::OnSyncInfo(uint32_t from, const v1::SyncInfo& sync_info, CoreOutput& out) {
  if (!CheckVoteDataShape(sync_info.high_qc().vote_data()).ok() ||
      !VerifyQc(sync_info.high_qc(), validators_, domain_, genesis_qc_).ok()) {
    ++counters_.dropped_bad_certificate;
    return;
  }
  ProcessQc(sync_info.high_qc(), from, out);
  // A sender behind us (e.g. just restarted) learns our highest QC in turn.
  if (sync_info.high_qc().vote_data().round() < high_qc_.vote_data().round()) {
    SendSyncInfo(from, out);
  }
}

}  // namespace remit
