#include "node/validator.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

// How often the loop wakes when idle, and how often it scans the mempool for
// expired transfers.
constexpr uint64_t kIdleWakeUs = 10'000;
constexpr uint64_t kExpiryScanUs = 100'000;
// Transfers per TransferBatch message (at most ~256 KiB of transfers).
constexpr size_t kGossipBatchTransfersMax = 512;
// Transfers passed on again after a round timeout.
constexpr size_t kRegossipTransfersMax = 5'000;

std::string KnownAssets(const Genesis& genesis) {
  std::string out;
  for (const AssetInfo& asset : genesis.assets) out += (out.empty() ? "" : ", ") + asset.code;
  return out;
}

}  // namespace

Validator::Validator(const Genesis& genesis, const SigningKey& key, LedgerStore& store,
                     const Clock& clock, const NodeLimits& limits,
                     const ConsensusOptions& consensus, SafetyStorage& safety,
                     PeerTransport* transport)
    : genesis_(genesis),
      genesis_hash_(GenesisHash(genesis)),
      key_(key),
      store_(store),
      clock_(clock),
      limits_(limits),
      transport_(transport),
      mempool_(limits),
      ledger_(store),
      core_(genesis, key_, ledger_, safety, mempool_, clock, consensus) {
  REMIT_CHECK(genesis_.ValidatorIndex(key_.public_key()) >= 0);
  REMIT_CHECK(transport_ != nullptr || genesis_.validators.size() == 1);
}

Validator::~Validator() { Stop(); }

void Validator::AddListener(CommitListener* listener) {
  REMIT_CHECK(!thread_.joinable());
  listeners_.push_back(listener);
}

void Validator::Start() {
  REMIT_CHECK(!thread_.joinable());
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "remit-loop");  // for top -H and perf
    Run();
  });
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
    if (stopping_)
      return absl::UnavailableError("shutting_down: validator is shutting down; try another node");
    if (inbox_.size() + requests.size() > limits_.inbox_events_max) {
      return absl::ResourceExhaustedError(StrCat("inbox_full: validator inbox is full (",
                                                 limits_.inbox_events_max,
                                                 " requests waiting); retry with back-off"));
    }
    for (SubmitRequest& request : requests) inbox_.emplace_back(std::move(request));
  }
  inbox_cv_.notify_one();
  return absl::OkStatus();
}

absl::Status Validator::EnqueuePeer(PeerMessages messages) {
  {
    std::lock_guard lock(inbox_mu_);
    if (stopping_) return absl::UnavailableError("shutting_down: validator is shutting down");
    if (inbox_.size() >= limits_.inbox_events_max) {
      return absl::ResourceExhaustedError("inbox_full: validator inbox is full");
    }
    inbox_.emplace_back(std::move(messages));
  }
  inbox_cv_.notify_one();
  return absl::OkStatus();
}

ValidatorStatus Validator::Snapshot() const {
  ValidatorStatus status;
  status.height = store_.committed_height();
  status.round = round_.load(std::memory_order_relaxed);
  status.leader = leader_.load(std::memory_order_relaxed);
  status.peers_connected = transport_ != nullptr ? transport_->connected() : 0;
  status.state_hash = store_.committed_state_hash();
  status.block_hash = store_.committed_block_hash();
  status.mempool_size = mempool_size_.load(std::memory_order_relaxed);
  status.transfers_committed = store_.transfers_committed();
  return status;
}

