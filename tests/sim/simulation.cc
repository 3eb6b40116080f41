#include "tests/sim/simulation.h"

#include <spdlog/spdlog.h>

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
#include "tests/sim/byzantine.h"
#include "tests/sim/mem_ledger.h"

namespace remit::sim {
namespace {

constexpr uint64_t kTickMs = 5;
constexpr uint64_t kClientRetryMs = 3'000;
constexpr int64_t kUserFundsMinor = 10'000;
const char* const kAsset = "USD";

class SimClock final : public Clock {
 public:
  uint64_t now_ms = 0;
  uint64_t NowUnixMs() const override { return 1'700'000'000'000 + now_ms; }
  uint64_t MonotonicUs() const override { return now_ms * 1000; }
};

struct Node {
  std::unique_ptr<SigningKey> key;
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

struct Client {
  std::unique_ptr<SigningKey> key;
  uint64_t next_sequence = 0;
  std::optional<v1::SignedTransfer> pending;
  TransferId pending_id{};
  uint32_t target = 0;
  uint64_t sent_ms = 0;
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
  void InjectFaults();
  void Heal();
  uint32_t FaultyNow() const;
  void CheckCommit(uint32_t node, const BlockEffects& effects);
  void FinalChecks();
  void Violation(std::string what) { report_.violations.push_back(std::move(what)); }

