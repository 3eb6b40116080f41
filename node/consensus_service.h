// The validator-to-validator gRPC API (`remit.v1.Consensus`) on the callback
// API: checks the envelope and answers at once; workers then verify the
// signatures its messages carry (node/consensus/precheck.h) and hand them to
// the validator's inbox. Protocol messages go to `consensus_workers` and
// transfer gossip to `bulk_workers`, so a vote never waits behind a batch of
// transfers being checked; each sender's messages of one kind stay in order.
// Every protocol message is signed and verified again by the consensus core
// (from the verification memo); the envelope's `from` only names who to
// answer.
#pragma once

#include <atomic>
#include <vector>

#include "ledger/genesis.h"
#include "node/consensus/validator_set.h"
#include "node/peer_faults.h"
#include "node/validator.h"
#include "node/worker_pool.h"
#include "remit/v1/consensus.grpc.pb.h"

namespace remit {

inline constexpr uint32_t kEnvelopeMessagesMax = 1'024;

class ConsensusService final : public v1::Consensus::CallbackService {
 public:
  // `faults` (chaos tests; may be null) must outlive the service.
  ConsensusService(Validator& validator, WorkerPool& consensus_workers, WorkerPool& bulk_workers,
                   const Genesis& genesis, uint32_t self, const PeerFaults* faults = nullptr);

  grpc::ServerUnaryReactor* Deliver(grpc::CallbackServerContext* context,
                                    const v1::ConsensusEnvelope* envelope,
                                    v1::DeliverResponse* response) override;

  // Gossiped transfers dropped for failing their checks.
  uint64_t transfers_dropped() const { return transfers_dropped_.load(); }
  // Messages dropped because the validator's inbox was full.
  uint64_t messages_dropped() const { return messages_dropped_.load(); }

 private:
  // Queues `messages` from `from` on `workers`; false if refused.
  absl::Status Dispatch(WorkerPool& workers, uint32_t from,
                        std::vector<v1::ConsensusMessage> messages);

  Validator& validator_;
  WorkerPool& consensus_workers_;
  WorkerPool& bulk_workers_;
  const std::string chain_id_;
  const ValidatorSet validators_;
  const uint32_t self_;
  const PeerFaults* const faults_;
  std::atomic<uint64_t> transfers_dropped_{0};
  std::atomic<uint64_t> messages_dropped_{0};
};

}  // namespace remit
