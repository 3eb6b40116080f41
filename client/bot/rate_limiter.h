// RateLimiter: at most `max_events` per identity in any sliding window of
// `window_ms`, on an injected clock. Bounded: it tracks at most
// kRateLimiterIdentitiesMax identities, forgetting the idlest when full.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace remit::bot {

inline constexpr size_t kRateLimiterIdentitiesMax = 100'000;

class RateLimiter {
 public:
  RateLimiter(uint32_t max_events, uint64_t window_ms);

  // Records an event for `identity` at `now_ms` and returns true, or returns
  // false (recording nothing) if the identity is over its limit.
  bool Allow(const std::string& identity, uint64_t now_ms);

 private:
  void ForgetIdlest();

  const uint32_t max_events_;
  const uint64_t window_ms_;
  std::map<std::string, std::deque<uint64_t>> events_;
};

}  // namespace remit::bot
