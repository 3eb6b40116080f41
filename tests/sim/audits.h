// Checks the simulator runs on what validators do between commits:
//   - SigningAudit: no honest validator signs two different votes, or two
//     different proposals, for one round (across restarts too: what it
//     signed before a crash counts);
//   - LeaderAudit: every honest validator whose committed chain goes past
//     the rounds a round's election reads (docs/CONSENSUS.md, leader
//     election) names the same leader for that round;
//   - BoundsAudit: what an honest validator holds for others stays under
//     its named bounds while Byzantine validators flood it (votes held,
//     pending transfers), and the responses it sends one peer stay within
//     its serving rate limits.
// Each appends one line per violation, naming the validator and round.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "node/consensus/core.h"
#include "remit/v1/consensus.pb.h"

namespace remit::sim {

class SigningAudit {
 public:
  // `validator` sent `message` (as it signed it, before any corruption).
  void OnSend(uint32_t validator, const v1::ConsensusMessage& message,
              std::vector<std::string>& violations);

 private:
  enum Kind : uint8_t { kVote, kProposal };
  // (validator, round, kind) -> what it signed.
  std::map<std::tuple<uint32_t, uint64_t, Kind>, std::string> signed_;
};

class LeaderAudit {
 public:
  explicit LeaderAudit(uint64_t exclude_rounds) : exclude_rounds_(exclude_rounds) {}

  // `validator`, whose committed chain reaches `committed_round`, is in
  // `round` and names `leader` for it.
  void OnRound(uint32_t validator, uint64_t round, uint64_t committed_round, uint32_t leader,
               std::vector<std::string>& violations);

 private:
  const uint64_t exclude_rounds_;
  std::map<uint64_t, std::pair<uint32_t, uint32_t>> named_;  // round -> (leader, validator)
};

struct Bounds {
  size_t votes_held_max = 0;
  size_t mempool_transfers_max = 0;
  // Responses (BlockResponse) one validator may send one peer in a run,
  // and how many more after each restart (its limits start afresh).
  uint64_t responses_per_peer_max = 0;
  uint64_t responses_per_restart_max = 0;
};

// The bounds a core with `options` among `validators` keeps over `run_ms`.
Bounds BoundsOf(const ConsensusOptions& options, uint32_t validators, uint64_t run_ms,
                size_t mempool_transfers_max);

class BoundsAudit {
 public:
  explicit BoundsAudit(const Bounds& bounds) : bounds_(bounds) {}

  // After an event of `validator`: what its core and mempool hold.
  void OnState(uint32_t validator, size_t votes_held, size_t mempool_size,
               std::vector<std::string>& violations);
  // `validator` sent `message` to `to`.
  void OnSend(uint32_t validator, uint32_t to, const v1::ConsensusMessage& message,
              std::vector<std::string>& violations);
  // `validator` restarted: its serving limits start afresh (one more burst).
  void OnRestart(uint32_t validator) { ++restarts_[validator]; }

 private:
  const Bounds bounds_;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> responses_;  // (from, to) -> sent
  std::map<uint32_t, uint64_t> restarts_;
  std::map<std::pair<uint32_t, uint32_t>, bool> responses_flagged_;
  bool votes_flagged_ = false;
  bool mempool_flagged_ = false;
};

}  // namespace remit::sim
