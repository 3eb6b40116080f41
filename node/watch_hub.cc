#include "node/watch_hub.h"

#include <algorithm>

#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit {

WatchHub::WatchHub(uint32_t watchers_max, uint32_t queue_events_max)
    : watchers_max_(watchers_max), queue_events_max_(queue_events_max) {}

absl::StatusOr<std::shared_ptr<WatchHub::Subscription>> WatchHub::Subscribe(
    std::optional<AccountId> account, std::function<void()> on_ready) {
  auto subscription = std::make_shared<Subscription>();
  subscription->account = account;
  subscription->on_ready = std::move(on_ready);
  std::lock_guard lock(mu_);
  if (subscriptions_.size() >= watchers_max_) {
    return absl::ResourceExhaustedError(StrCat("too_many_watchers: this node serves at most ",
                                               watchers_max_, " Watch streams; try another node"));
  }
  subscriptions_.push_back(subscription);
  return subscription;
}

void WatchHub::Unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard lock(mu_);
  std::erase(subscriptions_, subscription);
}

void WatchHub::OnCommitted(const BlockEffects& effects) {
  std::lock_guard lock(mu_);
  for (const auto& subscription : subscriptions_) {
    bool queued = false;
    {
      std::lock_guard sub_lock(subscription->mu);
      for (const v1::TransferRecord& record : effects.records) {
        // One account's watch sees what its history shows (operation.h).
        if (subscription->account) {
          const std::vector<AccountId> touched = TouchedAccounts(record);
          if (std::find(touched.begin(), touched.end(), *subscription->account) == touched.end()) {
            continue;
          }
        }
        if (subscription->queue.size() >= queue_events_max_) {
          subscription->overflowed = true;
          break;
        }
        *subscription->queue.emplace_back().mutable_record() = record;
        queued = true;
      }
      queued = queued || subscription->overflowed;
    }
    if (queued) subscription->on_ready();
  }
}

}  // namespace remit
