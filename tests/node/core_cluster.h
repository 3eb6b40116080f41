// A cluster of ConsensusCores in one process, for unit tests of the core:
// each validator has an in-memory ledger, safety storage and mempool and its
// own fake clock; messages wait in one FIFO until the test delivers them, so
// a test can drop, reorder, forge or inspect any of them. Nothing depends on
// real time: the clocks move only when the test says so.
//
// The chain is tests/testing's TestChain (validators from fixed seeds, users
// funded with USD), so a test can sign anything as any validator.
#pragma once

#include <spdlog/spdlog.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/clock.h"
#include "node/consensus/core.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/consensus/signing.h"
#include "node/mempool.h"
#include "tests/node/pending_transfer.h"
#include "tests/sim/mem_ledger.h"
#include "tests/testing/test_chain.h"

namespace remit::testing {

// Wall and monotonic time that move only when told. Unix time starts at the
// test chain's genesis time.
class FakeClock final : public Clock {
 public:
  uint64_t unix_ms = 1'700'000'000'000;
  uint64_t monotonic_ms = 0;
  uint64_t NowUnixMs() const override { return unix_ms; }
  uint64_t MonotonicUs() const override { return monotonic_ms * 1000; }
  void Advance(uint64_t ms) {
    unix_ms += ms;
    monotonic_ms += ms;
  }
};

// Messages signed as any validator of a test chain, for `genesis` (the
// chain's own, or another one to forge with).
class Signer {
 public:
  Signer(const TestChain& chain, const Genesis& genesis)
      : chain_(chain), domain_(SigningDomain::Of(genesis)) {}

  v1::QuorumCert Qc(const v1::VoteData& vote_data, const std::vector<uint32_t>& signers) const {
    v1::QuorumCert qc;
    *qc.mutable_vote_data() = vote_data;
    for (uint32_t signer : signers) {
      qc.add_signers(signer);
      qc.add_signatures(
          ToString(chain_.validators[signer].Sign(VoteSigningBytes(domain_, vote_data))));
    }
    return qc;
  }
  v1::Vote Vote(uint32_t signer, const v1::VoteData& vote_data) const {
    v1::Vote vote;
    *vote.mutable_vote_data() = vote_data;
    vote.set_signer(signer);
    vote.set_signature(
        ToString(chain_.validators[signer].Sign(VoteSigningBytes(domain_, vote_data))));
    return vote;
  }
  // A timeout of `round` with `high_qc`, and `last_tc` if given.
  v1::Timeout Timeout(uint32_t signer, uint64_t round, const v1::QuorumCert& high_qc,
                      const v1::TimeoutCert* last_tc = nullptr) const {
    v1::Timeout timeout;
    timeout.set_round(round);
    *timeout.mutable_high_qc() = high_qc;
    if (last_tc != nullptr) *timeout.mutable_last_tc() = *last_tc;
    timeout.set_signer(signer);
    timeout.set_signature(ToString(chain_.validators[signer].Sign(
        TimeoutSigningBytes(domain_, round, high_qc.vote_data().round()))));
    return timeout;
  }
  // A TC of `round` by `signers`, each with `high_qc` as its highest QC.
  v1::TimeoutCert Tc(uint64_t round, const std::vector<uint32_t>& signers,
                     const v1::QuorumCert& high_qc) const {
    v1::TimeoutCert tc;
    tc.set_round(round);
    *tc.mutable_high_qc() = high_qc;
    for (uint32_t signer : signers) {
      v1::TimeoutSignature& entry = *tc.add_signatures();
      entry.set_signer(signer);
      entry.set_high_qc_round(high_qc.vote_data().round());
      entry.set_signature(ToString(chain_.validators[signer].Sign(
          TimeoutSigningBytes(domain_, round, high_qc.vote_data().round()))));
    }
    return tc;
  }
  // A proposal of `block` by `proposer`, extending `qc` (and `tc`).
  v1::Proposal Proposal(uint32_t proposer, const v1::Block& block, const v1::QuorumCert& qc,
                        const v1::TimeoutCert* tc = nullptr) const {
    v1::Proposal proposal;
    *proposal.mutable_block() = block;
    *proposal.mutable_qc() = qc;
    if (tc != nullptr) *proposal.mutable_tc() = *tc;
    proposal.set_signature(ToString(chain_.validators[proposer].Sign(
        ProposalSigningBytes(domain_, ComputeBlockHash(block.header())))));
    return proposal;
  }

