// NodeMachine's own concerns, driven event by event on a hand-moved clock:
// admission refusals, the gossip batch bound, re-gossip after a round
// timeout, and the answers waiting clients get (on commit, displacement,
// deadline, expiry, shutdown).
#include "node/node_machine.h"

#include <gtest/gtest.h>

#include <memory>

#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/funding.h"
#include "tests/sim/mem_ledger.h"
#include "tests/testing/test_chain.h"

namespace remit {
namespace {

using testing::TestChain;

class HandClock final : public Clock {
 public:
  uint64_t now_ms = 0;
  uint64_t NowUnixMs() const override { return 1'700'000'000'000 + now_ms; }
  uint64_t MonotonicUs() const override { return now_ms * 1000; }
};

// Validator 0 of `chain`, with no peers attached: what it sends is only
// looked at.
class Machine {
 public:
  explicit Machine(const TestChain& chain, NodeLimits limits = {})
      : chain_(chain), ledger_(chain.genesis) {
    const auto record_of = [this](const TransferId& id) -> absl::StatusOr<v1::TransferRecord> {
      const auto found = ledger_.records().find(id);
      if (found == ledger_.records().end()) return absl::NotFoundError("no such transfer");
      return found->second;
    };
    machine_ = std::make_unique<NodeMachine>(chain.genesis, chain.validators[0], ledger_, record_of,
                                             safety_, clock_, limits, ConsensusOptions{});
    machine_->Start(out);
  }

  // Sends `transfer` as a client would; `deadline_ms` from now.
  void Request(uint64_t token, const v1::SignedTransfer& transfer, bool wait_for_final = true,
               uint64_t deadline_ms = 60'000) {
    const auto id = CheckTransfer(transfer, chain_.genesis.chain_id, chain_.genesis_hash());
    ASSERT_TRUE(id.ok()) << id.status();
    machine_->OnRequest({token, transfer, *id, clock_.MonotonicUs(),
                         clock_.MonotonicUs() + deadline_ms * 1000, wait_for_final},
                        out);
  }

  // Moves the clock by `ms` and runs one turn of remitd's loop.
  void Turn(uint64_t ms) {
    clock_.now_ms += ms;
    machine_->OnTick(out);
    machine_->FlushCommits(out);
  }

  // The one answer for `token` so far, or nullptr.
  const ClientAnswer* AnswerFor(uint64_t token) const {
    const ClientAnswer* found = nullptr;
    for (const ClientAnswer& answer : out.answers) {
      if (answer.token != token) continue;
      EXPECT_EQ(found, nullptr) << "two answers for token " << token;
      found = &answer;
    }
    return found;
  }

  // Transfers in the TransferBatch messages sent so far; batch sizes in `batches`.
  size_t GossipedTransfers(std::vector<size_t>* batches = nullptr) const {
    size_t total = 0;
    for (const CoreOutput::Send& send : out.sends) {
      if (!send.message.has_transfers()) continue;
      EXPECT_FALSE(send.to.has_value());  // gossip goes to every other validator
      total += send.message.transfers().transfers_size();
      if (batches) batches->push_back(send.message.transfers().transfers_size());
    }
    return total;
  }

  NodeMachine& operator*() { return *machine_; }
  NodeMachine* operator->() { return machine_.get(); }
  HandClock& clock() { return clock_; }
  NodeOutput out;

