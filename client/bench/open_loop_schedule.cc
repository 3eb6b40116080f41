#include "client/bench/open_loop_schedule.h"

#include "ledger/check.h"

namespace remit::bench {

namespace {
constexpr uint64_t kUsPerSecond = 1'000'000;
}  // namespace

OpenLoopSchedule::OpenLoopSchedule(uint64_t rate_per_s) : rate_per_s_(rate_per_s) {
  REMIT_CHECK(rate_per_s_ >= 1);
  REMIT_CHECK(rate_per_s_ <= kRatePerSecondMax);
}

uint64_t OpenLoopSchedule::DueAtUs(uint64_t index) const {
  REMIT_CHECK(index < kIndexMax);
  return index * kUsPerSecond / rate_per_s_;
}

uint64_t OpenLoopSchedule::DueCount(uint64_t elapsed_us) const {
  REMIT_CHECK(elapsed_us < kElapsedUsMax);
  // floor(i * 1e6 / R) <= e  <=>  i * 1e6 < (e + 1) * R  <=>  i < ceil((e + 1) * R / 1e6).
  const uint64_t scaled = (elapsed_us + 1) * rate_per_s_;
  return (scaled + kUsPerSecond - 1) / kUsPerSecond;
}

uint64_t OpenLoopSchedule::CountWithin(uint64_t span_us) const {
  return span_us == 0 ? 0 : DueCount(span_us - 1);
}

}  // namespace remit::bench
