// LatencyHistogram: latencies in microseconds, kept in log-linear buckets as
// HdrHistogram does, so that memory is fixed and every percentile is exact
// to within 0.1% of its value.
//
// Values below kSubBuckets (2,048 µs) each have their own bucket. Above, each
// power-of-two range [2^m, 2^(m+1)) is split into kSubBuckets / 2 equal
// buckets, so a bucket is never wider than 2 / kSubBuckets of its lowest
// value. Values up to kValueUsMax (about 19 hours) are kept; larger ones are
// counted in the top bucket (max_us() stays exact).
//
// Not thread-safe: one writer, or an outside lock; Merge combines per-thread
// histograms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace remit::bench {

// What a report shows of a histogram. Percentiles are nearest-rank.
struct LatencySummary {
  uint64_t count = 0;
  uint64_t p50_us = 0;
  uint64_t p90_us = 0;
  uint64_t p99_us = 0;
  uint64_t p999_us = 0;
  uint64_t max_us = 0;
  uint64_t mean_us = 0;
};

class LatencyHistogram {
 public:
  static constexpr uint32_t kSubBucketBits = 11;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  static constexpr uint32_t kValueBits = 36;
  static constexpr uint64_t kValueUsMax = (uint64_t{1} << kValueBits) - 1;
  // kSubBuckets exact buckets, then kSubBuckets / 2 for each power of two
  // from 2^kSubBucketBits to 2^(kValueBits-1): about 27,600 counters.
  static constexpr size_t kBucketCount =
      kSubBuckets + (kValueBits - kSubBucketBits) * (kSubBuckets / 2);

  LatencyHistogram();

  void Record(uint64_t value_us);
  void Merge(const LatencyHistogram& other);
  void Reset();

  uint64_t count() const { return count_; }
  uint64_t min_us() const { return count_ == 0 ? 0 : min_us_; }
  uint64_t max_us() const { return max_us_; }
  uint64_t mean_us() const { return count_ == 0 ? 0 : sum_us_ / count_; }

  // The nearest-rank `quantile` (0 < quantile <= 1): the smallest recorded
  // value v such that at least quantile * count() values are <= v, reported
  // as the highest value of v's bucket (never above max_us()). So the answer
  // r satisfies v <= r <= v + v * 2 / kSubBuckets. 0 when empty.
  uint64_t PercentileUs(double quantile) const;
  LatencySummary Summary() const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketIndex(uint64_t value_us);
  static uint64_t BucketLowestUs(size_t index);
  static uint64_t BucketHighestUs(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_us_ = 0;
  uint64_t min_us_ = UINT64_MAX;
  uint64_t max_us_ = 0;
};

}  // namespace remit::bench
