#include "client/bench/load_runner.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bench {
namespace {

// Retries sent per tick at most, so a flood of failures cannot stall fresh load.
constexpr size_t kRetriesPerTickMax = 50'000;
constexpr uint64_t kRetryBackoffUsMax = 1'000'000;
constexpr int kNoEndpoint = -1;

uint64_t BackoffUs(int code, uint32_t attempts) {
  // Another validator may answer at once; a full mempool needs time.
  const uint64_t step_us =
      code == static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED) ? 50'000 : 10'000;
  return std::min<uint64_t>(kRetryBackoffUsMax, step_us * attempts);
}

bool IsTransient(int code) {
  switch (static_cast<grpc::StatusCode>(code)) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
      return true;
    default:
      return false;
  }
}

std::string CodeName(int code) {
  const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? StrCat("CODE_", code) : name;
}

}  // namespace

struct LoadRunner::Call {
  grpc::ClientContext context;
  v1::SettleBatchRequest request;
  v1::SettleBatchResponse response;
  std::vector<uint64_t> indexes;
  uint32_t endpoint = 0;
};

LoadRunner::LoadRunner(const LoadOptions& options, const TransferPlan& plan,
                       sdk::SequenceManager& sequences, sdk::RemitClient& client,
                       LoadRecorder& recorder)
    : options_(options),
      plan_(plan),
      sequences_(sequences),
      client_(client),
      recorder_(recorder),
      schedule_(options.rate == 0 ? 1 : options.rate),
      due_us_(plan.transfers.size(), 0),
      attempts_(plan.transfers.size(), 0),
      last_endpoint_(plan.transfers.size(), 0) {
  REMIT_CHECK((options_.rate == 0) != (options_.concurrency == 0));
  REMIT_CHECK(!options_.endpoints.empty() && options_.endpoints.size() < 256);
  REMIT_CHECK(options_.batch_max > 0 && options_.tick_us > 0 && options_.in_flight_max > 0);
  REMIT_CHECK(options_.attempts_max > 0 && options_.attempts_max < 256);
  const std::shared_ptr<grpc::ChannelCredentials> credentials =
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureChannelCredentials();
  for (const std::string& endpoint : options_.endpoints) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    args.SetMaxReceiveMessageSize(64 << 20);
    stubs_.push_back(v1::Ledger::NewStub(grpc::CreateCustomChannel(endpoint, credentials, args)));
  }
  down_until_us_ = std::make_unique<std::atomic<uint64_t>[]>(stubs_.size());
  for (size_t i = 0; i < stubs_.size(); ++i) down_until_us_[i] = 0;
  resync_thread_ = std::thread([this] { ResyncLoop(); });
}

LoadRunner::~LoadRunner() {
  CancelOpenCalls();
  {
    std::unique_lock lock(calls_mutex_);
    calls_cv_.wait(lock, [this] { return open_calls_.empty(); });
  }
  {
    std::lock_guard lock(resync_mutex_);
    stopping_ = true;
  }
  resync_cv_.notify_all();
  resync_thread_.join();
}

uint64_t LoadRunner::NowUs() const {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_).count());
}

uint64_t LoadRunner::FreshTarget(uint64_t now_us) const {
  const int64_t in_flight = in_flight_.load();
  const uint64_t room =
      in_flight >= static_cast<int64_t>(options_.in_flight_max)
          ? 0
          : options_.in_flight_max - static_cast<uint64_t>(std::max<int64_t>(in_flight, 0));
  uint64_t wanted = 0;
  if (options_.rate != 0) {
    const uint64_t due = schedule_.DueCount(now_us);
    wanted = due > next_fresh_ ? due - next_fresh_ : 0;
  } else {
    const int64_t missing = static_cast<int64_t>(options_.concurrency) - in_flight;
    wanted = missing > 0 ? static_cast<uint64_t>(missing) : 0;
  }
  return next_fresh_ + std::min(wanted, room);
}

void LoadRunner::Run(Clock::time_point start, const TickFn& on_tick) {
  start_ = start;
  uint64_t end_us = options_.warmup_us + options_.duration_us;
  const uint64_t total = plan_.transfers.size();
  for (uint64_t tick = 1;; ++tick) {
    const uint64_t now_us = NowUs();
    if (stop_requested_.load() && now_us < end_us) {
      end_us = now_us;
      recorder_.EndWindowAt(now_us);
    }
    if (now_us < end_us && !exhausted_) {
      const uint64_t target = FreshTarget(now_us);
      const uint64_t end = std::min(target, total);
      SendFresh(next_fresh_, end, now_us);
      if (target > total || (next_fresh_ == total && options_.rate == 0)) {
        exhausted_ = true;
        recorder_.EndWindowAt(now_us);
      }
    }
    SendRetries(now_us);
    on_tick(now_us);
    if (now_us >= end_us && (in_flight_.load() <= 0 || now_us >= end_us + options_.drain_us)) {
      break;
    }
    if (exhausted_ && in_flight_.load() <= 0) break;
    std::this_thread::sleep_until(start_ + std::chrono::microseconds(tick * options_.tick_us));
  }
  unfinished_ = static_cast<uint64_t>(std::max<int64_t>(in_flight_.load(), 0));
  CancelOpenCalls();
}

