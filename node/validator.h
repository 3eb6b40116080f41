// A validator's event loop: a thin threaded shell around NodeMachine
// (node/node_machine.h). gRPC handlers put client requests and peer messages
// into a bounded inbox; one thread drains it into the machine, sends what the
// machine says through the peer transport, calls back the requests it
// answers and tells commit listeners of committed blocks. All protocol work
// (admission, gossip, waiters, expiry, consensus) is the machine's.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/store.h"
#include "node/clock.h"
#include "node/commit_listener.h"
#include "node/consensus/core.h"
#include "node/consensus/safety_storage.h"
#include "node/limits.h"
#include "node/node_machine.h"
#include "node/peer_transport.h"
#include "node/stage_metrics.h"
#include "node/store_ledger.h"

namespace remit {

// A transfer that passed CheckTransfer, with what to do once its fate is
// known. `on_done` is called exactly once, on the event loop's thread:
//   - with a refusal status (admission failed, deadline passed, shutdown);
//   - with ALREADY_EXISTS and the original record if the id was already final;
//   - if !wait_for_final: with OK and no record once admitted;
//   - if wait_for_final: with OK and the final record.
struct SubmitRequest {
  using Done = std::function<void(const absl::Status& status, const v1::TransferRecord* record)>;
  v1::SignedTransfer signed_transfer;
  TransferId id{};
  uint64_t received_us = 0;  // Clock::MonotonicUs when the request arrived
  uint64_t deadline_us = 0;  // Clock::MonotonicUs after which a waiter gives up
  bool wait_for_final = true;
  // Refuse at once (sequence_gap) a transfer that cannot execute now because
  // a sequence before it is neither committed nor pending (Settle), instead
  // of waiting for it (Submit, SettleBatch).
  bool refuse_sequence_gap = false;
  Done on_done;
};

// Consensus messages from another validator.
struct PeerMessages {
  uint32_t from = 0;
  std::vector<v1::ConsensusMessage> messages;
};

struct ValidatorStatus {
  uint64_t height = 0;
  uint64_t round = 0;
  uint32_t leader = 0;
  uint32_t peers_connected = 0;
  Hash32 state_hash{};
  Hash32 block_hash{};
  uint64_t mempool_size = 0;
  uint64_t transfers_committed = 0;
};

class Validator {
 public:
  // `transport` may be null for a single validator.
  Validator(const Genesis& genesis, const SigningKey& key, LedgerStore& store, const Clock& clock,
            const NodeLimits& limits, const ConsensusOptions& consensus, SafetyStorage& safety,
            PeerTransport* transport);
  ~Validator();

  // Listeners must outlive the validator; add them before Start.
  void AddListener(CommitListener* listener);
  // Stage latencies and outcome counters (null: none); set before Start.
  void SetStageMetrics(StageMetrics* stages) { stages_ = stages; }
  void Start();
  // Completes every waiting request with UNAVAILABLE and joins the loop.
  void Stop();

  // Thread-safe. Queues all requests or none: RESOURCE_EXHAUSTED if the
  // inbox cannot take them (limits.inbox_events_max; their callbacks are
  // then never called), UNAVAILABLE after Stop. Copies of one transfer
  // (one id) take one inbox slot and one waiter; each copy's callback is
  // still called, with the same answer.
  absl::Status Enqueue(std::vector<SubmitRequest> requests);
  // Thread-safe. RESOURCE_EXHAUSTED if limits.inbox_envelopes_max
  // envelopes wait already: client requests cannot fill this bound.
  absl::Status EnqueuePeer(PeerMessages messages);

  ValidatorStatus Snapshot() const;

 private:
  using Event = std::variant<SubmitRequest, PeerMessages>;

  // Merges the requests for one id into the first, whose callback then
  // answers every copy.
  static std::vector<SubmitRequest> MergeCopies(std::vector<SubmitRequest> requests);

  void Run();
  // Hands one inbox event to the machine, sending what it says; true if
  // it sent or committed anything.
  bool Handle(Event& event);
  // Sends the machine's messages, calls back its answers and tells the
  // listeners of its commits; true if it sent or committed anything.
  bool Dispatch(NodeOutput& out);
  // Publishes what Snapshot reads.
  void Publish();

  LedgerStore& store_;
  const Clock& clock_;
  const NodeLimits limits_;
  std::vector<CommitListener*> listeners_;
  StageMetrics* stages_ = nullptr;

  std::mutex inbox_mu_;
  std::condition_variable inbox_cv_;
  std::deque<Event> inbox_;
  size_t requests_queued_ = 0;   // SubmitRequests in inbox_
  size_t envelopes_queued_ = 0;  // PeerMessages in inbox_
  bool stopping_ = false;
  std::thread thread_;

  PeerTransport* const transport_;
  std::atomic<uint64_t> round_{0};
  std::atomic<uint32_t> leader_{0};
  std::atomic<uint64_t> mempool_size_{0};

  // Owned by the loop thread.
  StoreLedger ledger_;
  NodeMachine machine_;
  // The callbacks of the requests the machine has not answered yet.
  std::map<uint64_t, SubmitRequest::Done> done_;
  uint64_t next_token_ = 0;
};

}  // namespace remit
