#include "node/peer_transport.h"

#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "ledger/check.h"
#include "node/consensus/envelope_auth.h"

namespace remit {
namespace {
constexpr int kReconnectBackoffMsMax = 1'000;
}  // namespace

PeerTransport::PeerTransport(uint32_t self, const SigningKey& key, SigningDomain domain,
                             const Clock& clock, const std::vector<std::string>& endpoints,
                             const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                             const PeerTransportOptions& options, const PeerFaults* faults)
    : self_(self),
      key_(key),
      domain_(std::move(domain)),
      clock_(clock),
      options_(options),
      faults_(faults) {
  REMIT_CHECK(self_ < endpoints.size());
  REMIT_CHECK(credentials != nullptr);
  for (uint32_t i = 0; i < endpoints.size(); ++i) {
    if (i == self_) {
      peers_.push_back(nullptr);
      continue;
    }
    auto peer = std::make_unique<Peer>();
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kReconnectBackoffMsMax);
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    peer->stub =
        v1::Consensus::NewStub(grpc::CreateCustomChannel(endpoints[i], credentials, arguments));
    peers_.push_back(std::move(peer));
  }
  for (auto& peer : peers_) {
    if (peer) {
      peer->thread = std::thread([this, raw = peer.get()] {
        pthread_setname_np(pthread_self(), "remit-send");
        Run(*raw);
      });
    }
  }
}

PeerTransport::~PeerTransport() {
  stopping_ = true;
  for (auto& peer : peers_) {
    if (!peer) continue;
    peer->cv.notify_all();
    peer->thread.join();
  }
}

void PeerTransport::Send(uint32_t to, const v1::ConsensusMessage& message) {
  if (to >= peers_.size() || !peers_[to]) return;
  if (faults_ != nullptr && faults_->Cut(to)) {
    ++dropped_;
    return;
  }
  Peer& peer = *peers_[to];
  {
    std::lock_guard lock(peer.mu);
    if (peer.queue.size() >= options_.queue_messages_max) {
      peer.queue.pop_front();
      ++dropped_;
    }
    peer.queue.push_back(message);
  }
  peer.cv.notify_one();
}

void PeerTransport::Broadcast(const v1::ConsensusMessage& message) {
  for (uint32_t i = 0; i < peers_.size(); ++i) Send(i, message);
}

uint32_t PeerTransport::connected() const {
  uint32_t count = 0;
  for (const auto& peer : peers_) count += (peer && peer->connected.load()) ? 1 : 0;
  return count;
}

void PeerTransport::Run(Peer& peer) {
  while (!stopping_) {
    v1::ConsensusEnvelope envelope;
    envelope.set_from(self_);
    {
      std::unique_lock lock(peer.mu);
      peer.cv.wait_for(lock, std::chrono::milliseconds(100),
                       [&] { return stopping_ || !peer.queue.empty(); });
      uint64_t bytes = 0;
      while (!peer.queue.empty() &&
             static_cast<uint32_t>(envelope.messages_size()) < options_.batch_messages_max) {
        const uint64_t message_bytes = peer.queue.front().ByteSizeLong();
        if (envelope.messages_size() > 0 && bytes + message_bytes > options_.batch_bytes_max) break;
        bytes += message_bytes;
        *envelope.add_messages() = std::move(peer.queue.front());
        peer.queue.pop_front();
      }
    }
    if (envelope.messages_size() == 0) continue;
    SignEnvelope(domain_, key_, clock_.NowUnixMs(), envelope);
    grpc::ClientContext context;
    // Wait for a reconnecting peer (up to the deadline) rather than failing at
    // once while gRPC backs off: a restarted validator must get our answers.
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(options_.deliver_timeout_ms));
    v1::DeliverResponse response;
    const grpc::Status status = peer.stub->Deliver(&context, envelope, &response);
    peer.connected = status.ok();
    if (!status.ok()) dropped_ += static_cast<uint64_t>(envelope.messages_size());
    // Said once per spell: the peer will refuse every envelope until the
    // cause (a clock off by more than its skew window, another genesis) goes.
    const bool refused = status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
    if (refused && !peer.refused)
      spdlog::warn("peer refused our envelope: {}", status.error_message());
    peer.refused = refused;
  }
}

}  // namespace remit
