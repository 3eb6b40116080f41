// FaultInjector: the chaos test's fault thread. One fault at a time, so a
// 4-validator testnet never has more than f = 1 faulty validator:
//   - kill:      kill -9, then restart it (`remit testnet` library);
//   - pause:     SIGSTOP, then SIGCONT;
//   - partition: cut it off from every other validator with per-peer drop
//                rules (node/peer_faults.h), then heal.
// Each fault lasts a random time, with a random quiet gap before the next.
// Before each fault it checks that every validator is alive: one that died
// without being killed crashed on its own, which the test reports.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "client/testnet/manifest.h"

namespace remit::chaos {

struct FaultOptions {
  uint64_t seed = 1;
  uint64_t gap_ms_min = 500;
  uint64_t gap_ms_max = 3'000;
  uint64_t fault_ms_min = 500;
  uint64_t fault_ms_max = 4'000;
};

struct FaultCounts {
  uint64_t kills = 0;
  uint64_t pauses = 0;
  uint64_t partitions = 0;
  uint64_t total() const { return kills + pauses + partitions; }
};

class FaultInjector {
 public:
  FaultInjector(testnet::TestnetManifest manifest, const FaultOptions& options);
  ~FaultInjector();  // Stop()

  void Start();
  // Ends the current fault (restart, resume, heal) and stops injecting.
  void Stop();

  FaultCounts counts() const;
  // What went wrong outside the faults injected: validators that died on
  // their own, restarts that failed.
  std::vector<std::string> problems() const;

 private:
  enum class Kind { kKill, kPause, kPartition };

  void Run();
  // Sleeps up to `ms`; false if stopping.
  bool Sleep(uint64_t ms);
  uint64_t Uniform(uint64_t low, uint64_t high);
  void CheckAlive();
  void Inject(Kind kind, uint32_t victim);
  void Heal(Kind kind, uint32_t victim);
  void WriteCuts(uint32_t victim, bool cut);
  void Problem(std::string what);

  const testnet::TestnetManifest manifest_;
  const FaultOptions options_;
  std::mt19937_64 rng_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;              // guarded by mu_
  FaultCounts counts_;                 // guarded by mu_
  std::vector<std::string> problems_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace remit::chaos
