// WorkerPool: jobs with one key run in the order they were queued, a full
// queue refuses with RESOURCE_EXHAUSTED (the job never runs), and Stop runs
// every job already queued before it returns, then refuses new ones.
#include "node/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <vector>

namespace remit {
namespace {

// Jobs of one key keep their order even while another key's jobs run.
TEST(WorkerPoolTest, OneKeyRunsInOrder) {
  WorkerPool pool(2, 10'000);
  std::mutex mu;
  std::vector<int> seen_by_key[2];
  for (int i = 0; i < 2'000; ++i) {
    const uint64_t key = static_cast<uint64_t>(i % 2);
    ASSERT_TRUE(pool.Run(key,
                         [&, key, i] {
                           std::lock_guard lock(mu);
                           seen_by_key[key].push_back(i);
                         })
                    .ok());
  }
  pool.Stop();
  for (const std::vector<int>& seen : seen_by_key) {
    ASSERT_EQ(seen.size(), 1'000u);
    for (size_t j = 1; j < seen.size(); ++j) EXPECT_LT(seen[j - 1], seen[j]);
  }
}

// A worker whose queue holds queue_jobs_max jobs refuses the next one.
TEST(WorkerPoolTest, FullQueueIsResourceExhausted) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.Run(0,
                       [&] {
                         started.set_value();
                         released.wait();
                       })
                  .ok());
  started.get_future().wait();  // the blocker runs; the queue is empty again
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.Run(0, [&] { ++ran; }).ok());
  ASSERT_TRUE(pool.Run(0, [&] { ++ran; }).ok());
  const absl::Status refused = pool.Run(0, [&] { ran += 100; });
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
  release.set_value();
  pool.Stop();
  EXPECT_EQ(ran.load(), 2);
}

// Stop runs what was queued; afterwards Run is UNAVAILABLE.
TEST(WorkerPoolTest, StopDrainsThenRefuses) {
  WorkerPool pool(3, 1'000);
  std::atomic<int> ran{0};
  for (int i = 0; i < 300; ++i)
    ASSERT_TRUE(pool.Run(static_cast<uint64_t>(i), [&] { ++ran; }).ok());
  pool.Stop();
  EXPECT_EQ(ran.load(), 300);
  EXPECT_EQ(pool.Run(0, [&] { ++ran; }).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace remit
