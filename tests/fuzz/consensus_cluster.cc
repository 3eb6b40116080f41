#include "tests/fuzz/consensus_cluster.h"

#include <deque>
#include <memory>
#include <optional>

#include "ledger/check.h"
#include "ledger/transfer.h"

namespace remit::fuzz {
namespace {

constexpr uint64_t kTickMs = 5;
constexpr uint64_t kWarmHeightMin = 4;
constexpr uint64_t kSilentLeaderMs = 400;  // longer than a round timeout
constexpr uint64_t kWarmMsMax = 60'000;

// A validator as remitd runs it: its NodeMachine on an in-memory ledger.
struct Node {
  Node(const Genesis& genesis, const SigningKey& key, const Clock& clock)
      : ledger(genesis),
        machine(genesis, key, ledger, RecordsOf(ledger), safety, clock, NodeLimits{},
                FuzzConsensusOptions()) {}
  sim::MemLedger ledger;
  MemSafetyStorage safety;
  NodeMachine machine;
};

struct Packet {
  uint32_t from = 0;
  uint32_t to = 0;
  v1::ConsensusMessage message;
};

class WarmCluster {
 public:
  WarmCluster() : chain_(FuzzChain::Get()), clock_(0) {
    for (uint32_t i = 0; i < kValidators; ++i) {
      nodes_.push_back(std::make_unique<Node>(chain_.genesis, chain_.validators[i], clock_));
    }
  }

  WarmState Run() {
    for (uint32_t i = 0; i < kValidators; ++i) {
      NodeOutput out;
      nodes_[i]->machine.Start(out);
      Route(i, out);
    }
    Drain();
    // Committed blocks with transfers.
    uint64_t sequence = 0;
    while (nodes_[0]->ledger.committed_height() < kWarmHeightMin) {
      REMIT_CHECK(clock_.now_ms < kWarmMsMax);  // an honest cluster commits within it
      for (int user = 0; user < kUsers; ++user) Submit(user, sequence);
      ++sequence;
      RunFor(kTickMs);
    }
    // A silent leader: its messages are lost until the others time out and
    // move on with a TC.
    silent_ = nodes_[0]->machine.core().leader();
    Submit(0, sequence++);
    RunFor(kSilentLeaderMs);
    silent_.reset();
    RunFor(kTickMs);
    // More transfers, delivered until validator 0 has voted for a block
    // another leader proposed with transfers in it: that block stays
    // uncommitted in its tree. (One transfer is not enough: when validator
    // 0 leads the round that orders it, no proposal reaches it.)
    stop_at_vote_ = true;
    uint64_t next = nodes_[0]->ledger.NextSequence(chain_.users[1].public_key());
    for (uint64_t ms = 0; !stopped_ && ms < kWarmMsMax; ms += kTickMs) {
      // One minor unit each: admission refuses a transfer its sender's
      // committed balance cannot cover (unfunded_sender), and user 1 sends
      // until the stop, however long that takes.
      Submit(1, next++, /*amount_minor=*/1);
      RunFor(kTickMs);
    }
    REMIT_CHECK(stopped_);

    WarmState state(chain_.genesis);
    state.ledger = nodes_[0]->ledger;
    state.safety = nodes_[0]->safety;
    state.last_voted_round = nodes_[0]->safety.Load().last_voted_round();
    state.now_ms = clock_.now_ms;
    for (const v1::SignedTransfer& transfer : pending_) {
      if (!state.ledger.HasTransfer(ComputeTransferId(transfer.transfer()))) {
        state.pending.push_back(transfer);
      }
    }
    state.received = std::move(received_);
    // A catch-up answer from validator 1, as a restarted validator would get.
    NodeOutput out;
    v1::ConsensusMessage request;
    request.mutable_sync_request()->set_from_height(1);
    request.mutable_sync_request()->set_count(FuzzConsensusOptions().fetch_blocks_max);
    nodes_[1]->machine.OnPeerMessage(0, request, out);
    nodes_[1]->machine.FlushCommits(out);
    for (CoreOutput::Send& send : out.sends) {
      if (send.to == 0u) state.received.push_back({1, std::move(send.message)});
    }
    return state;
  }

