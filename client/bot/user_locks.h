// UserLocks: one mutex per chat identity, made when first needed and freed
// when nobody holds or waits for it, so that one user's commands run one at
// a time, in the order they take the lock, while other users' run alongside.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace remit::bot {

class UserLocks {
 public:
  // Holds the identity's lock until destroyed.
  class Guard {
   public:
    Guard(Guard&& other) noexcept;
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
    Guard& operator=(Guard&&) = delete;
    ~Guard();

   private:
    friend class UserLocks;
    struct Entry;
    Guard(UserLocks* owner, std::string identity, std::shared_ptr<Entry> entry);

    UserLocks* owner_;
    std::string identity_;
    std::shared_ptr<Entry> entry_;
  };

  UserLocks() = default;
  UserLocks(const UserLocks&) = delete;
  UserLocks& operator=(const UserLocks&) = delete;

  // Blocks until the calling thread holds `identity`'s lock. Not reentrant.
  Guard Lock(const std::string& identity);
  // Identities whose lock is held or awaited (for tests).
  size_t Size();

 private:
  void Release(const std::string& identity);

  std::mutex mutex_;  // guards entries_
  std::map<std::string, std::shared_ptr<Guard::Entry>> entries_;
};

}  // namespace remit::bot
