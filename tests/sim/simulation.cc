#include "tests/sim/simulation.h"

#include <google/protobuf/util/message_differencer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "absl/strings/match.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/consensus/core.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/node_machine.h"
#include "tests/sim/audits.h"
#include "tests/sim/byzantine.h"
#include "tests/sim/checks.h"
#include "tests/sim/mem_ledger.h"
#include "tests/sim/workload.h"

namespace remit::sim {
namespace {

constexpr uint64_t kTickMs = 5;
constexpr uint64_t kClientRetryMs = 3'000;

class SimClock final : public Clock {
 public:
  uint64_t now_ms = 0;
  uint64_t NowUnixMs() const override { return 1'700'000'000'000 + now_ms; }
  uint64_t MonotonicUs() const override { return now_ms * 1000; }
};

// A validator's own clock: the simulated time, its wall clock off by a
// skew and by the steps back it took.
class NodeClock final : public Clock {
 public:
  explicit NodeClock(const SimClock& base) : base_(base) {}
  uint64_t NowUnixMs() const override { return base_.NowUnixMs() + offset_ms; }
  uint64_t MonotonicUs() const override { return base_.MonotonicUs(); }
  int64_t offset_ms = 0;
  uint64_t stepped_back_ms = 0;

 private:
  const SimClock& base_;
};

constexpr uint64_t kClockStepMsMax = 400;
constexpr uint64_t kClockStepsMsMax = 1'200;
constexpr double kPipelineChance = 0.3;

struct Node {
  std::unique_ptr<SigningKey> key;
  std::unique_ptr<NodeClock> clock;
  std::unique_ptr<MemLedger> ledger;
  MemSafetyStorage safety;  // durable: survives crashes
  // The node's real machine: admission, gossip, waiters and the core.
  std::unique_ptr<NodeMachine> machine;
  std::unique_ptr<Byzantine> byzantine;
  bool alive = true;
  uint64_t restart_at_ms = 0;
  int group = 0;  // partition group
};

struct Packet {
  uint32_t from = 0;
  uint32_t to = 0;
  v1::ConsensusMessage message;  // consensus or transfer gossip
};

// What a client sent and has no receipt for yet.
struct InFlight {
  v1::SignedTransfer entry;
  TransferId id{};
  uint32_t target = 0;
  uint64_t sent_ms = 0;
};

struct Client {
  const SigningKey* key = nullptr;  // the workload's
  uint64_t next_sequence = 0;
  std::vector<InFlight> in_flight;  // ascending sequences
};

struct Receipt {
  TransferId id;
  v1::Receipt receipt;
};

class Simulation {
 public:
  explicit Simulation(const SimOptions& options);
  SimReport Run();