 private:
  const TestChain& chain_;
  const SigningDomain domain_;
};

// The QC every chain starts from (ConsensusCore's genesis QC).
inline v1::QuorumCert GenesisQc(const CommittedLedger& ledger) {
  const auto genesis = ledger.GetBlock(0);
  REMIT_CHECK(genesis.ok());
  v1::QuorumCert qc;
  v1::VoteData& vote_data = *qc.mutable_vote_data();
  vote_data.set_block_hash(genesis->block_hash());
  vote_data.set_parent_hash(std::string(kHashBytes, '\0'));
  vote_data.set_state_hash(genesis->state_hash());
  return qc;
}

// A chain of certified blocks built outside any core (executed on a ledger
// of its own), to feed cores as fetched blocks or to restart them on.
class ChainBuilder {
 public:
  explicit ChainBuilder(const TestChain& chain)
      : chain_(chain), signer_(chain, chain.genesis), ledger_(chain.genesis) {}

  // An unsigned block on the head at `round` by `proposer` with `transfers`
  // (naming the head's QC's signers, as a proposal extending it does).
  v1::Block NextBlock(uint64_t round, uint32_t proposer,
                      const std::vector<v1::SignedTransfer>& transfers = {}) const {
    const auto head = ledger_.GetBlock(ledger_.committed_height());
    REMIT_CHECK(head.ok());
    v1::Block block;
    for (const v1::SignedTransfer& transfer : transfers) *block.add_transfers() = transfer;
    v1::BlockHeader& header = *block.mutable_header();
    header.set_chain_id(chain_.genesis.chain_id);
    header.set_height(ledger_.committed_height() + 1);
    header.set_round(round);
    header.set_parent_hash(head->block_hash());
    header.set_timestamp_unix_ms(chain_.genesis.genesis_time_unix_ms + round);
    header.set_parent_state_hash(head->state_hash());
    header.set_payload_hash(ToString(ComputePayloadHash(block)));
    header.set_proposer(ToString(chain_.validators[proposer].public_key()));
    if (!blocks_.empty()) header.set_parent_signers(SignerBitmap(blocks_.back().qc()));
    return block;
  }
  // What a vote for `block` (a child of the head) signs.
  v1::VoteData VoteDataOf(const v1::Block& block) const {
    const BlockEffects effects = Execute(block);
    v1::VoteData vote_data;
    vote_data.set_block_hash(ToString(ComputeBlockHash(block.header())));
    vote_data.set_round(block.header().round());
    vote_data.set_height(block.header().height());
    vote_data.set_parent_hash(block.header().parent_hash());
    vote_data.set_parent_round(head_round_);
    vote_data.set_state_hash(ToString(effects.state_hash));
    return vote_data;
  }
  // Appends `block` (from NextBlock) certified by `signers`.
  const v1::CertifiedBlock& Append(const v1::Block& block, const std::vector<uint32_t>& signers) {
    v1::CertifiedBlock& certified = blocks_.emplace_back();
    *certified.mutable_block() = block;
    *certified.mutable_qc() = signer_.Qc(VoteDataOf(block), signers);
    REMIT_CHECK(ledger_.Commit(block, Execute(block), certified.qc(), nullptr).ok());
    head_round_ = block.header().round();
    return certified;
  }
  // An empty block at `round` by `proposer`, certified by `signers`.
  const v1::CertifiedBlock& Append(uint64_t round, uint32_t proposer,
                                   const std::vector<uint32_t>& signers) {
    return Append(NextBlock(round, proposer), signers);
  }

