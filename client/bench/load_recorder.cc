#include "client/bench/load_recorder.h"

#include <algorithm>

#include "ledger/check.h"

namespace remit::bench {

LoadRecorder::LoadRecorder(uint64_t warmup_us, uint64_t end_us)
    : warmup_us_(warmup_us), end_us_(end_us) {
  REMIT_CHECK(warmup_us < end_us);
}

LoadRecorder::Slot* LoadRecorder::SlotAt(uint64_t now_us) {
  const uint64_t index = now_us / kSlotUs;
  if (index >= kSlotsMax) return nullptr;
  if (index >= slots_.size()) slots_.resize(index + 1);
  return &slots_[index];
}

void LoadRecorder::Sent(uint64_t now_us, uint64_t count) {
  std::lock_guard lock(mutex_);
  if (Slot* slot = SlotAt(now_us)) slot->offered += count;
  if (InWindow(now_us)) offered_ += count;
}

void LoadRecorder::Resent(uint64_t count) {
  std::lock_guard lock(mutex_);
  resent_ += count;
}

void LoadRecorder::Settled(uint64_t now_us, uint64_t due_us) {
  std::lock_guard lock(mutex_);
  if (Slot* slot = SlotAt(now_us)) ++slot->settled;
  if (InWindow(now_us)) ++settled_;
  if (InWindow(due_us)) latency_.Record(now_us >= due_us ? now_us - due_us : 0);
}

void LoadRecorder::Rejected(uint64_t /*now_us*/, const std::string& outcome) {
  std::lock_guard lock(mutex_);
  ++rejected_[outcome];
}

void LoadRecorder::Duplicate() {
  std::lock_guard lock(mutex_);
  ++duplicates_;
}

void LoadRecorder::Error(uint64_t now_us, const std::string& code) {
  std::lock_guard lock(mutex_);
  if (Slot* slot = SlotAt(now_us)) ++slot->errors;
  ++errors_[code];
  ++errors_total_;
}

void LoadRecorder::GaveUp() {
  std::lock_guard lock(mutex_);
  ++gave_up_;
}

void LoadRecorder::EndWindowAt(uint64_t end_us) {
  std::lock_guard lock(mutex_);
  // Counts already taken stay; the window only shrinks, never below warmup.
  end_us_ = std::clamp(end_us, warmup_us_ + 1, end_us_);
}

LoadRecorder::Progress LoadRecorder::Snapshot(uint64_t now_us) const {
  std::lock_guard lock(mutex_);
  Progress progress;
  const uint64_t last = now_us / kSlotUs;
  const uint64_t slots_per_second = 1'000'000 / kSlotUs;
  for (uint64_t i = last >= slots_per_second ? last - slots_per_second : 0;
       i < last && i < slots_.size(); ++i) {
    progress.offered_last_s += slots_[i].offered;
    progress.settled_last_s += slots_[i].settled;
  }
  progress.p99_us = latency_.PercentileUs(0.99);
  progress.errors = errors_total_;
  return progress;
}

std::vector<uint64_t> LoadRecorder::SettledSlots() const {
  std::lock_guard lock(mutex_);
  std::vector<uint64_t> settled;
  settled.reserve(slots_.size());
  for (const Slot& slot : slots_) settled.push_back(slot.settled);
  return settled;
}

void LoadRecorder::Fill(BenchReport* report) const {
  std::lock_guard lock(mutex_);
  const double window_s = static_cast<double>(end_us_ - warmup_us_) / 1e6;
  report->warmup_s = static_cast<double>(warmup_us_) / 1e6;
  report->duration_s = window_s;
  report->offered = offered_;
  report->settled = settled_;
  report->offered_tps = static_cast<double>(offered_) / window_s;
  report->settled_tps = static_cast<double>(settled_) / window_s;
  report->latency = latency_.Summary();
  report->rejected = rejected_;
  report->errors = errors_;
  report->retries = resent_;
  report->duplicates = duplicates_;
  report->failed = gave_up_;
  const uint64_t slots_per_second = 1'000'000 / kSlotUs;
  report->timeline.assign((slots_.size() + slots_per_second - 1) / slots_per_second, {});
  for (size_t i = 0; i < slots_.size(); ++i) {
    TimelineSecond& second = report->timeline[i / slots_per_second];
    second.offered += slots_[i].offered;
    second.settled += slots_[i].settled;
    second.errors += slots_[i].errors;
  }
}

}  // namespace remit::bench
