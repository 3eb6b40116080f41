#include "node/validator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/strings.h"

namespace remit {
namespace {

// How often the loop wakes when idle, and how often it scans the mempool for
// expired transfers.
constexpr uint64_t kIdleWakeUs = 10'000;
constexpr uint64_t kExpiryScanUs = 100'000;

std::string KnownAssets(const Genesis& genesis) {
  std::string out;
  for (const AssetInfo& asset : genesis.assets) out += (out.empty() ? "" : ", ") + asset.code;
  return out;
}

}  // namespace

Validator::Validator(const Genesis& genesis, const SigningKey& key, LedgerStore& store,
                     const Clock& clock, const NodeLimits& limits)
    : genesis_(genesis),
      key_(key),
      store_(store),
      clock_(clock),
      limits_(limits),
      mempool_(limits) {
  REMIT_CHECK(genesis_.ValidatorIndex(key_.public_key()) >= 0);
  const auto last = store_.GetBlock(store_.committed_height());
  REMIT_CHECK(last.ok());
  last_block_time_unix_ms_ = last->block().header().timestamp_unix_ms();
}

Validator::~Validator() { Stop(); }

void Validator::AddListener(CommitListener* listener) {
  REMIT_CHECK(!thread_.joinable());
  listeners_.push_back(listener);
}

void Validator::Start() {
  REMIT_CHECK(!thread_.joinable());
  thread_ = std::thread([this] { Run(); });
}

void Validator::Stop() {
  {
    std::lock_guard lock(inbox_mu_);
    stopping_ = true;
  }
  inbox_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::Status Validator::Enqueue(std::vector<SubmitRequest> requests) {
  {
    std::lock_guard lock(inbox_mu_);
    if (stopping_) return absl::UnavailableError("validator is shutting down; try another node");
    if (inbox_.size() + requests.size() > limits_.inbox_events_max) {
      return absl::ResourceExhaustedError(StrCat("validator inbox is full (",
                                                 limits_.inbox_events_max,
                                                 " requests waiting); retry with back-off"));
    }
    for (SubmitRequest& request : requests) inbox_.push_back(std::move(request));
  }
  inbox_cv_.notify_one();
  return absl::OkStatus();
}

ValidatorStatus Validator::Snapshot() const {
  ValidatorStatus status;
  status.height = store_.committed_height();
  status.round = status.height;
  status.state_hash = store_.committed_state_hash();
  status.block_hash = store_.committed_block_hash();
  status.mempool_size = mempool_size_.load(std::memory_order_relaxed);
  status.transfers_committed = store_.transfers_committed();
  return status;
}

void Validator::Run() {
  std::deque<SubmitRequest> batch;
  bool produced = false;
  while (true) {
    {
      std::unique_lock lock(inbox_mu_);
      if (inbox_.empty() && !produced && !stopping_) {
        inbox_cv_.wait_for(lock, std::chrono::microseconds(kIdleWakeUs));
      }
      if (stopping_) break;
      batch.swap(inbox_);
    }
    for (SubmitRequest& request : batch) Admit(request);
    batch.clear();
    produced = ProduceBlock();
    ExpireWaiters();
    mempool_size_.store(mempool_.size(), std::memory_order_relaxed);
  }
  std::deque<SubmitRequest> unserved;
  {
    std::lock_guard lock(inbox_mu_);
    unserved.swap(inbox_);
  }
  const absl::Status shutdown = absl::UnavailableError(
      "validator shut down before the transfer was final; look its receipt up by id");
  for (SubmitRequest& request : unserved) request.on_done(shutdown, nullptr);
  FailAllWaiters(shutdown);
}

void Validator::Admit(SubmitRequest& request) {
  if (store_.HasTransfer(request.id)) {
    const auto record = store_.GetTransfer(request.id);
    REMIT_CHECK(record.ok());
    request.on_done(absl::AlreadyExistsError(StrCat("transfer ", ToHex(request.id),
                                                    " is already final; its receipt is attached")),
                    &*record);
    return;
  }
  const v1::Transfer& transfer = request.signed_transfer.transfer();
  if (genesis_.FindAsset(transfer.asset()) == nullptr) {
    request.on_done(absl::InvalidArgumentError(StrCat("unknown asset '", transfer.asset(),
                                                      "'; this chain has ", KnownAssets(genesis_))),
                    nullptr);
    return;
  }
  PendingTransfer pending;
  pending.id = request.id;
  const auto from = ToArray<kPublicKeyBytes>(transfer.from(), "sender");
  REMIT_CHECK(from.ok());
  pending.from = *from;
  pending.sequence = transfer.sequence();
  pending.expiry_unix_ms = transfer.expiry_unix_ms();
  pending.signed_transfer = std::move(request.signed_transfer);
  const auto admission =
      mempool_.Add(std::move(pending), store_.NextSequence(*from), clock_.NowUnixMs());
  if (!admission.ok()) {
    request.on_done(admission.status(), nullptr);
    return;
  }
  if (!request.wait_for_final) {
    request.on_done(absl::OkStatus(), nullptr);
    return;
  }
  deadlines_.emplace(request.deadline_us, request.id);
  waiters_.emplace(request.id,
                   Waiter{request.received_us, request.deadline_us, std::move(request.on_done)});
}

bool Validator::ProduceBlock() {
  std::vector<v1::SignedTransfer> ready = mempool_.Ready(
      limits_.block_transfers_max, [this](const AccountId& a) { return store_.NextSequence(a); });
  if (ready.empty()) return false;
  v1::Block block;
  for (v1::SignedTransfer& transfer : ready) *block.add_transfers() = std::move(transfer);
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(genesis_.chain_id);
  header.set_height(store_.committed_height() + 1);
  header.set_round(header.height());
  header.set_parent_hash(ToString(store_.committed_block_hash()));
  // Block time never runs backwards, whatever the wall clock does.
  header.set_timestamp_unix_ms(std::max(clock_.NowUnixMs(), last_block_time_unix_ms_));
  header.set_parent_state_hash(ToString(store_.committed_state_hash()));
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  header.set_proposer(ToString(key_.public_key()));

  const BlockEffects effects = ExecuteBlock(genesis_, store_, store_.committed_state_hash(), block);
  if (const absl::Status committed = store_.Commit(block, effects); !committed.ok()) {
    // The block is not durable and nothing was applied; going on would
    // answer clients from state that may vanish. Stop loudly.
    spdlog::critical("cannot commit block {}: {}", header.height(), committed.ToString());
    std::abort();
  }
  last_block_time_unix_ms_ = header.timestamp_unix_ms();
  mempool_.OnCommitted(effects);
  spdlog::debug("committed block {} with {} transfers, state {}", header.height(),
                effects.records.size(), ToHex(effects.state_hash).substr(0, 16));
  CompleteWaiters(effects);
  for (CommitListener* listener : listeners_) listener->OnCommitted(effects);
  return true;
}

void Validator::CompleteWaiters(const BlockEffects& effects) {
  const uint64_t now_us = clock_.MonotonicUs();
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    auto [first, last] = waiters_.equal_range(*id);
    for (auto it = first; it != last; ++it) {
      v1::TransferRecord answered = record;
      answered.mutable_receipt()->set_settle_latency_us(now_us - it->second.received_us);
      it->second.on_done(absl::OkStatus(), &answered);
      ForgetDeadline(it->second.deadline_us, *id);
    }
    waiters_.erase(first, last);
  }
}

void Validator::ExpireWaiters() {
  const uint64_t now_us = clock_.MonotonicUs();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_us) {
    const auto [deadline_us, id] = *deadlines_.begin();
    deadlines_.erase(deadlines_.begin());
    auto [first, last] = waiters_.equal_range(id);
    const auto waiter = std::find_if(
        first, last, [&](const auto& entry) { return entry.second.deadline_us == deadline_us; });
    REMIT_CHECK(waiter != last);
    waiter->second.on_done(
        absl::DeadlineExceededError(
            StrCat("transfer ", ToHex(id),
                   " is not final yet; it may still settle: look its receipt up by id")),
        nullptr);
    waiters_.erase(waiter);
  }
  if (now_us - last_expiry_scan_us_ < kExpiryScanUs) return;
  last_expiry_scan_us_ = now_us;
  const auto dropped = mempool_.DropExpired(
      clock_.NowUnixMs(), [this](const AccountId& a) { return store_.NextSequence(a); });
  for (const TransferId& id : dropped) {
    auto [first, last] = waiters_.equal_range(id);
    for (auto it = first; it != last; ++it) {
      it->second.on_done(
          absl::FailedPreconditionError(StrCat("transfer ", ToHex(id),
                                               " expired while waiting for an earlier sequence; "
                                               "sign it again with a later expiry")),
          nullptr);
      ForgetDeadline(it->second.deadline_us, id);
    }
    waiters_.erase(first, last);
  }
}

void Validator::ForgetDeadline(uint64_t deadline_us, const TransferId& id) {
  const auto it = deadlines_.find({deadline_us, id});
  REMIT_CHECK(it != deadlines_.end());
  deadlines_.erase(it);
}

void Validator::FailAllWaiters(const absl::Status& status) {
  for (auto& [id, waiter] : waiters_) waiter.on_done(status, nullptr);
  waiters_.clear();
  deadlines_.clear();
}

}  // namespace remit
