// What the consensus fuzz targets share: validator 0 restored from the warm
// cluster's state (consensus_cluster.h), the way remitd hands it peer
// messages, the fix-ups that let fuzzed messages carry valid signatures, and
// the invariants checked after each input. See consensus_fuzzer.cc for the
// control byte.
#pragma once

#include <cstdint>
#include <memory>

#include "node/consensus/core.h"
#include "tests/fuzz/consensus_cluster.h"

namespace remit::fuzz {

// Control byte bits (consensus_fuzzer.cc describes them).
inline constexpr uint8_t kByzantine = 0x01;
inline constexpr uint8_t kForgeQuorum = 0x02;
inline constexpr uint8_t kClaimedSenderOnly = 0x10;
inline constexpr uint32_t kSelf = 0;
inline constexpr uint32_t kNotAValidator = kValidators;

// How far the clock moves before a tick: control bits 2-3.
uint64_t AdvanceMs(uint8_t control);

class FuzzedValidator {
 public:
  // Validator 0 from the warm state, started (as after a restart).
  FuzzedValidator();

  // The validator `message` claims to come from (proposal: the round's
  // leader; vote, timeout: the signer); `fallback` if it names none.
  uint32_t ClaimedSender(const v1::ConsensusMessage& message, uint32_t fallback) const;
  // Fills transfer placeholders, and as `control` asks, re-signs the
  // message as `sender` (1..3) would and forges its certificates.
  void Prepare(uint8_t control, uint32_t sender, v1::ConsensusMessage& message) const;
  // As remitd: the consensus service's precheck (which drops bad gossiped
  // transfers), then the node's machine (node/node_machine.h).
  void Deliver(uint32_t from, v1::ConsensusMessage message);
  void Tick(uint64_t advance_ms);
  // The validator's wall clock, which bounds envelope replays.
  uint64_t NowUnixMs() const { return clock_.NowUnixMs(); }
  // Aborts unless validator 0 stayed safe and its committed state consistent.
  void CheckInvariants();

 private:
  const WarmState& warm_;
  FuzzClock clock_;
  sim::MemLedger ledger_;
  MemSafetyStorage safety_;
  std::unique_ptr<NodeMachine> machine_;
  NodeOutput out_;
};

}  // namespace remit::fuzz
