// A fixed set of threads for the work gRPC handlers must not do themselves:
// signature checks of client requests and of validator envelopes. Each
// worker drains its own bounded queue in order, and a job goes to worker
// `key % threads`, so jobs with one key (one peer's envelopes) run in the
// order they came while jobs with different keys run in parallel.
//
// Thread safety: Run and Stop may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace remit {

class WorkerPool {
 public:
  // Preconditions (checked): threads >= 1, queue_jobs_max >= 1.
  WorkerPool(uint32_t threads, uint32_t queue_jobs_max);
  ~WorkerPool();  // Stop()

  // Queues `job` on worker `key % threads`. RESOURCE_EXHAUSTED if that
  // worker already holds queue_jobs_max jobs, UNAVAILABLE after Stop; the
  // job is then dropped without running.
  absl::Status Run(uint64_t key, std::function<void()> job);
  // Stops taking jobs, runs every queued one, and joins the threads.
  void Stop();

  uint32_t threads() const { return static_cast<uint32_t>(workers_.size()); }

 private:
  struct Worker {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;  // guarded by mu
    bool stopping = false;                   // guarded by mu
    std::thread thread;
  };

  static void Drain(Worker& worker);

  const uint32_t queue_jobs_max_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace remit
