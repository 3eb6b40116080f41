// LeaderFault: the --kill-leader-at fault. On its own thread, at the given
// time it asks every validator for its status (over TLS for a TLS testnet),
// kill -9s the leader named by the one in the highest round, waits, starts
// it again (remit testnet's restart path) and notes when it answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::bench {

struct LeaderFaultResult {
  bool killed = false;
  uint32_t node_index = 0;
  uint64_t killed_at_us = 0;
  std::optional<uint64_t> restarted_at_us;  // answering again
  std::string error;                        // what went wrong, if killing or restarting failed
};

// The index of the current leader among `endpoints` (validator I at
// endpoints[I]): each validator's GetStatus names the leader of its round;
// the highest round's answer wins. Over TLS when `tls_ca_file` names the
// CA to trust. UNAVAILABLE if none answers.
absl::StatusOr<uint32_t> FindLeader(const std::vector<std::string>& endpoints,
                                    const std::string& tls_ca_file = "");

class LeaderFault {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the thread. Times are since `start`.
  LeaderFault(std::string testnet_dir, std::vector<std::string> endpoints, Clock::time_point start,
              uint64_t kill_at_us, uint64_t restart_after_us);
  // Waits for the thread (and so for the restart).
  ~LeaderFault();
  LeaderFault(const LeaderFault&) = delete;
  LeaderFault& operator=(const LeaderFault&) = delete;

  // Waits for the thread, then returns what it did.
  const LeaderFaultResult& Finish();

 private:
  void Run();
  uint64_t NowUs() const;

  const std::string testnet_dir_;
  const std::vector<std::string> endpoints_;
  const Clock::time_point start_;
  const uint64_t kill_at_us_;
  const uint64_t restart_after_us_;
  LeaderFaultResult result_;
  std::thread thread_;
};

}  // namespace remit::bench
