// Metrics: counters, gauges and histograms that any thread updates without a
// lock, and their rendering in the Prometheus text exposition format
// (version 0.0.4), which node/metrics_server.h serves on /metrics.
//
// Metrics are registered once, before the threads that update them start;
// a registered metric lives as long as the registry and its address never
// changes, so hot paths keep a reference and pay one relaxed atomic add.
// Metrics that share a name form one family (one HELP and TYPE line) and
// differ by their label values.
//
//   MetricsRegistry registry;
//   Counter& settled = registry.AddCounter("remit_transfers_final_total",
//       "Transfers that reached a final outcome.", {{"outcome", "SETTLED"}});
//   settled.Add();
//   std::string page = registry.Render();
//
// Thread safety: Add*, Render and every metric's methods may be called from
// any thread; a gauge's read function runs on the thread that renders.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace remit {

// Label name and value, e.g. {"outcome", "SETTLED"}.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t kHistogramBucketsMax = 64;

class Counter {
 public:
  void Add(uint64_t count = 1) { value_.fetch_add(count, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations in microseconds, exported in seconds (Prometheus' base unit)
// with cumulative buckets `le` = each bound, and +Inf.
class Histogram {
 public:
  // Preconditions (checked): 1..kHistogramBucketsMax bounds, strictly increasing.
  explicit Histogram(std::vector<uint64_t> bounds_us);

  void ObserveUs(uint64_t us);

  struct Snapshot {
    std::vector<uint64_t> bounds_us;
    std::vector<uint64_t> counts;  // per bucket, not cumulative; one more for +Inf
    uint64_t count = 0;            // the buckets' total
    uint64_t sum_us = 0;
  };
  Snapshot Read() const;

  // 1, 2, 5 times each power of ten from 10 µs to 10 s: stage latencies.
  static std::vector<uint64_t> LatencyBoundsUs();

 private:
  const std::vector<uint64_t> bounds_us_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> sum_us_{0};
};

class MetricsRegistry {
 public:
  // `name` is [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
  // (checked). A name registered again must keep its type and help text
  // (checked) and take new label values.
  Counter& AddCounter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Histogram& AddHistogram(std::string_view name, std::string_view help, MetricLabels labels,
                          std::vector<uint64_t> bounds_us);
  // A counter kept elsewhere, read when the page is rendered (`read` must
  // never decrease).
  void AddCounterFunction(std::string_view name, std::string_view help, MetricLabels labels,
                          std::function<uint64_t()> read);
  // A value read when the page is rendered (height, mempool size, ...).
  void AddGauge(std::string_view name, std::string_view help, MetricLabels labels,
                std::function<double()> read);

  // Every family in registration order, in the text exposition format.
  std::string Render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Metric {
    MetricLabels labels;
    Counter* counter = nullptr;
    Histogram* histogram = nullptr;
    std::function<double()> gauge;
  };
  struct Family {
    std::string name;
    std::string help;
    Type type;
    std::vector<Metric> metrics;
  };

  Family& FamilyFor(std::string_view name, std::string_view help, Type type,
                    const MetricLabels& labels);

  mutable std::mutex mu_;
  std::deque<Family> families_;  // guarded by mu_
  std::deque<Counter> counters_;
  std::deque<Histogram> histograms_;
};

}  // namespace remit
