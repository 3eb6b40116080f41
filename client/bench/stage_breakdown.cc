#include "client/bench/stage_breakdown.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "ledger/strings.h"

namespace remit::bench {
namespace {

constexpr std::string_view kStageFamily = "remit_transfer_stage_seconds";
constexpr std::string_view kSettleFamily = "remit_transfer_settle_seconds";
constexpr const char* kStageOrder[] = {"admitted",  "proposed", "certified",
                                       "committed", "answered", "total"};

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// `name{a="x",b="y"} value`, or `name value`; nullopt if malformed.
std::optional<Sample> ParseSample(std::string_view line) {
  Sample sample;
  const size_t name_end = line.find_first_of("{ ");
  if (name_end == std::string_view::npos) return std::nullopt;
  sample.name = std::string(line.substr(0, name_end));
  size_t at = name_end;
  if (line[at] == '{') {
    ++at;
    while (at < line.size() && line[at] != '}') {
      const size_t eq = line.find("=\"", at);
      if (eq == std::string_view::npos) return std::nullopt;
      const size_t close = line.find('"', eq + 2);
      if (close == std::string_view::npos) return std::nullopt;
      sample.labels[std::string(line.substr(at, eq - at))] =
          std::string(line.substr(eq + 2, close - eq - 2));
      at = close + 1;
      if (at < line.size() && line[at] == ',') ++at;
    }
    if (at >= line.size()) return std::nullopt;
    ++at;
  }
  const std::string value(line.substr(at));
  char* end = nullptr;
  sample.value = std::strtod(value.c_str(), &end);
  if (end == value.c_str()) return std::nullopt;
  return sample;
}

uint64_t BoundUs(const std::string& le) {
  if (le == "+Inf") return UINT64_MAX;
  return static_cast<uint64_t>(std::llround(std::strtod(le.c_str(), nullptr) * 1e6));
}

uint64_t QuantileUs(const StageBuckets& buckets, double quantile) {
  const double rank = quantile * static_cast<double>(buckets.count);
  uint64_t below = 0;
  uint64_t lower_us = 0;
  for (size_t i = 0; i < buckets.bounds_us.size(); ++i) {
    const uint64_t upper_us = buckets.bounds_us[i];
    if (static_cast<double>(buckets.cumulative[i]) >= rank && buckets.cumulative[i] > below) {
      if (upper_us == UINT64_MAX) return lower_us;
      const double within =
          (rank - static_cast<double>(below)) / static_cast<double>(buckets.cumulative[i] - below);
      return lower_us + static_cast<uint64_t>(within * static_cast<double>(upper_us - lower_us));
    }
    below = buckets.cumulative[i];
    if (upper_us != UINT64_MAX) lower_us = upper_us;
  }
  return lower_us;
}

}  // namespace

absl::StatusOr<std::string> ScrapeMetrics(const std::string& endpoint, uint64_t timeout_ms) {
  httplib::Client client(StrCat("http://", endpoint));
  const auto timeout = std::chrono::milliseconds(timeout_ms);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  const httplib::Result result = client.Get("/metrics");
  if (!result || result->status != 200) {
    return absl::UnavailableError(
        StrCat("cannot read http://", endpoint, "/metrics (",
               result ? StrCat("HTTP ", result->status) : httplib::to_string(result.error()), ")"));
  }
  return result->body;
}

absl::StatusOr<StagePage> ParseStagePage(std::string_view page) {
  StagePage parsed;
  size_t start = 0;
  while (start < page.size()) {
    size_t end = page.find('\n', start);
    if (end == std::string_view::npos) end = page.size();
    const std::string_view line = page.substr(start, end - start);
    start = end + 1;
    const bool stage = line.starts_with(kStageFamily);
    if (line.empty() || line[0] == '#' || (!stage && !line.starts_with(kSettleFamily))) continue;
    const std::optional<Sample> sample = ParseSample(line);
    if (!sample) return absl::InvalidArgumentError(StrCat("malformed metrics line: ", line));
    const std::string_view family = stage ? kStageFamily : kSettleFamily;
    const std::string suffix = sample->name.substr(family.size());
    const auto label = sample->labels.find("stage");
    if (stage && label == sample->labels.end()) {
      return absl::InvalidArgumentError(StrCat("metrics line without a stage: ", line));
    }
    StageBuckets& buckets = parsed[stage ? label->second : "total"];
    if (suffix == "_bucket") {
      const auto le = sample->labels.find("le");
      if (le == sample->labels.end()) {
        return absl::InvalidArgumentError(StrCat("bucket without le: ", line));
      }
      buckets.bounds_us.push_back(BoundUs(le->second));
      buckets.cumulative.push_back(static_cast<uint64_t>(sample->value));
    } else if (suffix == "_sum") {
      buckets.sum_us = sample->value * 1e6;
    } else if (suffix == "_count") {
      buckets.count = static_cast<uint64_t>(sample->value);
    }
  }
  return parsed;
}

StagePage Subtract(const StagePage& after, const StagePage& before) {
  StagePage out = after;
  for (auto& [stage, buckets] : out) {
    const auto earlier = before.find(stage);
    if (earlier == before.end() || earlier->second.bounds_us != buckets.bounds_us ||
        earlier->second.count > buckets.count) {
      continue;
    }
    for (size_t i = 0; i < buckets.cumulative.size(); ++i) {
      buckets.cumulative[i] -= std::min(buckets.cumulative[i], earlier->second.cumulative[i]);
    }
    buckets.count -= earlier->second.count;
    buckets.sum_us -= earlier->second.sum_us;
  }
  return out;
}

void AddPage(const StagePage& page, StagePage& sum) {
  for (const auto& [stage, buckets] : page) {
    auto [it, inserted] = sum.emplace(stage, buckets);
    if (inserted || it->second.bounds_us != buckets.bounds_us) continue;
    for (size_t i = 0; i < buckets.cumulative.size(); ++i) {
      it->second.cumulative[i] += buckets.cumulative[i];
    }
    it->second.count += buckets.count;
    it->second.sum_us += buckets.sum_us;
  }
}

std::vector<StageLatency> SummarizeStages(const StagePage& page) {
  std::vector<StageLatency> out;
  for (const char* stage : kStageOrder) {
    const auto it = page.find(stage);
    if (it == page.end() || it->second.count == 0) continue;
    const StageBuckets& buckets = it->second;
    out.push_back({.stage = stage,
                   .count = buckets.count,
                   .p50_us = QuantileUs(buckets, 0.50),
                   .p99_us = QuantileUs(buckets, 0.99),
                   .mean_us = static_cast<uint64_t>(
                       std::max(0.0, buckets.sum_us / static_cast<double>(buckets.count)))});
  }
  return out;
}

}  // namespace remit::bench
