// LoadRecorder: what happened during a load run, counted as it happens from
// many threads (gRPC callbacks, the dispatcher), and summed into the report.
//
// Times are microseconds since the load started. The measured window is
// [warmup_us, end_us): offered and settled counts are transfers first sent
// and settled inside it; latencies are of SETTLED transfers that were due
// inside it (open loop: their scheduled time; closed loop: their first send),
// whenever they settled, so a slow tail after the end is still counted.
//
// Thread safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "client/bench/bench_report.h"
#include "client/bench/latency_histogram.h"

namespace remit::bench {

class LoadRecorder {
 public:
  static constexpr uint64_t kSlotUs = 100'000;
  // Slots kept for the timeline: enough for the longest run plus its drain;
  // events past the last slot count in the totals only.
  static constexpr uint64_t kSlotsMax = 20 * 60 * 60 * 10;

  // Precondition (checked): warmup_us < end_us.
  LoadRecorder(uint64_t warmup_us, uint64_t end_us);

  void Sent(uint64_t now_us, uint64_t count);
  void Resent(uint64_t count);
  void Settled(uint64_t now_us, uint64_t due_us);
  void Rejected(uint64_t now_us, const std::string& outcome);
  void Duplicate();
  void Error(uint64_t now_us, const std::string& code);
  void GaveUp();

  // Ends the measured window early (every pre-signed transfer was sent).
  void EndWindowAt(uint64_t end_us);

  struct Progress {
    uint64_t offered_last_s = 0;
    uint64_t settled_last_s = 0;
    uint64_t p99_us = 0;  // of the measured window so far; 0 during warmup
    uint64_t errors = 0;
  };
  Progress Snapshot(uint64_t now_us) const;

  // Settled transfers per slot, from the start.
  std::vector<uint64_t> SettledSlots() const;

  // Fills the counts, rates, latency, timeline and window of `report`.
  void Fill(BenchReport* report) const;

 private:
  struct Slot {
    uint64_t offered = 0;
    uint64_t settled = 0;
    uint64_t errors = 0;
  };
  Slot* SlotAt(uint64_t now_us);
  bool InWindow(uint64_t time_us) const { return time_us >= warmup_us_ && time_us < end_us_; }

  const uint64_t warmup_us_;
  mutable std::mutex mutex_;
  uint64_t end_us_;
  std::vector<Slot> slots_;
  LatencyHistogram latency_;
  uint64_t offered_ = 0;
  uint64_t settled_ = 0;
  uint64_t resent_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t gave_up_ = 0;
  uint64_t errors_total_ = 0;
  std::map<std::string, uint64_t> rejected_;
  std::map<std::string, uint64_t> errors_;
};

}  // namespace remit::bench