 private:
  const TestChain& chain_;
  HandClock clock_;
  sim::MemLedger ledger_;
  MemSafetyStorage safety_;
  std::unique_ptr<NodeMachine> machine_;
};

bool HasPrefix(const absl::Status& status, const std::string& prefix) {
  return status.message().substr(0, prefix.size()) == prefix;
}

// Admission refuses an unknown asset, a sequence beyond the window and an
// expired transfer, each with its reason, and keeps none of them.
TEST(NodeMachineTest, AdmissionRefusalsNameTheirReason) {
  const TestChain chain = TestChain::Make(2, 4);
  NodeLimits limits;
  limits.sequence_window = 10;
  Machine machine(chain, limits);
  const AccountId& bob = chain.users[1].public_key();
  machine.Request(1, chain.Transfer(chain.users[0], bob, 5, 0, "EUR"));
  machine.Request(2, chain.Transfer(chain.users[0], bob, 5, 12));
  machine.Request(3, chain.Transfer(chain.users[0], bob, 5, 0, "USD", "", 1));
  ASSERT_NE(machine.AnswerFor(1), nullptr);
  EXPECT_EQ(machine.AnswerFor(1)->status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(1)->status, "unknown_asset:"));
  ASSERT_NE(machine.AnswerFor(2), nullptr);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(2)->status, "sequence_window:"));
  ASSERT_NE(machine.AnswerFor(3), nullptr);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(3)->status, "expired:"));
  EXPECT_EQ(machine->mempool().size(), 0u);
  EXPECT_EQ(machine->waiters(), 0u);
}

