// A Byzantine validator for the simulator. It runs an honest core and then
// corrupts what leaves it: equivocating proposals (a different block to
// different peers), double votes, votes for a state no honest validator
// computed, forged signatures, messages claiming another validator's
// identity, and replays of old messages. Everything it signs, it signs with
// its own key, as a real faulty validator could.
#pragma once

#include <deque>
#include <optional>
#include <random>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "node/consensus/core.h"
#include "node/consensus/signing.h"
#include "remit/v1/consensus.pb.h"

namespace remit::sim {

class Byzantine {
 public:
  Byzantine(const Genesis& genesis, const SigningKey& key, uint32_t index, uint64_t seed);

  // The messages to send in place of `message` (to one peer or all).
  std::vector<v1::ConsensusMessage> Mutate(const v1::ConsensusMessage& message,
                                           std::optional<uint32_t> to, const ConsensusCore& core);
  // Per-peer variation of a message being sent to `to` (equivocation).
  v1::ConsensusMessage ForPeer(const v1::ConsensusMessage& message, uint32_t to);

 private:
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  v1::ConsensusMessage ConflictingVote(const v1::Vote& vote);
  void Resign(v1::Vote& vote);

  const Genesis& genesis_;
  const SigningDomain domain_;
  const SigningKey& key_;
  const uint32_t index_;
  const uint32_t validators_;
  std::mt19937_64 rng_;
  std::deque<v1::ConsensusMessage> sent_;  // for replays
};

}  // namespace remit::sim
