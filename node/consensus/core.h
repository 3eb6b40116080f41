// The consensus core: 2-chain HotStuff as DiemBFT v4 (Jolteon) shipped it, as
// a single-threaded state machine. Events in (a message from a validator, a
// tick of the clock, new transfers in the mempool), outputs appended to a
// CoreOutput (messages to send, blocks committed). It does no I/O of its
// own: the ledger, safety storage, mempool and clock are injected, so the
// same code runs in remitd and in the deterministic simulator.
//
// Protocol summary (see docs/CONSENSUS.md):
//   - round r has a leader (round-robin, skipping validators that failed
//     lately: leader_election.h); it proposes a block extending its highest
//     QC, with a TC for r-1 when it entered r by timeout;
//   - validators execute the block on its parent's state, check the parent's
//     state hash in the header, and vote (SafetyRules) to the leader of r+1;
//   - 2f+1 matching votes form a QC; a QC on a block whose parent has the
//     previous round commits the parent and its ancestors (2-chain rule);
//   - a round without progress times out: signed timeouts carry the sender's
//     highest QC, and 2f+1 of them form a TC that moves everyone to r+1;
//   - a QC for an unknown block makes the validator fetch it and its
//     missing ancestors, each with its QC, and execute them in order; a
//     validator too far behind for that pulls committed blocks by height
//     (SyncRequest), chunk after chunk, verifying each block's QC before
//     executing it and committing by the same 2-chain rule.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "node/clock.h"
#include "node/consensus/block_tree.h"
#include "node/consensus/committed_ledger.h"
#include "node/consensus/leader_election.h"
#include "node/consensus/safety_rules.h"
#include "node/consensus/validator_set.h"
#include "node/mempool.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// A round times out after at least this many times the slowest recent round.
inline constexpr uint64_t kSlowRoundFactor = 4;

struct ConsensusOptions {
  // Timeout of a round; doubles per round since the last commit beyond
  // three, up to the max.
  uint64_t round_timeout_ms = 1'000;
  uint64_t round_timeout_ms_max = 8'000;
  uint32_t block_transfers_max = 5'000;
  // A proposal's timestamp may be at most this far ahead of our clock.
  uint64_t clock_drift_ms_max = 5'000;
  // Votes and timeouts further ahead of the current round are dropped.
  uint64_t rounds_ahead_max = 1'000;
  // Proposals waiting for a missing parent.
  uint32_t pending_proposals_max = 64;
  // Blocks asked for in one BlockRequest or SyncRequest, and served in one
  // BlockResponse. A validator further behind than this catches up by
  // SyncRequest (committed blocks by height) instead of fetching ancestors.
  uint32_t fetch_blocks_max = 256;
  // Bytes of blocks in one BlockResponse (it always holds at least one).
  uint64_t fetch_bytes_max = 2u << 20;
  // A peer's SyncRequests are served at most one per this interval; one
  // more waits (the newest replaces it) and is served when it has passed.
  uint64_t sync_serve_interval_ms = 20;
  // A peer's BlockRequests: a token bucket of this many, refilled one per
  // block_serve_interval_ms; requests beyond it are dropped (and counted).
  uint32_t block_serve_burst_max = 8;
  uint64_t block_serve_interval_ms = 10;
};

struct CoreOutput {
  struct Send {
    std::optional<uint32_t> to;  // nullopt: every other validator
    v1::ConsensusMessage message;
  };
  std::vector<Send> sends;
  // Effects of each block committed, in commit order.
  std::vector<BlockEffects> committed;
  // Pending transfers whose sequence a committed block consumed.
  std::vector<TransferId> superseded;
  // This validator timed out a round with work to do: the leader may never
  // have received its transfers, so they should be passed on again.
  bool timed_out = false;
};

