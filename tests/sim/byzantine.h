// A Byzantine validator for the simulator. It runs an honest core and then
// corrupts what leaves it, in the modes it is given (ByzantineMode). Every
// signature it makes, it makes with its own key, as a real faulty validator
// could; it cannot sign for clients or other validators.
#pragma once

#include <cstdint>
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

// What a Byzantine validator does; a bit set.
enum ByzantineMode : uint32_t {
  // Equivocating proposals (a different block to odd peers), double votes,
  // votes for a state no honest validator computed, forged signatures,
  // messages claiming another validator's identity, replays of old
  // messages, fetched blocks with a transfer altered.
  kByzantineClassic = 1u << 0,
  // A proposal in which one transfer's signature is zeroed or replaced by
  // another valid-looking one (the Byzantine validator's own signature over
  // the same bytes, or another transfer's), resealed and signed.
  kByzantineSwapSignature = 1u << 1,
  // A proposal that orders a sender's later sequence before an earlier one.
  kByzantineReorderSequences = 1u << 2,
  // Proposals whose QC differs per peer: a signer dropped (when more than a
  // quorum signed), a signer listed twice, or signatures out of order.
  kByzantineQcVariants = 1u << 3,
  // Floods: many validly signed proposals for one round, votes for many
  // rounds ahead, and bursts of SyncRequests for the whole chain.
  kByzantineFlood = 1u << 4,
};
inline constexpr uint32_t kByzantineAllModes = (1u << 5) - 1;

// How many messages one flood burst adds.
inline constexpr uint32_t kFloodBurst = 24;

// What a Byzantine validator did, by mode (for reports and tests).
struct ByzantineCounters {
  uint64_t signatures_swapped = 0;
  uint64_t sequences_reordered = 0;
  uint64_t qc_variants = 0;
  uint64_t floods = 0;
};

class Byzantine {
 public:
  Byzantine(const Genesis& genesis, const SigningKey& key, uint32_t index, uint64_t seed,
            uint32_t modes);

  // The messages to send in place of `message` (to one peer or all).
  std::vector<v1::ConsensusMessage> Mutate(const v1::ConsensusMessage& message,
                                           std::optional<uint32_t> to, const ConsensusCore& core);
  // Per-peer variation of a message being sent to `to` (equivocation, QC
  // variants).
  v1::ConsensusMessage ForPeer(const v1::ConsensusMessage& message, uint32_t to);
  const ByzantineCounters& counters() const { return counters_; }

 private:
  bool Has(ByzantineMode mode) const { return (modes_ & mode) != 0; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  void Classic(const v1::ConsensusMessage& message, std::vector<v1::ConsensusMessage>& out);
  v1::ConsensusMessage ConflictingVote(const v1::Vote& vote);
  void Resign(v1::Vote& vote);
  // Recomputes a proposal's payload and block hashes and signs it again.
  void Reseal(v1::Proposal& proposal);
  // False if the proposal has nothing to corrupt that way.
  bool SwapSignature(v1::Proposal& proposal);
  bool ReorderSequences(v1::Proposal& proposal);
  void QcVariant(v1::QuorumCert& qc, uint32_t to);
  void Flood(const v1::ConsensusMessage& message, const ConsensusCore& core,
             std::vector<v1::ConsensusMessage>& out);

  const SigningDomain domain_;
  const SigningKey& key_;
  const uint32_t index_;
  const uint32_t validators_;
  const uint32_t modes_;
  std::mt19937_64 rng_;
  std::deque<v1::ConsensusMessage> sent_;  // for replays
  ByzantineCounters counters_;
};

}  // namespace remit::sim
