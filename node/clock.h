// Time as the node sees it, injected so that simulation can replace it.
#pragma once

#include <chrono>
#include <cstdint>

namespace remit {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for block timestamps and transfer expiry.
  virtual uint64_t NowUnixMs() const = 0;
  // Monotonic time, for latencies and timeouts.
  virtual uint64_t MonotonicUs() const = 0;
};

class SystemClock final : public Clock {
 public:
  uint64_t NowUnixMs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
  uint64_t MonotonicUs() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
  }
};

}  // namespace remit
