#include "node/metrics.h"

#include <fmt/format.h>

#include <algorithm>

#include "ledger/check.h"

namespace remit {
namespace {

bool IsName(std::string_view name, bool colons) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Label values escape backslash, double quote and line feed.
std::string EscapeValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// HELP text escapes backslash and line feed.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// {a="1",b="2"} with `extra` (such as le) last; empty for no labels.
std::string LabelText(const MetricLabels& labels, std::string_view extra = {}) {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += out.empty() ? "{" : ",";
    out += name + "=\"" + EscapeValue(value) + "\"";
  }
  if (!extra.empty()) {
    out += out.empty() ? "{" : ",";
    out += extra;
  }
  if (!out.empty()) out += "}";
  return out;
}

std::string Seconds(uint64_t us) { return fmt::format("{}", static_cast<double>(us) / 1e6); }

void RenderHistogram(const std::string& name, const MetricLabels& labels,
                     const Histogram::Snapshot& snapshot, std::string& out) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < snapshot.bounds_us.size(); ++i) {
    cumulative += snapshot.counts[i];
    out +=
        fmt::format("{}_bucket{} {}\n", name,
                    LabelText(labels, "le=\"" + Seconds(snapshot.bounds_us[i]) + "\""), cumulative);
  }
  cumulative += snapshot.counts.back();
  out += fmt::format("{}_bucket{} {}\n", name, LabelText(labels, "le=\"+Inf\""), cumulative);
  out += fmt::format("{}_sum{} {}\n", name, LabelText(labels), Seconds(snapshot.sum_us));
  out += fmt::format("{}_count{} {}\n", name, LabelText(labels), snapshot.count);
}

}  // namespace

Histogram::Histogram(std::vector<uint64_t> bounds_us)
    : bounds_us_(std::move(bounds_us)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_us_.size() + 1)) {
  REMIT_CHECK(!bounds_us_.empty());
  REMIT_CHECK(bounds_us_.size() <= kHistogramBucketsMax);
  REMIT_CHECK(std::adjacent_find(bounds_us_.begin(), bounds_us_.end(), [](uint64_t a, uint64_t b) {
                return a >= b;
              }) == bounds_us_.end());
}

void Histogram::ObserveUs(uint64_t us) {
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_us_.begin(), bounds_us_.end(), us) - bounds_us_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(us, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.bounds_us = bounds_us_;
  snapshot.counts.resize(bounds_us_.size() + 1);
  for (size_t i = 0; i <= bounds_us_.size(); ++i) {
    snapshot.counts[i] = counts_[i].load(std::memory_order_relaxed);
    snapshot.count += snapshot.counts[i];
  }
  // The count is the buckets' total, so +Inf always equals _count; the sum
  // may already include an observation a bucket does not show yet.
  snapshot.sum_us = sum_us_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<uint64_t> Histogram::LatencyBoundsUs() {
  std::vector<uint64_t> bounds;
  for (uint64_t decade = 10; decade <= 10'000'000; decade *= 10) {
    for (uint64_t step : {1, 2, 5}) {
      if (decade * step <= 10'000'000) bounds.push_back(decade * step);
    }
  }
  return bounds;
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                    Type type, const MetricLabels& labels) {
  REMIT_CHECK(IsName(name, /*colons=*/true));
  for (const auto& label : labels) REMIT_CHECK(IsName(label.first, /*colons=*/false));
  for (Family& family : families_) {
    if (family.name != name) continue;
    REMIT_CHECK(family.type == type && family.help == help);
    return family;
  }
  return families_.emplace_back(Family{std::string(name), std::string(help), type, {}});
}

Counter& MetricsRegistry::AddCounter(std::string_view name, std::string_view help,
                                     MetricLabels labels) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kCounter, labels);
  Counter& counter = counters_.emplace_back();
  family.metrics.push_back(Metric{std::move(labels), &counter, nullptr, {}});
  return counter;
}

Histogram& MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                         MetricLabels labels, std::vector<uint64_t> bounds_us) {
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kHistogram, labels);
  Histogram& histogram = histograms_.emplace_back(std::move(bounds_us));
  family.metrics.push_back(Metric{std::move(labels), nullptr, &histogram, {}});
  return histogram;
}

void MetricsRegistry::AddCounterFunction(std::string_view name, std::string_view help,
                                         MetricLabels labels, std::function<uint64_t()> read) {
  REMIT_CHECK(read != nullptr);
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kCounter, labels);
  family.metrics.push_back(Metric{std::move(labels), nullptr, nullptr, [read = std::move(read)] {
                                    return static_cast<double>(read());
                                  }});
}

void MetricsRegistry::AddGauge(std::string_view name, std::string_view help, MetricLabels labels,
                               std::function<double()> read) {
  REMIT_CHECK(read != nullptr);
  std::lock_guard lock(mu_);
  Family& family = FamilyFor(name, help, Type::kGauge, labels);
  family.metrics.push_back(Metric{std::move(labels), nullptr, nullptr, std::move(read)});
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const Family& family : families_) {
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, EscapeHelp(family.help),
                       family.name, kTypeNames[static_cast<int>(family.type)]);
    for (const Metric& metric : family.metrics) {
      if (metric.counter != nullptr) {
        out += fmt::format("{}{} {}\n", family.name, LabelText(metric.labels),
                           metric.counter->value());
      } else if (metric.histogram != nullptr) {
        RenderHistogram(family.name, metric.labels, metric.histogram->Read(), out);
      } else {
        out += fmt::format("{}{} {}\n", family.name, LabelText(metric.labels), metric.gauge());
      }
    }
  }
  return out;
}

}  // namespace remit
