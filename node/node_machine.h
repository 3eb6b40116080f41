// Everything a validator's event loop does besides consensus, as one pure,
// single-threaded state machine with the shape of ConsensusCore: events in
// (a client's transfer, a validator's messages, a tick of the clock), actions
// appended to a NodeOutput (messages to send, answers to clients, blocks
// committed). It owns the mempool and the consensus core, admits transfers
// (size, signature, chain, asset, sequence window, expiry, capacity, the
// funding of the sender: node/funding.h), passes admitted ones on to the
// other validators in bounded batches and
// again after a round timeout, answers the clients waiting for a transfer
// when it is committed, displaced, superseded or its deadline passes, and
// drops expired transfers. It does no I/O, reads time only from the
// injected Clock and starts no thread: remitd's Validator moves bytes
// between gRPC and it, and the simulator and the fuzzers drive it
// directly (docs/CONSENSUS.md, "The node around the core").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "node/clock.h"
#include "node/consensus/committed_ledger.h"
#include "node/consensus/core.h"
#include "node/consensus/safety_storage.h"
#include "node/limits.h"
#include "node/mempool.h"

namespace remit {

// Transfers per TransferBatch message (at most ~256 KiB of transfers, well
// under a peer's request size limit).
inline constexpr size_t kGossipBatchTransfersMax = 512;
// Transfers passed on again after a round timeout.
inline constexpr size_t kRegossipTransfersMax = 5'000;
// How often the mempool is scanned for expired transfers.
inline constexpr uint64_t kExpiryScanUs = 100'000;

// A client's transfer (Settle, Submit, SettleBatch) that passed
// CheckTransfer. `token` names it in the answer.
struct ClientRequest {
  uint64_t token = 0;
  v1::SignedTransfer signed_transfer;
  TransferId id{};
  uint64_t received_us = 0;  // Clock::MonotonicUs when the request arrived
  uint64_t deadline_us = 0;  // Clock::MonotonicUs after which a waiter gives up
  bool wait_for_final = true;
  // Settle: a sequence that cannot execute now is refused (sequence_gap)
  // instead of waiting (docs/API.md).
  bool refuse_sequence_gap = false;
};

// The one answer each ClientRequest gets:
//   - a refusal status (admission failed, deadline passed, displaced,
//     superseded, expired, shutdown);
//   - ALREADY_EXISTS and the original record if the id was already final;
//   - if !wait_for_final: OK and no record once admitted;
//   - if wait_for_final: OK and the final record.
struct ClientAnswer {
  uint64_t token = 0;
  TransferId id{};
  absl::Status status;
  std::optional<v1::TransferRecord> record;
};

struct NodeOutput {
  // Consensus messages and transfer gossip (TransferBatch), to send in order.
  std::vector<CoreOutput::Send> sends;
  std::vector<ClientAnswer> answers;
  // Effects of each block committed, in commit order, for commit listeners.
  std::vector<BlockEffects> committed;
};

class NodeMachine {
 public:
  // The final record of a transfer the ledger holds (ALREADY_EXISTS answers).
  using RecordFn = std::function<absl::StatusOr<v1::TransferRecord>(const TransferId&)>;

  // All references must outlive the machine.
  NodeMachine(const Genesis& genesis, const SigningKey& key, CommittedLedger& ledger,
              RecordFn record_of, SafetyStorage& safety, const Clock& clock,
              const NodeLimits& limits, const ConsensusOptions& consensus);

  // Enters the first round after start or restart.
  void Start(NodeOutput& out);
  // Admits a client's transfer; its answer may come now or later.
  void OnRequest(ClientRequest request, NodeOutput& out);
  // One message from validator `from` (authenticated by the transport):
  // gossiped transfers are admitted (refusals dropped), the rest goes to
  // the core. Send what it appends before the next event: votes leave at once.
  void OnPeerMessage(uint32_t from, const v1::ConsensusMessage& message, NodeOutput& out);
  // Passes this turn's admitted transfers on, then fires the core's due
  // timeouts and proposals.
  void OnTick(NodeOutput& out);
  // Durable commits of what the QCs seen so far commit, answers to their
  // waiters, waiter deadlines and mempool expiry. Call after sending what
  // the events before it appended: a commit is not on a vote's path.
  void FlushCommits(NodeOutput& out);
  // Answers every waiting client with `status` (shutdown).
  void FailAll(const absl::Status& status, NodeOutput& out);

  const ConsensusCore& core() const { return core_; }
  const Mempool& mempool() const { return mempool_; }
  size_t waiters() const { return waiters_.size(); }

 private:
  struct Waiter {
    uint64_t token;
    uint64_t received_us;
    uint64_t deadline_us;
  };

  // The admission checks after CheckTransfer, in the order clients see them.
  absl::StatusOr<Mempool::Admission> Admit(const v1::SignedTransfer& signed_transfer,
                                           const TransferId& id,
                                           Mempool::Gap gap = Mempool::Gap::kWait);
  void AdmitGossip(const v1::SignedTransfer& transfer, NodeOutput& out);
  // Moves the core's output into `out`, re-gossiping after a timeout.
  void TakeCore(NodeOutput& out);
  void Gossip(NodeOutput& out);
  void AnswerAll(const TransferId& id, const absl::Status& status, NodeOutput& out);
  void FailEvicted(NodeOutput& out);
  void CompleteWaiters(const BlockEffects& effects, NodeOutput& out);
  void ExpireWaiters(NodeOutput& out);
  void DropExpired(NodeOutput& out);
  void ForgetDeadline(uint64_t deadline_us, const TransferId& id);
  uint64_t NextSequence(const AccountId& account) const {
    return ledger_.state().NextSequence(account);
  }

  const Genesis& genesis_;
  const Hash32 genesis_hash_;  // GenesisHash(genesis_), computed once
  CommittedLedger& ledger_;
  const RecordFn record_of_;
  const Clock& clock_;
  const NodeLimits limits_;
  const bool alone_;  // a single validator: nobody to gossip to
  const Mempool::NextSequenceFn next_sequence_;
  Mempool mempool_;
  ConsensusCore core_;
  CoreOutput core_out_;
  std::vector<v1::SignedTransfer> to_gossip_;
  std::multimap<TransferId, Waiter> waiters_;
  // (deadline_us, id) of every waiter, so expiry looks only at the earliest.
  std::multiset<std::pair<uint64_t, TransferId>> deadlines_;
  uint64_t last_expiry_scan_us_ = 0;
};

}  // namespace remit