// Why messages were dropped, for status and tests.
struct ConsensusCounters {
  uint64_t dropped_not_validator = 0;
  uint64_t dropped_bad_signature = 0;
  uint64_t dropped_bad_certificate = 0;
  uint64_t dropped_bad_block = 0;
  uint64_t dropped_stale = 0;
  uint64_t dropped_far_future = 0;
  uint64_t dropped_state_divergence = 0;
  uint64_t dropped_unknown_parent = 0;
  uint64_t dropped_rate_limited = 0;  // sync and block requests beyond a peer's bound
  uint64_t dropped_second_vote = 0;   // a signer's second vote for one round
  uint64_t equivocations = 0;         // a second block of one (round, proposer)
  uint64_t sync_requests_sent = 0;
  uint64_t timeouts_sent = 0;
  uint64_t proposals_sent = 0;
  uint64_t votes_sent = 0;
};

class ConsensusCore {
 public:
  ConsensusCore(const Genesis& genesis, const SigningKey& key, CommittedLedger& ledger,
                SafetyStorage& safety_storage, Mempool& mempool, const Clock& clock,
                const ConsensusOptions& options);

  // Enters the first round after start or restart.
  void Start(CoreOutput& out);
  // A message from validator `from` (the transport authenticated the peer
  // as that validator; signatures inside are verified here regardless).
  void OnMessage(uint32_t from, const v1::ConsensusMessage& message, CoreOutput& out);
  // Fires timeouts that are due, and proposes if leading with work to do.
  void OnTick(CoreOutput& out);
  // Commits what the QCs seen since the last call commit (durable ledger
  // writes). Kept apart from the events above so that the caller can send
  // their votes and proposals first: a commit is not on the critical path
  // of the next round, and a vote never depends on one.
  void FlushCommits(CoreOutput& out);

  uint64_t round() const { return round_; }
  uint32_t leader() const { return election_.LeaderOf(round_); }
  const LeaderElection& election() const { return election_; }
  uint32_t index() const { return index_; }
  const ValidatorSet& validators() const { return validators_; }
  const v1::QuorumCert& high_qc() const { return high_qc_; }
  const ConsensusCounters& counters() const { return counters_; }
  // The uncommitted blocks (for status and tests).
  const BlockTree& tree() const { return tree_; }
  // Votes held for rounds this validator leads next (for tests).
  size_t votes_held() const {
    size_t held = 0;
    for (const auto& [round, by_message] : votes_) {
      for (const auto& [message, signatures] : by_message) held += signatures.size();
    }
    return held;
  }
  // Monotonic ms at which OnTick has work to do, if any.
  std::optional<uint64_t> next_deadline_ms() const;
  // Set once a quorum certified a state this validator did not compute
  // (STATE DIVERGENCE): from then on the core signs, commits and answers
  // nothing, and every event is ignored. What happened, for status and logs.
  const std::optional<std::string>& halt_reason() const { return halt_reason_; }

 private:
  void RestoreTree();
  // The highest QC safety storage kept (see RestoreHighQc in core.cc).
  void RestoreHighQc();
  // Feeds leader election the last committed blocks (after a restart).
  void RestoreElection();
  // Feeds leader election a committed block whose parent has `parent_round`:
  // only hashed data (leader_election.h).
  void RecordCommitted(const v1::Block& block, uint64_t parent_round);
  // Stops the core for good (see halt_reason), logging STATE DIVERGENCE.
  void Halt(std::string reason);
  // True (and halts) if `qc` certifies another state than we computed for
  // a block we hold.
  bool QcDiverges(const v1::QuorumCert& qc);
  // What the next safety save writes of the block tree.
  void ChangeSavedBlocks(SavedBlocksChange& change);

  // Rounds and certificates.
  void ProcessQc(const v1::QuorumCert& qc, uint32_t from, CoreOutput& out);
  // A TC moves us to the round after it; its highest QC is processed too.
  void ProcessTc(const v1::TimeoutCert& tc, uint32_t from, CoreOutput& out);
  void AdvanceRound(uint64_t round);
  bool HasWork() const;
  void ArmTimer();

