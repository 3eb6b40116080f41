// How throughput behaved around a leader kill, from the run's timeline of
// settled transfers in short slots.
//
//   baseline: settled/s over the (up to) 5 s before the kill, after warmup;
//   dip:      the lowest count in any 1 s window starting at or after the
//             kill, up to recovery (or the end);
//   recovery: from the kill to the start of the first 1 s window, starting
//             at or after the kill, whose settled count is at least 90% of
//             the baseline rate and after which no 1 s window of the next
//             5 s (or up to the end) falls below 50% of it. The second rule
//             keeps a burst of backlog between two stalls from counting as
//             recovered, while the ordinary second-to-second jitter of
//             block commits (well within 50%) does not hold recovery back.
//             None if no window before the end qualifies.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace remit::bench {

inline constexpr uint64_t kBaselineUsMax = 5'000'000;
inline constexpr uint64_t kRecoveryWindowUs = 1'000'000;
inline constexpr double kRecoveredFraction = 0.9;
inline constexpr uint64_t kStableUs = 5'000'000;
inline constexpr double kStallFraction = 0.5;

struct KillRecovery {
  double baseline_tps = 0;
  uint64_t dip_tps = 0;
  std::optional<uint64_t> recovery_us;
};

// `settled[i]` counts transfers settled in [i * slot_us, (i + 1) * slot_us)
// after the start. The baseline starts no earlier than `warmup_us`; windows
// end no later than `end_us`. Preconditions (checked): slot_us divides
// kRecoveryWindowUs, warmup_us <= kill_us < end_us.
KillRecovery AnalyseKillRecovery(const std::vector<uint64_t>& settled, uint64_t slot_us,
                                 uint64_t warmup_us, uint64_t kill_us, uint64_t end_us);

}  // namespace remit::bench
