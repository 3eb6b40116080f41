#include "node/consensus/safety_rules.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {

SafetyRules::SafetyRules(SafetyStorage& storage, const SigningKey& key, SigningDomain domain)
    : storage_(storage), key_(key), domain_(std::move(domain)), data_(storage.Load()) {
  saved_blocks_.assign(std::make_move_iterator(data_.mutable_tree()->begin()),
                       std::make_move_iterator(data_.mutable_tree()->end()));
  data_.clear_tree();
}

void SafetyRules::ObserveQc(const v1::QuorumCert& qc) {
  const uint64_t round = qc.vote_data().round();
  const uint64_t kept = data_.has_high_qc() ? data_.high_qc().vote_data().round() : 0;
  if (data_.has_high_qc() && round <= kept) return;
  data_.set_one_chain_round(std::max(data_.one_chain_round(), round));
  *data_.mutable_high_qc() = qc;
}

std::optional<std::string> SafetyRules::SignProposal(uint64_t round, uint64_t qc_round,
                                                     const Hash32& block_hash) {
  if (round <= data_.last_voted_round() || round <= data_.last_proposed_round()) {
    spdlog::warn(
        "round {}: not proposing: this validator already voted up to round {} and proposed up "
        "to round {} (it restarted in a round it had signed in)",
        round, data_.last_voted_round(), data_.last_proposed_round());
    return std::nullopt;
  }
  REMIT_CHECK(qc_round < round);
  data_.set_last_proposed_round(round);
  Save();
  return ToString(key_.Sign(ProposalSigningBytes(domain_, block_hash)));
}

std::optional<v1::Vote> SafetyRules::SignVote(const v1::VoteData& vote_data, uint32_t signer,
                                              std::optional<uint64_t> tc_high_qc_round) {
  const uint64_t round = vote_data.round();
  const uint64_t qc_round = vote_data.parent_round();
  if (round <= data_.last_voted_round()) return std::nullopt;
  const bool extends_qc = round == qc_round + 1;
  const bool justified_by_tc = tc_high_qc_round.has_value() && qc_round >= *tc_high_qc_round;
  if (!extends_qc && !justified_by_tc) return std::nullopt;
  v1::Vote vote;
  *vote.mutable_vote_data() = vote_data;
  vote.set_signer(signer);
  vote.set_signature(ToString(key_.Sign(VoteSigningBytes(domain_, vote_data))));
  data_.set_last_voted_round(round);
  data_.set_one_chain_round(std::max(data_.one_chain_round(), qc_round));
  *data_.mutable_last_vote() = vote;
  Save();  // before the vote leaves
  return vote;
}

std::optional<std::string> SafetyRules::SignTimeout(uint64_t round, uint64_t qc_round,
                                                    bool entered_by_tc) {
  if (round < data_.last_voted_round()) return std::nullopt;
  if (qc_round < data_.one_chain_round()) return std::nullopt;
  if (round != qc_round + 1 && !entered_by_tc) return std::nullopt;
  data_.set_last_voted_round(round);
  data_.set_highest_timeout_round(std::max(data_.highest_timeout_round(), round));
  Save();
  return ToString(key_.Sign(TimeoutSigningBytes(domain_, round, qc_round)));
}

void SafetyRules::Save() {
  SavedBlocksChange blocks;
  if (before_save_) before_save_(blocks);
  storage_.Save(data_, blocks);
}

}  // namespace remit
