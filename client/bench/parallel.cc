#include "client/bench/parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "ledger/check.h"

namespace remit::bench {

uint32_t ThreadsFor(uint32_t requested) {
  if (requested != 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

void ParallelFor(uint64_t count, uint32_t threads,
                 const std::function<void(uint64_t begin, uint64_t end)>& fn) {
  REMIT_CHECK(threads >= 1);
  const uint64_t used = std::min<uint64_t>(threads, std::max<uint64_t>(count, 1));
  const uint64_t share = (count + used - 1) / used;
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < used; ++t) {
    const uint64_t begin = std::min(count, t * share);
    const uint64_t end = std::min(count, begin + share);
    if (begin == end) continue;
    workers.emplace_back([&fn, begin, end] { fn(begin, end); });
  }
  for (std::thread& worker : workers) worker.join();
}

}  // namespace remit::bench
