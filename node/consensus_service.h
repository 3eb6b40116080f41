// The validator-to-validator gRPC API (`remit.v1.Consensus`) on the callback
// API: checks the envelope, then on a worker (one per sender, so each
// sender's messages stay in order) verifies the signatures its messages
// carry (node/consensus/precheck.h) and hands them to the validator's inbox.
// The call finishes once they are queued. Every protocol message is signed
// and verified by the consensus core; the envelope's `from` only names who
// to answer.
#pragma once

#include <atomic>

#include "ledger/genesis.h"
#include "node/consensus/validator_set.h"
#include "node/validator.h"
#include "node/worker_pool.h"
#include "remit/v1/consensus.grpc.pb.h"

namespace remit {

inline constexpr uint32_t kEnvelopeMessagesMax = 1'024;

class ConsensusService final : public v1::Consensus::CallbackService {
 public:
  ConsensusService(Validator& validator, WorkerPool& workers, const Genesis& genesis,
                   uint32_t self);

  grpc::ServerUnaryReactor* Deliver(grpc::CallbackServerContext* context,
                                    const v1::ConsensusEnvelope* envelope,
                                    v1::DeliverResponse* response) override;

  // Gossiped transfers dropped for failing their checks.
  uint64_t transfers_dropped() const { return transfers_dropped_.load(); }

 private:
  Validator& validator_;
  WorkerPool& workers_;
  const std::string chain_id_;
  const ValidatorSet validators_;
  const uint32_t self_;
  std::atomic<uint64_t> transfers_dropped_{0};
};

}  // namespace remit
