#include "client/bot/user_locks.h"

#include "ledger/check.h"

namespace remit::bot {

struct UserLocks::Guard::Entry {
  std::mutex mutex;
  uint64_t users = 0;  // holders and waiters; guarded by UserLocks::mutex_
};

UserLocks::Guard::Guard(UserLocks* owner, std::string identity, std::shared_ptr<Entry> entry)
    : owner_(owner), identity_(std::move(identity)), entry_(std::move(entry)) {}

UserLocks::Guard::Guard(Guard&& other) noexcept
    : owner_(other.owner_), identity_(std::move(other.identity_)), entry_(std::move(other.entry_)) {
  other.owner_ = nullptr;
}

UserLocks::Guard::~Guard() {
  if (owner_ == nullptr) return;
  entry_->mutex.unlock();
  owner_->Release(identity_);
}

UserLocks::Guard UserLocks::Lock(const std::string& identity) {
  std::shared_ptr<Guard::Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<Guard::Entry>& slot = entries_[identity];
    if (slot == nullptr) slot = std::make_shared<Guard::Entry>();
    slot->users += 1;
    entry = slot;
  }
  entry->mutex.lock();
  return Guard(this, identity, std::move(entry));
}

void UserLocks::Release(const std::string& identity) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(identity);
  REMIT_CHECK(it != entries_.end());
  REMIT_CHECK(it->second->users > 0);
  it->second->users -= 1;
  if (it->second->users == 0) entries_.erase(it);
}

size_t UserLocks::Size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace remit::bot
