// The metrics registry renders the Prometheus text format exactly, counts
// concurrent updates without losing any, and MetricsServer serves the page
// over HTTP.
#include "node/metrics.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "node/metrics_server.h"

namespace remit {
namespace {

// One HELP and TYPE line per family; each label set on its own line.
TEST(MetricsTest, CountersOfOneFamilyShareTheirHeader) {
  MetricsRegistry registry;
  Counter& settled =
      registry.AddCounter("remit_final_total", "Final transfers.", {{"outcome", "SETTLED"}});
  Counter& funds = registry.AddCounter("remit_final_total", "Final transfers.",
                                       {{"outcome", "INSUFFICIENT_FUNDS"}});
  settled.Add(3);
  funds.Add();
  EXPECT_EQ(registry.Render(),
            "# HELP remit_final_total Final transfers.\n"
            "# TYPE remit_final_total counter\n"
            "remit_final_total{outcome=\"SETTLED\"} 3\n"
            "remit_final_total{outcome=\"INSUFFICIENT_FUNDS\"} 1\n");
}

// A gauge is read when the page is rendered, not when it was registered.
TEST(MetricsTest, GaugesAreReadAtRenderTime) {
  MetricsRegistry registry;
  double height = 1;
  registry.AddGauge("remit_height", "Last committed height.", {}, [&] { return height; });
  height = 42;
  EXPECT_EQ(registry.Render(),
            "# HELP remit_height Last committed height.\n"
            "# TYPE remit_height gauge\n"
            "remit_height 42\n");
}

// A counter kept elsewhere renders with TYPE counter, read at render time.
TEST(MetricsTest, CounterFunctionsAreCountersReadAtRenderTime) {
  MetricsRegistry registry;
  uint64_t refused = 0;
  registry.AddCounterFunction("remit_refused_total", "Refused.", {}, [&] { return refused; });
  refused = 7;
  EXPECT_EQ(registry.Render(),
            "# HELP remit_refused_total Refused.\n"
            "# TYPE remit_refused_total counter\n"
            "remit_refused_total 7\n");
}

// Buckets are cumulative, in seconds, end with +Inf equal to the count, and
// an observation on a bound falls in that bound's bucket (le means <=).
TEST(MetricsTest, HistogramBucketsAreCumulativeInSeconds) {
  MetricsRegistry registry;
  Histogram& stage = registry.AddHistogram("remit_stage_seconds", "Stage latency.",
                                           {{"stage", "commit"}}, {1'000, 10'000});
  stage.ObserveUs(500);
  stage.ObserveUs(1'000);
  stage.ObserveUs(5'000);
  stage.ObserveUs(20'000);
  EXPECT_EQ(registry.Render(),
            "# HELP remit_stage_seconds Stage latency.\n"
            "# TYPE remit_stage_seconds histogram\n"
            "remit_stage_seconds_bucket{stage=\"commit\",le=\"0.001\"} 2\n"
            "remit_stage_seconds_bucket{stage=\"commit\",le=\"0.01\"} 3\n"
            "remit_stage_seconds_bucket{stage=\"commit\",le=\"+Inf\"} 4\n"
            "remit_stage_seconds_sum{stage=\"commit\"} 0.0265\n"
            "remit_stage_seconds_count{stage=\"commit\"} 4\n");
}

// Label values and help text that carry quotes, backslashes or line feeds
// cannot break the page's syntax.
TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.AddCounter("remit_odd_total", "Help with \\ and\nnewline.",
                      {{"reason", "a \"quoted\\\" reason\nnext"}});
  EXPECT_EQ(registry.Render(),
            "# HELP remit_odd_total Help with \\\\ and\\nnewline.\n"
            "# TYPE remit_odd_total counter\n"
            "remit_odd_total{reason=\"a \\\"quoted\\\\\\\" reason\\nnext\"} 0\n");
}

// Many threads adding at once lose no update.
TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("remit_c_total", "c");
  Histogram& histogram = registry.AddHistogram("remit_h_seconds", "h", {}, {10});
  constexpr int kThreads = 4;
  constexpr int kEach = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        counter.Add();
        histogram.ObserveUs(static_cast<uint64_t>(i % 20));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), uint64_t{kThreads} * kEach);
  const Histogram::Snapshot snapshot = histogram.Read();
  EXPECT_EQ(snapshot.count, uint64_t{kThreads} * kEach);
  EXPECT_EQ(snapshot.counts[0], uint64_t{kThreads} * kEach * 11 / 20);  // 0..10 of every 20
}

// The default latency bounds cover 10 µs to 10 s in 1-2-5 steps.
TEST(MetricsTest, LatencyBoundsSpanTenMicrosecondsToTenSeconds) {
  const std::vector<uint64_t> bounds = Histogram::LatencyBoundsUs();
  ASSERT_FALSE(bounds.empty());
  EXPECT_EQ(bounds.front(), 10u);
  EXPECT_EQ(bounds.back(), 10'000'000u);
  EXPECT_EQ(bounds.size(), 19u);
}

// GET /metrics answers the rendered page; any other path is 404.
TEST(MetricsServerTest, ServesTheRegistryOnMetrics) {
  MetricsRegistry registry;
  registry.AddCounter("remit_served_total", "Served.").Add(7);
  auto server = MetricsServer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->port());
  auto page = client.Get("/metrics");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->body, registry.Render());
  EXPECT_NE(page->get_header_value("Content-Type").find("text/plain; version=0.0.4"),
            std::string::npos);
  auto other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

// A malformed address is INVALID_ARGUMENT; a taken port is UNAVAILABLE.
TEST(MetricsServerTest, RefusesBadAndTakenAddresses) {
  MetricsRegistry registry;
  EXPECT_EQ(MetricsServer::Start("localhost", registry).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MetricsServer::Start("127.0.0.1:70000", registry).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto first = MetricsServer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok());
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->port());
  EXPECT_EQ(MetricsServer::Start(taken, registry).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace remit