  SimOptions options_;
  std::mt19937_64 rng_;
  SimClock clock_;
  Genesis genesis_;
  Hash32 genesis_hash_{};  // GenesisHash(genesis_), once it is complete
  std::vector<Node> nodes_;
  std::vector<Client> clients_;
  std::multimap<std::pair<uint64_t, uint64_t>, Packet> in_flight_;  // (time, seq)
  uint64_t packet_seq_ = 0;
  std::map<uint64_t, std::pair<std::string, std::string>> chain_;  // height -> hashes
  std::vector<Receipt> receipts_;
  uint64_t partition_until_ms_ = 0;
  SimReport report_;
};

Simulation::Simulation(const SimOptions& options) : options_(options), rng_(options.seed) {
  REMIT_CHECK(options_.validators >= 1);
  Seed seed{};
  auto key_from = [&seed](uint8_t tag, uint32_t i) {
    seed.fill(tag);
    seed[1] = static_cast<uint8_t>(i);
    seed[2] = static_cast<uint8_t>(i >> 8);
    return std::make_unique<SigningKey>(SigningKey::FromSeed(seed));
  };
  const auto issuer = key_from(1, 0);
  genesis_.chain_id = "remit-sim";
  genesis_.genesis_time_unix_ms = 1'700'000'000'000;
  genesis_.assets.push_back({kAsset, 2, issuer->public_key(), 1'000'000});
  for (uint32_t i = 0; i < options_.accounts; ++i) {
    Client& client = clients_.emplace_back();
    client.key = key_from(2, i);
    genesis_.balances.push_back({client.key->public_key(), kAsset, kUserFundsMinor});
  }
  genesis_.balances.push_back(
      {issuer->public_key(), kAsset, -kUserFundsMinor * static_cast<int64_t>(options_.accounts)});
  nodes_.resize(options_.validators);
  for (uint32_t i = 0; i < options_.validators; ++i) {
    nodes_[i].key = key_from(3, i);
    genesis_.validators.push_back({nodes_[i].key->public_key(), StrCat("sim:", i)});
  }
  REMIT_CHECK(ValidateGenesis(genesis_).ok());
  genesis_hash_ = GenesisHash(genesis_);
  const uint32_t faults_max = (options_.validators - 1) / 3;
  REMIT_CHECK(options_.byzantine <= faults_max);
  for (uint32_t i = 0; i < options_.validators; ++i) {
    nodes_[i].ledger = std::make_unique<MemLedger>(genesis_);
    // The last validators are the Byzantine ones.
    if (i >= options_.validators - options_.byzantine) {
      nodes_[i].byzantine = std::make_unique<Byzantine>(genesis_, *nodes_[i].key, i, rng_());
    }
  }
}

void Simulation::StartNode(uint32_t index) {
  Node& node = nodes_[index];
  ConsensusOptions consensus;
  consensus.round_timeout_ms = kSimRoundTimeoutMs;
  consensus.round_timeout_ms_max = kSimRoundTimeoutMsMax;
  consensus.block_transfers_max = 100;
  consensus.fetch_blocks_max = options_.fetch_blocks_max;
  const MemLedger& ledger = *node.ledger;
  const auto record_of = [&ledger](const TransferId& id) -> absl::StatusOr<v1::TransferRecord> {
    const auto found = ledger.records().find(id);
    if (found == ledger.records().end()) return absl::NotFoundError("no such transfer");
    return found->second;
  };
  node.machine = std::make_unique<NodeMachine>(genesis_, *node.key, *node.ledger, record_of,
                                               node.safety, clock_, NodeLimits{}, consensus);
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
  for (CoreOutput::Send& send : out.sends) {
    std::vector<v1::ConsensusMessage> messages{send.message};
    if (node.byzantine) {
      // A Byzantine validator passes no transfers on; it corrupts the rest.
      if (send.message.has_transfers()) continue;
      messages = node.byzantine->Mutate(send.message, send.to, node.machine->core());
      report_.byzantine_messages += messages.size();
    }
    for (const v1::ConsensusMessage& message : messages) {
      for (uint32_t to = 0; to < nodes_.size(); ++to) {
        if (to == node_index || (send.to && *send.to != to)) continue;
        Packet packet;
        packet.from = node_index;
        packet.to = to;
        packet.message = node.byzantine ? node.byzantine->ForPeer(message, to) : message;
        Route(node_index, to, std::move(packet));
      }
    }
  }
  out.sends.clear();
  for (const BlockEffects& effects : out.committed) CheckCommit(node_index, effects);
  out.committed.clear();
  for (const ClientAnswer& answer : out.answers) OnAnswer(node_index, answer);
  out.answers.clear();
}

void Simulation::OnAnswer(uint32_t node_index, const ClientAnswer& answer) {
  Client& client = clients_.at(answer.token);
  if (!client.pending || client.pending_id != answer.id) return;  // an earlier try's answer
  // A Settle's deadline passed: the client tries again later.
  if (answer.status.code() == absl::StatusCode::kDeadlineExceeded) return;
  if (absl::StartsWith(answer.status.message(), "unfunded_sender:")) {
    client.pending.reset();  // it paid more than it holds: it signs another amount
    return;
  }
  const bool final = answer.status.ok() || answer.status.code() == absl::StatusCode::kAlreadyExists;
  if (!final || !answer.record) {
    Violation(StrCat("validator ", node_index, " refused a client's transfer ", ToHex(answer.id),
                     ": ", answer.status.ToString()));
    client.pending.reset();
    return;
  }
  receipts_.push_back({answer.id, answer.record->receipt()});
  if (answer.record->receipt().outcome() != v1::BAD_SEQUENCE) ++client.next_sequence;
  client.pending.reset();
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
  Client& client = clients_[Uniform(0, clients_.size() - 1)];
  const bool retry = client.pending && clock_.now_ms - client.sent_ms >= kClientRetryMs;
  if (client.pending && !retry) return;
  if (!client.pending && !send_new) return;
  std::vector<uint32_t> honest_alive;
  for (uint32_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].alive && nodes_[i].byzantine == nullptr) honest_alive.push_back(i);
  }
  if (honest_alive.empty()) return;
  if (!client.pending) {
    const Client& to = clients_[Uniform(0, clients_.size() - 1)];
    if (to.key->public_key() == client.key->public_key()) return;
    v1::Transfer transfer;
    transfer.set_chain_id(genesis_.chain_id);
    transfer.set_genesis_hash(ToString(genesis_hash_));
    transfer.set_from(ToString(client.key->public_key()));
    transfer.set_to(ToString(to.key->public_key()));
    transfer.set_asset(kAsset);
    transfer.set_amount_minor(Uniform(1, 3'000));
    transfer.set_sequence(client.next_sequence);
    transfer.set_expiry_unix_ms(UINT64_MAX);
    client.pending = SignTransfer(transfer, *client.key);
    client.pending_id = ComputeTransferId(transfer);
  }
  // A retry goes to another node with the same signed bytes: idempotent.
  // The node answers at once if it already holds the outcome
  // (ALREADY_EXISTS), else when the transfer is committed.
  client.target = honest_alive[Uniform(0, honest_alive.size() - 1)];
  client.sent_ms = clock_.now_ms;
  const auto id = CheckTransfer(*client.pending, genesis_.chain_id, genesis_hash_);
  REMIT_CHECK(id.ok() && *id == client.pending_id);
  ClientRequest request;
  request.token = static_cast<uint64_t>(&client - clients_.data());
  request.signed_transfer = *client.pending;
  request.id = *id;
  request.received_us = clock_.MonotonicUs();
  request.deadline_us = clock_.MonotonicUs() + kClientRetryMs * 1000;
  NodeOutput out;
  nodes_[client.target].machine->OnRequest(std::move(request), out);
  Handle(client.target, out);
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
  if (const int64_t sum = node.ledger->AssetSum(kAsset); sum != 0) {
    Violation(StrCat("validator ", node_index, " at height ", effects.height, ": ", kAsset,
                     " sums to ", sum));
  }
  if (inserted) report_.transfers_final += effects.records.size();
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
      if (found == node.ledger->records().end() ||
          found->second.receipt().outcome() != receipt.receipt.outcome() ||
          found->second.receipt().height() != receipt.receipt.height()) {
        Violation(StrCat("receipt for ", ToHex(receipt.id), " at height ", receipt.receipt.height(),
                         " is not in validator ", i, "'s history"));
      }
    }
  }
  for (const Client& client : clients_) {
    if (client.pending && client.sent_ms < options_.faulty_ms + options_.healed_ms) {
      Violation(StrCat("liveness: a transfer sent at ", client.sent_ms, " ms never got a receipt"));
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
  return StrCat("remit-sim --seed ", options.seed, " --validators ", options.validators,
                " --faulty-ms ", options.faulty_ms, " --healed-ms ", options.healed_ms,
                " --drain-ms ", options.drain_ms, " --submit-interval-ms ",
                options.submit_interval_ms, " --loss ", options.loss, " --duplicate ",
                options.duplicate, " --delay-ms-max ", options.delay_ms_max,
                options.partitions ? " --partitions" : "", options.crashes ? " --crashes" : "",
                " --outage-ms-max ", options.outage_ms_max, " --fetch-blocks-max ",
                options.fetch_blocks_max, " --byzantine ", options.byzantine);
}

}  // namespace remit::sim