 private:
  // Pays the next user `amount_minor` (default 100 + sequence).
  void Submit(int user, uint64_t sequence, std::optional<uint64_t> amount_minor = std::nullopt) {
    v1::SignedTransfer transfer =
        chain_.Transfer(chain_.users[user], chain_.users[(user + 1) % kUsers].public_key(),
                        amount_minor.value_or(100 + sequence), sequence);
    pending_.push_back(transfer);
    // Straight to every validator, as gossip from the client's node.
    const v1::ConsensusMessage gossip = GossipOf({transfer});
    for (uint32_t i = 0; i < kValidators; ++i) {
      NodeOutput out;
      nodes_[i]->machine.OnPeerMessage((i + 1) % kValidators, gossip, out);
    }
  }

  void RunFor(uint64_t ms) {
    for (uint64_t end = clock_.now_ms + ms; clock_.now_ms < end && !stopped_;) {
      clock_.now_ms += kTickMs;
      for (uint32_t i = 0; i < kValidators; ++i) {
        NodeOutput out;
        nodes_[i]->machine.OnTick(out);
        nodes_[i]->machine.FlushCommits(out);
        Route(i, out);
      }
      Drain();
    }
  }

  // Consensus messages only: every validator got each transfer from
  // Submit, so gossip (passed on again after a timeout) would add nothing.
  void Route(uint32_t from, NodeOutput& out) {
    if (silent_ == from) return;
    for (CoreOutput::Send& send : out.sends) {
      if (send.message.has_transfers()) continue;
      for (uint32_t to = 0; to < kValidators; ++to) {
        if (to == from || (send.to && *send.to != to)) continue;
        queue_.push_back({from, to, send.message});
      }
    }
  }

  void Drain() {
    while (!queue_.empty() && !stopped_) {
      Packet packet = std::move(queue_.front());
      queue_.pop_front();
      if (packet.to == 0) received_.push_back({packet.from, packet.message});
      NodeOutput out;
      nodes_[packet.to]->machine.OnPeerMessage(packet.from, packet.message, out);
      nodes_[packet.to]->machine.FlushCommits(out);
      if (stop_at_vote_ && packet.to == 0 && packet.message.has_proposal() &&
          packet.message.proposal().block().transfers_size() > 0 &&
          nodes_[0]->safety.Load().last_voted_round() ==
              packet.message.proposal().block().header().round()) {
        stopped_ = true;
        return;
      }
      Route(packet.to, out);
    }
  }

  const FuzzChain& chain_;
  FuzzClock clock_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<Packet> queue_;
  std::vector<v1::SignedTransfer> pending_;
  std::vector<Received> received_;
  std::optional<uint32_t> silent_;
  bool stop_at_vote_ = false;
  bool stopped_ = false;
};

}  // namespace

uint64_t FuzzClock::NowUnixMs() const {
  return FuzzChain::Get().genesis.genesis_time_unix_ms + now_ms;
}

ConsensusOptions FuzzConsensusOptions() {
  ConsensusOptions options;
  options.round_timeout_ms = 100;
  options.round_timeout_ms_max = 1'600;
  options.block_transfers_max = 100;
  options.pending_proposals_max = 8;
  options.fetch_blocks_max = 4;
  options.fetch_bytes_max = 64 << 10;
  return options;
}

const WarmState& Warm() {
  static const WarmState* const state = new WarmState(WarmCluster().Run());
  return *state;
}

NodeMachine::RecordFn RecordsOf(const sim::MemLedger& ledger) {
  return [&ledger](const TransferId& id) -> absl::StatusOr<v1::TransferRecord> {
    const auto found = ledger.records().find(id);
    if (found == ledger.records().end()) return absl::NotFoundError("no such transfer");
    return found->second;
  };
}

v1::ConsensusMessage GossipOf(const std::vector<v1::SignedTransfer>& transfers) {
  v1::ConsensusMessage message;
  for (const v1::SignedTransfer& transfer : transfers) {
    *message.mutable_transfers()->add_transfers() = transfer;
  }
  return message;
}

}  // namespace remit::fuzz
