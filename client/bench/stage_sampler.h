// StageSampler: reads every validator's /metrics (endpoints from the testnet
// manifest) when the measured window starts and once the load has ended,
// and sums up where the time went in between (stage_breakdown.h). A
// validator that cannot be read at the end is left out, and said so; one
// not read at the start (restarted, say) counts from its own start.
#pragma once

#include <future>
#include <optional>
#include <string>
#include <vector>

#include "client/bench/bench_report.h"
#include "client/bench/stage_breakdown.h"

namespace remit::bench {

class StageSampler {
 public:
  // No endpoints (a testnet without metrics, or --node): reports nothing.
  explicit StageSampler(std::vector<std::string> endpoints) : endpoints_(std::move(endpoints)) {}
  ~StageSampler();

  // Reads the pages on a thread of its own, so the load is not held up.
  void Start();
  // Reads the pages again and fills report.stages, stages_nodes and stages_note.
  void Finish(BenchReport& report);

  // The metrics endpoints of the testnet in `testnet_dir` (empty if none).
  static std::vector<std::string> EndpointsOf(const std::string& testnet_dir);

 private:
  using Pages = std::vector<std::optional<StagePage>>;
  Pages ReadAll() const;

  const std::vector<std::string> endpoints_;
  std::future<Pages> before_;
};

}  // namespace remit::bench
