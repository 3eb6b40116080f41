#include "client/bench/leader_fault.h"

#include "client/sdk/client.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

constexpr uint64_t kStatusTimeoutMs = 1'000;

}  // namespace

absl::StatusOr<uint32_t> FindLeader(const std::vector<std::string>& endpoints,
                                    const std::string& tls_ca_file) {
  std::optional<v1::GetStatusResponse> newest;
  std::vector<std::string> validator_keys(endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    absl::StatusOr<std::unique_ptr<sdk::RemitClient>> client =
        sdk::RemitClient::Create({.endpoints = {endpoints[i]},
                                  .call_timeout_ms = kStatusTimeoutMs,
                                  .tls_ca_file = tls_ca_file});
    if (!client.ok()) return client.status();  // an unreadable CA file
    absl::StatusOr<v1::GetStatusResponse> status = (*client)->GetStatus();
    if (!status.ok()) continue;
    validator_keys[i] = status->validator();
    if (!newest || status->round() > newest->round()) newest = *status;
  }
  if (!newest) return absl::UnavailableError("no validator answered GetStatus");
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (!validator_keys[i].empty() && validator_keys[i] == newest->leader()) {
      return static_cast<uint32_t>(i);
    }
  }
  // The leader did not answer itself: its index comes from its position.
  if (newest->leader() == newest->validator()) return newest->validator_index();
  return absl::UnavailableError("the leader named by the validators did not answer GetStatus");
}

LeaderFault::LeaderFault(std::string testnet_dir, std::vector<std::string> endpoints,
                         Clock::time_point start, uint64_t kill_at_us, uint64_t restart_after_us)
    : testnet_dir_(std::move(testnet_dir)),
      endpoints_(std::move(endpoints)),
      start_(start),
      kill_at_us_(kill_at_us),
      restart_after_us_(restart_after_us) {
  thread_ = std::thread([this] { Run(); });
}

LeaderFault::~LeaderFault() {
  if (thread_.joinable()) thread_.join();
}

const LeaderFaultResult& LeaderFault::Finish() {
  if (thread_.joinable()) thread_.join();
  return result_;
}

uint64_t LeaderFault::NowUs() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count());
}

void LeaderFault::Run() {
  std::this_thread::sleep_until(start_ + std::chrono::microseconds(kill_at_us_));
  absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(testnet_dir_);
  if (!manifest.ok()) {
    result_.error = StrCat("reading the testnet: ", manifest.status().message());
    return;
  }
  absl::StatusOr<uint32_t> leader = FindLeader(endpoints_, testnet::ManifestTlsCaFile(*manifest));
  if (!leader.ok()) {
    result_.error = StrCat("finding the leader: ", leader.status().message());
    return;
  }
  result_.node_index = *leader;
  absl::StatusOr<testnet::StopReport> stopped =
      testnet::TestnetStopNode(testnet_dir_, *leader, /*kill=*/true, /*grace_ms=*/0);
  if (!stopped.ok()) {
    result_.error = StrCat("killing node ", *leader, ": ", stopped.status().message());
    return;
  }
  result_.killed = true;
  result_.killed_at_us = NowUs();
  std::this_thread::sleep_until(
      start_ + std::chrono::microseconds(result_.killed_at_us + restart_after_us_));
  testnet::UpOptions options;
  options.only_node = *leader;
  absl::StatusOr<testnet::UpReport> restarted = testnet::TestnetUp(testnet_dir_, options);
  if (!restarted.ok()) {
    result_.error = StrCat("restarting node ", *leader, ": ", restarted.status().message());
    return;
  }
  result_.restarted_at_us = NowUs();
}

}  // namespace remit::bench