void Validator::Run() {
  {
    CoreOutput out;
    core_.Start(out);
    core_.FlushCommits(out);
    Dispatch(out);
  }
  std::deque<Event> batch;
  bool busy = false;
  while (true) {
    {
      std::unique_lock lock(inbox_mu_);
      if (inbox_.empty() && !busy && !stopping_) {
        inbox_cv_.wait_for(lock, std::chrono::microseconds(kIdleWakeUs));
      }
      if (stopping_) break;
      batch.swap(inbox_);
    }
    CoreOutput out;
    bool sent = false;
    for (Event& event : batch) {
      if (auto* request = std::get_if<SubmitRequest>(&event)) {
        Admit(*request);
      } else {
        sent |= OnPeer(std::get<PeerMessages>(event), out);
      }
    }
    batch.clear();
    Gossip();
    core_.OnTick(out);
    sent |= SendNow(out);
    // Durable commits only once this turn's votes and proposals are out.
    core_.FlushCommits(out);
    busy = Dispatch(out) || sent;
    ExpireWaiters();
    mempool_size_.store(mempool_.size(), std::memory_order_relaxed);
    round_.store(core_.round(), std::memory_order_relaxed);
    leader_.store(core_.leader(), std::memory_order_relaxed);
  }
  std::deque<Event> unserved;
  {
    std::lock_guard lock(inbox_mu_);
    unserved.swap(inbox_);
  }
  const absl::Status shutdown = absl::UnavailableError(
      "shutting_down: validator shut down before the transfer was final; look its receipt up by "
      "id");
  for (Event& event : unserved) {
    if (auto* request = std::get_if<SubmitRequest>(&event)) request->on_done(shutdown, nullptr);
  }
  FailAllWaiters(shutdown);
}

void Validator::Gossip() {
  if (transport_ != nullptr) {
    // In batches of kGossipBatchTransfersMax, so that no message nears the
    // peers' request size limit.
    for (size_t first = 0; first < to_gossip_.size(); first += kGossipBatchTransfersMax) {
      const size_t last = std::min(to_gossip_.size(), first + kGossipBatchTransfersMax);
      v1::ConsensusMessage gossip;
      for (size_t i = first; i < last; ++i) {
        *gossip.mutable_transfers()->add_transfers() = std::move(to_gossip_[i]);
      }
      transport_->Broadcast(gossip);
    }
  }
  to_gossip_.clear();
}

bool Validator::OnPeer(PeerMessages& peer, CoreOutput& out) {
  bool sent = false;
  for (const v1::ConsensusMessage& message : peer.messages) {
    if (message.has_transfers()) {
      for (const v1::SignedTransfer& transfer : message.transfers().transfers()) {
        AdmitGossip(transfer);
      }
      continue;
    }
    core_.OnMessage(peer.from, message, out);
    sent |= SendNow(out);  // a vote or proposal leaves at once
  }
  return sent;
}

bool Validator::SendNow(CoreOutput& out) {
  if (out.timed_out && transport_ != nullptr) {
    // Our transfers may never have reached a leader (gossip lost, or the
    // validator it reached crashed): pass the orderable ones on again.
    for (v1::SignedTransfer& transfer : mempool_.Ready(
             kRegossipTransfersMax,
             [this](const AccountId& account) { return store_.NextSequence(account); })) {
      to_gossip_.push_back(std::move(transfer));
    }
    Gossip();
  }
  out.timed_out = false;
  const bool sent = !out.sends.empty();
  for (CoreOutput::Send& send : out.sends) {
    if (transport_ == nullptr) continue;
    if (send.to) {
      transport_->Send(*send.to, send.message);
    } else {
      transport_->Broadcast(send.message);
    }
  }
  out.sends.clear();
  return sent;
}

bool Validator::Dispatch(CoreOutput& out) {
  const bool sent = SendNow(out);
  for (const BlockEffects& effects : out.committed) {
    spdlog::debug("committed block {} with {} transfers, state {}", effects.height,
                  effects.records.size(), ToHex(effects.state_hash).substr(0, 16));
    CompleteWaiters(effects);
    for (CommitListener* listener : listeners_) listener->OnCommitted(effects);
  }
  for (const TransferId& id : out.superseded) {
    auto [first, last] = waiters_.equal_range(id);
    for (auto it = first; it != last; ++it) {
      it->second.on_done(absl::FailedPreconditionError(StrCat(
                             "sequence_used: transfer ", ToHex(id),
                             " can never execute: another transfer used its sequence number; "
                             "read the account's next sequence and sign again")),
                         nullptr);
      ForgetDeadline(it->second.deadline_us, id);
    }
    waiters_.erase(first, last);
  }
  return !out.committed.empty() || sent;
}

