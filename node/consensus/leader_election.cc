#include "node/consensus/leader_election.h"

#include <algorithm>

#include "ledger/check.h"

namespace remit {

LeaderElection::LeaderElection(uint32_t validators, const LeaderElectionOptions& options)
    : validators_(validators), options_(options) {
  REMIT_CHECK(validators_ >= 1);
  REMIT_CHECK(options_.exclude_rounds >= 1);
  REMIT_CHECK(options_.window_rounds >= 1);
}

void LeaderElection::OnCommitted(uint64_t round, uint64_t parent_round, uint32_t proposer,
                                 const std::vector<uint32_t>& parent_voters) {
  REMIT_CHECK(round > parent_round);
  REMIT_CHECK(round > committed_round_);  // commit order is round order
  REMIT_CHECK(events_.empty() || events_.back().round <= parent_round);
  // Events stay in ascending rounds: the parent's voters first.
  for (uint32_t voter : parent_voters) {
    REMIT_CHECK(voter < validators_);
    events_.push_back({parent_round, voter, false});
  }
  REMIT_CHECK(proposer < validators_);
  // The rounds between the parent and this block failed. Each is charged to
  // its round-robin leader, not to a stand-in this rule chose: charging
  // stays a function of the round alone, so a validator that restarts with
  // only recent history charges exactly as the others do.
  // Only the newest window of them can ever matter.
  const uint64_t horizon = options_.exclude_rounds + options_.window_rounds;
  uint64_t first_failed = std::max(parent_round, committed_round_) + 1;
  if (round > horizon) first_failed = std::max(first_failed, round - horizon);
  for (uint64_t failed = first_failed; failed < round; ++failed) {
    events_.push_back({failed, static_cast<uint32_t>(failed % validators_), true});
  }
  events_.push_back({round, proposer, false});
  committed_round_ = round;
  // Keep what any round at or after this one may look at.
  const uint64_t oldest_needed = round > options_.exclude_rounds + options_.window_rounds
                                     ? round - options_.exclude_rounds - options_.window_rounds
                                     : 0;
  while (!events_.empty() && events_.front().round < oldest_needed) events_.pop_front();
}

bool LeaderElection::HistoryCovers(uint64_t round) const {
  return round > options_.exclude_rounds && committed_round_ >= round - options_.exclude_rounds;
}

std::vector<bool> LeaderElection::FailedAt(uint64_t anchor) const {
  std::vector<bool> failed(validators_, false);
  std::vector<bool> known(validators_, false);
  uint32_t unknown = validators_;
  const uint64_t oldest = anchor > options_.window_rounds ? anchor - options_.window_rounds : 0;
  for (auto it = events_.rbegin(); it != events_.rend() && unknown > 0; ++it) {
    if (it->round > anchor) continue;
    if (it->round <= oldest) break;
    if (known[it->validator]) continue;
    known[it->validator] = true;
    failed[it->validator] = it->failed;
    --unknown;
  }
  return failed;
}

uint32_t LeaderElection::LeaderOf(uint64_t round) const {
  const auto base = static_cast<uint32_t>(round % validators_);
  if (validators_ == 1 || !HistoryCovers(round)) return base;
  const std::vector<bool> failed = FailedAt(round - options_.exclude_rounds);
  for (uint32_t i = 0; i < validators_; ++i) {
    const uint32_t candidate = (base + i) % validators_;
    if (!failed[candidate]) return candidate;
  }
  return base;  // everyone failed lately: plain round-robin
}

std::vector<uint32_t> LeaderElection::SkippedAt(uint64_t round) const {
  std::vector<uint32_t> skipped;
  if (validators_ == 1 || !HistoryCovers(round)) return skipped;
  const std::vector<bool> failed = FailedAt(round - options_.exclude_rounds);
  for (uint32_t v = 0; v < validators_; ++v) {
    if (failed[v]) skipped.push_back(v);
  }
  return skipped;
}

}  // namespace remit
