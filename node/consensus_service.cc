#include "node/consensus_service.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "ledger/strings.h"
#include "node/consensus/envelope_auth.h"
#include "node/consensus/precheck.h"
#include "node/reactors.h"

namespace remit {

ConsensusService::ConsensusService(Validator& validator, WorkerPool& consensus_workers,
                                   WorkerPool& bulk_workers, const Genesis& genesis, uint32_t self,
                                   const Clock& clock, uint64_t envelope_skew_ms_max,
                                   const PeerFaults* faults)
    : validator_(validator),
      consensus_workers_(consensus_workers),
      bulk_workers_(bulk_workers),
      domain_(SigningDomain::Of(genesis)),
      validators_(genesis),
      self_(self),
      clock_(clock),
      envelope_skew_ms_max_(envelope_skew_ms_max),
      faults_(faults) {}

grpc::ServerUnaryReactor* ConsensusService::Refuse(grpc::CallbackServerContext* context,
                                                   const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpc(status));
  return reactor;
}

grpc::ServerUnaryReactor* ConsensusService::Deliver(grpc::CallbackServerContext* context,
                                                    const v1::ConsensusEnvelope* envelope,
                                                    v1::DeliverResponse* /*response*/) {
  const absl::Status sender =
      CheckEnvelopeSender(*envelope, validators_, self_, clock_.NowUnixMs(), envelope_skew_ms_max_);
  if (!sender.ok()) {
    ++envelopes_refused_;
    spdlog::debug("envelope refused from {}: {}", context->peer(), sender.message());
    return Refuse(context, sender);
  }
  if (faults_ != nullptr && faults_->Cut(envelope->from())) {
    return Refuse(context, absl::UnavailableError("cut off by fault injection"));
  }
  if (static_cast<uint32_t>(envelope->messages_size()) > kEnvelopeMessagesMax) {
    return Refuse(context,
                  absl::InvalidArgumentError(StrCat("envelope of ", envelope->messages_size(),
                                                    " messages exceeds ", kEnvelopeMessagesMax)));
  }
  // The request lives until the call finishes, which Authenticate does.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Status queued = consensus_workers_.Run(
      envelope->from(), [this, envelope, reactor] { Authenticate(*envelope, reactor); });
  if (!queued.ok()) reactor->Finish(ToGrpc(queued));
  return reactor;
}

void ConsensusService::Authenticate(const v1::ConsensusEnvelope& envelope,
                                    grpc::ServerUnaryReactor* reactor) {
  const absl::Status signature = VerifyEnvelopeSignature(envelope, validators_, domain_);
  if (!signature.ok()) {
    ++envelopes_refused_;
    spdlog::debug("envelope refused: {}", signature.message());
    reactor->Finish(ToGrpc(signature));
    return;
  }
  const uint32_t from = envelope.from();
  // Copied out of the request, which is gone once the call finishes.
  std::vector<v1::ConsensusMessage> protocol;
  std::vector<v1::ConsensusMessage> gossip;
  for (const v1::ConsensusMessage& message : envelope.messages()) {
    (message.has_transfers() ? gossip : protocol).push_back(message);
  }
  absl::Status queued = absl::OkStatus();
  if (!gossip.empty()) queued = Dispatch(bulk_workers_, from, std::move(gossip));
  reactor->Finish(ToGrpc(queued));
  // Already on this sender's consensus worker, in the order it sent.
  if (!protocol.empty()) Precheck(from, std::move(protocol));
}

void ConsensusService::Precheck(uint32_t from, std::vector<v1::ConsensusMessage> messages) {
  uint64_t dropped = 0;
  for (v1::ConsensusMessage& message : messages) {
    dropped += PrecheckMessage(message, validators_, domain_);
  }
  transfers_dropped_ += dropped;
  const size_t count = messages.size();
  PeerMessages peer;
  peer.from = from;
  peer.messages = std::move(messages);
  // A full inbox loses these messages, as a lossy network would: consensus
  // retries what matters (timeouts, fetches, sync).
  const absl::Status queued = validator_.EnqueuePeer(std::move(peer));
  if (queued.ok()) return;
  messages_dropped_ += count;
  const uint64_t refused = ++envelopes_inbox_refused_;
  // One warning per spell (at most one per kInboxWarnIntervalUs): an
  // authenticated validator's envelope was lost to our own back-pressure.
  const uint64_t now_us = clock_.MonotonicUs();
  uint64_t last_us = inbox_warned_us_.load();
  if ((last_us == 0 || now_us - last_us >= kInboxWarnIntervalUs) &&
      inbox_warned_us_.compare_exchange_strong(last_us, now_us)) {
    spdlog::warn("validator {}'s envelope of {} messages refused: {} ({} refused so far)", from,
                 count, queued.message(), refused);
  }
}

absl::Status ConsensusService::Dispatch(WorkerPool& workers, uint32_t from,
                                        std::vector<v1::ConsensusMessage> messages) {
  auto batch = std::make_shared<std::vector<v1::ConsensusMessage>>(std::move(messages));
  return workers.Run(from, [this, from, batch] { Precheck(from, std::move(*batch)); });
}

}  // namespace remit
