#include "client/bench/kill_recovery.h"

#include <algorithm>
#include <vector>

#include "ledger/check.h"

namespace remit::bench {
namespace {

// Transfers settled in slots [first, last).
uint64_t SumSlots(const std::vector<uint64_t>& settled, uint64_t first, uint64_t last) {
  uint64_t sum = 0;
  for (uint64_t i = first; i < last && i < settled.size(); ++i) sum += settled[i];
  return sum;
}

}  // namespace

KillRecovery AnalyseKillRecovery(const std::vector<uint64_t>& settled, uint64_t slot_us,
                                 uint64_t warmup_us, uint64_t kill_us, uint64_t end_us) {
  REMIT_CHECK(slot_us > 0 && kRecoveryWindowUs % slot_us == 0);
  REMIT_CHECK(warmup_us <= kill_us && kill_us < end_us);
  KillRecovery result;
  // Whole slots only: the baseline from the first slot after warmup (and at
  // most 5 s back) to the slot holding the kill.
  const uint64_t kill_slot = kill_us / slot_us;
  const uint64_t earliest_us =
      std::max(warmup_us, kill_us > kBaselineUsMax ? kill_us - kBaselineUsMax : 0);
  const uint64_t baseline_first = (earliest_us + slot_us - 1) / slot_us;
  if (kill_slot > baseline_first) {
    const double span_s = static_cast<double>((kill_slot - baseline_first) * slot_us) / 1e6;
    result.baseline_tps =
        static_cast<double>(SumSlots(settled, baseline_first, kill_slot)) / span_s;
  }
  const uint64_t window_slots = kRecoveryWindowUs / slot_us;
  const uint64_t stable_slots = kStableUs / slot_us;
  const uint64_t end_slot = end_us / slot_us;
  const double wanted = kRecoveredFraction * result.baseline_tps;
  const double stall = kStallFraction * result.baseline_tps;
  // Window sums, one per possible first slot.
  std::vector<uint64_t> windows;
  const uint64_t first_slot = (kill_us + slot_us - 1) / slot_us;
  for (uint64_t first = first_slot; first + window_slots <= end_slot; ++first) {
    windows.push_back(SumSlots(settled, first, first + window_slots));
  }
  result.dip_tps = UINT64_MAX;
  for (size_t w = 0; w < windows.size(); ++w) {
    result.dip_tps = std::min(result.dip_tps, windows[w]);
    if (static_cast<double>(windows[w]) < wanted) continue;
    bool stays = true;
    for (size_t later = w + 1; later < windows.size() && later <= w + stable_slots; ++later) {
      stays = stays && static_cast<double>(windows[later]) >= stall;
    }
    if (stays) {
      result.recovery_us = (first_slot + w) * slot_us - kill_us;
      break;
    }
  }
  if (result.dip_tps == UINT64_MAX) result.dip_tps = 0;
  return result;
}

}  // namespace remit::bench
