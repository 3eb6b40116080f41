// Fans committed transfer records out to Watch subscribers, each with a
// bounded queue: a subscriber that falls behind by more than
// `queue_events_max` events is marked overflowed and closed, never allowed to
// grow the node's memory.
//
// Thread safety: all methods are thread-safe. OnCommitted runs on the event
// loop and calls each subscriber's `on_ready` with the hub's lock held; once
// Unsubscribe returns, `on_ready` is never called again.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "node/commit_listener.h"
#include "remit/v1/ledger.pb.h"

namespace remit {

class WatchHub final : public CommitListener {
 public:
  struct Subscription {
    std::optional<AccountId> account;  // nullopt: every transfer
    std::function<void()> on_ready;    // must not block
    std::mutex mu;
    std::deque<v1::WatchEvent> queue;
    bool overflowed = false;
  };

  WatchHub(uint32_t watchers_max, uint32_t queue_events_max);

  // RESOURCE_EXHAUSTED when watchers_max streams are open.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(std::optional<AccountId> account,
                                                          std::function<void()> on_ready);
  void Unsubscribe(const std::shared_ptr<Subscription>& subscription);
  void OnCommitted(const BlockEffects& effects) override;

 private:
  const uint32_t watchers_max_;
  const uint32_t queue_events_max_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Subscription>> subscriptions_;
};

}  // namespace remit
