// remit bench's stage breakdown: it reads the two stage histogram families
// of a validator's /metrics page (and nothing else), subtracts the page read
// at the start of the window, sums validators, and estimates p50 and p99
// inside buckets as Prometheus' histogram_quantile does.
#include <gtest/gtest.h>

#include "client/bench/stage_breakdown.h"

namespace remit::bench {
namespace {

// Two stages with buckets at 1 ms and 10 ms, as remitd renders them.
std::string Page(uint64_t under_1ms, uint64_t under_10ms, uint64_t over) {
  std::string page = "# HELP remit_height h\n# TYPE remit_height gauge\nremit_height 7\n";
  const uint64_t total = under_1ms + under_10ms + over;
  for (const char* stage : {"admitted", "committed"}) {
    const std::string labels = std::string("stage=\"") + stage + "\"";
    page += "remit_transfer_stage_seconds_bucket{" + labels + ",le=\"0.001\"} " +
            std::to_string(under_1ms) + "\n";
    page += "remit_transfer_stage_seconds_bucket{" + labels + ",le=\"0.01\"} " +
            std::to_string(under_1ms + under_10ms) + "\n";
    page += "remit_transfer_stage_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
            std::to_string(total) + "\n";
    page += "remit_transfer_stage_seconds_sum{" + labels + "} 0.5\n";
    page += "remit_transfer_stage_seconds_count{" + labels + "} " + std::to_string(total) + "\n";
  }
  return page;
}

TEST(BenchStagesTest, ParsesOnlyTheStageFamilies) {
  const auto page = ParseStagePage(Page(1, 2, 3));
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 2u);
  const StageBuckets& admitted = page->at("admitted");
  EXPECT_EQ(admitted.bounds_us, (std::vector<uint64_t>{1'000, 10'000, UINT64_MAX}));
  EXPECT_EQ(admitted.cumulative, (std::vector<uint64_t>{1, 3, 6}));
  EXPECT_EQ(admitted.count, 6u);
  EXPECT_DOUBLE_EQ(admitted.sum_us, 500'000);
}

TEST(BenchStagesTest, MalformedLinesAreRefused) {
  EXPECT_FALSE(ParseStagePage("remit_transfer_stage_seconds_count{stage=\"a\" 1\n").ok());
  EXPECT_FALSE(ParseStagePage("remit_transfer_stage_seconds_count 1\n").ok());
}

// 100 samples in (1 ms, 10 ms]: p50 halfway through the bucket, p99 near its top.
TEST(BenchStagesTest, QuantilesInterpolateInsideABucket) {
  const auto page = ParseStagePage(Page(0, 100, 0));
  ASSERT_TRUE(page.ok());
  const std::vector<StageLatency> stages = SummarizeStages(*page);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].stage, "admitted");
  EXPECT_EQ(stages[1].stage, "committed");
  EXPECT_EQ(stages[0].count, 100u);
  EXPECT_EQ(stages[0].p50_us, 5'500u);
  EXPECT_EQ(stages[0].p99_us, 9'910u);
  EXPECT_EQ(stages[0].mean_us, 5'000u);
}

// What happened in the window is after - before; two validators add up; a
// validator whose counts went down restarted and counts from zero.
TEST(BenchStagesTest, SubtractsTheStartAndSumsValidators) {
  const StagePage before = *ParseStagePage(Page(10, 0, 0));
  const StagePage after = *ParseStagePage(Page(10, 4, 0));
  StagePage sum;
  AddPage(Subtract(after, before), sum);
  AddPage(Subtract(*ParseStagePage(Page(1, 0, 0)), after), sum);
  const StageBuckets& admitted = sum.at("admitted");
  EXPECT_EQ(admitted.cumulative, (std::vector<uint64_t>{1, 5, 5}));
  EXPECT_EQ(admitted.count, 5u);
  // A value in the +Inf bucket reads as the highest finite bound.
  EXPECT_EQ(SummarizeStages(*ParseStagePage(Page(0, 0, 5)))[0].p99_us, 10'000u);
}

}  // namespace
}  // namespace remit::bench
