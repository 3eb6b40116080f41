// LoadRunner: sends a TransferPlan to the validators in SettleBatch calls and
// records what happens (client/README.md, docs/ARCHITECTURE.md §6).
//
// One dispatcher thread wakes every tick and sends, in one batch per call
// (split at batch_max, spread round-robin over the validators that are not
// marked down):
//   - open loop (rate > 0): every transfer due by now on the OpenLoopSchedule,
//     whatever is still in flight, up to in_flight_max;
//   - closed loop (concurrency > 0): enough fresh transfers to bring the
//     number in flight back to `concurrency`;
//   - retries whose back-off has passed.
// Calls use gRPC's callback API, many in flight at once; their completions
// (on gRPC's threads) record outcomes and queue retries, so no thread ever
// waits on a call.
//
// Retries re-send the same signed bytes, which is safe because a transfer id
// settles at most once (a node answers ALREADY_EXISTS with the original
// receipt). UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and other
// transient codes go to another validator after a back-off, so a killed
// node does not strand the later sequences of its senders.
// FAILED_PRECONDITION asks the node for the receipt and the sender's next
// sequence (SequenceManager::Resync): final means done, a used sequence
// means given up, otherwise it is retried. Anything else is given up.
//
// After the run's end no fresh transfer is sent; the runner keeps serving
// retries until nothing is in flight or drain_us has passed, then cancels
// the calls still open.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "client/bench/load_recorder.h"
#include "client/bench/open_loop_schedule.h"
#include "client/bench/transfer_plan.h"
#include "client/sdk/client.h"
#include "client/sdk/sequence_manager.h"
#include "remit/v1/ledger.grpc.pb.h"

namespace remit::bench {

// Attempts per transfer before it is given up.
inline constexpr uint32_t kAttemptsMaxDefault = 50;
// How long a validator that answered UNAVAILABLE gets no new batches.
inline constexpr uint64_t kEndpointDownUs = 500'000;

struct LoadOptions {
  std::vector<std::string> endpoints;
  uint64_t rate = 0;         // open loop, transfers/s
  uint32_t concurrency = 0;  // closed loop
  uint64_t warmup_us = 0;
  uint64_t duration_us = 0;
  uint64_t drain_us = 0;
  uint32_t batch_max = 0;
  uint64_t tick_us = 0;
  uint64_t call_timeout_ms = 0;
  uint64_t in_flight_max = 0;
  uint32_t attempts_max = kAttemptsMaxDefault;
  // Called with every final receipt a node answered (transfer `index` of the
  // plan), from gRPC's threads; for tests that check what clients were told.
  std::function<void(uint64_t index, const v1::Receipt& receipt)> on_receipt;
  // How to reach the endpoints (sdk::ChannelCredentialsFor); null: plaintext.
  std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr;
};

class LoadRunner {
 public:
  using Clock = std::chrono::steady_clock;
  // Called on the dispatcher thread once per tick with the time since start.
  using TickFn = std::function<void(uint64_t elapsed_us)>;

  // `plan`, `sequences`, `client` (for receipts and accounts) and `recorder`
  // must outlive the runner. Precondition (checked): exactly one of rate and
  // concurrency, 1..255 endpoints, batch_max, tick_us and in_flight_max > 0.
  LoadRunner(const LoadOptions& options, const TransferPlan& plan, sdk::SequenceManager& sequences,
             sdk::RemitClient& client, LoadRecorder& recorder);
  ~LoadRunner();
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  // Runs the load from `start` to the end and the drain. Call once.
  void Run(Clock::time_point start, const TickFn& on_tick);

  // Thread-safe. Ends the run early: no fresh transfers from now on; the
  // drain still runs. For Ctrl-C.
  void RequestStop() { stop_requested_.store(true); }

  uint64_t unfinished() const { return unfinished_; }
  bool exhausted() const { return exhausted_; }

 private:
  struct Call;
  struct Retry {
    uint64_t not_before_us;
    uint64_t index;
    bool operator>(const Retry& other) const { return not_before_us > other.not_before_us; }
  };

  uint64_t NowUs() const;
  uint64_t FreshTarget(uint64_t now_us) const;
  uint32_t PickEndpoint(uint64_t now_us, int avoid);
  void SendFresh(uint64_t begin, uint64_t end, uint64_t now_us);
  void SendRetries(uint64_t now_us);
  void SendBatch(std::vector<uint64_t> indexes, uint32_t endpoint);
  void OnBatchDone(Call& call, const grpc::Status& status);
  void Final(uint64_t index, const v1::Receipt& receipt, uint64_t now_us);
  void Fail(uint64_t index, int code, uint64_t now_us);
  void GiveUp(uint64_t index);
  void QueueRetry(uint64_t index, uint64_t not_before_us);
  void ResyncLoop();
  void Resync(uint64_t index);
  void CancelOpenCalls();

  const LoadOptions options_;
  const TransferPlan& plan_;
  sdk::SequenceManager& sequences_;
  sdk::RemitClient& client_;
  LoadRecorder& recorder_;
  const OpenLoopSchedule schedule_;
  std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs_;
  std::unique_ptr<std::atomic<uint64_t>[]> down_until_us_;
  Clock::time_point start_;

  // Per transfer; written by whoever holds it (dispatcher before a send,
  // the completion after), handed over through gRPC or the queues' mutex.
  std::vector<uint64_t> due_us_;
  std::vector<uint8_t> attempts_;
  std::vector<uint8_t> last_endpoint_;

  uint64_t next_fresh_ = 0;  // dispatcher only
  uint32_t next_endpoint_ = 0;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<bool> exhausted_{false};
  std::atomic<bool> stop_requested_{false};
  uint64_t unfinished_ = 0;

  std::mutex retry_mutex_;
  std::priority_queue<Retry, std::vector<Retry>, std::greater<Retry>> retries_;

  std::mutex calls_mutex_;
  std::condition_variable calls_cv_;
  std::map<Call*, std::shared_ptr<Call>> open_calls_;

  std::mutex resync_mutex_;
  std::condition_variable resync_cv_;
  std::deque<uint64_t> resync_queue_;
  bool stopping_ = false;
  std::thread resync_thread_;
};

}  // namespace remit::bench
