// BotRunner: runs a BotEngine behind a Transport. It schedules the transfers
// left unfinished by a crash for a re-send (BotEngine::Recover) before taking
// messages, and watches the ledger's stream of final transfers on its own
// thread so that a recipient is told at once, whichever bot instance or CLI
// sent the money. A broken Watch stream is reopened with back-off. A third
// thread does the housekeeping: every kRetryTickMs it lets the engine re-send
// the transfers whose outcome is unknown (BotEngine::RetryPending, which
// keeps their back-off) and close expired requests
// (BotEngine::ExpireRequests), and posts what became of them; every
// kPruneIntervalMs it prunes old message ids (BotEngine::PruneMessageIds).
//
// Messages are handled on the transport's thread, in order (workers = 0,
// the terminal), or by a MessageDispatcher's workers, so that one user's
// settlement waiting for the ledger never holds up another user's reply.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "client/bot/bot_engine.h"
#include "client/bot/transport.h"
#include "client/sdk/client.h"

namespace remit::bot {

inline constexpr uint64_t kWatchBackoffMsMin = 100;
inline constexpr uint64_t kWatchBackoffMsMax = 5'000;
// Time given to a new Watch stream to reach the node before messages flow.
inline constexpr uint64_t kWatchOpenMs = 200;
// How often the housekeeping thread looks for due retries, and prunes.
inline constexpr uint64_t kRetryTickMs = 250;
inline constexpr uint64_t kPruneIntervalMs = 10 * 60 * 1000;
// After the input ends, how long to wait for the recipients' notices.
inline constexpr uint64_t kDrainTimeoutMsDefault = 3'000;

struct RunnerOptions {
  // Threads that handle messages; 0: the transport's own thread, one
  // message at a time in input order.
  uint32_t workers = 0;
};

class BotRunner {
 public:
  // The pointers must outlive the runner. `clock` gives Unix ms.
  BotRunner(BotEngine* engine, sdk::RemitClient* client, Transport* transport,
            std::function<uint64_t()> clock, RunnerOptions options = {});
  ~BotRunner();

  // Recovers, starts watching, and runs the transport until it ends. When
  // the input ends, waits (up to drain_timeout_ms) until the watch stream has
  // caught up with the ledger's height, so the last notices are printed.
  absl::Status Run(uint64_t now_ms, uint64_t drain_timeout_ms = kDrainTimeoutMsDefault);

 private:
  void WatchLoop();
  void HousekeepingLoop();
  void StopThreads();
  void Drain(uint64_t timeout_ms);

  BotEngine* engine_;
  sdk::RemitClient* client_;
  Transport* transport_;
  const std::function<uint64_t()> clock_;
  const RunnerOptions options_;
  std::thread watcher_;
  std::thread housekeeper_;
  sdk::WatchCancel* cancel_ = nullptr;  // guarded by mutex_
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;     // guarded by mutex_
  bool watching_ = false;     // guarded by mutex_: a stream is open
  uint64_t seen_height_ = 0;  // guarded by mutex_
};

}  // namespace remit::bot
