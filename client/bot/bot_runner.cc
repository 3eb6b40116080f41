#include "client/bot/bot_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "client/bot/message_dispatcher.h"
#include "ledger/check.h"

namespace remit::bot {

BotRunner::BotRunner(BotEngine* engine, sdk::RemitClient* client, Transport* transport,
                     std::function<uint64_t()> clock, RunnerOptions options)
    : engine_(engine),
      client_(client),
      transport_(transport),
      clock_(std::move(clock)),
      options_(options) {
  REMIT_CHECK(engine != nullptr && client != nullptr && transport != nullptr);
  REMIT_CHECK(clock_ != nullptr);
}

BotRunner::~BotRunner() { StopThreads(); }

absl::Status BotRunner::Run(uint64_t now_ms, uint64_t drain_timeout_ms) {
  if (const size_t unfinished = engine_->Recover(now_ms); unfinished > 0) {
    spdlog::info("re-sending {} payments left unfinished", unfinished);
  }
  watcher_ = std::thread([this] { WatchLoop(); });
  housekeeper_ = std::thread([this] { HousekeepingLoop(); });
  {
    // Start taking messages once the stream is (very likely) open, so that
    // the first notices are not missed: the SDK's Watch does not say when
    // the node has registered the stream.
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(drain_timeout_ms),
                      [this] { return watching_; });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kWatchOpenMs));
  const MessageHandler handle = [this](const InboundMessage& message) {
    for (const OutboundMessage& reply : engine_->HandleMessage(message)) transport_->Post(reply);
  };
  absl::Status status;
  if (options_.workers == 0) {
    status = transport_->Run(handle);
  } else {
    MessageDispatcher dispatcher(options_.workers, handle);
    status = transport_->Run([&dispatcher](const InboundMessage& message) {
      if (!dispatcher.Dispatch(message)) {
        spdlog::warn("too many messages waiting; dropped one from {}", message.from);
      }
    });
    dispatcher.Drain();
  }
  Drain(drain_timeout_ms);
  StopThreads();
  return status;
}

void BotRunner::WatchLoop() {
  uint64_t backoff_ms = kWatchBackoffMsMin;
  while (true) {
    sdk::WatchCancel cancel;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      cancel_ = &cancel;
      watching_ = true;
      changed_.notify_all();
    }
    const absl::Status status = client_->Watch(
        std::nullopt,
        [this, &backoff_ms](const v1::WatchEvent& event) {
          backoff_ms = kWatchBackoffMsMin;
          for (const OutboundMessage& notice : engine_->OnTransferFinal(event.record())) {
            transport_->Post(notice);
          }
          std::lock_guard<std::mutex> lock(mutex_);
          seen_height_ = std::max(seen_height_, event.record().receipt().height());
          changed_.notify_all();
          return true;
        },
        &cancel);
    std::unique_lock<std::mutex> lock(mutex_);
    cancel_ = nullptr;
    watching_ = false;
    if (stopping_) return;
    spdlog::warn("ledger watch stream ended ({}); reopening in {} ms", status.ToString(),
                 backoff_ms);
    changed_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return stopping_; });
    backoff_ms = std::min(backoff_ms * 2, kWatchBackoffMsMax);
  }
}

void BotRunner::HousekeepingLoop() {
  uint64_t next_prune_ms = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(kRetryTickMs),
                        [this] { return stopping_; });
      if (stopping_) return;
    }
    const uint64_t now_ms = clock_();
    for (const OutboundMessage& reply : engine_->RetryPending(now_ms)) transport_->Post(reply);
    for (const OutboundMessage& notice : engine_->ExpireRequests(now_ms)) transport_->Post(notice);
    for (const OutboundMessage& notice : engine_->ExpireClaims(now_ms)) transport_->Post(notice);
    if (now_ms < next_prune_ms) continue;
    next_prune_ms = now_ms + kPruneIntervalMs;
    const absl::StatusOr<uint64_t> pruned = engine_->PruneMessageIds(now_ms);
    if (!pruned.ok()) {
      spdlog::warn("cannot prune old message ids: {}", pruned.status().ToString());
    } else if (*pruned > 0) {
      spdlog::info("pruned {} old message ids", *pruned);
    }
  }
}

void BotRunner::Drain(uint64_t timeout_ms) {
  absl::StatusOr<v1::GetStatusResponse> status = client_->GetStatus();
  if (!status.ok()) return;
  const uint64_t height = status->height();
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                    [this, height] { return seen_height_ >= height; });
}

void BotRunner::StopThreads() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    if (cancel_ != nullptr) cancel_->Cancel();
    changed_.notify_all();
  }
  if (watcher_.joinable()) watcher_.join();
  if (housekeeper_.joinable()) housekeeper_.join();
}

}  // namespace remit::bot
