// Who leads a round: round-robin, except that a validator whose latest sign
// of life in recent committed history is a failed round of its own is
// skipped (a reputation rule in the spirit of Diem's LeaderReputation), so
// that a crashed validator costs one round timeout, not one every n rounds.
//
// Deterministic: the leader of round r depends only on the committed chain
// up to round r - exclude_rounds, which every validator that reached round r
// normally holds. A validator whose committed chain does not reach that far
// falls back to plain round-robin for that round; disagreement about a
// leader costs liveness for a round at most, never safety (votes still
// follow the safety rules).
//
// History, per committed block B (round q, parent round p), read only from
// data that B's hash covers (a QC's signer set is not: a leader can hand
// different validators different QCs for one block):
//   - B's proposer was alive at round q;
//   - the signers of the parent's QC that B's header names
//     (`parent_signers`, checked against the proposal's QC before anyone
//     voted) were alive at round p;
//   - each round g with p < g < q produced no committed block: its
//     round-robin leader (g mod n) failed at round g. (A stand-in that fails
//     in a skipped validator's round is charged at its own next round.)
// A validator is skipped for round r if, among events in the window
// (anchor - window_rounds, anchor] with anchor = r - exclude_rounds, its
// newest is a failure. It comes back by voting (being named in a committed
// header's parent_signers) or when the failure leaves the window.
//
// Single-threaded, like the consensus core that owns it.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace remit {

// From genesis (leader_exclude_rounds, leader_window_rounds).
struct LeaderElectionOptions {
  uint64_t exclude_rounds = 4;
  uint64_t window_rounds = 1'000;
};

class LeaderElection {
 public:
  LeaderElection(uint32_t validators, const LeaderElectionOptions& options);

  // A committed block, in commit order: its round, its parent's round, its
  // proposer and the signers of its parent's QC (from its header).
  void OnCommitted(uint64_t round, uint64_t parent_round, uint32_t proposer,
                   const std::vector<uint32_t>& parent_voters);

  uint32_t LeaderOf(uint64_t round) const;
  // Validators skipped as leader of `round` (for status and tests).
  std::vector<uint32_t> SkippedAt(uint64_t round) const;

 private:
  struct Event {
    uint64_t round = 0;
    uint32_t validator = 0;
    bool failed = false;
  };

  // Per validator, whether its newest event at or below `anchor` (within the
  // window) is a failure.
  std::vector<bool> FailedAt(uint64_t anchor) const;
  bool HistoryCovers(uint64_t round) const;

  const uint32_t validators_;
  const LeaderElectionOptions options_;
  std::deque<Event> events_;  // ascending rounds
  uint64_t committed_round_ = 0;
};

}  // namespace remit
