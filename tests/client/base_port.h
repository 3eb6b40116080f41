// Base ports for end-to-end tests that start testnets on loopback: a testnet
// of N nodes listens on BASE..BASE+N-1.
#pragma once

#include <unistd.h>

#include <cstdint>

namespace remit::testing {

// Candidates come from [kBasePortFirst, kBasePortFirst + kBasePortSpan), below
// the kernel's ephemeral range, chosen by pid so concurrent runs rarely
// collide; a test moves to the next candidate when a port is in use.
inline constexpr uint32_t kBasePortFirst = 20'000;
inline constexpr uint32_t kBasePortSpan = 12'000;
inline constexpr int kBasePortAttemptsMax = 10;

// The base port to try at `attempt` (1..kBasePortAttemptsMax).
inline uint32_t BasePortCandidate(int attempt) {
  uint32_t port = kBasePortFirst + static_cast<uint32_t>(::getpid() * 7) % kBasePortSpan;
  for (int i = 2; i <= attempt; ++i) port += 13 * static_cast<uint32_t>(i);
  return port;
}

}  // namespace remit::testing
