#include "node/reactors.h"

#include "ledger/check.h"

namespace remit {

bool UnaryCall::Completion::Finish(const grpc::Status& status, const std::function<void()>& fill) {
  std::lock_guard lock(mu_);
  if (finished_) return false;
  finished_ = true;
  if (fill) fill();
  reactor_->Finish(status);
  return true;
}

UnaryCall::UnaryCall() : completion_(std::make_shared<Completion>()) {
  completion_->reactor_ = this;
}

void UnaryCall::OnCancel() {
  completion_->Finish(ToGrpc(absl::CancelledError("call cancelled by the client")));
}

bool UnaryCall::Hold(std::atomic<uint32_t>& open, uint32_t max) {
  REMIT_CHECK(held_ == nullptr);
  uint32_t count = open.load();
  do {
    if (count >= max) return false;
  } while (!open.compare_exchange_weak(count, count + 1));
  held_ = &open;
  return true;
}

void UnaryCall::OnDone() {
  if (held_ != nullptr) held_->fetch_sub(1);
  delete this;
}

WatchStream::WatchStream(WatchHub& hub, std::optional<AccountId> account,
                         const absl::Status& refusal)
    : hub_(hub) {
  if (!refusal.ok()) {
    std::lock_guard lock(mu_);
    FinishLocked(ToGrpc(refusal));
    return;
  }
  auto subscription = hub_.Subscribe(account, [this] { MaybeWrite(); });
  {
    std::lock_guard lock(mu_);
    if (!subscription.ok()) {
      FinishLocked(ToGrpc(subscription.status()));
      return;
    }
    // The start signal (docs/API.md, Watch): initial metadata leaves only
    // once the subscription exists, so every transfer final after the client
    // sees it is streamed.
    StartSendInitialMetadata();
    subscription_ = *subscription;
  }
  MaybeWrite();  // events may have arrived before subscription_ was set
}

void WatchStream::MaybeWrite() {
  std::lock_guard lock(mu_);
  if (writing_ || finished_ || subscription_ == nullptr) return;
  std::lock_guard sub_lock(subscription_->mu);
  if (subscription_->overflowed) {
    FinishLocked(ToGrpc(absl::ResourceExhaustedError(
        "watcher_behind: this Watch stream fell too far behind (limits.watch_queue_events_max) "
        "and was closed; reconnect, and catch up with ListTransfers")));
    return;
  }
  if (subscription_->queue.empty()) return;
  current_ = std::move(subscription_->queue.front());
  subscription_->queue.pop_front();
  writing_ = true;
  StartWrite(&current_);
}

void WatchStream::OnWriteDone(bool ok) {
  {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok || cancelled_) {
      FinishLocked(ToGrpc(absl::CancelledError("stream closed")));
      return;
    }
  }
  MaybeWrite();
}

void WatchStream::OnCancel() {
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (!writing_) FinishLocked(ToGrpc(absl::CancelledError("stream cancelled")));
}

void WatchStream::OnDone() {
  if (subscription_ != nullptr) hub_.Unsubscribe(subscription_);
  delete this;
}

void WatchStream::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  Finish(status);
}

}  // namespace remit