uint32_t LoadRunner::PickEndpoint(uint64_t now_us, int avoid) {
  const uint32_t count = static_cast<uint32_t>(stubs_.size());
  for (uint32_t tried = 0; tried < count; ++tried) {
    const uint32_t candidate = next_endpoint_++ % count;
    if (static_cast<int>(candidate) == avoid && count > 1) continue;
    if (down_until_us_[candidate].load() > now_us) continue;
    return candidate;
  }
  // Every validator is marked down (or it is the only one): try anyway.
  const uint32_t fallback = next_endpoint_++ % count;
  return static_cast<int>(fallback) == avoid && count > 1 ? (fallback + 1) % count : fallback;
}

void LoadRunner::SendFresh(uint64_t begin, uint64_t end, uint64_t now_us) {
  if (begin >= end) return;
  in_flight_.fetch_add(static_cast<int64_t>(end - begin));
  recorder_.Sent(now_us, end - begin);
  for (uint64_t first = begin; first < end; first += options_.batch_max) {
    const uint64_t last = std::min(end, first + options_.batch_max);
    std::vector<uint64_t> indexes;
    indexes.reserve(last - first);
    for (uint64_t i = first; i < last; ++i) {
      due_us_[i] = options_.rate != 0 ? schedule_.DueAtUs(i) : now_us;
      indexes.push_back(i);
    }
    SendBatch(std::move(indexes), PickEndpoint(now_us, kNoEndpoint));
  }
  next_fresh_ = end;
}

void LoadRunner::SendRetries(uint64_t now_us) {
  std::vector<uint64_t> ready;
  {
    std::lock_guard lock(retry_mutex_);
    while (!retries_.empty() && retries_.top().not_before_us <= now_us &&
           ready.size() < kRetriesPerTickMax) {
      ready.push_back(retries_.top().index);
      retries_.pop();
    }
  }
  if (ready.empty()) return;
  recorder_.Resent(ready.size());
  // Each goes to another validator than the one that failed it.
  std::vector<std::vector<uint64_t>> by_endpoint(stubs_.size());
  for (uint64_t index : ready) {
    by_endpoint[PickEndpoint(now_us, last_endpoint_[index])].push_back(index);
  }
  for (uint32_t endpoint = 0; endpoint < by_endpoint.size(); ++endpoint) {
    std::vector<uint64_t>& indexes = by_endpoint[endpoint];
    for (size_t first = 0; first < indexes.size(); first += options_.batch_max) {
      const size_t last = std::min(indexes.size(), first + options_.batch_max);
      SendBatch(std::vector<uint64_t>(indexes.begin() + static_cast<ptrdiff_t>(first),
                                      indexes.begin() + static_cast<ptrdiff_t>(last)),
                endpoint);
    }
  }
}

void LoadRunner::SendBatch(std::vector<uint64_t> indexes, uint32_t endpoint) {
  REMIT_CHECK(!indexes.empty() && indexes.size() <= options_.batch_max);
  auto call = std::make_shared<Call>();
  call->endpoint = endpoint;
  call->request.mutable_transfers()->Reserve(static_cast<int>(indexes.size()));
  for (uint64_t index : indexes) {
    *call->request.add_transfers() = plan_.transfers[index];
    ++attempts_[index];
    last_endpoint_[index] = static_cast<uint8_t>(endpoint);
  }
  call->indexes = std::move(indexes);
  call->context.set_deadline(std::chrono::system_clock::now() +
                             std::chrono::milliseconds(options_.call_timeout_ms));
  {
    std::lock_guard lock(calls_mutex_);
    open_calls_.emplace(call.get(), call);
  }
  // The callback's copy keeps the call alive until it has run.
  stubs_[endpoint]->async()->SettleBatch(
      &call->context, &call->request, &call->response,
      [this, call](grpc::Status status) { OnBatchDone(*call, status); });
}

