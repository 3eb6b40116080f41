// UserLocks: one identity's holders run one at a time, other identities'
// alongside, and an entry is freed once nobody holds or waits for it.
#include "client/bot/user_locks.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

namespace remit::bot::testing {
namespace {

constexpr auto kWait = std::chrono::seconds(10);

// While alice's lock is held, another alice waits and bob does not.
TEST(UserLocksTest, SameIdentityWaitsOtherIdentityDoesNot) {
  UserLocks locks;
  std::optional<UserLocks::Guard> held(locks.Lock("alice"));
  std::promise<void> alice_got;
  auto alice = std::async(std::launch::async, [&] {
    const UserLocks::Guard guard = locks.Lock("alice");
    alice_got.set_value();
  });
  auto bob =
      std::async(std::launch::async, [&] { const UserLocks::Guard guard = locks.Lock("bob"); });
  EXPECT_EQ(bob.wait_for(kWait), std::future_status::ready);
  std::future<void> got = alice_got.get_future();
  // The second alice is still waiting: it cannot have the lock we hold.
  EXPECT_EQ(got.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  held.reset();
  EXPECT_EQ(got.wait_for(kWait), std::future_status::ready);
  alice.get();
  EXPECT_EQ(locks.Size(), 0u);
}

}  // namespace
}  // namespace remit::bot::testing
