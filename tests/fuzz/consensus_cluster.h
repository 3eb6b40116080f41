// What the consensus fuzzer feeds its messages into, and where its seeds come
// from: the 4 validators of FuzzChain run honestly in one thread on a
// simulated clock (no I/O, zero network delay) through a few blocks, a
// round whose leader is silent (timeouts and a TC), and a block validator 0
// has voted for but not committed. Validator 0's durable state at that point
// (committed chain, safety data with its uncommitted tree) and the pending
// transfers are the starting state of every fuzz input, so that fuzzed
// messages meet a validator with history rather than a bare genesis.
// Deterministic: every call builds the same state, byte for byte, which is
// what keeps the committed seeds valid.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "node/clock.h"
#include "node/consensus/core.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/node_machine.h"
#include "tests/fuzz/fuzz_chain.h"
#include "tests/sim/mem_ledger.h"

namespace remit::fuzz {

class FuzzClock final : public Clock {
 public:
  explicit FuzzClock(uint64_t start_ms) : now_ms(start_ms) {}
  uint64_t NowUnixMs() const override;
  uint64_t MonotonicUs() const override { return now_ms * 1000; }
  uint64_t now_ms = 0;
};

// Round timeouts short and fetches small, so that timeouts, TCs and the
// chunked SyncRequest path are all within a fuzz input's reach.
ConsensusOptions FuzzConsensusOptions();

struct Received {
  uint32_t from = 0;
  v1::ConsensusMessage message;
};

struct WarmState {
  explicit WarmState(const Genesis& genesis) : ledger(genesis) {}
  sim::MemLedger ledger;          // validator 0's committed chain
  MemSafetyStorage safety;        // validator 0's safety data and uncommitted blocks
  uint64_t last_voted_round = 0;  // in `safety`
  uint64_t now_ms = 0;
  // Admitted by the cluster but not committed: the fuzzed validator's mempool.
  std::vector<v1::SignedTransfer> pending;
  // Every message validator 0 received, in order: the consensus seeds.
  std::vector<Received> received;
};

const WarmState& Warm();

// The final records of `ledger`, as NodeMachine reads them.
NodeMachine::RecordFn RecordsOf(const sim::MemLedger& ledger);

// A TransferBatch message carrying `transfers`, as a validator gossips them.
v1::ConsensusMessage GossipOf(const std::vector<v1::SignedTransfer>& transfers);

}  // namespace remit::fuzz
