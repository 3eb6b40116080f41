// The validator-to-validator gRPC API (`remit.v1.Consensus`) on the callback
// API: checks the envelope and hands its messages to the validator's inbox.
// Every protocol message is signed and verified by the consensus core; the
// envelope's `from` only names who to answer.
#pragma once

#include "node/validator.h"
#include "remit/v1/consensus.grpc.pb.h"

namespace remit {

inline constexpr uint32_t kEnvelopeMessagesMax = 1'024;

class ConsensusService final : public v1::Consensus::CallbackService {
 public:
  ConsensusService(Validator& validator, uint32_t self, uint32_t validator_count)
      : validator_(validator), self_(self), validator_count_(validator_count) {}

  grpc::ServerUnaryReactor* Deliver(grpc::CallbackServerContext* context,
                                    const v1::ConsensusEnvelope* envelope,
                                    v1::DeliverResponse* response) override;

 private:
  Validator& validator_;
  const uint32_t self_;
  const uint32_t validator_count_;
};

}  // namespace remit
