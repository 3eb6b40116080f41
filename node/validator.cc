#include "node/validator.h"

#include <pthread.h>

#include <algorithm>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

// How often the loop wakes when idle.
constexpr uint64_t kIdleWakeUs = 10'000;

}  // namespace

Validator::Validator(const Genesis& genesis, const SigningKey& key, LedgerStore& store,
                     const Clock& clock, const NodeLimits& limits,
                     const ConsensusOptions& consensus, SafetyStorage& safety,
                     PeerTransport* transport)
    : store_(store),
      clock_(clock),
      limits_(limits),
      transport_(transport),
      ledger_(store),
      machine_(
          genesis, key, ledger_, [this](const TransferId& id) { return store_.GetTransfer(id); },
          safety, clock, limits, consensus) {
  REMIT_CHECK(transport_ != nullptr || genesis.validators.size() == 1);
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
  requests = MergeCopies(std::move(requests));
  {
    std::lock_guard lock(inbox_mu_);
    if (stopping_)
      return absl::UnavailableError("shutting_down: validator is shutting down; try another node");
    if (requests_queued_ + requests.size() > limits_.inbox_events_max) {
      return absl::ResourceExhaustedError(StrCat("inbox_full: validator inbox is full (",
                                                 limits_.inbox_events_max,
                                                 " requests waiting); retry with back-off"));
    }
    requests_queued_ += requests.size();
    for (SubmitRequest& request : requests) inbox_.emplace_back(std::move(request));
  }
  inbox_cv_.notify_one();
  return absl::OkStatus();
}

absl::Status Validator::EnqueuePeer(PeerMessages messages) {
  {
    std::lock_guard lock(inbox_mu_);
    if (stopping_) return absl::UnavailableError("shutting_down: validator is shutting down");
    if (envelopes_queued_ >= limits_.inbox_envelopes_max) {
      return absl::ResourceExhaustedError(StrCat("inbox_full: validator inbox holds ",
                                                 limits_.inbox_envelopes_max,
                                                 " validator envelopes"));
    }
    ++envelopes_queued_;
    inbox_.emplace_back(std::move(messages));
  }
  inbox_cv_.notify_one();
  return absl::OkStatus();
}

std::vector<SubmitRequest> Validator::MergeCopies(std::vector<SubmitRequest> requests) {
  std::map<TransferId, size_t> first;  // id -> its request in `merged`
  std::vector<SubmitRequest> merged;
  std::vector<std::vector<SubmitRequest::Done>> copies;  // by request in `merged`
  for (SubmitRequest& request : requests) {
    const auto [it, inserted] = first.emplace(request.id, merged.size());
    if (inserted) {
      merged.push_back(std::move(request));
      copies.emplace_back();
    } else {
      copies[it->second].push_back(std::move(request.on_done));
    }
  }
  for (size_t i = 0; i < merged.size(); ++i) {
    if (copies[i].empty()) continue;
    merged[i].on_done = [own = std::move(merged[i].on_done), rest = std::move(copies[i])](
                            const absl::Status& status, const v1::TransferRecord* record) {
      own(status, record);
      for (const SubmitRequest::Done& done : rest) done(status, record);
    };
  }
  return merged;
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
    NodeOutput out;
    machine_.Start(out);
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
      requests_queued_ = 0;
      envelopes_queued_ = 0;
    }
    busy = false;
    for (Event& event : batch) busy |= Handle(event);
    batch.clear();
    NodeOutput out;
    machine_.OnTick(out);
    busy |= Dispatch(out);
    // Durable commits only once this turn's votes and proposals are out.
    machine_.FlushCommits(out);
    busy |= Dispatch(out);
    Publish();
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
  NodeOutput out;
  machine_.FailAll(shutdown, out);
  Dispatch(out);
  REMIT_CHECK(done_.empty());
}

bool Validator::Handle(Event& event) {
  NodeOutput out;
  if (auto* request = std::get_if<SubmitRequest>(&event)) {
    const uint64_t token = next_token_++;
    done_.emplace(token, std::move(request->on_done));
    machine_.OnRequest(
        {token, std::move(request->signed_transfer), request->id, request->received_us,
         request->deadline_us, request->wait_for_final, request->refuse_sequence_gap},
        out);
    // Admitted: the machine took it and owes the caller an answer later.
    const bool answered = std::any_of(out.answers.begin(), out.answers.end(),
                                      [token](const ClientAnswer& a) { return a.token == token; });
    if (request->wait_for_final && !answered) {
      StageAdmitted(stages_, request->id, request->received_us);
    }
    return Dispatch(out);
  }
  PeerMessages& peer = std::get<PeerMessages>(event);
  bool sent = false;
  for (const v1::ConsensusMessage& message : peer.messages) {
    machine_.OnPeerMessage(peer.from, message, out);
    sent |= Dispatch(out);  // a vote or proposal leaves at once
  }
  return sent;
}

bool Validator::Dispatch(NodeOutput& out) {
  const bool busy = !out.sends.empty() || !out.committed.empty();
  for (CoreOutput::Send& send : out.sends) {
    if (transport_ == nullptr) continue;
    if (send.to) {
      transport_->Send(*send.to, send.message);
    } else {
      transport_->Broadcast(send.message);
    }
  }
  out.sends.clear();
  for (const BlockEffects& effects : out.committed) StageCommitted(stages_, effects);
  for (ClientAnswer& answer : out.answers) {
    const auto done = done_.find(answer.token);
    REMIT_CHECK(done != done_.end());
    done->second(answer.status, answer.record ? &*answer.record : nullptr);
    done_.erase(done);
  }
  out.answers.clear();
  for (const BlockEffects& effects : out.committed) {
    StageAnswered(stages_, effects);
    for (CommitListener* listener : listeners_) listener->OnCommitted(effects);
  }
  out.committed.clear();
  return busy;
}

void Validator::Publish() {
  mempool_size_.store(machine_.mempool().size(), std::memory_order_relaxed);
  round_.store(machine_.core().round(), std::memory_order_relaxed);
  leader_.store(machine_.core().leader(), std::memory_order_relaxed);
}

}  // namespace remit
