#include "node/consensus_service.h"

#include <memory>

#include "ledger/strings.h"
#include "node/consensus/precheck.h"
#include "node/reactors.h"

namespace remit {

ConsensusService::ConsensusService(Validator& validator, WorkerPool& workers,
                                   const Genesis& genesis, uint32_t self)
    : validator_(validator),
      workers_(workers),
      chain_id_(genesis.chain_id),
      validators_(genesis),
      self_(self) {}

grpc::ServerUnaryReactor* ConsensusService::Deliver(grpc::CallbackServerContext* context,
                                                    const v1::ConsensusEnvelope* envelope,
                                                    v1::DeliverResponse* /*response*/) {
  if (envelope->from() >= validators_.size() || envelope->from() == self_) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        StrCat("validator index ", envelope->from(), " is not another validator of this chain")));
    return reactor;
  }
  if (static_cast<uint32_t>(envelope->messages_size()) > kEnvelopeMessagesMax) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 StrCat("envelope of ", envelope->messages_size(),
                                        " messages exceeds ", kEnvelopeMessagesMax)));
    return reactor;
  }
  // Copied out of the request: a cancelled call frees it before the worker runs.
  auto peer = std::make_shared<PeerMessages>();
  peer->from = envelope->from();
  peer->messages.assign(envelope->messages().begin(), envelope->messages().end());
  auto* call = new UnaryCall();
  const absl::Status queued =
      workers_.Run(peer->from, [this, peer, completion = call->completion()] {
        uint64_t dropped = 0;
        for (v1::ConsensusMessage& message : peer->messages) {
          dropped += PrecheckMessage(message, validators_, chain_id_);
        }
        transfers_dropped_ += dropped;
        completion->Finish(ToGrpc(validator_.EnqueuePeer(std::move(*peer))));
      });
  if (!queued.ok()) call->completion()->Finish(ToGrpc(queued));
  return call;
}

}  // namespace remit
