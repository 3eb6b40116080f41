// Sends consensus messages to the other validators over their gRPC
// `remit.v1.Consensus` service. One sender thread per peer drains a bounded
// queue in batches, each batch one envelope signed once with this
// validator's key (node/consensus/envelope_auth.h); when a peer is down its
// messages are dropped (consensus tolerates loss: a round without progress
// times out) and the channel reconnects with gRPC's back-off.
//
// Thread safety: Send and Broadcast may be called from any thread.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/crypto.h"
#include "node/clock.h"
#include "node/consensus/signing.h"
#include "node/peer_faults.h"
#include "remit/v1/consensus.grpc.pb.h"

namespace remit {

struct PeerTransportOptions {
  uint32_t queue_messages_max = 10'000;  // per peer; the oldest is dropped beyond
  uint32_t batch_messages_max = 256;     // per Deliver call
  // Bytes per Deliver call; a larger message goes alone. Well below the
  // receiver's request_bytes_max, which a block of block_transfers_max fits.
  uint64_t batch_bytes_max = 1u << 20;
  uint64_t deliver_timeout_ms = 2'000;
};

class PeerTransport {
 public:
  // `key` is validator `self`'s, which signs every envelope; `credentials`
  // secure the channels to `endpoints` (TLS with the testnet's CA, or
  // insecure). `clock` and `faults` (chaos tests; may be null) must outlive
  // the transport.
  PeerTransport(uint32_t self, const SigningKey& key, SigningDomain domain, const Clock& clock,
                const std::vector<std::string>& endpoints,
                const std::shared_ptr<grpc::ChannelCredentials>& credentials,
                const PeerTransportOptions& options, const PeerFaults* faults = nullptr);
  ~PeerTransport();

  void Send(uint32_t to, const v1::ConsensusMessage& message);
  void Broadcast(const v1::ConsensusMessage& message);
  // Peers whose last Deliver succeeded.
  uint32_t connected() const;
  uint64_t dropped() const { return dropped_.load(); }

 private:
  struct Peer {
    std::unique_ptr<v1::Consensus::Stub> stub;
    std::mutex mu;
    std::condition_variable cv;
    std::deque<v1::ConsensusMessage> queue;
    std::atomic<bool> connected{false};
    bool refused = false;  // the last Deliver was UNAUTHENTICATED; sender thread only
    std::thread thread;
  };

  void Run(Peer& peer);

  const uint32_t self_;
  const SigningKey key_;
  const SigningDomain domain_;
  const Clock& clock_;
  const PeerTransportOptions options_;
  const PeerFaults* const faults_;
  std::vector<std::unique_ptr<Peer>> peers_;  // nullptr at self_
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace remit
