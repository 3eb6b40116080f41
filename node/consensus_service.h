// The validator-to-validator gRPC API (`remit.v1.Consensus`) on the callback
// API. Every envelope is authenticated before anything else is done with it
// (node/consensus/envelope_auth.h): its sender must be another genesis
// validator and its send time within `envelope_skew_ms_max` of our clock
// (checked on the gRPC thread, no cryptography), and its signature must
// verify with that validator's genesis key (checked on a consensus worker,
// one per peer, since the gRPC threads do no signature work). Otherwise it
// is refused with UNAUTHENTICATED, counted in envelopes_refused(), and none
// of its messages goes further.
//
// An authentic envelope is answered once its messages are queued; workers
// then verify the signatures its messages carry (node/consensus/precheck.h)
// and hand them to the validator's inbox. Protocol messages stay on the
// sender's consensus worker and transfer gossip goes to `bulk_workers`, so a
// vote never waits behind a batch of transfers being checked; each sender's
// messages of one kind stay in order. Every protocol message is signed and
// verified again by the consensus core (from the verification memo).
#pragma once

#include <atomic>
#include <vector>

#include "ledger/genesis.h"
#include "node/clock.h"
#include "node/consensus/signing.h"
#include "node/consensus/validator_set.h"
#include "node/peer_faults.h"
#include "node/validator.h"
#include "node/worker_pool.h"
#include "remit/v1/consensus.grpc.pb.h"

namespace remit {

inline constexpr uint32_t kEnvelopeMessagesMax = 1'024;

class ConsensusService final : public v1::Consensus::CallbackService {
 public:
  // `clock` (whose wall time bounds replays) and `faults` (chaos tests; may
  // be null) must outlive the service.
  ConsensusService(Validator& validator, WorkerPool& consensus_workers, WorkerPool& bulk_workers,
                   const Genesis& genesis, uint32_t self, const Clock& clock,
                   uint64_t envelope_skew_ms_max, const PeerFaults* faults = nullptr);

  grpc::ServerUnaryReactor* Deliver(grpc::CallbackServerContext* context,
                                    const v1::ConsensusEnvelope* envelope,
                                    v1::DeliverResponse* response) override;

  // Gossiped transfers dropped for failing their checks.
  uint64_t transfers_dropped() const { return transfers_dropped_.load(); }
  // Messages dropped because the validator's inbox was full.
  uint64_t messages_dropped() const { return messages_dropped_.load(); }
  // Envelopes refused with UNAUTHENTICATED: from a non-validator, with a
  // bad signature, or sent outside the skew window.
  uint64_t envelopes_refused() const { return envelopes_refused_.load(); }
  // Authenticated envelopes lost because the event loop's inbox was full
  // (limits.inbox_envelopes_max); each logs a warning, at most one per 10 s.
  uint64_t envelopes_inbox_refused() const { return envelopes_inbox_refused_.load(); }

 private:
  // On the sender's consensus worker: verifies the envelope's signature,
  // then finishes the call and passes its messages on.
  void Authenticate(const v1::ConsensusEnvelope& envelope, grpc::ServerUnaryReactor* reactor);
  // Prechecks `messages` from `from` and hands them to the validator.
  void Precheck(uint32_t from, std::vector<v1::ConsensusMessage> messages);
  // Queues Precheck of `messages` from `from` on `workers`.
  absl::Status Dispatch(WorkerPool& workers, uint32_t from,
                        std::vector<v1::ConsensusMessage> messages);
  grpc::ServerUnaryReactor* Refuse(grpc::CallbackServerContext* context,
                                   const absl::Status& status);

  Validator& validator_;
  WorkerPool& consensus_workers_;
  WorkerPool& bulk_workers_;
  const SigningDomain domain_;  // chain id and genesis hash, computed once
  const ValidatorSet validators_;
  const uint32_t self_;
  const Clock& clock_;
  const uint64_t envelope_skew_ms_max_;
  const PeerFaults* const faults_;
  std::atomic<uint64_t> transfers_dropped_{0};
  std::atomic<uint64_t> messages_dropped_{0};
  std::atomic<uint64_t> envelopes_refused_{0};
  std::atomic<uint64_t> envelopes_inbox_refused_{0};
  std::atomic<uint64_t> inbox_warned_us_{0};  // MonotonicUs of the last inbox warning
  static constexpr uint64_t kInboxWarnIntervalUs = 10'000'000;
};

}  // namespace remit
