// SpawnedTestnet: `remit bench --spawn N`'s own testnet of N validators in a
// fresh temporary directory, stopped and removed when the object dies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace remit::bench {

// Base ports tried for a spawned testnet: below the kernel's ephemeral
// range and the end-to-end tests' range (20000..32000).
inline constexpr uint32_t kSpawnPortFirst = 17'000;
inline constexpr uint32_t kSpawnPortSpan = 2'800;

class SpawnedTestnet {
 public:
  // Creates and starts the testnet and waits until every validator answers.
  // base_port 0: the first range of `nodes` free ports from a pid-dependent
  // point in [kSpawnPortFirst, +kSpawnPortSpan). Errors of TestnetUp (after
  // which nothing is left running or on disk).
  static absl::StatusOr<std::unique_ptr<SpawnedTestnet>> Start(uint32_t nodes, uint32_t base_port);
  ~SpawnedTestnet();
  SpawnedTestnet(const SpawnedTestnet&) = delete;
  SpawnedTestnet& operator=(const SpawnedTestnet&) = delete;

  const std::string& dir() const { return dir_; }

 private:
  explicit SpawnedTestnet(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace remit::bench
