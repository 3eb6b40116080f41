// The 2-chain safety rules of DiemBFT v4 (Jolteon), and the only holder of
// the validator's consensus signing key: every proposal, vote and timeout
// is signed here, after the decision that allows it is durable. A validator
// that signs only what these allow never helps commit two conflicting
// blocks, even across restarts.
//
//   propose block B (round r, extending a QC of round q):
//     r > last_voted_round and r > last_proposed_round
//   vote for block B (round r, parent QC round q, optional TC for r-1):
//     r > last_voted_round, and
//     (r == q + 1  or  (tc.round == r - 1 and q >= max high-QC round in tc))
//   timeout for round r with highest QC round q (optional TC for r-1):
//     r >= last_voted_round, q >= one_chain_round, and
//     (r == q + 1  or  tc.round == r - 1)
//
// Proposing at r raises last_proposed_round to r (as Diem's
// guarded_sign_proposal refuses a round at or below the last vote, and
// beyond it, a second block for a round this validator proposed in, which
// a restart would otherwise allow). Voting or timing out at r raises
// last_voted_round to r; a timeout at r therefore forbids a later vote at r,
// while a vote at r still allows a timeout at r.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "node/consensus/safety_storage.h"
#include "node/consensus/signing.h"

namespace remit {

class SafetyRules {
 public:
  // `key` signs everything; `domain` binds it to one chain.
  SafetyRules(SafetyStorage& storage, const SigningKey& key, SigningDomain domain);

  // Records a QC seen (raises one_chain_round, and keeps the QC of it).
  // Persisted with the next signature.
  void ObserveQc(const v1::QuorumCert& qc);

  // If proposing the block `block_hash` of `round` extending a QC of
  // `qc_round` is safe, persists that and returns the proposal signature.
  std::optional<std::string> SignProposal(uint64_t round, uint64_t qc_round,
                                          const Hash32& block_hash);
  // If voting for `vote_data` (extending a QC of vote_data.parent_round) is
  // safe, persists the vote and returns it signed by `signer`.
  // `tc_high_qc_round` is set when the proposal carries a TC for round - 1.
  std::optional<v1::Vote> SignVote(const v1::VoteData& vote_data, uint32_t signer,
                                   std::optional<uint64_t> tc_high_qc_round);
  // If timing out `round` with highest QC `qc_round` is safe, persists it and
  // returns the timeout signature. `entered_by_tc` says a TC for round - 1
  // exists.
  std::optional<std::string> SignTimeout(uint64_t round, uint64_t qc_round, bool entered_by_tc);

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
  const SigningKey& key_;
  const SigningDomain domain_;
  std::function<void(SavedBlocksChange&)> before_save_;
  v1::SafetyData data_;  // without blocks
  std::vector<v1::CertifiedBlock> saved_blocks_;
};

}  // namespace remit