  // Proposals and votes.
  void MaybePropose(CoreOutput& out);
  void OnProposal(uint32_t from, const v1::Proposal& proposal, CoreOutput& out);
  // Shape, chain, QC and TC of a proposal.
  bool CheckCertificates(const v1::Proposal& proposal);
  // Sent by the round's leader, signed by it, and extending its QC as the
  // round allows.
  bool CheckProposer(uint32_t from, const v1::Proposal& proposal);
  // False (and the equivocation recorded) if the proposer of this block's
  // round already proposed another block for it; else remembers it.
  bool FirstOfRound(const v1::BlockHeader& header, const Hash32& hash);
  // Executes and inserts a block whose parent is known; false if invalid or
  // if its state differs from `certified_state_hash` (when given).
  bool ExecuteAndInsert(const v1::Block& block, const Hash32& hash,
                        std::optional<Hash32> certified_state_hash);
  void VoteFor(const v1::Proposal& proposal, const Hash32& hash, CoreOutput& out);
  void OnVote(const v1::Vote& vote, CoreOutput& out);
  // Broadcasts, as a SyncInfo, a QC this validator formed that no proposal
  // of its carried; called once an event (and the proposal it allows) is done.
  void AnnounceQc(CoreOutput& out);
  void OnSyncInfo(uint32_t from, const v1::SyncInfo& sync_info, CoreOutput& out);

  // Timeouts.
  void OnRoundTimeout(CoreOutput& out);
  void OnTimeout(const v1::Timeout& timeout, uint32_t from, CoreOutput& out);
  // Tells a validator that is behind our highest QC, at most every half round timeout.
  void SendSyncInfo(uint32_t to, CoreOutput& out);

  // Commit and sync.
  // The 2-chain rule on one QC: commits the blocks it commits.
  void CommitBy(const v1::QuorumCert& qc, CoreOutput& out);
  // Asks `from` (or, if that is us, a signer of `qc`) for the block `qc`
  // certifies and what it lacks below it: ancestors by hash when they are
  // few, committed blocks by height (RequestSync) when they are many.
  void RequestMissing(const v1::QuorumCert& qc, uint32_t from, CoreOutput& out);
  void RequestBlock(const Hash32& hash, uint64_t height, const std::vector<uint32_t>& peers,
                    CoreOutput& out);
  void RequestSync(uint32_t to, bool from_committed, CoreOutput& out);
  // After a response: asks for the next part of what is still missing.
  void ContinueCatchUp(uint32_t from, bool progressed, bool gap, CoreOutput& out);
  // {from}, unless that is us: then f+1 signers of `qc` (if given), else the
  // leader. Never empty.
  std::vector<uint32_t> PeersToAsk(uint32_t from, const v1::QuorumCert* qc) const;
  // From the clock: asks again for what is still missing (blocks a QC
  // names, QCs of blocks on the way to the highest QC), each time of another
  // validator (the last one asked may be down or lying).
  void RetryCatchUp(CoreOutput& out);
  void OnBlockRequest(uint32_t from, const v1::BlockRequest& request, CoreOutput& out);
  void OnSyncRequest(uint32_t from, const v1::SyncRequest& request, CoreOutput& out);
  void ServeSync(uint32_t to, const v1::SyncRequest& request, CoreOutput& out);
  // From the clock: serves SyncRequests that waited for their interval.
  void ServeWaitingSyncs(CoreOutput& out);
  // Takes a token of `from`'s BlockRequest bucket; false if none is left.
  bool TakeBlockServeToken(uint32_t from);
  void OnBlockResponse(uint32_t from, const v1::BlockResponse& response, CoreOutput& out);
  void RetryPending(CoreOutput& out);

  void Send(std::optional<uint32_t> to, v1::ConsensusMessage message, CoreOutput& out);
  uint64_t NowMs() const { return clock_.MonotonicUs() / 1000; }

