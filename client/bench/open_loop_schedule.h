// OpenLoopSchedule: when each transfer of an open-loop run is due.
//
// Transfer i (i = 0, 1, ...) is due floor(i * 1e6 / rate) microseconds after
// the start, whatever happened to earlier transfers: the offered load does
// not slow down when the system does. The sender wakes up every tick and
// sends, in one batch, every transfer due by then; each transfer's latency is
// measured from its due time, so time spent waiting for the tick or in the
// client's queue counts as latency instead of being hidden.
#pragma once

#include <cstdint>

namespace remit::bench {

class OpenLoopSchedule {
 public:
  static constexpr uint64_t kRatePerSecondMax = 10'000'000;
  // Transfer indexes stay below this, so index * 1e6 fits in 64 bits.
  static constexpr uint64_t kIndexMax = uint64_t{1} << 43;
  // Elapsed times stay below this (about 19 hours), so that
  // elapsed_us * kRatePerSecondMax fits in 64 bits.
  static constexpr uint64_t kElapsedUsMax = uint64_t{1} << 36;

  // Precondition (checked): 1 <= rate_per_s <= kRatePerSecondMax.
  explicit OpenLoopSchedule(uint64_t rate_per_s);

  uint64_t rate_per_s() const { return rate_per_s_; }

  // Microseconds after the start at which transfer `index` is due.
  // Precondition (checked): index < kIndexMax.
  uint64_t DueAtUs(uint64_t index) const;

  // How many transfers are due at `elapsed_us`: those with
  // DueAtUs(i) <= elapsed_us, which are exactly the indexes below the result.
  // Precondition (checked): elapsed_us < kElapsedUsMax.
  uint64_t DueCount(uint64_t elapsed_us) const;

  // Transfers due in the first `span_us` (DueAtUs(i) < span_us).
  uint64_t CountWithin(uint64_t span_us) const;

 private:
  uint64_t rate_per_s_;
};

}  // namespace remit::bench
