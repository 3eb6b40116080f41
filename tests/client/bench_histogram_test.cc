// LatencyHistogram: proves that every percentile of random latencies (over
// several orders of magnitude) lies between the exact nearest-rank value of
// the sorted samples and that value plus the promised 0.1% bucket width;
// that small values are exact; that bucket arithmetic is consistent at the
// boundaries; that Merge equals recording everything in one histogram; and
// that values above the range are clamped with max kept exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "client/bench/latency_histogram.h"

namespace remit::bench {
namespace {

uint64_t NearestRank(const std::vector<uint64_t>& sorted, double quantile) {
  uint64_t rank = static_cast<uint64_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
  rank = std::clamp<uint64_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void ExpectWithinBucket(uint64_t reported, uint64_t exact) {
  EXPECT_GE(reported, exact);
  EXPECT_LE(reported, exact + exact * 2 / LatencyHistogram::kSubBuckets) << "exact " << exact;
}

TEST(LatencyHistogramTest, PercentilesMatchSortedReferenceOnRandomData) {
  std::mt19937_64 random(42);
  // Log-uniform from 1 us to about 10 s: every bucket regime is exercised.
  std::uniform_real_distribution<double> exponent(0.0, 7.0);
  for (int round = 0; round < 5; ++round) {
    LatencyHistogram histogram;
    std::vector<uint64_t> values;
    const int count = 1 + static_cast<int>(random() % 100'000);
    for (int i = 0; i < count; ++i) {
      const auto value = static_cast<uint64_t>(std::pow(10.0, exponent(random)));
      values.push_back(value);
      histogram.Record(value);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
      ExpectWithinBucket(histogram.PercentileUs(q), NearestRank(values, q));
    }
    EXPECT_EQ(histogram.max_us(), values.back());
    EXPECT_EQ(histogram.min_us(), values.front());
    EXPECT_EQ(histogram.count(), values.size());
    EXPECT_EQ(histogram.PercentileUs(1.0), values.back());
  }
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (uint64_t v = 0; v < LatencyHistogram::kSubBuckets; ++v) histogram.Record(v);
  EXPECT_EQ(histogram.PercentileUs(0.5), LatencyHistogram::kSubBuckets / 2 - 1);
  EXPECT_EQ(histogram.Summary().p90_us,
            static_cast<uint64_t>(std::ceil(0.9 * LatencyHistogram::kSubBuckets)) - 1);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGaps) {
  for (size_t index = 0; index + 1 < LatencyHistogram::kBucketCount; ++index) {
    const uint64_t low = LatencyHistogram::BucketLowestUs(index);
    const uint64_t high = LatencyHistogram::BucketHighestUs(index);
    ASSERT_LE(low, high);
    ASSERT_EQ(LatencyHistogram::BucketLowestUs(index + 1), high + 1) << index;
    ASSERT_EQ(LatencyHistogram::BucketIndex(low), index);
    ASSERT_EQ(LatencyHistogram::BucketIndex(high), index);
    // Never wider than 2 / kSubBuckets of the bucket's lowest value.
    ASSERT_LE(high - low, std::max<uint64_t>(low * 2 / LatencyHistogram::kSubBuckets, 0));
  }
  EXPECT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::kValueUsMax),
            LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingInOne) {
  std::mt19937_64 random(7);
  LatencyHistogram a;
  LatencyHistogram b;
  LatencyHistogram both;
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t value = random() % 5'000'000;
    (i % 3 == 0 ? a : b).Record(value);
    both.Record(value);
  }
  a.Merge(b);
  for (double q : {0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(a.PercentileUs(q), both.PercentileUs(q));
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.mean_us(), both.mean_us());
  a.Reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.PercentileUs(0.5), 0u);
}

TEST(LatencyHistogramTest, HugeValuesAreClampedButMaxStaysExact) {
  LatencyHistogram histogram;
  histogram.Record(UINT64_MAX / 2);
  EXPECT_EQ(histogram.max_us(), UINT64_MAX / 2);
  EXPECT_EQ(histogram.PercentileUs(0.5),
            LatencyHistogram::BucketHighestUs(LatencyHistogram::kBucketCount - 1));
}

}  // namespace
}  // namespace remit::bench
