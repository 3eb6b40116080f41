// gRPC callback reactors that can be finished from any thread exactly once:
// by the event loop when a transfer is final, or by gRPC when the client
// cancels, whichever comes first.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "node/error_details.h"
#include "node/watch_hub.h"
#include "remit/v1/ledger.pb.h"

namespace remit {

// A unary call whose answer arrives later. Holders of its Completion may
// outlive the reactor; after the call finished they are inert.
class UnaryCall final : public grpc::ServerUnaryReactor {
 public:
  class Completion {
   public:
    // Runs `fill` (which writes the response) and finishes the call with
    // `status`, unless it already finished. Returns false if it had.
    bool Finish(const grpc::Status& status, const std::function<void()>& fill = {});

   private:
    friend class UnaryCall;
    std::mutex mu_;
    grpc::ServerUnaryReactor* reactor_ = nullptr;
    bool finished_ = false;
  };

  UnaryCall();
  const std::shared_ptr<Completion>& completion() const { return completion_; }
  // Counts this call in `open` until it is done, if fewer than `max` are
  // counted there; false (nothing counted) otherwise. `open` must outlive
  // the call. At most once per call.
  bool Hold(std::atomic<uint32_t>& open, uint32_t max);

  void OnCancel() override;
  void OnDone() override;

 private:
  std::shared_ptr<Completion> completion_;
  std::atomic<uint32_t>* held_ = nullptr;
};

// A Watch stream fed by a WatchHub subscription.
class WatchStream final : public grpc::ServerWriteReactor<v1::WatchEvent> {
 public:
  // Finishes at once with `refusal` if it is not OK.
  WatchStream(WatchHub& hub, std::optional<AccountId> account, const absl::Status& refusal);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void MaybeWrite();
  void FinishLocked(const grpc::Status& status);

  WatchHub& hub_;
  std::shared_ptr<WatchHub::Subscription> subscription_;
  std::mutex mu_;
  v1::WatchEvent current_;
  bool writing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
};

}  // namespace remit