 private:
  uint64_t total_ms() const { return options_.faulty_ms + options_.healed_ms + options_.drain_ms; }
  bool faulty() const { return clock_.now_ms < options_.faulty_ms; }
  bool loaded() const { return clock_.now_ms < options_.faulty_ms + options_.healed_ms; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  uint64_t Uniform(uint64_t low, uint64_t high) {
    return std::uniform_int_distribution<uint64_t>(low, high)(rng_);
  }

  void StartNode(uint32_t index);
  void Deliver(const Packet& packet);
  void Handle(uint32_t node, NodeOutput& out);
  void Route(uint32_t from, uint32_t to, Packet packet);
  void OnAnswer(uint32_t node, const ClientAnswer& answer);
  void SubmitClients(bool send_new);
  // Sends (or sends again) the client's in-flight entry `index` to an
  // honest validator.
  void Send(uint32_t client, size_t index, const std::vector<uint32_t>& honest_alive);
  // Audits of what an honest validator (or an audited Byzantine one) just did.
  void AuditSends(uint32_t node, const std::vector<CoreOutput::Send>& sends);
  void AuditState(uint32_t node);
  ConsensusOptions CoreOptions() const;
  void InjectFaults();
  void Heal();
  uint32_t FaultyNow() const;
  void CheckCommit(uint32_t node, const BlockEffects& effects);
  // `client` got `receipt` for its in-flight transfer or operation `id`.
  void OnReceipt(uint32_t client, const TransferId& id, const v1::Receipt& receipt);
  void FinalChecks();
  void Violation(std::string what) { report_.violations.push_back(std::move(what)); }

  SimOptions options_;
  std::mt19937_64 rng_;
  SimClock clock_;
  Genesis genesis_;
  Hash32 genesis_hash_{};  // GenesisHash(genesis_), once it is complete
  Workload workload_;
  std::unique_ptr<CommitChecks> commit_checks_;  // once genesis is complete
  SigningAudit signing_audit_;
  std::unique_ptr<LeaderAudit> leader_audit_;
  std::unique_ptr<BoundsAudit> bounds_audit_;
  bool restarting_ = false;  // a leader restarting right after proposing
  std::vector<Node> nodes_;
  std::vector<Client> clients_;
  std::multimap<std::pair<uint64_t, uint64_t>, Packet> in_flight_;  // (time, seq)
  uint64_t packet_seq_ = 0;
  std::map<uint64_t, std::pair<std::string, std::string>> chain_;  // height -> hashes
  std::vector<Receipt> receipts_;
  uint64_t partition_until_ms_ = 0;
  SimReport report_;
};

Simulation::Simulation(const SimOptions& options)
    : options_(options), rng_(options.seed), workload_(options.accounts) {
  REMIT_CHECK(options_.validators >= 1);
  REMIT_CHECK(options_.accounts >= 2);
  genesis_.chain_id = "remit-sim";
  genesis_.genesis_time_unix_ms = 1'700'000'000'000;
  workload_.AddToGenesis(genesis_);
  for (uint32_t i = 0; i < options_.accounts; ++i) clients_.emplace_back().key = &workload_.key(i);
  nodes_.resize(options_.validators);
  for (uint32_t i = 0; i < options_.validators; ++i) {
    Seed seed{};
    seed.fill(3);
    seed[1] = static_cast<uint8_t>(i);
    seed[2] = static_cast<uint8_t>(i >> 8);
    nodes_[i].key = std::make_unique<SigningKey>(SigningKey::FromSeed(seed));
    genesis_.validators.push_back({nodes_[i].key->public_key(), StrCat("sim:", i)});
  }
  REMIT_CHECK(ValidateGenesis(genesis_).ok());
  genesis_hash_ = GenesisHash(genesis_);
  workload_.Bind(genesis_);
  commit_checks_ = std::make_unique<CommitChecks>(genesis_, workload_.AssetCodes());
  const uint32_t faults_max = (options_.validators - 1) / 3;
  REMIT_CHECK(options_.byzantine <= faults_max);
  leader_audit_ = std::make_unique<LeaderAudit>(genesis_.leader_exclude_rounds);
  bounds_audit_ = std::make_unique<BoundsAudit>(
      BoundsOf(CoreOptions(), options_.validators, total_ms(), NodeLimits{}.mempool_transfers_max));
  for (uint32_t i = 0; i < options_.validators; ++i) {
    Node& node = nodes_[i];
    node.ledger = std::make_unique<MemLedger>(genesis_);
    node.clock = std::make_unique<NodeClock>(clock_);
    const auto skew_max = static_cast<int64_t>(options_.clock_skew_ms_max);
    node.clock->offset_ms = std::uniform_int_distribution<int64_t>(-skew_max, skew_max)(rng_);
    // The last validators are the Byzantine ones.
    if (i >= options_.validators - options_.byzantine) {
      node.byzantine =
          std::make_unique<Byzantine>(genesis_, *node.key, i, rng_(), options_.byzantine_modes);
    }
  }
}

ConsensusOptions Simulation::CoreOptions() const {
  ConsensusOptions consensus;
  consensus.round_timeout_ms = kSimRoundTimeoutMs;
  consensus.round_timeout_ms_max = kSimRoundTimeoutMsMax;
  consensus.block_transfers_max = 100;
  consensus.fetch_blocks_max = options_.fetch_blocks_max;
  return consensus;
}

void Simulation::StartNode(uint32_t index) {
  Node& node = nodes_[index];
  bounds_audit_->OnRestart(index);
  const MemLedger& ledger = *node.ledger;
  const auto record_of = [&ledger](const TransferId& id) -> absl::StatusOr<v1::TransferRecord> {
    const auto found = ledger.records().find(id);
    if (found == ledger.records().end()) return absl::NotFoundError("no such transfer");
    return found->second;
  };
  node.machine =
      std::make_unique<NodeMachine>(genesis_, *node.key, *node.ledger, record_of, node.safety,
                                    *node.clock, NodeLimits{}, CoreOptions());
  node.alive = true;
  NodeOutput out;
  node.machine->Start(out);
  Handle(index, out);
}

SimReport Simulation::Run() {
  for (uint32_t i = 0; i < nodes_.size(); ++i) StartNode(i);
  for (clock_.now_ms = 0; clock_.now_ms < total_ms(); ++clock_.now_ms) {
    if (faulty()) {
      InjectFaults();
    } else if (clock_.now_ms == options_.faulty_ms) {
      Heal();
    }
    while (!in_flight_.empty() && in_flight_.begin()->first.first <= clock_.now_ms) {
      const Packet packet = std::move(in_flight_.begin()->second);
      in_flight_.erase(in_flight_.begin());
      Deliver(packet);
    }
    if (clock_.now_ms % kTickMs == 0) {
      for (uint32_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i].alive) continue;
        // As remitd's loop: this turn's messages leave before its commits.
        NodeOutput out;
        nodes_[i].machine->OnTick(out);
        Handle(i, out);
        nodes_[i].machine->FlushCommits(out);
        Handle(i, out);
      }
    }
    // Clients keep retrying what they sent (as Settle callers do) after the
    // load stops; they only stop sending new transfers.
    if (clock_.now_ms % options_.submit_interval_ms == 0) SubmitClients(loaded());
  }
  FinalChecks();
  for (const Node& node : nodes_) {
    report_.height_max = std::max(report_.height_max, node.ledger->committed_height());
    if (node.byzantine == nullptr && node.machine) {
      const ConsensusCounters& c = node.machine->core().counters();
      report_.honest_dropped += c.dropped_bad_signature + c.dropped_bad_certificate +
                                c.dropped_bad_block + c.dropped_not_validator;
      report_.sync_requests += c.sync_requests_sent;
    }
    if (node.byzantine) {
      const ByzantineCounters& b = node.byzantine->counters();
      report_.signatures_swapped += b.signatures_swapped;
      report_.sequences_reordered += b.sequences_reordered;
      report_.qc_variants += b.qc_variants;
      report_.floods += b.floods;
    }
  }
  return report_;
}

void Simulation::Deliver(const Packet& packet) {
  Node& node = nodes_[packet.to];
  if (!node.alive) return;
  NodeOutput out;
  node.machine->OnPeerMessage(packet.from, packet.message, out);
  node.machine->FlushCommits(out);
  Handle(packet.to, out);
}

void Simulation::Handle(uint32_t node_index, NodeOutput& out) {
  Node& node = nodes_[node_index];
  AuditSends(node_index, out.sends);
  bool proposed = false;
  for (CoreOutput::Send& send : out.sends) {
    proposed = proposed || send.message.has_proposal();
    std::vector<v1::ConsensusMessage> messages{send.message};
    if (node.byzantine) {
      // A Byzantine validator passes no transfers on; it corrupts the rest.
      if (send.message.has_transfers()) continue;
      messages = node.byzantine->Mutate(send.message, send.to, node.machine->core());
      report_.byzantine_messages += messages.size();
      for (const v1::ConsensusMessage& message : messages) {
        // Tests only: shows the audit flags what a Byzantine validator signs twice.
        if (options_.audit_byzantine)
          signing_audit_.OnSend(node_index, message, report_.violations);
      }
    }
    for (const v1::ConsensusMessage& message : messages) {
      for (uint32_t to = 0; to < nodes_.size(); ++to) {
        if (to == node_index || (send.to && *send.to != to)) continue;
        Packet packet;
        packet.from = node_index;
        packet.to = to;
        packet.message = node.byzantine ? node.byzantine->ForPeer(message, to) : message;
        if (!node.byzantine)
          bounds_audit_->OnSend(node_index, to, packet.message, report_.violations);
        Route(node_index, to, std::move(packet));
      }
    }
  }
  out.sends.clear();
  for (const BlockEffects& effects : out.committed) CheckCommit(node_index, effects);
  out.committed.clear();
  for (const ClientAnswer& answer : out.answers) OnAnswer(node_index, answer);
  out.answers.clear();
  AuditState(node_index);
  if (proposed && node.byzantine == nullptr && !restarting_ && faulty() &&
      Chance(options_.restart_after_propose)) {
    // Restarted right after proposing: from durable state only, into the
    // round it just signed a proposal for.
    restarting_ = true;
    ++report_.faults_injected;
    StartNode(node_index);
    restarting_ = false;
  }
}

void Simulation::OnAnswer(uint32_t node_index, const ClientAnswer& answer) {
  const auto client_index = static_cast<uint32_t>(answer.token);
  std::vector<InFlight>& in_flight = clients_.at(client_index).in_flight;
  const auto sent =
      std::find_if(in_flight.begin(), in_flight.end(),
                   [&answer](const InFlight& entry) { return entry.id == answer.id; });
  if (sent == in_flight.end()) return;  // an answer to an entry already settled or dropped
  // A Settle's deadline passed: the client tries again later.
  if (answer.status.code() == absl::StatusCode::kDeadlineExceeded) return;
  const bool final = answer.status.ok() || answer.status.code() == absl::StatusCode::kAlreadyExists;
  if (final && answer.record) {
    // The answer adds how long this call waited; the history has the rest.
    v1::Receipt receipt = answer.record->receipt();
    receipt.clear_settle_latency_us();
    OnReceipt(client_index, answer.id, receipt);
    return;
  }
  // Refusals a real client recovers from by signing again: it paid more
  // than it holds, or its sequence was taken or used by an entry it had
  // given up on (an unfunded one admitted by another validator earlier).
  const bool recoverable = absl::StartsWith(answer.status.message(), "unfunded_sender:") ||
                           absl::StartsWith(answer.status.message(), "sequence_used:") ||
                           absl::StartsWith(answer.status.message(), "sequence_taken:");
  if (!recoverable) {
    Violation(StrCat("validator ", node_index, " refused a client's transfer ", ToHex(answer.id),
                     ": ", answer.status.ToString()));
  }
  // This entry and every later one of the client are dropped; it signs
  // again from this sequence (or the validator's next, if that is later).
  const uint64_t sequence = HeaderOf(sent->entry).sequence;
  Client& client = clients_[client_index];
  std::erase_if(in_flight, [sequence](const InFlight& entry) {
    return HeaderOf(entry.entry).sequence >= sequence;
  });
  uint64_t next = sequence;
  if (!absl::StartsWith(answer.status.message(), "unfunded_sender:")) {
    next = std::max(next, nodes_[node_index].ledger->NextSequence(client.key->public_key()));
  }
  client.next_sequence = next;  // every entry left in flight is below `sequence`
}

void Simulation::AuditSends(uint32_t node_index, const std::vector<CoreOutput::Send>& sends) {
  if (nodes_[node_index].byzantine) return;  // audited as it sends (Handle), if at all
  for (const CoreOutput::Send& send : sends) {
    signing_audit_.OnSend(node_index, send.message, report_.violations);
  }
}

void Simulation::AuditState(uint32_t node_index) {
  const Node& node = nodes_[node_index];
  if (node.byzantine || !node.machine) return;
  const ConsensusCore& core = node.machine->core();
  leader_audit_->OnRound(node_index, core.round(), node.ledger->committed_round(), core.leader(),
                         report_.violations);
  bounds_audit_->OnState(node_index, core.votes_held(), node.machine->mempool().size(),
                         report_.violations);
}

void Simulation::Route(uint32_t from, uint32_t to, Packet packet) {
  ++report_.messages_sent;
  const bool cut = clock_.now_ms < partition_until_ms_ && nodes_[from].group != nodes_[to].group;
  if (cut || (faulty() && Chance(options_.loss))) {
    ++report_.messages_dropped;
    return;
  }
  const int copies = faulty() && Chance(options_.duplicate) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    const uint64_t delay_ms = Uniform(1, std::max<uint64_t>(1, options_.delay_ms_max));
    in_flight_.emplace(std::make_pair(clock_.now_ms + delay_ms, packet_seq_++), packet);
  }
}

