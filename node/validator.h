// A validator's event loop: a bounded inbox of client requests and peer
// messages drained by one thread, which owns the mempool and the consensus
// core, passes admitted transfers on to the other validators, sends what the
// core says, and completes the requests waiting for transfers the core
// committed. The core (node/consensus) orders, executes and commits blocks.
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
#include "node/mempool.h"
#include "node/peer_transport.h"
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
  void Start();
  // Completes every waiting request with UNAVAILABLE and joins the loop.
  void Stop();

  // Thread-safe. Queues all requests or none: RESOURCE_EXHAUSTED if the
  // inbox cannot take them (their callbacks are then never called),
  // UNAVAILABLE after Stop.
  absl::Status Enqueue(std::vector<SubmitRequest> requests);
  // Thread-safe. RESOURCE_EXHAUSTED if the inbox is full.
  absl::Status EnqueuePeer(PeerMessages messages);

  ValidatorStatus Snapshot() const;

 private:
  struct Waiter {
    uint64_t received_us;
    uint64_t deadline_us;
    SubmitRequest::Done on_done;
  };

  using Event = std::variant<SubmitRequest, PeerMessages>;

  void Run();
  void Admit(SubmitRequest& request);
  // Admits a transfer gossiped by a peer; refusals are dropped silently.
  void AdmitGossip(const v1::SignedTransfer& transfer);
  // Hands the messages to the core, sending what it says after each; true
  // if anything was sent.
  bool OnPeer(PeerMessages& peer, CoreOutput& out);
  // Sends (and clears) the core's messages; true if there were any.
  bool SendNow(CoreOutput& out);
  // Passes the transfers admitted this turn on to the other validators.
  void Gossip();
  // Sends the core's messages and serves its commits; true if it did anything.
  bool Dispatch(CoreOutput& out);
  // Tells the waiters of transfers the mempool displaced.
  void FailEvicted();
  void CompleteWaiters(const BlockEffects& effects);
  void ExpireWaiters();
  void ForgetDeadline(uint64_t deadline_us, const TransferId& id);
  void FailAllWaiters(const absl::Status& status);

  const Genesis& genesis_;
  const Hash32 genesis_hash_;  // GenesisHash(genesis_), computed once
  const SigningKey key_;
  LedgerStore& store_;
  const Clock& clock_;
  const NodeLimits limits_;
  std::vector<CommitListener*> listeners_;

  std::mutex inbox_mu_;
  std::condition_variable inbox_cv_;
  std::deque<Event> inbox_;
  bool stopping_ = false;
  std::thread thread_;

  PeerTransport* const transport_;
  std::atomic<uint64_t> round_{0};
  std::atomic<uint32_t> leader_{0};

  // Owned by the loop thread.
  Mempool mempool_;
  StoreLedger ledger_;
  ConsensusCore core_;
  std::vector<v1::SignedTransfer> to_gossip_;
  std::multimap<TransferId, Waiter> waiters_;
  // (deadline_us, id) of every waiter, so expiry looks only at the earliest.
  std::multiset<std::pair<uint64_t, TransferId>> deadlines_;
  uint64_t last_expiry_scan_us_ = 0;

  std::atomic<uint64_t> mempool_size_{0};
};

}  // namespace remit