void Validator::AdmitGossip(const v1::SignedTransfer& transfer) {
  if (transfer.ByteSizeLong() > kSignedTransferBytesMax) return;
  const auto id = CheckTransfer(transfer, genesis_.chain_id, genesis_hash_);
  if (!id.ok() || store_.HasTransfer(*id) || mempool_.Contains(*id)) return;
  if (!CheckAssetsKnown(genesis_, transfer).ok()) return;
  const OpHeader header = HeaderOf(transfer);
  PendingTransfer pending;
  pending.id = *id;
  pending.from = *ToArray<kPublicKeyBytes>(header.signer, "signer");
  pending.sequence = header.sequence;
  pending.expiry_unix_ms = header.expiry_unix_ms;
  pending.signed_transfer = transfer;
  const uint64_t committed_next = store_.NextSequence(pending.from);
  (void)mempool_.Add(std::move(pending), committed_next, clock_.NowUnixMs(),
                     [this](const AccountId& account) { return store_.NextSequence(account); });
  FailEvicted();
}

void Validator::Admit(SubmitRequest& request) {
  if (store_.HasTransfer(request.id)) {
    const auto record = store_.GetTransfer(request.id);
    REMIT_CHECK(record.ok());
    request.on_done(absl::AlreadyExistsError(StrCat("already_final: transfer ", ToHex(request.id),
                                                    " is already final; its receipt is attached")),
                    &*record);
    return;
  }
  const v1::Transfer& transfer = request.signed_transfer.transfer();
  if (request.signed_transfer.has_transfer() && genesis_.FindAsset(transfer.asset()) == nullptr) {
    request.on_done(
        absl::InvalidArgumentError(StrCat("unknown_asset: unknown asset '", transfer.asset(),
                                          "'; this chain has ", KnownAssets(genesis_))),
        nullptr);
    return;
  }
  // Operations (cross-currency transfers, offers, the basket, claims) name
  // their assets in their bodies; they are ordered like transfers, by
  // signer and sequence.
  if (const absl::Status assets = CheckAssetsKnown(genesis_, request.signed_transfer);
      !assets.ok()) {
    request.on_done(assets, nullptr);
    return;
  }
  const OpHeader header = HeaderOf(request.signed_transfer);
  PendingTransfer pending;
  pending.id = request.id;
  const auto from = ToArray<kPublicKeyBytes>(header.signer, "signer");
  REMIT_CHECK(from.ok());
  pending.from = *from;
  pending.sequence = header.sequence;
  pending.expiry_unix_ms = header.expiry_unix_ms;
  pending.signed_transfer = request.signed_transfer;
  const auto admission = mempool_.Add(
      std::move(pending), store_.NextSequence(*from), clock_.NowUnixMs(),
      [this](const AccountId& account) { return store_.NextSequence(account); },
      request.refuse_sequence_gap ? Mempool::Gap::kRefuse : Mempool::Gap::kWait);
  FailEvicted();
  if (!admission.ok()) {
    request.on_done(admission.status(), nullptr);
    return;
  }
  if (*admission == Mempool::Admission::kAdded) {
    to_gossip_.push_back(std::move(request.signed_transfer));
  }
  if (!request.wait_for_final) {
    request.on_done(absl::OkStatus(), nullptr);
    return;
  }
  deadlines_.emplace(request.deadline_us, request.id);
  waiters_.emplace(request.id,
                   Waiter{request.received_us, request.deadline_us, std::move(request.on_done)});
}

void Validator::FailEvicted() {
  for (const auto& [id, status] : mempool_.TakeEvicted()) {
    auto [first, last] = waiters_.equal_range(id);
    for (auto it = first; it != last; ++it) {
      it->second.on_done(status, nullptr);
      ForgetDeadline(it->second.deadline_us, id);
    }
    waiters_.erase(first, last);
  }
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
            StrCat("pending: transfer ", ToHex(id),
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
          absl::FailedPreconditionError(StrCat("expired: transfer ", ToHex(id),
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