void Simulation::SubmitClients(bool send_new) {
  const auto client_index = static_cast<uint32_t>(Uniform(0, clients_.size() - 1));
  Client& client = clients_[client_index];
  std::vector<uint32_t> honest_alive;
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive && nodes_[i].byzantine == nullptr) honest_alive.push_back(i);
  }
  if (honest_alive.empty()) return;
  for (size_t i = 0; i < client.in_flight.size(); ++i) {
    if (clock_.now_ms - client.in_flight[i].sent_ms >= kClientRetryMs) {
      Send(client_index, i, honest_alive);
      return;
    }
  }
  if (!send_new || client.in_flight.size() >= options_.client_pipeline_max) return;
  if (!client.in_flight.empty() && !Chance(kPipelineChance)) return;
  InFlight& sent = client.in_flight.emplace_back();
  sent.entry = workload_.Next(client_index, client.next_sequence++, clock_.NowUnixMs(), rng_);
  sent.id = OperationId(sent.entry);
  Send(client_index, client.in_flight.size() - 1, honest_alive);
}

void Simulation::Send(uint32_t client_index, size_t index,
                      const std::vector<uint32_t>& honest_alive) {
  InFlight& sent = clients_[client_index].in_flight[index];
  // A retry goes to another node with the same signed bytes: idempotent.
  sent.target = honest_alive[Uniform(0, honest_alive.size() - 1)];
  sent.sent_ms = clock_.now_ms;
  // The node answers at once if it already holds the outcome
  // (ALREADY_EXISTS, with the original receipt), else when it commits.
  ClientRequest request;
  request.token = client_index;
  request.signed_transfer = sent.entry;
  request.id = sent.id;
  request.received_us = clock_.MonotonicUs();
  request.deadline_us = clock_.MonotonicUs() + kClientRetryMs * 1000;
  const uint32_t target = sent.target;
  NodeOutput out;
  nodes_[target].machine->OnRequest(std::move(request), out);
  Handle(target, out);
}

