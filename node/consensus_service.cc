#include "node/consensus_service.h"

#include "ledger/strings.h"
#include "node/reactors.h"

namespace remit {

grpc::ServerUnaryReactor* ConsensusService::Deliver(grpc::CallbackServerContext* context,
                                                    const v1::ConsensusEnvelope* envelope,
                                                    v1::DeliverResponse* /*response*/) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (envelope->from() >= validator_count_ || envelope->from() == self_) {
    reactor->Finish(grpc::Status(
        grpc::StatusCode::PERMISSION_DENIED,
        StrCat("validator index ", envelope->from(), " is not another validator of this chain")));
    return reactor;
  }
  if (static_cast<uint32_t>(envelope->messages_size()) > kEnvelopeMessagesMax) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 StrCat("envelope of ", envelope->messages_size(),
                                        " messages exceeds ", kEnvelopeMessagesMax)));
    return reactor;
  }
  PeerMessages peer;
  peer.from = envelope->from();
  peer.messages.assign(envelope->messages().begin(), envelope->messages().end());
  reactor->Finish(ToGrpc(validator_.EnqueuePeer(std::move(peer))));
  return reactor;
}

}  // namespace remit
