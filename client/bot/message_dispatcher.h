// MessageDispatcher: hands inbound messages to a fixed pool of worker
// threads, so that the transport's thread never waits for the engine (or
// the ledger behind it). One identity's messages are handled one at a time,
// in the order they arrived; different identities' alongside, up to
// `workers` at once. Bounded: at most kDispatchQueuedMax messages wait in
// all and kDispatchQueuedPerUserMax per identity; a message beyond either
// is dropped and Dispatch says so. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/bot/transport.h"

namespace remit::bot {

inline constexpr size_t kDispatchQueuedMax = 10'000;
// Above the engine's per-user limit of messages a minute (30 by default):
// a burst waits rather than being dropped.
inline constexpr size_t kDispatchQueuedPerUserMax = 64;
inline constexpr uint32_t kDispatchWorkersMax = 64;

class MessageDispatcher {
 public:
  // Starts `workers` threads (1..kDispatchWorkersMax) that call `handler`.
  MessageDispatcher(uint32_t workers, MessageHandler handler);
  ~MessageDispatcher();
  MessageDispatcher(const MessageDispatcher&) = delete;
  MessageDispatcher& operator=(const MessageDispatcher&) = delete;

  // Queues `message` for its sender's turn. False (and not queued) if a
  // bound is reached or the dispatcher is draining.
  bool Dispatch(InboundMessage message);
  // Takes no more messages, waits until every queued one is handled and
  // stops the workers. Idempotent.
  void Drain();

 private:
  void Work();

  const MessageHandler handler_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::deque<InboundMessage>> queues_;  // guarded by mutex_
  std::deque<std::string> ready_;  // identities with a message and no worker; guarded by mutex_
  size_t queued_ = 0;              // messages in queues_ or being handled; guarded by mutex_
  bool draining_ = false;          // guarded by mutex_
  std::vector<std::thread> workers_;
};

}  // namespace remit::bot