uint32_t Simulation::FaultyNow() const {
  uint32_t faulty_count = 0;
  for (const Node& node : nodes_) faulty_count += (!node.alive || node.byzantine) ? 1 : 0;
  return faulty_count;
}

void Simulation::InjectFaults() {
  const uint32_t faults_max = (options_.validators - 1) / 3;
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].alive && clock_.now_ms >= nodes_[i].restart_at_ms) {
      StartNode(i);
      ++report_.faults_injected;
    }
  }
  if (options_.crashes && FaultyNow() < faults_max && Chance(1.0 / 700)) {
    const uint32_t victim = static_cast<uint32_t>(Uniform(0, nodes_.size() - 1));
    Node& node = nodes_[victim];
    if (node.alive && node.byzantine == nullptr) {
      // Crash: only the durable ledger and safety data survive.
      node.alive = false;
      node.machine.reset();
      node.restart_at_ms =
          clock_.now_ms + Uniform(50, std::max<uint64_t>(50, options_.outage_ms_max));
      ++report_.faults_injected;
    }
  }
  if (options_.clock_steps && Chance(1.0 / 500)) {
    // A wall clock steps back (NTP correcting it, an operator setting it).
    NodeClock& clock = *nodes_[Uniform(0, nodes_.size() - 1)].clock;
    const uint64_t step_ms = Uniform(1, kClockStepMsMax);
    if (clock.stepped_back_ms + step_ms <= kClockStepsMsMax) {
      clock.offset_ms -= static_cast<int64_t>(step_ms);
      clock.stepped_back_ms += step_ms;
      ++report_.faults_injected;
    }
  }
  if (options_.partitions && clock_.now_ms >= partition_until_ms_ && Chance(1.0 / 1'000)) {
    for (Node& node : nodes_) node.group = static_cast<int>(Uniform(0, 1));
    partition_until_ms_ = clock_.now_ms + Uniform(100, 1'500);
    ++report_.faults_injected;
  }
}

void Simulation::Heal() {
  partition_until_ms_ = 0;
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i].alive) StartNode(i);
  }
}