  const std::vector<v1::CertifiedBlock>& blocks() const { return blocks_; }
  const sim::MemLedger& ledger() const { return ledger_; }
  // A BlockResponse with blocks [first, last) (newest first, as sent).
  v1::ConsensusMessage Response(size_t first, size_t last) const {
    v1::ConsensusMessage message;
    for (size_t i = last; i > first; --i) {
      *message.mutable_block_response()->add_blocks() = blocks_[i - 1];
    }
    return message;
  }

 private:
  BlockEffects Execute(const v1::Block& block) const {
    return ExecuteBlock(chain_.genesis, ledger_.state(), ledger_.committed_state_hash(), block);
  }

  const TestChain& chain_;
  Signer signer_;
  sim::MemLedger ledger_;
  uint64_t head_round_ = 0;
  std::vector<v1::CertifiedBlock> blocks_;
};

struct CoreNode {
  FakeClock clock;
  std::unique_ptr<sim::MemLedger> ledger;
  MemSafetyStorage safety;  // survives Restart, as fsynced data does
  std::unique_ptr<Mempool> mempool;
  std::unique_ptr<ConsensusCore> core;
  bool up = true;
};

// One message on its way.
struct Sent {
  uint32_t from = 0;
  uint32_t to = 0;
  v1::ConsensusMessage message;
};

inline ConsensusOptions TestConsensusOptions() {
  ConsensusOptions options;
  options.round_timeout_ms = 1'000;
  options.round_timeout_ms_max = 8'000;
  options.block_transfers_max = 1;  // one block per transfer: rounds are easy to count
  return options;
}

class CoreCluster {
 public:
  explicit CoreCluster(uint32_t validators, ConsensusOptions consensus = TestConsensusOptions(),
                       int users = 2)
      : chain(TestChain::Make(users, static_cast<int>(validators), 1'000'000)), options(consensus) {
    for (uint32_t i = 0; i < validators; ++i) {
      auto node = std::make_unique<CoreNode>();
      node->ledger = std::make_unique<sim::MemLedger>(chain.genesis);
      nodes.push_back(std::move(node));
    }
    spdlog::set_level(spdlog::level::err);  // the cores' warnings are what tests provoke
  }
  CoreCluster(const CoreCluster&) = delete;
  CoreCluster& operator=(const CoreCluster&) = delete;

  // Re-creates every ledger from `chain.genesis`: for a test that changed
  // the genesis, before StartAll.
  void ResetLedgers() {
    for (auto& node : nodes) node->ledger = std::make_unique<sim::MemLedger>(chain.genesis);
  }

  // Creates every core and starts it; their first messages are queued.
  void StartAll() {
    for (uint32_t i = 0; i < nodes.size(); ++i) Restart(i);
  }
  // A new core (and an empty mempool) on the node's ledger and safety
  // storage, as after a crash: what was not durable is gone.
  void Restart(uint32_t index) {
    CoreNode& node = *nodes[index];
    node.core.reset();
    node.mempool = std::make_unique<Mempool>(NodeLimits());
    node.core =
        std::make_unique<ConsensusCore>(chain.genesis, chain.validators[index], *node.ledger,
                                        node.safety, *node.mempool, node.clock, options);
    node.up = true;
    CoreOutput out;
    node.core->Start(out);
    Collect(index, out);
  }

  ConsensusCore& core(uint32_t index) { return *nodes[index]->core; }

  // Queues a core's sends (after committing what it may commit).
  void Collect(uint32_t from, CoreOutput& out) {
    nodes[from]->core->FlushCommits(out);
    for (CoreOutput::Send& send : out.sends) {
      for (uint32_t to = 0; to < nodes.size(); ++to) {
        if (to == from || (send.to.has_value() && *send.to != to)) continue;
        queue.push_back({from, to, send.message});
        log.push_back(queue.back());
      }
    }
    out.sends.clear();
  }

