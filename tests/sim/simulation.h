// A deterministic simulation of a Remit cluster: every validator's
// NodeMachine (node/node_machine.h: admission, gossip, waiters and the
// consensus core, the code remitd runs) in one process, on a simulated clock
// and network driven by one seed. Clients settle through the machine and
// take its answers as their receipts.
// Faults: message loss, delay and reordering, duplication, partitions that
// heal, crashes and restarts from durable state only, and Byzantine
// validators. After every commit it checks the invariants; at the end it
// checks that what clients were told is in every honest validator's history
// and that the cluster kept settling.
#pragma once

#include <cstdint>
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
  // Byzantine validators (at most f together with crashed ones).
  uint32_t byzantine = 0;
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
  std::vector<std::string> violations;
};

SimReport RunSimulation(const SimOptions& options);

// The command line that reproduces a run.
std::string ReproCommand(const SimOptions& options);

}  // namespace remit::sim
