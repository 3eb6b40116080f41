#include "client/bot/rate_limiter.h"

#include "ledger/check.h"

namespace remit::bot {

RateLimiter::RateLimiter(uint32_t max_events, uint64_t window_ms)
    : max_events_(max_events), window_ms_(window_ms) {
  REMIT_CHECK(max_events > 0);
  REMIT_CHECK(window_ms > 0);
}

bool RateLimiter::Allow(const std::string& identity, uint64_t now_ms) {
  if (events_.size() >= kRateLimiterIdentitiesMax && !events_.contains(identity)) {
    ForgetIdlest();
  }
  std::deque<uint64_t>& times = events_[identity];
  while (!times.empty() && times.front() + window_ms_ <= now_ms) times.pop_front();
  if (times.size() >= max_events_) return false;
  times.push_back(now_ms);
  REMIT_CHECK(times.size() <= max_events_);
  return true;
}

void RateLimiter::ForgetIdlest() {
  auto idlest = events_.begin();
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    const uint64_t last = it->second.empty() ? 0 : it->second.back();
    const uint64_t idlest_last = idlest->second.empty() ? 0 : idlest->second.back();
    if (last < idlest_last) idlest = it;
  }
  events_.erase(idlest);
}

}  // namespace remit::bot
