// What `remit bench` reports, and its two renderings: a human summary and
// one JSON object (--json). The JSON's stable keys are `settled_tps`,
// `offered_tps`, `latency_us` {p50, p90, p99, p999, max}, `rejected`
// {outcome: count}, `errors` {status code: count} and `stages_us` (a list of
// {stage, count, p50, p99, mean}, in a transfer's order, then "total"); the
// rest describes the run (see BenchReportToJson).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "client/bench/latency_histogram.h"
#include "client/bench/stage_breakdown.h"

namespace remit::bench {

// One second of the run, counted by when things happened.
struct TimelineSecond {
  uint64_t offered = 0;  // transfers sent for the first time
  uint64_t settled = 0;  // transfers that became final with SETTLED
  uint64_t errors = 0;   // failed attempts (each retried or given up)
};

// The leader kill (--kill-leader-at) and what it did to throughput.
struct LeaderKillReport {
  uint32_t node_index = 0;
  double killed_at_s = 0;                // since the load started
  std::optional<double> restarted_at_s;  // when the node answered again
  std::string restart_error;             // why it did not, if it did not
  double baseline_tps = 0;               // settled/s over the seconds before the kill
  uint64_t dip_tps = 0;                  // lowest settled/s in a second after the kill
  std::optional<double> recovery_s;      // kill to settled/s >= 90% of baseline again
};

// CPU time over the measured window, in percent of one core.
struct CpuReport {
  double client_percent = 0;
  std::vector<double> node_percent;  // per validator index; empty if not known
};

struct BenchReport {
  std::string mode;  // "open" or "closed"
  uint64_t rate = 0;
  uint32_t concurrency = 0;
  uint32_t validators = 0;
  uint32_t accounts = 0;
  double warmup_s = 0;
  double duration_s = 0;  // the measured window, after warmup

  uint64_t offered = 0;  // first sends in the measured window
  uint64_t settled = 0;  // SETTLED in the measured window
  double offered_tps = 0;
  double settled_tps = 0;
  LatencySummary latency;  // transfers due in the measured window, SETTLED

  std::map<std::string, uint64_t> rejected;  // final, not SETTLED, by outcome
  std::map<std::string, uint64_t> errors;    // failed attempts by status code
  uint64_t retries = 0;                      // sends after the first
  uint64_t duplicates = 0;                   // answered ALREADY_EXISTS with the original receipt
  uint64_t failed = 0;                       // given up: no final outcome known
  uint64_t unfinished = 0;                   // still in flight when the drain ended
  bool transfers_exhausted = false;          // every pre-signed transfer was sent early

  std::vector<TimelineSecond> timeline;  // from the start of the load
  std::optional<LeaderKillReport> leader_kill;
  std::optional<CpuReport> cpu;
  // Where the time went on the validators (their /metrics over the measured
  // window and the drain, summed over the validators); empty if unknown.
  std::vector<StageLatency> stages;
  uint32_t stages_nodes = 0;  // validators whose /metrics were read
  std::string stages_note;    // why some or all were not, if so

  // Setup, before the clock started.
  double funding_s = 0;
  double signing_s = 0;
  uint64_t transfers_presigned = 0;
};

nlohmann::json BenchReportToJson(const BenchReport& report);
std::string BenchReportToText(const BenchReport& report);

// Microseconds as milliseconds with two decimals, e.g. "12.35 ms".
std::string FormatUsAsMs(uint64_t us);

}  // namespace remit::bench
