#include "tests/sim/audits.h"

#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::sim {

void SigningAudit::OnSend(uint32_t validator, const v1::ConsensusMessage& message,
                          std::vector<std::string>& violations) {
  uint64_t round = 0;
  Kind kind = kVote;
  std::string what;
  if (message.has_vote()) {
    round = message.vote().vote_data().round();
    what = message.vote().vote_data().SerializeAsString();
  } else if (message.has_proposal()) {
    round = message.proposal().block().header().round();
    kind = kProposal;
    what = message.proposal().block().header().SerializeAsString();
  } else {
    return;
  }
  const auto [it, inserted] = signed_.try_emplace({validator, round, kind}, what);
  if (!inserted && it->second != what) {
    violations.push_back(StrCat("validator ", validator, " signed two different ",
                                kind == kVote ? "votes" : "proposals", " for round ", round));
  }
}

void LeaderAudit::OnRound(uint32_t validator, uint64_t round, uint64_t committed_round,
                          uint32_t leader, std::vector<std::string>& violations) {
  // Only where the history the election reads (events up to round -
  // exclude_rounds) is final here: a committed head beyond that round. At
  // the head itself, the next committed block still adds the head's voters.
  if (round <= exclude_rounds_ || committed_round <= round - exclude_rounds_) return;
  const auto [it, inserted] = named_.try_emplace(round, leader, validator);
  if (!inserted && it->second.first != leader) {
    violations.push_back(StrCat("validator ", validator, " names validator ", leader,
                                " leader of round ", round, " but validator ", it->second.second,
                                " names validator ", it->second.first));
  }
}

Bounds BoundsOf(const ConsensusOptions& options, uint32_t validators, uint64_t run_ms,
                size_t mempool_transfers_max) {
  Bounds bounds;
  // One vote per (signer, round), for rounds from the current one - 1 up to
  // rounds_ahead_max ahead.
  bounds.votes_held_max = static_cast<size_t>(validators) * (options.rounds_ahead_max + 2);
  bounds.mempool_transfers_max = mempool_transfers_max;
  // One SyncRequest served per interval, plus one waiting; BlockRequests
  // from a bucket of block_serve_burst_max refilled one per interval.
  bounds.responses_per_peer_max = run_ms / options.sync_serve_interval_ms + 2 +
                                  options.block_serve_burst_max +
                                  run_ms / options.block_serve_interval_ms;
  bounds.responses_per_restart_max = 2 + options.block_serve_burst_max;
  return bounds;
}

void BoundsAudit::OnState(uint32_t validator, size_t votes_held, size_t mempool_size,
                          std::vector<std::string>& violations) {
  // Flagged once each: a broken bound would otherwise flag every event.
  if (votes_held > bounds_.votes_held_max && !votes_flagged_) {
    votes_flagged_ = true;
    violations.push_back(StrCat("validator ", validator, " holds ", votes_held,
                                " votes, above the bound of ", bounds_.votes_held_max));
  }
  if (mempool_size > bounds_.mempool_transfers_max && !mempool_flagged_) {
    mempool_flagged_ = true;
    violations.push_back(StrCat("validator ", validator, " holds ", mempool_size,
                                " pending transfers, above the bound of ",
                                bounds_.mempool_transfers_max));
  }
}

void BoundsAudit::OnSend(uint32_t validator, uint32_t to, const v1::ConsensusMessage& message,
                         std::vector<std::string>& violations) {
  if (!message.has_block_response()) return;
  const uint64_t sent = ++responses_[{validator, to}];
  const uint64_t allowed =
      bounds_.responses_per_peer_max + restarts_[validator] * bounds_.responses_per_restart_max;
  if (sent > allowed && !responses_flagged_[{validator, to}]) {
    responses_flagged_[{validator, to}] = true;
    violations.push_back(StrCat("validator ", validator, " sent validator ", to, " more than ",
                                allowed, " block responses, beyond its serving rate limits"));
  }
}

}  // namespace remit::sim