void Simulation::CheckCommit(uint32_t node_index, const BlockEffects& effects) {
  const Node& node = nodes_[node_index];
  if (node.byzantine) return;
  auto [it, inserted] = chain_.emplace(
      effects.height, std::make_pair(ToString(effects.block_hash), ToString(effects.state_hash)));
  if (!inserted && it->second.first != AsBytes(effects.block_hash)) {
    Violation(StrCat("validator ", node_index, " committed block ", ToHex(effects.block_hash),
                     " at height ", effects.height, " but another committed ",
                     ToHex(it->second.first)));
  } else if (!inserted && it->second.second != AsBytes(effects.state_hash)) {
    Violation(StrCat("validator ", node_index, " has state ", ToHex(effects.state_hash),
                     " at height ", effects.height, " but another has ", ToHex(it->second.second)));
  }
  commit_checks_->OnCommit(node_index, *node.ledger, effects, report_.violations);
  if (inserted) report_.transfers_final += effects.records.size();
}

void Simulation::OnReceipt(uint32_t client_index, const TransferId& id,
                           const v1::Receipt& receipt) {
  std::vector<InFlight>& in_flight = clients_[client_index].in_flight;
  const auto sent = std::find_if(in_flight.begin(), in_flight.end(),
                                 [&id](const InFlight& entry) { return entry.id == id; });
  REMIT_CHECK(sent != in_flight.end());
  receipts_.push_back({id, receipt});
  if (receipt.outcome() == v1::BAD_SEQUENCE) {
    // Clients never reuse a sequence: only a block ordering a later one
    // before an earlier one could end it so, and that must not end it.
    Violation(StrCat("client ", client_index, "'s sequence ", HeaderOf(sent->entry).sequence,
                     " ended BAD_SEQUENCE at height ", receipt.height()));
  }
  if (receipt.outcome() == v1::SETTLED) {
    ++report_.settled_by_kind[std::string(KindName(KindOf(sent->entry)))];
  }
  workload_.OnReceipt(client_index, sent->entry, receipt);
  in_flight.erase(sent);
}

