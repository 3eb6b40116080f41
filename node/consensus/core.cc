#include "node/consensus/core.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/consensus/signing.h"

namespace remit {
ConsensusCore::ConsensusCore(const Genesis& genesis, const SigningKey& key, CommittedLedger& ledger,
                             SafetyStorage& safety_storage, Mempool& mempool, const Clock& clock,
                             const ConsensusOptions& options)
    : genesis_(genesis),
      genesis_hash_(GenesisHash(genesis)),
      key_(key),
      domain_(SigningDomain::Of(genesis)),
      validators_(genesis),
      index_(*validators_.IndexOf(key.public_key())),
      ledger_(ledger),
      safety_(safety_storage, key_, domain_),
      mempool_(mempool),
      clock_(clock),
      options_(options),
      tree_(ledger),
      election_(validators_.size(), {genesis.leader_exclude_rounds, genesis.leader_window_rounds}) {
  const auto genesis_block = ledger_.GetBlock(0);
  REMIT_CHECK(genesis_block.ok());
  v1::VoteData& vote_data = *genesis_qc_.mutable_vote_data();
  vote_data.set_block_hash(genesis_block->block_hash());
  vote_data.set_round(0);
  vote_data.set_height(0);
  vote_data.set_parent_hash(std::string(kHashBytes, '\0'));
  vote_data.set_parent_round(0);
  vote_data.set_state_hash(genesis_block->state_hash());
  const auto head = ledger_.GetBlock(ledger_.committed_height());
  REMIT_CHECK(head.ok());
  // A committed head other than genesis is always stored with its QC.
  REMIT_CHECK(ledger_.committed_height() == 0 || head->has_qc());
  high_qc_ = ledger_.committed_height() == 0 ? genesis_qc_ : head->qc();
  committed_round_ = head->block().header().round();
  RestoreElection();
  RestoreTree();
  RestoreHighQc();
  safety_.set_before_save([this](SavedBlocksChange& change) { ChangeSavedBlocks(change); });
}

void ConsensusCore::ChangeSavedBlocks(SavedBlocksChange& change) {
  // Only what changed since the last save is written: new blocks, blocks
  // whose QC arrived, and blocks that left the tree.
  for (const TreeBlock* block : tree_.ByHeight()) {
    const auto saved = saved_blocks_.find(block->hash);
    if (saved != saved_blocks_.end() && (saved->second || !block->qc)) continue;
    v1::CertifiedBlock& put = change.put.emplace_back();
    *put.mutable_block() = block->block;
    if (block->qc) *put.mutable_qc() = *block->qc;
    saved_blocks_[block->hash] = block->qc.has_value();
  }
  for (auto it = saved_blocks_.begin(); it != saved_blocks_.end();) {
    if (tree_.Find(it->first) != nullptr) {
      ++it;
      continue;
    }
    change.erase.push_back(it->first);
    it = saved_blocks_.erase(it);
  }
}

void ConsensusCore::RestoreElection() {
  // All the history election reads, so that a restarted validator names the
  // leaders the others name: every block of the last exclude + window
  // rounds. A round holds at most one block, so that is at most as many
  // blocks, read one at a time.
  const uint64_t head = ledger_.committed_height();
  const uint64_t blocks_max = genesis_.leader_exclude_rounds + genesis_.leader_window_rounds;
  const uint64_t first = head > blocks_max ? head - blocks_max + 1 : 1;
  if (first > head) return;
  const auto before = ledger_.GetBlock(first - 1);
  REMIT_CHECK(before.ok());
  uint64_t parent_round = before->block().header().round();
  for (uint64_t height = first; height <= head; ++height) {
    const auto block = ledger_.GetBlock(height);
    REMIT_CHECK(block.ok());
    RecordCommitted(block->block(), parent_round);
    parent_round = block->block().header().round();
  }
}

void ConsensusCore::RecordCommitted(const v1::Block& block, uint64_t parent_round) {
  const v1::BlockHeader& header = block.header();
  const auto proposer =
      validators_.IndexOf(*ToArray<kPublicKeyBytes>(header.proposer(), "proposer"));
  REMIT_CHECK(proposer.has_value());  // checked when the block was proposed
  election_.OnCommitted(header.round(), parent_round, *proposer,
                        SignersOf(header.parent_signers(), validators_.size()));
}

void ConsensusCore::RestoreHighQc() {
  // The highest QC seen before a restart, saved with the one_chain_round it
  // raised: its block may never have reached this validator, so without it
  // the safety rules would refuse every timeout until a peer sent it again.
  const v1::SafetyData& data = safety_.data();
  if (!data.has_high_qc() || data.high_qc().vote_data().round() <= high_qc_.vote_data().round()) {
    return;
  }
  if (QcDiverges(data.high_qc())) return;
  high_qc_ = data.high_qc();
  const Hash32 hash = HashOf(high_qc_.vote_data().block_hash());
  if (TreeBlock* block = tree_.FindMutable(hash); block != nullptr && !block->qc) {
    block->qc = high_qc_;
  } else if (!tree_.IsKnownParent(hash) &&
             high_qc_.vote_data().height() > ledger_.committed_height()) {
    pending_qcs_.emplace(hash, high_qc_);  // fetched by RetryCatchUp
  }
}

void ConsensusCore::Halt(std::string reason) {
  if (halt_reason_) return;
  ++counters_.dropped_state_divergence;
  spdlog::critical(
      "STATE DIVERGENCE: {}. This validator's execution disagrees with a quorum: it stops "
      "voting, proposing and committing (reads of its committed history go on). Keep its data "
      "directory for diagnosis, check that it runs the same remitd as the others, and then "
      "rebuild it from a healthy validator's data",
      reason);
  halt_reason_ = std::move(reason);
  commits_due_.clear();
}

bool ConsensusCore::QcDiverges(const v1::QuorumCert& qc) {
  const Hash32 hash = HashOf(qc.vote_data().block_hash());
  Hash32 ours{};
  if (const TreeBlock* block = tree_.Find(hash)) {
    ours = block->effects.state_hash;
  } else if (hash == ledger_.committed_block_hash()) {
    ours = ledger_.committed_state_hash();
  } else {
    return false;  // not executed here (yet)
  }
  if (qc.vote_data().state_hash() == AsBytes(ours)) return false;
  Halt(StrCat("a quorum certified state ", ToHex(qc.vote_data().state_hash()), " after block ",
              ToHex(hash), " at height ", qc.vote_data().height(), ", but this validator computed ",
              ToHex(ours)));
  return true;
}

void ConsensusCore::RestoreTree() {
  // Blocks saved before a restart, re-executed in height order; those that
  // no longer descend from the committed head are left out (and erased from
  // storage at the next save).
  std::vector<v1::CertifiedBlock> saved = safety_.TakeSavedBlocks();
  std::sort(saved.begin(), saved.end(), [](const auto& a, const auto& b) {
    return a.block().header().height() < b.block().header().height();
  });
  for (const v1::CertifiedBlock& entry : saved) {
    const v1::Block& block = entry.block();
    const Hash32 hash = ComputeBlockHash(block.header());
    saved_blocks_[hash] = entry.has_qc();
    if (block.header().height() <= ledger_.committed_height()) continue;
    if (!tree_.IsKnownParent(HashOf(block.header().parent_hash()))) continue;
    std::optional<Hash32> certified;
    if (entry.has_qc()) certified = HashOf(entry.qc().vote_data().state_hash());
    if (!ExecuteAndInsert(block, hash, certified)) continue;
    if (entry.has_qc()) {
      tree_.FindMutable(hash)->qc = entry.qc();
      if (entry.qc().vote_data().round() > high_qc_.vote_data().round()) high_qc_ = entry.qc();
    }
  }
}

void ConsensusCore::Start(CoreOutput& out) {
  if (halt_reason_) return;
  AdvanceRound(high_qc_.vote_data().round() + 1);
  MaybePropose(out);
  AnnounceQc(out);
  // Announce our highest QC: validators that are ahead answer with theirs,
  // so a restarted validator catches up even when nothing is being sent.
  v1::ConsensusMessage sync;
  *sync.mutable_sync_info()->mutable_high_qc() = high_qc_;
  Send(std::nullopt, std::move(sync), out);
}

std::optional<uint64_t> ConsensusCore::next_deadline_ms() const {
  if (halt_reason_) return std::nullopt;
  std::optional<uint64_t> deadline_ms;
  if (HasWork()) deadline_ms = round_deadline_ms_;
  for (const auto& [peer, serving] : sync_serving_) {
    if (!serving.waiting) continue;
    const uint64_t due_ms = serving.served_ms + options_.sync_serve_interval_ms;
    deadline_ms = std::min(deadline_ms.value_or(due_ms), due_ms);
  }
  return deadline_ms;
}

bool ConsensusCore::HasWork() const {
  const Hash32 head = HashOf(high_qc_.vote_data().block_hash());
  // Only the highest QC's missing block is worth timing rounds out for: a
  // lower QC whose block nobody serves (a certified block of an abandoned
  // fork) must not keep an idle cluster timing out.
  if (pending_qcs_.contains(head)) return true;
  if (tree_.PathHasTransfers(head)) return true;
  if (mempool_.size() == 0 || !tree_.IsKnownParent(head)) return false;
  // Only transfers the next block could carry count: one waiting behind a
  // missing earlier sequence of its sender (lost with a crashed validator)
  // gives no leader anything to propose, so it must not make rounds time
  // out. Rescanned only when the pool or the highest QC changed.
  if (ready_cache_.version != mempool_.version() || ready_cache_.head != head) {
    const auto state = tree_.StateAfter(head);
    ready_cache_.ready = mempool_.HasReady(
        [&state](const AccountId& account) { return state->NextSequence(account); });
    ready_cache_.version = mempool_.version();
    ready_cache_.head = head;
  }
  return ready_cache_.ready;
}

void ConsensusCore::ArmTimer() {
  // Never shorter than a few of the slowest recent rounds, so that rounds
  // slowed by load are not cut short; a dead leader is still noticed within
  // a few ordinary rounds where round_timeout_ms allows.
  const uint64_t slowest_ms = *std::max_element(recent_round_ms_.begin(), recent_round_ms_.end());
  const uint64_t base_ms = std::max(options_.round_timeout_ms, kSlowRoundFactor * slowest_ms);
  // The timeout doubles with each round since the last commit beyond the
  // three a commit needs (as Diem's pacemaker does): a failed leader costs
  // one base timeout while the chain keeps committing, and a network too
  // slow for the base timeout gets ever longer rounds until it commits.
  const uint64_t uncommitted = round_ > committed_round_ + 3 ? round_ - committed_round_ - 3 : 0;
  const uint64_t shift = std::min<uint64_t>(uncommitted, 16);
  round_deadline_ms_ = NowMs() + std::min(base_ms << shift, options_.round_timeout_ms_max);
}

void ConsensusCore::AdvanceRound(uint64_t round) {
  if (round <= round_) return;
  round_ = round;
  round_started_ms_ = NowMs();
  proposed_in_round_ = false;
  my_timeout_.reset();
  votes_.erase(votes_.begin(), votes_.lower_bound(round_ - 1));
  voted_.erase(voted_.begin(), voted_.lower_bound(round_ - 1));
  proposed_.erase(proposed_.begin(), proposed_.lower_bound({round_, 0}));
  timeouts_.erase(timeouts_.begin(), timeouts_.lower_bound(round_));
  ArmTimer();
  // The leader proposes when the event that moved it here is done
  // (OnMessage, OnTick, Start), not from inside it: a single validator's
  // own vote completes each round, and proposing from here would recurse.
}

void ConsensusCore::OnTick(CoreOutput& out) {
  if (halt_reason_) return;
  ServeWaitingSyncs(out);
  RetryCatchUp(out);
  if (!HasWork()) {
    ArmTimer();  // an idle round never times out
  } else if (NowMs() >= round_deadline_ms_) {
    OnRoundTimeout(out);
  }
  MaybePropose(out);
  AnnounceQc(out);
}

void ConsensusCore::AnnounceQc(CoreOutput& out) {
  if (!qc_unannounced_ || halt_reason_) return;
  // No proposal carries this QC: send it on its own, so that every
  // validator commits what it commits.
  v1::ConsensusMessage sync;
  *sync.mutable_sync_info()->mutable_high_qc() = std::move(*qc_unannounced_);
  qc_unannounced_.reset();
  Send(std::nullopt, std::move(sync), out);
}

void ConsensusCore::OnMessage(uint32_t from, const v1::ConsensusMessage& message, CoreOutput& out) {
  if (halt_reason_) return;
  if (from >= validators_.size()) {
    ++counters_.dropped_not_validator;
    return;
  }
  switch (message.kind_case()) {
    case v1::ConsensusMessage::kProposal:
      OnProposal(from, message.proposal(), out);
      break;
    case v1::ConsensusMessage::kVote:
      if (message.vote().signer() != from) {
        ++counters_.dropped_bad_signature;  // claims another validator's identity
        return;
      }
      OnVote(message.vote(), out);
      break;
    case v1::ConsensusMessage::kTimeout:
      OnTimeout(message.timeout(), from, out);
      break;
    case v1::ConsensusMessage::kBlockRequest:
      OnBlockRequest(from, message.block_request(), out);
      break;
    case v1::ConsensusMessage::kBlockResponse:
      OnBlockResponse(from, message.block_response(), out);
      break;
    case v1::ConsensusMessage::kSyncInfo:
      OnSyncInfo(from, message.sync_info(), out);
      break;
    case v1::ConsensusMessage::kSyncRequest:
      OnSyncRequest(from, message.sync_request(), out);
      break;
    case v1::ConsensusMessage::kTransfers:  // the node admits these, not the core
    case v1::ConsensusMessage::KIND_NOT_SET:
      ++counters_.dropped_bad_block;
      break;
  }
  MaybePropose(out);
  AnnounceQc(out);
}

void ConsensusCore::ProcessQc(const v1::QuorumCert& qc, uint32_t from, CoreOutput& out) {
  if (halt_reason_ || QcDiverges(qc)) return;
  const v1::VoteData& vote_data = qc.vote_data();
  const Hash32 hash = HashOf(vote_data.block_hash());
  safety_.ObserveQc(qc);
  if (TreeBlock* block = tree_.FindMutable(hash); block != nullptr && !block->qc) block->qc = qc;
  if (vote_data.round() > high_qc_.vote_data().round()) high_qc_ = qc;
  if (vote_data.height() > ledger_.committed_height() && !tree_.IsKnownParent(hash)) {
    pending_qcs_.emplace(hash, qc);
    RequestMissing(qc, from, out);
  }
  commits_due_.push_back(qc);
  // A late QC for an ancestor may be what the highest QC's commit waited for.
  if (high_qc_.vote_data().round() != vote_data.round()) commits_due_.push_back(high_qc_);
  if (vote_data.round() == round_) {
    // How long a round that succeeded took here, for ArmTimer.
    recent_round_ms_[recent_round_next_++ % recent_round_ms_.size()] = NowMs() - round_started_ms_;
  }
  if (vote_data.round() + 1 > round_) AdvanceRound(vote_data.round() + 1);
}

void ConsensusCore::ProcessTc(const v1::TimeoutCert& tc, uint32_t from, CoreOutput& out) {
  ProcessQc(tc.high_qc(), from, out);
  if (halt_reason_) return;
  if (!high_tc_ || tc.round() > high_tc_->round()) high_tc_ = tc;
  AdvanceRound(tc.round() + 1);
}

void ConsensusCore::Send(std::optional<uint32_t> to, v1::ConsensusMessage message,
                         CoreOutput& out) {
  REMIT_CHECK(!to.has_value() || *to != index_);
  if (validators_.size() == 1 && !to.has_value()) return;
  out.sends.push_back({to, std::move(message)});
}

}  // namespace remit
