// Splitting CPU-bound setup work (key generation, signing) over threads.
#pragma once

#include <cstdint>
#include <functional>

namespace remit::bench {

// Threads to use when the user asked for `requested` (0: one per hardware
// thread, at least 1).
uint32_t ThreadsFor(uint32_t requested);

// Calls fn(begin, end) on `threads` threads for consecutive, disjoint ranges
// that together cover [0, count), and returns when all are done.
void ParallelFor(uint64_t count, uint32_t threads,
                 const std::function<void(uint64_t begin, uint64_t end)>& fn);

}  // namespace remit::bench
