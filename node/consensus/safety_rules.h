// The 2-chain safety rules of DiemBFT v4 (Jolteon). A validator that signs
// only what these allow never helps commit two conflicting blocks, even
// across restarts, because each decision is persisted before it is signed.
//
//   vote for block B (round r, parent QC round q, optional TC for r-1):
//     r > last_voted_round, and
//     (r == q + 1  or  (tc.round == r - 1 and q >= max high-QC round in tc))
//   timeout for round r with highest QC round q (optional TC for r-1):
//     r >= last_voted_round, q >= one_chain_round, and
//     (r == q + 1  or  tc.round == r - 1)
//
// Voting or timing out at r raises last_voted_round to r; a timeout at r
// therefore forbids a later vote at r, while a vote at r still allows a
// timeout at r.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "node/consensus/safety_storage.h"

namespace remit {

class SafetyRules {
 public:
  explicit SafetyRules(SafetyStorage& storage);

  // Records that a QC of this round was seen (raises one_chain_round).
  // Persisted with the next vote or timeout.
  void ObserveQc(uint64_t qc_round);

  // If voting for a block of `round` extending a QC of `qc_round` is safe,
  // persists the vote and returns true. `tc_high_qc_round` is set when the
  // proposal carries a TC for round - 1.
  bool TryVote(uint64_t round, uint64_t qc_round, std::optional<uint64_t> tc_high_qc_round,
               const v1::Vote& vote);
  // If timing out `round` with highest QC `qc_round` is safe, persists it and
  // returns true. `entered_by_tc` says a TC for round - 1 exists.
  bool TryTimeout(uint64_t round, uint64_t qc_round, bool entered_by_tc);

  const v1::SafetyData& data() const { return data_; }
  // The uncommitted blocks saved before a restart (moved out once).
  std::vector<v1::CertifiedBlock> TakeSavedBlocks() { return std::move(saved_blocks_); }
  // Called right before each save, to say how the saved blocks change (the
  // block tree must be durable by then too).
  void set_before_save(std::function<void(SavedBlocksChange&)> fill) {
    before_save_ = std::move(fill);
  }

 private:
  void Save();

  SafetyStorage& storage_;
  std::function<void(SavedBlocksChange&)> before_save_;
  v1::SafetyData data_;  // without blocks
  std::vector<v1::CertifiedBlock> saved_blocks_;
};

}  // namespace remit