void LoadRunner::OnBatchDone(Call& done, const grpc::Status& status) {
  Call* call = &done;
  const uint64_t now_us = NowUs();
  if (!status.ok()) {
    const int code = static_cast<int>(status.error_code());
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      down_until_us_[call->endpoint].store(now_us + kEndpointDownUs);
    }
    for (uint64_t index : call->indexes) Fail(index, code, now_us);
  } else if (static_cast<size_t>(call->response.results_size()) != call->indexes.size()) {
    for (uint64_t index : call->indexes) {
      Fail(index, static_cast<int>(grpc::StatusCode::INTERNAL), now_us);
    }
  } else {
    for (size_t i = 0; i < call->indexes.size(); ++i) {
      const v1::BatchResult& result = call->response.results(static_cast<int>(i));
      const int code = result.status_code();
      const bool duplicate = code == static_cast<int>(grpc::StatusCode::ALREADY_EXISTS) &&
                             !result.receipt().transfer_id().empty();
      if (duplicate) recorder_.Duplicate();
      if (code == 0 || duplicate) {
        Final(call->indexes[i], result.receipt(), now_us);
      } else {
        Fail(call->indexes[i], code, now_us);
      }
    }
  }
  {
    std::lock_guard lock(calls_mutex_);
    open_calls_.erase(call);
    // Under the lock: once it is released the destructor may run.
    calls_cv_.notify_all();
  }
}

void LoadRunner::Final(uint64_t index, const v1::Receipt& receipt, uint64_t now_us) {
  const uint64_t sender = plan_.SenderOf(index);
  sequences_.Complete(plan_.senders[sender], plan_.epochs[sender]);
  if (receipt.outcome() == v1::SETTLED) {
    recorder_.Settled(now_us, due_us_[index]);
  } else {
    recorder_.Rejected(now_us, v1::Outcome_Name(receipt.outcome()));
  }
  if (options_.on_receipt) options_.on_receipt(index, receipt);
  in_flight_.fetch_sub(1);
}

void LoadRunner::GiveUp(uint64_t index) {
  const uint64_t sender = plan_.SenderOf(index);
  sequences_.Complete(plan_.senders[sender], plan_.epochs[sender]);
  recorder_.GaveUp();
  in_flight_.fetch_sub(1);
}

void LoadRunner::QueueRetry(uint64_t index, uint64_t not_before_us) {
  std::lock_guard lock(retry_mutex_);
  retries_.push(Retry{not_before_us, index});
}

void LoadRunner::Fail(uint64_t index, int code, uint64_t now_us) {
  recorder_.Error(now_us, CodeName(code));
  if (attempts_[index] >= options_.attempts_max) {
    GiveUp(index);
    return;
  }
  if (IsTransient(code)) {
    QueueRetry(index, now_us + BackoffUs(code, attempts_[index]));
    return;
  }
  if (code == static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION) ||
      code == static_cast<int>(grpc::StatusCode::ALREADY_EXISTS)) {
    {
      std::lock_guard lock(resync_mutex_);
      resync_queue_.push_back(index);
    }
    resync_cv_.notify_one();
    return;
  }
  GiveUp(index);
}

void LoadRunner::ResyncLoop() {
  std::unique_lock lock(resync_mutex_);
  while (true) {
    resync_cv_.wait(lock, [this] { return stopping_ || !resync_queue_.empty(); });
    if (stopping_) return;
    const uint64_t index = resync_queue_.front();
    resync_queue_.pop_front();
    lock.unlock();
    Resync(index);
    lock.lock();
  }
}

void LoadRunner::Resync(uint64_t index) {
  const v1::SignedTransfer& signed_transfer = plan_.transfers[index];
  const TransferId id = ComputeTransferId(signed_transfer.transfer());
  if (absl::StatusOr<v1::TransferRecord> record = client_.GetReceipt(id); record.ok()) {
    Final(index, record->receipt(), NowUs());
    return;
  }
  const AccountId& sender = plan_.senders[plan_.SenderOf(index)];
  absl::StatusOr<uint64_t> next = sequences_.Resync(sender, sequences_.epoch(sender));
  if (next.ok() && signed_transfer.transfer().sequence() < *next) {
    // Used by the time we asked: final by now, or taken by another transfer.
    if (absl::StatusOr<v1::TransferRecord> record = client_.GetReceipt(id); record.ok()) {
      Final(index, record->receipt(), NowUs());
    } else {
      GiveUp(index);
    }
    return;
  }
  // Not final and its sequence still ahead (e.g. beyond the window while
  // earlier ones are retried): try again later.
  QueueRetry(index, NowUs() + BackoffUs(0, attempts_[index]) + 100'000);
}

void LoadRunner::CancelOpenCalls() {
  std::vector<std::shared_ptr<Call>> open;
  {
    std::lock_guard lock(calls_mutex_);
    for (const auto& [raw, call] : open_calls_) open.push_back(call);
  }
  // Outside the lock: a cancelled call's callback takes it.
  for (const std::shared_ptr<Call>& call : open) call->context.TryCancel();
}

}  // namespace remit::bench
