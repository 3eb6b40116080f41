// MessageDispatcher: one identity's messages in order and one at a time,
// another identity's alongside a blocked one, and its bounds.
#include "client/bot/message_dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace remit::bot::testing {
namespace {

constexpr auto kWait = std::chrono::seconds(10);

InboundMessage From(const std::string& who, const std::string& text) {
  return InboundMessage{.from = who, .message_id = text, .text = text};
}

// A handler that records what it handled and can hold one identity's
// messages until released.
class Recorder {
 public:
  void Handle(const InboundMessage& message) {
    std::unique_lock<std::mutex> lock(mutex_);
    running_[message.from] += 1;
    max_running_ = std::max(max_running_, running_[message.from]);
    changed_.notify_all();
    changed_.wait(lock, [&] { return message.from != held_; });
    handled_.push_back(message.from + ":" + message.text);
    running_[message.from] -= 1;
    changed_.notify_all();
  }
  void Hold(const std::string& who) {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = who;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_.clear();
    changed_.notify_all();
  }
  // Waits until `count` messages were handled or `who` is running.
  bool WaitHandled(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return handled_.size() >= count; });
  }
  bool WaitRunning(const std::string& who) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, kWait, [&] { return running_[who] > 0; });
  }
  std::vector<std::string> handled() {
    std::lock_guard<std::mutex> lock(mutex_);
    return handled_;
  }
  int max_running() {
    std::lock_guard<std::mutex> lock(mutex_);
    return max_running_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, int> running_;
  int max_running_ = 0;
  std::string held_;
  std::vector<std::string> handled_;
};

// With several workers, one identity's messages are still handled one at a
// time and in the order they came.
TEST(MessageDispatcherTest, OneIdentityInOrderOneAtATime) {
  Recorder recorder;
  MessageDispatcher dispatcher(4, [&](const InboundMessage& m) { recorder.Handle(m); });
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(dispatcher.Dispatch(From("alice", std::to_string(i))));
  dispatcher.Drain();
  const std::vector<std::string> handled = recorder.handled();
  ASSERT_EQ(handled.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(handled[i], "alice:" + std::to_string(i));
  EXPECT_EQ(recorder.max_running(), 1);
}

// While alice's message is held (her settlement waits for the ledger),
// bob's is handled; alice's next one waits for her first.
TEST(MessageDispatcherTest, HeldIdentityDoesNotBlockAnother) {
  Recorder recorder;
  MessageDispatcher dispatcher(2, [&](const InboundMessage& m) { recorder.Handle(m); });
  recorder.Hold("alice");
  ASSERT_TRUE(dispatcher.Dispatch(From("alice", "pay")));
  ASSERT_TRUE(recorder.WaitRunning("alice"));
  ASSERT_TRUE(dispatcher.Dispatch(From("alice", "balance")));
  ASSERT_TRUE(dispatcher.Dispatch(From("bob", "balance")));
  ASSERT_TRUE(recorder.WaitHandled(1));
  EXPECT_EQ(recorder.handled(), std::vector<std::string>{"bob:balance"});
  recorder.Release();
  dispatcher.Drain();
  EXPECT_EQ(recorder.handled(),
            (std::vector<std::string>{"bob:balance", "alice:pay", "alice:balance"}));
}

// One identity may queue at most kDispatchQueuedPerUserMax messages; others
// are still taken; nothing is taken once draining.
TEST(MessageDispatcherTest, BoundsAndDrain) {
  Recorder recorder;
  MessageDispatcher dispatcher(1, [&](const InboundMessage& m) { recorder.Handle(m); });
  recorder.Hold("alice");
  ASSERT_TRUE(dispatcher.Dispatch(From("alice", "first")));
  ASSERT_TRUE(recorder.WaitRunning("alice"));
  for (size_t i = 0; i < kDispatchQueuedPerUserMax; ++i) {
    ASSERT_TRUE(dispatcher.Dispatch(From("alice", std::to_string(i))));
  }
  EXPECT_FALSE(dispatcher.Dispatch(From("alice", "one too many")));
  EXPECT_TRUE(dispatcher.Dispatch(From("bob", "hello")));
  recorder.Release();
  dispatcher.Drain();
  EXPECT_EQ(recorder.handled().size(), kDispatchQueuedPerUserMax + 2);
  EXPECT_FALSE(dispatcher.Dispatch(From("bob", "late")));
}

}  // namespace
}  // namespace remit::bot::testing