// A sender whose committed balance cannot cover the amount plus fee is
// refused (unfunded_sender) and nothing is kept; the asset's issuer is
// never refused; one that can cover it is admitted.
TEST(NodeMachineTest, UnfundedSenderIsRefused) {
  const TestChain chain = TestChain::Make(2, 4);
  Machine machine(chain);
  const SigningKey fresh = testing::KeyFromIndex(77);
  const AccountId& bob = chain.users[1].public_key();
  machine.Request(1, chain.Transfer(fresh, bob, 1, 0));
  auto with_fee = chain.Transfer(chain.users[0], bob, 10'000, 0).transfer();
  with_fee.set_fee_minor(1);
  machine.Request(2, SignTransfer(with_fee, chain.users[0]));
  machine.Request(3, chain.Transfer(chain.issuer, bob, 1'000'000, 0));
  machine.Request(4, chain.Transfer(chain.users[0], bob, 10'000, 0));
  for (uint64_t token : {1, 2}) {
    ASSERT_NE(machine.AnswerFor(token), nullptr);
    EXPECT_EQ(machine.AnswerFor(token)->status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(HasPrefix(machine.AnswerFor(token)->status, "unfunded_sender:"))
        << machine.AnswerFor(token)->status;
  }
  EXPECT_EQ(machine.AnswerFor(3), nullptr);
  EXPECT_EQ(machine.AnswerFor(4), nullptr);
  EXPECT_EQ(machine->mempool().size(), 2u);
}

// What an operation debits decides its funding check: a claim, a reclaim
// and an offer cancel from a fresh account debit nothing and pass; a
// strict send, a claim creation and an offer from it are refused.
TEST(NodeMachineTest, FundingCheckFollowsWhatAnOperationDebits) {
  const TestChain chain = TestChain::Make(1, 1);
  const SigningKey fresh = testing::KeyFromIndex(77);
  sim::MemLedger ledger(chain.genesis);
  const auto op = [&](auto set_body) {
    v1::SignedTransfer signed_transfer;
    v1::Operation& operation = *signed_transfer.mutable_operation();
    operation.set_signer(ToString(fresh.public_key()));
    set_body(operation);
    return signed_transfer;
  };
  const auto funded = [&](const v1::SignedTransfer& signed_transfer) {
    return CheckFunded(chain.genesis, ledger, signed_transfer);
  };
  EXPECT_TRUE(funded(op([](v1::Operation& o) { o.mutable_claim()->set_claim_id("c"); })).ok());
  EXPECT_TRUE(funded(op([](v1::Operation& o) { o.mutable_reclaim()->set_claim_id("c"); })).ok());
  EXPECT_TRUE(
      funded(op([](v1::Operation& o) { o.mutable_offer_cancel()->set_offer_id("o"); })).ok());
  const v1::SignedTransfer send = op([](v1::Operation& o) {
    o.mutable_strict_send()->set_send_asset("USD");
    o.mutable_strict_send()->set_send_amount_minor(1);
  });
  const v1::SignedTransfer claim = op([](v1::Operation& o) {
    o.mutable_create_claim()->set_asset("USD");
    o.mutable_create_claim()->set_amount_minor(1);
  });
  const v1::SignedTransfer offer = op([](v1::Operation& o) {
    o.mutable_offer_create()->set_sell_asset("JPY");
    o.mutable_offer_create()->set_amount_minor(1);
  });
  for (const v1::SignedTransfer* refused : {&send, &claim, &offer}) {
    const absl::Status status = funded(*refused);
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(HasPrefix(status, "unfunded_sender:")) << status;
  }
}

// A transfer that can execute now displaces one that cannot from a full
// sender share, and the displaced transfer's waiter is told at once.
TEST(NodeMachineTest, DisplacedTransferWaiterIsAnswered) {
  const TestChain chain = TestChain::Make(2, 4);
  NodeLimits limits;
  limits.mempool_sender_transfers_max = 2;
  Machine machine(chain, limits);
  const AccountId& bob = chain.users[1].public_key();
  machine.Request(1, chain.Transfer(chain.users[0], bob, 5, 1));
  machine.Request(2, chain.Transfer(chain.users[0], bob, 5, 2));
  machine.Request(3, chain.Transfer(chain.users[0], bob, 5, 0));
  ASSERT_NE(machine.AnswerFor(2), nullptr);
  EXPECT_EQ(machine.AnswerFor(2)->status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(2)->status, "evicted:"));
  EXPECT_EQ(machine.AnswerFor(1), nullptr);
  EXPECT_EQ(machine.AnswerFor(3), nullptr);
  EXPECT_EQ(machine->waiters(), 2u);
}

// Transfers admitted from clients leave in TransferBatch messages of at
// most kGossipBatchTransfersMax each, once; gossiped ones are not passed on.
TEST(NodeMachineTest, GossipIsBatchedAndBounded) {
  const TestChain chain = TestChain::Make(3, 4, 1'000'000);
  Machine machine(chain);
  const AccountId& bob = chain.users[1].public_key();
  const size_t count = 2 * kGossipBatchTransfersMax + 7;
  for (size_t i = 0; i < count; ++i) {
    machine.Request(i, chain.Transfer(chain.users[0], bob, 1, i), /*wait_for_final=*/false);
  }
  v1::ConsensusMessage gossip;
  *gossip.mutable_transfers()->add_transfers() = chain.Transfer(chain.users[2], bob, 1, 0);
  machine->OnPeerMessage(1, gossip, machine.out);
  EXPECT_EQ(machine.GossipedTransfers(), 0u);  // nothing leaves before the tick
  machine.Turn(1);
  std::vector<size_t> batches;
  EXPECT_EQ(machine.GossipedTransfers(&batches), count);
  EXPECT_EQ(batches, (std::vector<size_t>{kGossipBatchTransfersMax, kGossipBatchTransfersMax, 7}));
  EXPECT_EQ(machine->mempool().size(), count + 1);
  machine.out.sends.clear();
  machine.Turn(1);
  EXPECT_EQ(machine.GossipedTransfers(), 0u);
}

// After a round times out with work to do, the orderable transfers are
// passed on again: the leader may never have received them.
TEST(NodeMachineTest, RegossipsAfterRoundTimeout) {
  const TestChain chain = TestChain::Make(2, 4);
  Machine machine(chain);
  machine.Request(1, chain.Transfer(chain.users[0], chain.users[1].public_key(), 5, 0));
  machine.Turn(1);
  ASSERT_EQ(machine.GossipedTransfers(), 1u);
  machine.out.sends.clear();
  for (int turn = 0; turn < 100 && machine->core().counters().timeouts_sent == 0; ++turn) {
    machine.Turn(50);
  }
  ASSERT_GT(machine->core().counters().timeouts_sent, 0u);
  EXPECT_EQ(machine.GossipedTransfers(), 1u);
}

// A Settle waiter is answered with the final record once its block
// commits; a Submit is answered at once; a later request for the same id
// gets ALREADY_EXISTS with the original record.
TEST(NodeMachineTest, WaitersAreAnsweredOnCommit) {
  const TestChain chain = TestChain::Make(2, 1);
  Machine machine(chain);
  const auto settle = chain.Transfer(chain.users[0], chain.users[1].public_key(), 5, 0);
  machine.Request(1, settle);
  machine.Request(2, chain.Transfer(chain.users[0], chain.users[1].public_key(), 5, 1),
                  /*wait_for_final=*/false);
  ASSERT_NE(machine.AnswerFor(2), nullptr);
  EXPECT_TRUE(machine.AnswerFor(2)->status.ok());
  EXPECT_FALSE(machine.AnswerFor(2)->record.has_value());
  for (int turn = 0; turn < 100 && machine.AnswerFor(1) == nullptr; ++turn) machine.Turn(10);
  ASSERT_NE(machine.AnswerFor(1), nullptr);
  const ClientAnswer settled = *machine.AnswerFor(1);  // out.answers grows below
  const ClientAnswer* answer = &settled;
  ASSERT_TRUE(answer->status.ok()) << answer->status;
  ASSERT_TRUE(answer->record.has_value());
  EXPECT_EQ(answer->record->receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(answer->record->receipt().transfer_id(), ToString(answer->id));
  EXPECT_FALSE(machine.out.committed.empty());
  machine.Request(3, settle);
  ASSERT_NE(machine.AnswerFor(3), nullptr);
  EXPECT_EQ(machine.AnswerFor(3)->status.code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(machine.AnswerFor(3)->record.has_value());
  EXPECT_EQ(machine.AnswerFor(3)->record->receipt().height(), answer->record->receipt().height());
  EXPECT_EQ(machine->waiters(), 0u);
}

// A waiter whose deadline passes is told the transfer is still pending
// (it stays in the mempool); one whose transfer expires behind a missing
// sequence is told it expired (it leaves the mempool).
TEST(NodeMachineTest, DeadlinesAndExpiryAnswerWaiters) {
  const TestChain chain = TestChain::Make(2, 4);
  Machine machine(chain);
  const AccountId& bob = chain.users[1].public_key();
  machine.Request(1, chain.Transfer(chain.users[0], bob, 5, 0), true, /*deadline_ms=*/50);
  const uint64_t expiry_unix_ms = machine.clock().NowUnixMs() + 100;
  machine.Request(2, chain.Transfer(chain.users[1], chain.users[0].public_key(), 5, 3, "USD", "",
                                    expiry_unix_ms));
  machine.Turn(60);
  ASSERT_NE(machine.AnswerFor(1), nullptr);
  EXPECT_EQ(machine.AnswerFor(1)->status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(1)->status, "pending:"));
  EXPECT_EQ(machine.AnswerFor(2), nullptr);
  machine.Turn(2 * kExpiryScanUs / 1000);
  ASSERT_NE(machine.AnswerFor(2), nullptr);
  EXPECT_EQ(machine.AnswerFor(2)->status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(HasPrefix(machine.AnswerFor(2)->status, "expired:"));
  EXPECT_EQ(machine->mempool().size(), 1u);
}

// Shutdown answers every waiting client, once.
TEST(NodeMachineTest, FailAllAnswersEveryWaiter) {
  const TestChain chain = TestChain::Make(2, 4);
  Machine machine(chain);
  machine.Request(1, chain.Transfer(chain.users[0], chain.users[1].public_key(), 5, 0));
  machine.Request(2, chain.Transfer(chain.users[1], chain.users[0].public_key(), 5, 0));
  machine->FailAll(absl::UnavailableError("shutting_down: test"), machine.out);
  for (uint64_t token : {1, 2}) {
    ASSERT_NE(machine.AnswerFor(token), nullptr);
    EXPECT_EQ(machine.AnswerFor(token)->status.code(), absl::StatusCode::kUnavailable);
  }
  EXPECT_EQ(machine->waiters(), 0u);
}

}  // namespace
}  // namespace remit
