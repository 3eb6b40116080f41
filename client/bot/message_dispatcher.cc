#include "client/bot/message_dispatcher.h"

#include "ledger/check.h"

namespace remit::bot {

MessageDispatcher::MessageDispatcher(uint32_t workers, MessageHandler handler)
    : handler_(std::move(handler)) {
  REMIT_CHECK(workers > 0 && workers <= kDispatchWorkersMax);
  REMIT_CHECK(handler_ != nullptr);
  for (uint32_t i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

MessageDispatcher::~MessageDispatcher() { Drain(); }

bool MessageDispatcher::Dispatch(InboundMessage message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (draining_ || queued_ >= kDispatchQueuedMax) return false;
  auto it = queues_.find(message.from);
  if (it != queues_.end() && it->second.size() >= kDispatchQueuedPerUserMax) return false;
  if (it == queues_.end()) {
    // No queue: nobody is handling this identity now, so it is ready.
    it = queues_.emplace(message.from, std::deque<InboundMessage>()).first;
    ready_.push_back(message.from);
  }
  it->second.push_back(std::move(message));
  queued_ += 1;
  changed_.notify_all();
  return true;
}

void MessageDispatcher::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return !ready_.empty() || (draining_ && queued_ == 0); });
    if (ready_.empty()) return;  // draining, and nothing left
    const std::string identity = std::move(ready_.front());
    ready_.pop_front();
    auto it = queues_.find(identity);
    REMIT_CHECK(it != queues_.end() && !it->second.empty());
    const InboundMessage message = std::move(it->second.front());
    it->second.pop_front();
    lock.unlock();
    handler_(message);
    lock.lock();
    REMIT_CHECK(queued_ > 0);
    queued_ -= 1;
    // The queue stays while it has messages: its identity is ready again.
    it = queues_.find(identity);
    REMIT_CHECK(it != queues_.end());
    if (it->second.empty()) {
      queues_.erase(it);
    } else {
      ready_.push_back(identity);
    }
    changed_.notify_all();
  }
}

void MessageDispatcher::Drain() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    draining_ = true;
    changed_.notify_all();
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

}  // namespace remit::bot
