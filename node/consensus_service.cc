#include "node/consensus_service.h"

#include <memory>

#include "ledger/strings.h"
#include "node/consensus/precheck.h"
#include "node/reactors.h"

namespace remit {

ConsensusService::ConsensusService(Validator& validator, WorkerPool& consensus_workers,
                                   WorkerPool& bulk_workers, const Genesis& genesis, uint32_t self,
                                   const PeerFaults* faults)
    : validator_(validator),
      consensus_workers_(consensus_workers),
      bulk_workers_(bulk_workers),
      chain_id_(genesis.chain_id),
      validators_(genesis),
      self_(self),
      faults_(faults) {}

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
  if (faults_ != nullptr && faults_->Cut(envelope->from())) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "cut off by fault injection"));
    return reactor;
  }
  if (static_cast<uint32_t>(envelope->messages_size()) > kEnvelopeMessagesMax) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 StrCat("envelope of ", envelope->messages_size(),
                                        " messages exceeds ", kEnvelopeMessagesMax)));
    return reactor;
  }
  // Copied out of the request, which is gone once the call finishes.
  std::vector<v1::ConsensusMessage> protocol;
  std::vector<v1::ConsensusMessage> gossip;
  for (const v1::ConsensusMessage& message : envelope->messages()) {
    (message.has_transfers() ? gossip : protocol).push_back(message);
  }
  absl::Status queued = absl::OkStatus();
  if (!protocol.empty())
    queued = Dispatch(consensus_workers_, envelope->from(), std::move(protocol));
  if (queued.ok() && !gossip.empty()) {
    queued = Dispatch(bulk_workers_, envelope->from(), std::move(gossip));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(queued));
  return reactor;
}

absl::Status ConsensusService::Dispatch(WorkerPool& workers, uint32_t from,
                                        std::vector<v1::ConsensusMessage> messages) {
  auto peer = std::make_shared<PeerMessages>();
  peer->from = from;
  peer->messages = std::move(messages);
  return workers.Run(from, [this, peer] {
    uint64_t dropped = 0;
    for (v1::ConsensusMessage& message : peer->messages) {
      dropped += PrecheckMessage(message, validators_, chain_id_);
    }
    transfers_dropped_ += dropped;
    const size_t count = peer->messages.size();
    // A full inbox loses these messages, as a lossy network would: consensus
    // retries what matters (timeouts, fetches, sync).
    if (!validator_.EnqueuePeer(std::move(*peer)).ok()) messages_dropped_ += count;
  });
}

}  // namespace remit