  // Hands `message` to validator `to` as if `from` had sent it.
  void Deliver(uint32_t from, uint32_t to, const v1::ConsensusMessage& message) {
    CoreNode& node = *nodes[to];
    if (!node.up) return;
    CoreOutput out;
    node.core->OnMessage(from, message, out);
    Collect(to, out);
  }

  // Delivers queued messages (dropping those `drop` picks) until none is
  // left or `steps_max` were handled; returns how many were delivered.
  size_t Pump(size_t steps_max = 100'000) {
    size_t delivered = 0;
    while (!queue.empty() && delivered < steps_max) {
      Sent sent = std::move(queue.front());
      queue.pop_front();
      if (drop && drop(sent)) continue;
      Deliver(sent.from, sent.to, sent.message);
      ++delivered;
    }
    return delivered;
  }

  // Moves every clock by `ms`, ticks every running core and delivers what
  // follows.
  void Tick(uint64_t ms) {
    for (uint32_t i = 0; i < nodes.size(); ++i) {
      nodes[i]->clock.Advance(ms);
      if (!nodes[i]->up) continue;
      CoreOutput out;
      nodes[i]->core->OnTick(out);
      Collect(i, out);
    }
    Pump();
  }

  // Ticks in steps of `step_ms` until `done` holds or `simulated_ms_max`
  // passed; returns whether it holds.
  bool RunUntil(const std::function<bool()>& done, uint64_t simulated_ms_max,
                uint64_t step_ms = 10) {
    Pump();
    for (uint64_t t = 0; t <= simulated_ms_max; t += step_ms) {
      if (done()) return true;
      Tick(step_ms);
    }
    return done();
  }

  // Admits a transfer into one validator's mempool.
  absl::StatusOr<Mempool::Admission> Submit(uint32_t index, const v1::SignedTransfer& transfer) {
    CoreNode& node = *nodes[index];
    PendingTransfer pending = PendingOf(transfer);
    const uint64_t next = node.ledger->NextSequence(pending.from);
    return node.mempool->Add(std::move(pending), next, node.clock.NowUnixMs());
  }
  // User `user`'s transfer of `amount_minor` USD to user 1 - user.
  v1::SignedTransfer Payment(int user, uint64_t sequence, uint64_t amount_minor = 1) const {
    return chain.Transfer(chain.users[user], chain.users[1 - user].public_key(), amount_minor,
                          sequence);
  }
  // Submits it to every validator.
  void SubmitEverywhere(const v1::SignedTransfer& transfer) {
    for (uint32_t i = 0; i < nodes.size(); ++i) (void)Submit(i, transfer);
  }

  // Messages in the log of `kind` sent by `from` (any, if nullopt).
  std::vector<Sent> Logged(v1::ConsensusMessage::KindCase kind,
                           std::optional<uint32_t> from = std::nullopt) const {
    std::vector<Sent> found;
    for (const Sent& sent : log) {
      if (sent.message.kind_case() == kind && (!from || sent.from == *from)) found.push_back(sent);
    }
    return found;
  }

  // Drops every message from now on (tests then deliver what they choose),
  // and starts every core.
  void StartSilent() {
    drop = [](const Sent&) { return true; };
    StartAll();
  }
  v1::QuorumCert genesis_qc() const { return GenesisQc(*nodes[0]->ledger); }

  uint64_t CommittedHeightMin() const {
    uint64_t height = UINT64_MAX;
    for (const auto& node : nodes) height = std::min(height, node->ledger->committed_height());
    return height;
  }

  TestChain chain;
  Signer sign{chain, chain.genesis};
  ConsensusOptions options;
  std::vector<std::unique_ptr<CoreNode>> nodes;
  std::deque<Sent> queue;  // in flight, oldest first
  std::vector<Sent> log;   // everything ever sent
  std::function<bool(const Sent&)> drop;
};

}  // namespace remit::testing
