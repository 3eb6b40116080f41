#include "node/consensus/safety_rules.h"

#include <algorithm>

#include "ledger/check.h"

namespace remit {

SafetyRules::SafetyRules(SafetyStorage& storage) : storage_(storage), data_(storage.Load()) {
  saved_blocks_.assign(std::make_move_iterator(data_.mutable_tree()->begin()),
                       std::make_move_iterator(data_.mutable_tree()->end()));
  data_.clear_tree();
}

void SafetyRules::ObserveQc(uint64_t qc_round) {
  data_.set_one_chain_round(std::max(data_.one_chain_round(), qc_round));
}

bool SafetyRules::TryVote(uint64_t round, uint64_t qc_round,
                          std::optional<uint64_t> tc_high_qc_round, const v1::Vote& vote) {
  if (round <= data_.last_voted_round()) return false;
  const bool extends_qc = round == qc_round + 1;
  const bool justified_by_tc = tc_high_qc_round.has_value() && qc_round >= *tc_high_qc_round;
  if (!extends_qc && !justified_by_tc) return false;
  REMIT_CHECK(vote.vote_data().round() == round);
  data_.set_last_voted_round(round);
  data_.set_one_chain_round(std::max(data_.one_chain_round(), qc_round));
  *data_.mutable_last_vote() = vote;
  Save();
  return true;
}

bool SafetyRules::TryTimeout(uint64_t round, uint64_t qc_round, bool entered_by_tc) {
  if (round < data_.last_voted_round()) return false;
  if (qc_round < data_.one_chain_round()) return false;
  if (round != qc_round + 1 && !entered_by_tc) return false;
  data_.set_last_voted_round(round);
  data_.set_highest_timeout_round(std::max(data_.highest_timeout_round(), round));
  Save();
  return true;
}

void SafetyRules::Save() {
  SavedBlocksChange blocks;
  if (before_save_) before_save_(blocks);
  storage_.Save(data_, blocks);
}

}  // namespace remit
