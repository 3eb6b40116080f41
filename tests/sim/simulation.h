// A deterministic simulation of a Remit cluster: every validator's
// NodeMachine (node/node_machine.h: admission, gossip, waiters and the
// consensus core, the code remitd runs) in one process, on a simulated clock
// and network driven by one seed. Clients send transfers and every kind of
// operation (workload.h) through a validator's machine and take its answers
// as their receipts. Faults: message loss, delay and reordering,
// duplication, partitions that heal, crashes and restarts from durable state
// only, leaders restarted right after proposing, per-validator clock skew
// and wall clocks stepping back, and Byzantine validators (byzantine.h).
// After every commit it checks the invariants (checks.h), after every event
// what validators sign, whom they name leader and what they hold (audits.h);
// at the end it checks that what clients were told is in every honest
// validator's history and that the cluster kept settling.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace remit::sim {

// The simulated validators' round timeouts (ConsensusOptions).
inline constexpr uint64_t kSimRoundTimeoutMs = 100;
inline constexpr uint64_t kSimRoundTimeoutMsMax = 1'600;

// How long after the load ends liveness may take once the network has
// healed, for a check that every transfer sent got its receipt: timeouts
// stay at their longest until a commit (rounds slowed by the faults raised
// them, and they back off since the last commit), f rounds may be led by a
// faulty validator (leader reputation learns of failures only from
// commits), one more is lost when a commit lands mid-round and validators
// briefly disagree about the next leader, and a 2-chain commit needs three
// rounds of honest leaders.
constexpr uint64_t LivenessDrainMs(uint32_t validators) {
  return ((validators - 1) / 3 + 4) * kSimRoundTimeoutMsMax;
}

struct SimOptions {
  uint64_t seed = 1;
  uint32_t validators = 4;
  // Faulty phase, then a healed phase with the same load, then a drain.
  uint64_t faulty_ms = 5'000;
  uint64_t healed_ms = 5'000;
  uint64_t drain_ms = 3'000;
  double loss = 0.0;       // probability a message is dropped
  double duplicate = 0.0;  // probability a message is delivered twice
  uint64_t delay_ms_max = 10;
  bool partitions = false;
  bool crashes = false;
  // A crashed validator stays down for up to this long (within the faulty
  // phase); long outages leave it far behind.
  uint64_t outage_ms_max = 1'500;
  // ConsensusOptions::fetch_blocks_max: small values make a restarted
  // validator catch up by SyncRequest chunks rather than one ancestor fetch.
  uint32_t fetch_blocks_max = 256;
  // Byzantine validators (at most f together with crashed ones), and what
  // they do (a set of ByzantineMode bits; byzantine.h).
  uint32_t byzantine = 0;
  uint32_t byzantine_modes = (1u << 5) - 1;  // kByzantineAllModes
  // Each validator's wall clock is off by up to this much either way.
  uint64_t clock_skew_ms_max = 0;
  // Wall clocks step back now and then in the faulty phase (by up to 400 ms
  // each time, at most 1,200 ms in all per validator).
  bool clock_steps = false;
  // Chance that an honest leader restarts right after sending a proposal
  // (in the faulty phase).
  double restart_after_propose = 0.0;
  // Operations a client has in flight at once (a later sequence may then
  // reach a block beside an earlier one).
  uint32_t client_pipeline_max = 2;
  // Test only: the signing audit also watches Byzantine validators, to show
  // that it flags what they sign twice.
  bool audit_byzantine = false;
  uint32_t accounts = 8;
  uint64_t submit_interval_ms = 10;
};

struct SimReport {
  uint64_t height_max = 0;
  uint64_t transfers_final = 0;   // distinct transfers with an outcome
  uint64_t receipts_checked = 0;  // client receipts checked against histories
  uint64_t messages_sent = 0;
  uint64_t messages_dropped = 0;
  uint64_t faults_injected = 0;
  uint64_t byzantine_messages = 0;
  uint64_t honest_dropped = 0;  // messages honest cores refused (bad signatures, ...)
  uint64_t sync_requests = 0;   // SyncRequests honest validators sent to catch up
  // What Byzantine validators did, by mode (ByzantineCounters).
  uint64_t signatures_swapped = 0;
  uint64_t sequences_reordered = 0;
  uint64_t qc_variants = 0;
  uint64_t floods = 0;
  // Receipts clients got with outcome SETTLED, by kind ("transfer",
  // "strict_send", ..., "reclaim": KindName).
  std::map<std::string, uint64_t> settled_by_kind;
  std::vector<std::string> violations;
};

SimReport RunSimulation(const SimOptions& options);

// The command line that reproduces a run.
std::string ReproCommand(const SimOptions& options);

}  // namespace remit::sim