  const Genesis& genesis_;
  const Hash32 genesis_hash_;  // GenesisHash(genesis_), computed once
  const SigningKey key_;
  const SigningDomain domain_;  // every signature's chain and genesis hash
  const ValidatorSet validators_;
  const uint32_t index_;
  CommittedLedger& ledger_;
  SafetyRules safety_;  // signs every proposal, vote and timeout
  Mempool& mempool_;
  const Clock& clock_;
  const ConsensusOptions options_;
  v1::QuorumCert genesis_qc_;
  BlockTree tree_;
  LeaderElection election_;
  ConsensusCounters counters_;
  std::optional<std::string> halt_reason_;

  uint64_t round_ = 0;
  v1::QuorumCert high_qc_;
  std::optional<v1::TimeoutCert> high_tc_;  // highest TC seen
  uint64_t committed_round_ = 0;            // round of the committed head
  uint64_t round_started_ms_ = 0;
  // Durations of the last rounds that ended with a QC here.
  std::array<uint64_t, 16> recent_round_ms_{};
  uint64_t recent_round_next_ = 0;
  // Whether the mempool held a transfer the next block could carry, as of
  // a mempool version and highest-QC block.
  struct ReadyCache {
    uint64_t version = UINT64_MAX;
    Hash32 head{};
    bool ready = false;
  };
  mutable ReadyCache ready_cache_;
  uint64_t round_deadline_ms_ = 0;
  bool proposed_in_round_ = false;
  std::optional<v1::Timeout> my_timeout_;         // signed for round_, re-sent on each expiry
  std::optional<v1::QuorumCert> qc_unannounced_;  // formed here, not yet sent (AnnounceQc)

  // Votes for rounds this validator leads next:
  // round -> signed vote bytes -> signer -> signature; one per (signer, round).
  std::map<uint64_t, std::map<std::string, std::map<uint32_t, std::string>>> votes_;
  std::map<uint64_t, std::set<uint32_t>> voted_;  // round -> signers in votes_
  // The block each proposer proposed for the current and next rounds:
  // (round, proposer) -> block hash. One is kept; a second is equivocation.
  // (round, proposer) -> (block hash, equivocation logged).
  std::map<std::pair<uint64_t, uint32_t>, std::pair<Hash32, bool>> proposed_;
  // round -> signer -> timeout
  std::map<uint64_t, std::map<uint32_t, v1::Timeout>> timeouts_;
  // Proposals waiting for their parent, by the parent's hash.
  std::multimap<Hash32, std::pair<uint32_t, v1::Proposal>> pending_;
  // QCs whose block is unknown yet, by block hash.
  std::map<Hash32, v1::QuorumCert> pending_qcs_;
  // Blocks in safety storage -> saved with their QC.
  std::map<Hash32, bool> saved_blocks_;
  // QCs seen since the last FlushCommits.
  std::vector<v1::QuorumCert> commits_due_;
  // When each validator was last sent our highest QC.
  std::map<uint32_t, uint64_t> sync_sent_ms_;
  // When each missing block was last asked for.
  std::map<Hash32, uint64_t> requested_ms_;
  // The last SyncRequest: when, and from which height.
  uint64_t sync_requested_ms_ = 0;
  uint64_t sync_requested_height_ = 0;
  // Serving peers' SyncRequests: one per interval, one more waiting.
  struct SyncServing {
    uint64_t served_ms = 0;
    uint64_t served_from_height = 0;
    std::optional<v1::SyncRequest> waiting;
  };
  std::map<uint32_t, SyncServing> sync_serving_;
  // Serving peers' BlockRequests: tokens left, as of when.
  struct Bucket {
    uint64_t tokens = 0;
    uint64_t refilled_ms = 0;
  };
  std::map<uint32_t, Bucket> block_serving_;
};

}  // namespace remit
