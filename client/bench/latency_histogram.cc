#include "client/bench/latency_histogram.h"

#include <bit>
#include <cmath>

#include "ledger/check.h"

namespace remit::bench {

LatencyHistogram::LatencyHistogram() : counts_(kBucketCount, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t value_us) {
  if (value_us > kValueUsMax) value_us = kValueUsMax;
  if (value_us < kSubBuckets) return static_cast<size_t>(value_us);
  // value_us is in [2^m, 2^(m+1)) with m >= kSubBucketBits; shifting it by
  // m - kSubBucketBits + 1 leaves a number in [kSubBuckets/2, kSubBuckets).
  const uint32_t m = static_cast<uint32_t>(std::bit_width(value_us)) - 1;
  const uint32_t shift = m - kSubBucketBits + 1;
  const uint64_t sub = (value_us >> shift) - kSubBuckets / 2;
  const size_t index = kSubBuckets + (m - kSubBucketBits) * (kSubBuckets / 2) + sub;
  REMIT_CHECK(index < kBucketCount);
  return index;
}

uint64_t LatencyHistogram::BucketLowestUs(size_t index) {
  REMIT_CHECK(index < kBucketCount);
  if (index < kSubBuckets) return index;
  const uint64_t above = index - kSubBuckets;
  const uint32_t m = kSubBucketBits + static_cast<uint32_t>(above / (kSubBuckets / 2));
  const uint64_t sub = above % (kSubBuckets / 2) + kSubBuckets / 2;
  return sub << (m - kSubBucketBits + 1);
}

uint64_t LatencyHistogram::BucketHighestUs(size_t index) {
  if (index < kSubBuckets) return index;
  const uint32_t m =
      kSubBucketBits + static_cast<uint32_t>((index - kSubBuckets) / (kSubBuckets / 2));
  return BucketLowestUs(index) + (uint64_t{1} << (m - kSubBucketBits + 1)) - 1;
}

void LatencyHistogram::Record(uint64_t value_us) {
  ++counts_[BucketIndex(value_us)];
  ++count_;
  sum_us_ += value_us;
  if (value_us < min_us_) min_us_ = value_us;
  if (value_us > max_us_) max_us_ = value_us;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  REMIT_CHECK(counts_.size() == other.counts_.size());
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_us_ += other.sum_us_;
  if (other.count_ > 0 && other.min_us_ < min_us_) min_us_ = other.min_us_;
  if (other.max_us_ > max_us_) max_us_ = other.max_us_;
}

void LatencyHistogram::Reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_us_ = 0;
  min_us_ = UINT64_MAX;
  max_us_ = 0;
}

uint64_t LatencyHistogram::PercentileUs(double quantile) const {
  REMIT_CHECK(quantile > 0.0 && quantile <= 1.0);
  if (count_ == 0) return 0;
  // Nearest rank: the ceil(q * n)-th smallest value, at least the first.
  uint64_t rank = static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  if (rank > count_) rank = count_;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketHighestUs(i), max_us_);
  }
  REMIT_CHECK(false);  // the counts add up to count_
  return max_us_;
}

LatencySummary LatencyHistogram::Summary() const {
  return LatencySummary{.count = count_,
                        .p50_us = PercentileUs(0.50),
                        .p90_us = PercentileUs(0.90),
                        .p99_us = PercentileUs(0.99),
                        .p999_us = PercentileUs(0.999),
                        .max_us = max_us_,
                        .mean_us = mean_us()};
}

}  // namespace remit::bench
