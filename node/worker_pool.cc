#include "node/worker_pool.h"

#include <pthread.h>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {

WorkerPool::WorkerPool(uint32_t threads, uint32_t queue_jobs_max)
    : queue_jobs_max_(queue_jobs_max) {
  REMIT_CHECK(threads >= 1);
  REMIT_CHECK(queue_jobs_max >= 1);
  for (uint32_t i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& worker : workers_) {
    worker->thread = std::thread([raw = worker.get()] {
      pthread_setname_np(pthread_self(), "remit-verify");
      Drain(*raw);
    });
  }
}

WorkerPool::~WorkerPool() { Stop(); }

absl::Status WorkerPool::Run(uint64_t key, std::function<void()> job) {
  REMIT_CHECK(job != nullptr);
  Worker& worker = *workers_[key % workers_.size()];
  {
    std::lock_guard lock(worker.mu);
    if (worker.stopping)
      return absl::UnavailableError("shutting_down: node is shutting down; try another node");
    if (worker.jobs.size() >= queue_jobs_max_) {
      return absl::ResourceExhaustedError(StrCat("verify_queue_full: node is busy (",
                                                 queue_jobs_max_,
                                                 " requests waiting for signature checks); "
                                                 "retry with back-off"));
    }
    worker.jobs.push_back(std::move(job));
  }
  worker.cv.notify_one();
  return absl::OkStatus();
}

void WorkerPool::Stop() {
  for (auto& worker : workers_) {
    {
      std::lock_guard lock(worker->mu);
      worker->stopping = true;
    }
    worker->cv.notify_all();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void WorkerPool::Drain(Worker& worker) {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(worker.mu);
      worker.cv.wait(lock, [&] { return worker.stopping || !worker.jobs.empty(); });
      if (worker.jobs.empty()) return;  // stopping, and nothing left to run
      job = std::move(worker.jobs.front());
      worker.jobs.pop_front();
    }
    job();
  }
}

}  // namespace remit
