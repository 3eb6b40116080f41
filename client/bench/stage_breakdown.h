// Where a transfer's time went on the validators: their /metrics pages
// (docs/ARCHITECTURE.md, "Metrics") read at the start and the end of the
// measured window, the difference summed over the validators, and each
// stage's p50 and p99 estimated from the histogram's buckets.
//
//   StagePage before = *ParseStagePage(*ScrapeMetrics("127.0.0.1:8100", 2'000));
//   ...
//   std::vector<StageLatency> stages = SummarizeStages(Subtract(after, before));
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::bench {

// One histogram: cumulative counts at each upper bound (µs, the last one
// +Inf as UINT64_MAX), the sum and the count.
struct StageBuckets {
  std::vector<uint64_t> bounds_us;
  std::vector<uint64_t> cumulative;
  double sum_us = 0;
  uint64_t count = 0;
};

// remit_transfer_stage_seconds by stage label, and
// remit_transfer_settle_seconds as stage "total".
using StagePage = std::map<std::string, StageBuckets>;

// The page's text; UNAVAILABLE (with the endpoint) if it cannot be read.
absl::StatusOr<std::string> ScrapeMetrics(const std::string& endpoint, uint64_t timeout_ms);

// INVALID_ARGUMENT for a malformed sample line of the two families; other
// families are skipped.
absl::StatusOr<StagePage> ParseStagePage(std::string_view page);

// after - before, per stage and bucket. A stage whose counts went down (the
// validator restarted in between) is taken from `after` alone.
StagePage Subtract(const StagePage& after, const StagePage& before);
// Adds `page` into `sum` (pages of validators with the same buckets).
void AddPage(const StagePage& page, StagePage& sum);

struct StageLatency {
  std::string stage;  // admitted, proposed, certified, committed, answered, total
  uint64_t count = 0;
  uint64_t p50_us = 0;
  uint64_t p99_us = 0;
  uint64_t mean_us = 0;
};

// The stages in a transfer's order, then "total"; stages without samples
// are left out. Quantiles interpolate linearly inside a bucket, as
// Prometheus' histogram_quantile does (a value in the +Inf bucket reads as
// the highest finite bound).
std::vector<StageLatency> SummarizeStages(const StagePage& page);

}  // namespace remit::bench
