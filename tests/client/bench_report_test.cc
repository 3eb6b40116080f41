// The bench report's JSON shape: proves that the keys scripts rely on
// (settled_tps, offered_tps, latency_us.{p50,p90,p99,p999,max}, rejected,
// errors) are present with the right types even when empty, that counts by
// outcome and code come through, that the leader kill and timeline render,
// and that the text report names the same figures. Also LoadRecorder: the
// measured window, latencies from the due time, and the per-second timeline.
#include "client/bench/bench_report.h"

#include <gtest/gtest.h>

#include "client/bench/load_recorder.h"

namespace remit::bench {
namespace {

TEST(BenchReportTest, JsonHasTheStableKeysEvenWhenEmpty) {
  const nlohmann::json json = BenchReportToJson(BenchReport{});
  ASSERT_TRUE(json.is_object());
  EXPECT_TRUE(json["settled_tps"].is_number());
  EXPECT_TRUE(json["offered_tps"].is_number());
  for (const char* key : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(json["latency_us"][key].is_number_unsigned()) << key;
  }
  EXPECT_TRUE(json["rejected"].is_object());
  EXPECT_TRUE(json["errors"].is_object());
  EXPECT_TRUE(json["timeline"].is_array());
  EXPECT_TRUE(json["leader_kill"].is_null());
}

TEST(BenchReportTest, JsonCarriesCountsKillAndTimeline) {
  BenchReport report;
  report.mode = "open";
  report.rate = 500;
  report.settled_tps = 498.5;
  report.latency.p99_us = 12'345;
  report.rejected["INSUFFICIENT_FUNDS"] = 2;
  report.errors["UNAVAILABLE"] = 7;
  report.timeline = {{.offered = 500, .settled = 490, .errors = 0},
                     {.offered = 500, .settled = 12, .errors = 7}};
  report.leader_kill = LeaderKillReport{.node_index = 2,
                                        .killed_at_s = 10,
                                        .restarted_at_s = 15.5,
                                        .restart_error = "",
                                        .baseline_tps = 500,
                                        .dip_tps = 12,
                                        .recovery_s = 3.2};
  report.cpu = CpuReport{.client_percent = 20, .node_percent = {50, 40}};
  const nlohmann::json json = BenchReportToJson(report);
  EXPECT_EQ(json["latency_us"]["p99"], 12'345);
  EXPECT_EQ(json["rejected"]["INSUFFICIENT_FUNDS"], 2);
  EXPECT_EQ(json["errors"]["UNAVAILABLE"], 7);
  EXPECT_EQ(json["timeline"].size(), 2u);
  EXPECT_EQ(json["timeline"][1]["settled"], 12);
  EXPECT_EQ(json["leader_kill"]["node_index"], 2);
  EXPECT_DOUBLE_EQ(json["leader_kill"]["recovery_s"].get<double>(), 3.2);
  EXPECT_EQ(json["cpu_percent"]["nodes"].size(), 2u);

  const std::string text = BenchReportToText(report);
  EXPECT_NE(text.find("p99 12.35 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("INSUFFICIENT_FUNDS 2"), std::string::npos) << text;
  EXPECT_NE(text.find("UNAVAILABLE 7"), std::string::npos) << text;
  EXPECT_NE(text.find("back to 90% in 3.2 s"), std::string::npos) << text;
}

TEST(LoadRecorderTest, CountsTheMeasuredWindowAndLatencyFromDueTime) {
  LoadRecorder recorder(/*warmup_us=*/1'000'000, /*end_us=*/3'000'000);
  recorder.Sent(500'000, 10);              // warmup: in the timeline, not in the window
  recorder.Sent(1'500'000, 20);            // measured
  recorder.Settled(600'000, 100'000);      // warmup: no latency, not counted
  recorder.Settled(1'600'000, 1'500'000);  // 100 ms after its due time
  recorder.Settled(3'500'000, 2'900'000);  // due inside, settled in the drain
  recorder.Rejected(1'700'000, "EXPIRED");
  recorder.Error(1'800'000, "UNAVAILABLE");
  BenchReport report;
  recorder.Fill(&report);
  EXPECT_EQ(report.offered, 20u);
  EXPECT_EQ(report.settled, 1u);
  EXPECT_DOUBLE_EQ(report.duration_s, 2.0);
  EXPECT_DOUBLE_EQ(report.settled_tps, 0.5);
  EXPECT_EQ(report.latency.count, 2u);
  EXPECT_EQ(report.latency.p50_us,
            LatencyHistogram::BucketHighestUs(LatencyHistogram::BucketIndex(100'000)));
  EXPECT_EQ(report.latency.max_us, 600'000u);
  EXPECT_EQ(report.rejected.at("EXPIRED"), 1u);
  EXPECT_EQ(report.errors.at("UNAVAILABLE"), 1u);
  ASSERT_EQ(report.timeline.size(), 4u);
  EXPECT_EQ(report.timeline[0].offered, 10u);
  EXPECT_EQ(report.timeline[0].settled, 1u);
  EXPECT_EQ(report.timeline[1].errors, 1u);
  EXPECT_EQ(report.timeline[3].settled, 1u);

  recorder.EndWindowAt(2'000'000);
  recorder.Fill(&report);
  EXPECT_DOUBLE_EQ(report.duration_s, 1.0);
}

}  // namespace
}  // namespace remit::bench
