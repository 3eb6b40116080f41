#include "client/bench/stage_sampler.h"

#include "client/testnet/manifest.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

constexpr uint64_t kScrapeTimeoutMs = 2'000;

}  // namespace

StageSampler::~StageSampler() {
  if (before_.valid()) before_.wait();
}

std::vector<std::string> StageSampler::EndpointsOf(const std::string& testnet_dir) {
  std::vector<std::string> endpoints;
  if (testnet_dir.empty()) return endpoints;
  const absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(testnet_dir);
  if (!manifest.ok()) return endpoints;
  for (const testnet::TestnetNode& node : manifest->nodes) {
    if (!node.metrics_endpoint.empty()) endpoints.push_back(node.metrics_endpoint);
  }
  return endpoints;
}

StageSampler::Pages StageSampler::ReadAll() const {
  Pages pages;
  for (const std::string& endpoint : endpoints_) {
    const absl::StatusOr<std::string> text = ScrapeMetrics(endpoint, kScrapeTimeoutMs);
    absl::StatusOr<StagePage> page =
        text.ok() ? ParseStagePage(*text) : absl::StatusOr<StagePage>(text.status());
    pages.push_back(page.ok() ? std::optional<StagePage>(std::move(*page)) : std::nullopt);
  }
  return pages;
}

void StageSampler::Start() {
  if (endpoints_.empty() || before_.valid()) return;
  before_ = std::async(std::launch::async, [this] { return ReadAll(); });
}

void StageSampler::Finish(BenchReport& report) {
  if (endpoints_.empty()) {
    report.stages_note = "not known: the validators serve no /metrics (or were not spawned)";
    return;
  }
  const Pages before = before_.valid() ? before_.get() : Pages(endpoints_.size());
  const Pages after = ReadAll();
  StagePage sum;
  std::string missing;
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (!after[i]) {
      missing += StrCat(missing.empty() ? "" : ", ", endpoints_[i]);
      continue;
    }
    AddPage(before[i] ? Subtract(*after[i], *before[i]) : *after[i], sum);
    ++report.stages_nodes;
  }
  report.stages = SummarizeStages(sum);
  if (!missing.empty()) report.stages_note = StrCat("could not read /metrics of ", missing);
}

}  // namespace remit::bench