void Simulation::FinalChecks() {
  uint64_t receipt_height_max = 0;
  for (const Receipt& receipt : receipts_) {
    receipt_height_max = std::max(receipt_height_max, receipt.receipt.height());
    for (uint32_t i = 0; i < nodes_.size(); ++i) {
      const Node& node = nodes_[i];
      if (node.byzantine || node.ledger->committed_height() < receipt.receipt.height()) continue;
      ++report_.receipts_checked;
      const auto found = node.ledger->records().find(receipt.id);
      // The whole receipt: outcome, place, amounts sent and delivered, the
      // offers crossed, the claim.
      if (found == node.ledger->records().end() ||
          !google::protobuf::util::MessageDifferencer::Equals(found->second.receipt(),
                                                              receipt.receipt)) {
        Violation(StrCat("receipt for ", ToHex(receipt.id), " at height ", receipt.receipt.height(),
                         " is not in validator ", i, "'s history"));
      }
    }
  }
  for (const Client& client : clients_) {
    for (const InFlight& sent : client.in_flight) {
      if (sent.sent_ms < options_.faulty_ms + options_.healed_ms) {
        Violation(StrCat("liveness: a ", KindName(KindOf(sent.entry)), " sent at ", sent.sent_ms,
                         " ms never got a receipt"));
      }
    }
  }
  if (receipts_.empty()) Violation("liveness: no transfer settled at all");
  if (!report_.violations.empty()) {
    for (uint32_t i = 0; i < nodes_.size(); ++i) {
      const Node& node = nodes_[i];
      if (!node.machine) continue;
      const ConsensusCore& core = node.machine->core();
      report_.violations.push_back(
          StrCat("  validator ", i, ": round ", core.round(), ", high QC round ",
                 core.high_qc().vote_data().round(), ", committed height ",
                 node.ledger->committed_height(), ", mempool ", node.machine->mempool().size(),
                 ", dropped stale/unknown-parent/bad-block/divergence ",
                 core.counters().dropped_stale, "/", core.counters().dropped_unknown_parent, "/",
                 core.counters().dropped_bad_block, "/", core.counters().dropped_state_divergence,
                 ", timeouts sent ", core.counters().timeouts_sent));
    }
  }
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].byzantine) continue;
    if (nodes_[i].ledger->committed_height() < receipt_height_max) {
      Violation(StrCat("catch-up: validator ", i, " is at height ",
                       nodes_[i].ledger->committed_height(), ", below ", receipt_height_max));
    }
  }
}

}  // namespace

SimReport RunSimulation(const SimOptions& options) {
  spdlog::set_level(spdlog::level::off);
  EnableVerificationMemo(true);
  Simulation simulation(options);
  return simulation.Run();
}

std::string ReproCommand(const SimOptions& options) {
  return StrCat(
      "remit-sim --seed ", options.seed, " --validators ", options.validators, " --faulty-ms ",
      options.faulty_ms, " --healed-ms ", options.healed_ms, " --drain-ms ", options.drain_ms,
      " --submit-interval-ms ", options.submit_interval_ms, " --loss ", options.loss,
      " --duplicate ", options.duplicate, " --delay-ms-max ", options.delay_ms_max,
      options.partitions ? " --partitions" : "", options.crashes ? " --crashes" : "",
      " --outage-ms-max ", options.outage_ms_max, " --fetch-blocks-max ", options.fetch_blocks_max,
      " --byzantine ", options.byzantine, " --byzantine-modes ", options.byzantine_modes,
      " --clock-skew-ms-max ", options.clock_skew_ms_max,
      options.clock_steps ? " --clock-steps" : "", " --restart-after-propose ",
      options.restart_after_propose, " --client-pipeline-max ", options.client_pipeline_max,
      options.audit_byzantine ? " (audit_byzantine: tests only)" : "");
}

}  // namespace remit::sim
