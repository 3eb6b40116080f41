#include "ledger/executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/memory_state.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr uint64_t kFarFutureMs = 4102444800000;  // 2100-01-01
constexpr uint64_t kGenesisTimeMs = 1767225600000;
// The genesis hash every test transfer is signed for. Execution does not
// look at it (CheckTransfer does, before a block), so the tests' chains use
// this one rather than hashing each test's genesis.
const Hash32 kTestGenesisHash = [] {
  Hash32 hash{};
  hash.fill(0x6e);
  return hash;
}();

// Wide enough to hold any sum or difference of int64 values exactly.
__extension__ typedef __int128 Int128;

SigningKey Key(uint8_t index) {
  Seed seed{};
  seed.fill(index);
  seed[0] = 0xa5;  // keep clear of seeds other tests use
  return SigningKey::FromSeed(seed);
}

// A chain in memory: genesis applied, then blocks built on the last one.
class Chain {
 public:
  explicit Chain(Genesis genesis) : genesis_(std::move(genesis)) {
    REMIT_CHECK(ValidateGenesis(genesis_).ok());
    state_ = MemoryState(genesis_);
    time_ms_ = genesis_.genesis_time_unix_ms;
  }

  v1::Block NextBlock(const std::vector<v1::SignedTransfer>& transfers, uint64_t time_ms) const {
    return testing::BlockOn(genesis_, state_, transfers, time_ms);
  }

  BlockEffects Execute(const v1::Block& block) const {
    return ExecuteBlock(genesis_, state_, state_.state_hash, block);
  }

  // Builds, executes and commits a block of `transfers`, each of which must
  // pass CheckTransfer; the clock moves forward 1 s unless told otherwise.
  BlockEffects Commit(const std::vector<v1::SignedTransfer>& transfers, uint64_t time_ms = 0) {
    return CommitBlock(NextBlock(transfers, time_ms != 0 ? time_ms : time_ms_ + 1000));
  }

  // Executes and commits a block built by NextBlock.
  BlockEffects CommitBlock(const v1::Block& block) {
    for (const v1::SignedTransfer& transfer : block.transfers()) {
      REMIT_CHECK(CheckTransfer(transfer, genesis_.chain_id, kTestGenesisHash).ok());
    }
    time_ms_ = block.header().timestamp_unix_ms();
    const BlockEffects effects = Execute(block);
    state_.Apply(effects);
    return effects;
  }

  const Genesis& genesis() const { return genesis_; }
  const MemoryState& state() const { return state_; }
  int64_t Balance(const SigningKey& key, const std::string& asset) const {
    return state_.Balance({key.public_key(), asset});
  }
  uint64_t Next(const SigningKey& key) const { return state_.NextSequence(key.public_key()); }

 private:
  Genesis genesis_;
  MemoryState state_;
  uint64_t time_ms_ = 0;
};

struct TransferSpec {
  std::string asset = "USD";
  uint64_t amount_minor = 1;
  uint64_t sequence = 0;
  uint64_t expiry_unix_ms = kFarFutureMs;
  uint64_t fee_minor = 0;
  std::string memo = "";
};

v1::SignedTransfer MakeTransfer(const SigningKey& from, const SigningKey& to,
                                const TransferSpec& spec) {
  v1::Transfer transfer;
  transfer.set_chain_id("remit-test");
  transfer.set_genesis_hash(ToString(kTestGenesisHash));
  transfer.set_from(ToString(from.public_key()));
  transfer.set_to(ToString(to.public_key()));
  transfer.set_asset(spec.asset);
  transfer.set_amount_minor(spec.amount_minor);
  transfer.set_sequence(spec.sequence);
  transfer.set_expiry_unix_ms(spec.expiry_unix_ms);
  transfer.set_memo(spec.memo);
  transfer.set_fee_minor(spec.fee_minor);
  return SignTransfer(transfer, from);
}

int64_t AssetSum(const MemoryState& state, const std::string& asset) {
  Int128 sum = 0;
  for (const auto& [key, value] : state.balances) {
    if (key.asset == asset) sum += value;
  }
  REMIT_CHECK(sum >= kMin && sum <= kMax);
  return static_cast<int64_t>(sum);
}

std::string Serialize(const BlockEffects& effects) {
  std::string out = ToHex(effects.block_hash) + ToHex(effects.state_hash);
  out += std::to_string(effects.height) + ";";
  for (const auto& [key, value] : effects.balances) {
    out += ToHex(key.account) + key.asset + std::to_string(value) + ";";
  }
  for (const auto& [account, next] : effects.next_sequences) {
    out += ToHex(account) + std::to_string(next) + ";";
  }
  for (const v1::TransferRecord& record : effects.records) out += record.SerializeAsString();
  return out;
}

// Issuers, holders and assets shared by the example-based tests.
class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest()
      : usd_issuer_(Key(1)),
        eur_issuer_(Key(2)),
        alice_(Key(10)),
        bob_(Key(11)),
        carol_(Key(12)),
        whale_(Key(13)),
        validator_(Key(30)),
        chain_(MakeGenesis()) {}

  Genesis MakeGenesis() const {
    Genesis genesis;
    genesis.chain_id = "remit-test";
    genesis.genesis_time_unix_ms = kGenesisTimeMs;
    genesis.assets = {
        {"USD", 2, usd_issuer_.public_key(), 1000000},
        {"EUR", 2, eur_issuer_.public_key(), uint64_t{kMax}},
    };
    genesis.balances = {
        {usd_issuer_.public_key(), "USD", -10000},
        {alice_.public_key(), "USD", 10000},
        // All the EUR the int64 range allows is issued; the whale holds most.
        {eur_issuer_.public_key(), "EUR", kMin},
        {whale_.public_key(), "EUR", kMax - 5},
        {alice_.public_key(), "EUR", 6},
    };
    genesis.validators = {{validator_.public_key(), "127.0.0.1:7100"}};
    return genesis;
  }

  // Commits one transfer and returns its single record.
  v1::TransferRecord CommitOne(const SigningKey& from, const SigningKey& to,
                               const TransferSpec& spec) {
    const BlockEffects effects = chain_.Commit({MakeTransfer(from, to, spec)});
    EXPECT_EQ(effects.records.size(), 1u);
    return effects.records.empty() ? v1::TransferRecord() : effects.records[0];
  }

  void ExpectAssetsSumToZero() const {
    EXPECT_EQ(AssetSum(chain_.state(), "USD"), 0);
    EXPECT_EQ(AssetSum(chain_.state(), "EUR"), 0);
  }

  SigningKey usd_issuer_;
  SigningKey eur_issuer_;
  SigningKey alice_;
  SigningKey bob_;
  SigningKey carol_;
  SigningKey whale_;
  SigningKey validator_;
  Chain chain_;
};

// The genesis block's effects are the genesis balances, with the documented
// block hash and state hash.
TEST_F(ExecutorTest, GenesisEffectsCarryInitialBalances) {
  const BlockEffects effects = GenesisEffects(chain_.genesis());
  EXPECT_EQ(effects.height, 0u);
  EXPECT_EQ(effects.balances.size(), chain_.genesis().balances.size());
  EXPECT_EQ(effects.balances.at(BalanceKey{alice_.public_key(), "USD"}), 10000);
  EXPECT_TRUE(effects.next_sequences.empty());
  EXPECT_TRUE(effects.records.empty());
  const v1::Block block = GenesisBlock(chain_.genesis());
  EXPECT_EQ(block.header().height(), 0u);
  EXPECT_EQ(block.header().parent_hash(), std::string(32, '\0'));
  EXPECT_EQ(block.header().parent_state_hash(), ToString(GenesisHash(chain_.genesis())));
  EXPECT_EQ(block.header().timestamp_unix_ms(), kGenesisTimeMs);
  EXPECT_TRUE(CheckBlockShape(block).ok());
  EXPECT_EQ(effects.block_hash, ComputeBlockHash(block.header()));
  EXPECT_EQ(effects.state_hash, ComputeStateHash(GenesisHash(chain_.genesis()), effects));
  ExpectAssetsSumToZero();
}

// A settled transfer moves the amount, consumes the sequence, and its
// receipt names the block, position, time and transfer id.
TEST_F(ExecutorTest, SettleMovesFunds) {
  const v1::SignedTransfer transfer = MakeTransfer(alice_, bob_, {.amount_minor = 2500});
  const BlockEffects effects = chain_.Commit({transfer}, kGenesisTimeMs + 5000);
  ASSERT_EQ(effects.records.size(), 1u);
  const v1::Receipt& receipt = effects.records[0].receipt();
  EXPECT_EQ(receipt.outcome(), v1::SETTLED);
  EXPECT_EQ(receipt.transfer_id(), ToString(ComputeTransferId(transfer.transfer())));
  EXPECT_EQ(receipt.height(), 1u);
  EXPECT_EQ(receipt.position(), 0u);
  EXPECT_EQ(receipt.block_hash(), ToString(effects.block_hash));
  EXPECT_EQ(receipt.block_time_unix_ms(), kGenesisTimeMs + 5000);
  EXPECT_EQ(effects.records[0].signed_transfer().SerializeAsString(), transfer.SerializeAsString());
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 7500);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 2500);
  EXPECT_EQ(chain_.Next(alice_), 1u);
  EXPECT_EQ(chain_.Next(bob_), 0u);
  // Only the two balances and one sequence were written.
  EXPECT_EQ(effects.balances.size(), 2u);
  EXPECT_EQ(effects.next_sequences.size(), 1u);
  ExpectAssetsSumToZero();
}

// Each rejection outcome: the transfer gets exactly that outcome, no balance
// moves, and the sequence is consumed except for BAD_SEQUENCE (a sequence
// below the next; one above it is skipped with no record, tested below).
TEST_F(ExecutorTest, EachOutcomeAndWhetherItConsumesTheSequence) {
  const uint64_t block_time = kGenesisTimeMs + 1000;
  struct Case {
    std::string name;
    const SigningKey* from;
    const SigningKey* to;
    TransferSpec spec;
    v1::Outcome expected;
    bool consumes_sequence;
  };
  const std::vector<Case> cases = {
      {"unknown asset", &alice_, &bob_, {.asset = "JPY"}, v1::UNKNOWN_ASSET, true},
      {"expired", &alice_, &bob_, {.expiry_unix_ms = block_time - 1}, v1::EXPIRED, true},
      {"expired at 0", &alice_, &bob_, {.expiry_unix_ms = 0}, v1::EXPIRED, true},
      {"above the limit", &alice_, &bob_, {.amount_minor = 1000001}, v1::LIMIT_EXCEEDED, true},
      {"more than the balance",
       &alice_,
       &bob_,
       {.amount_minor = 10001},
       v1::INSUFFICIENT_FUNDS,
       true},
      {"balance but not the fee",
       &alice_,
       &bob_,
       {.amount_minor = 10000, .fee_minor = 1},
       v1::INSUFFICIENT_FUNDS,
       true},
      {"empty account", &bob_, &alice_, {.amount_minor = 1}, v1::INSUFFICIENT_FUNDS, true},
      {"issuer of another asset",
       &eur_issuer_,
       &alice_,
       {.amount_minor = 1},
       v1::INSUFFICIENT_FUNDS,
       true},
      {"amount plus fee above 2^63-1",
       &alice_,
       &bob_,
       {.asset = "EUR", .amount_minor = uint64_t{kMax}, .fee_minor = 1},
       v1::INSUFFICIENT_FUNDS,
       true},
      {"recipient reaches int64 max",
       &alice_,
       &whale_,
       {.asset = "EUR", .amount_minor = 5},
       v1::SETTLED,
       true},
      {"recipient would pass int64 max",
       &alice_,
       &whale_,
       {.asset = "EUR", .amount_minor = 6},
       v1::BALANCE_OVERFLOW,
       true},
      {"issuer would pass int64 min",
       &eur_issuer_,
       &bob_,
       {.asset = "EUR", .amount_minor = 1},
       v1::BALANCE_OVERFLOW,
       true},
      {"issuer amount plus fee overflow",
       &eur_issuer_,
       &bob_,
       {.asset = "EUR", .amount_minor = uint64_t{kMax}, .fee_minor = 1},
       v1::BALANCE_OVERFLOW,
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Chain chain(MakeGenesis());
    const MemoryState before = chain.state();
    const BlockEffects effects = chain.Commit({MakeTransfer(*c.from, *c.to, c.spec)}, block_time);
    ASSERT_EQ(effects.records.size(), 1u);
    EXPECT_EQ(effects.records[0].receipt().outcome(), c.expected)
        << v1::Outcome_Name(effects.records[0].receipt().outcome());
    EXPECT_EQ(chain.Next(*c.from), c.consumes_sequence ? 1u : 0u);
    if (c.expected != v1::SETTLED) {
      EXPECT_TRUE(effects.balances.empty());
      EXPECT_EQ(chain.state().balances, before.balances);
    }
    EXPECT_EQ(AssetSum(chain.state(), "USD"), 0);
    EXPECT_EQ(AssetSum(chain.state(), "EUR"), 0);
  }
}

// Limits are inclusive: an amount equal to the limit, the whole balance, or
// an expiry equal to the block time all settle.
TEST_F(ExecutorTest, BoundariesAreInclusive) {
  const uint64_t block_time = kGenesisTimeMs + 1000;
  EXPECT_EQ(CommitOne(usd_issuer_, bob_, {.amount_minor = 1000000}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(CommitOne(alice_, bob_, {.amount_minor = 10000, .expiry_unix_ms = block_time + 1000})
                .receipt()
                .outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 0);
  const BlockEffects effects = chain_.Commit(
      {MakeTransfer(bob_, carol_, {.amount_minor = 5, .expiry_unix_ms = block_time + 5000})},
      block_time + 5000);
  ASSERT_EQ(effects.records.size(), 1u);
  EXPECT_EQ(effects.records[0].receipt().outcome(), v1::SETTLED);
  ExpectAssetsSumToZero();
}

// A used sequence is BAD_SEQUENCE and one ahead is skipped; neither
// consumes anything: the sender's correct next transfer still settles.
TEST_F(ExecutorTest, BadSequenceLeavesTheSequenceUnconsumed) {
  EXPECT_EQ(CommitOne(alice_, bob_, {.amount_minor = 1}).receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(CommitOne(alice_, bob_, {.amount_minor = 2, .sequence = 0}).receipt().outcome(),
            v1::BAD_SEQUENCE);
  EXPECT_TRUE(chain_.Commit({MakeTransfer(alice_, bob_, {.amount_minor = 3, .sequence = 2})})
                  .records.empty());
  EXPECT_EQ(chain_.Next(alice_), 1u);
  EXPECT_EQ(CommitOne(alice_, bob_, {.amount_minor = 4, .sequence = 1}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Next(alice_), 2u);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 5);
}

// Issue 12's finding: a Byzantine leader that orders a sender's sequence
// n+1 before n must not destroy n+1. The early one is skipped with no
// record (it stays pending), n settles, and n+1 settles in a later block.
TEST_F(ExecutorTest, SequenceAheadIsSkippedWithoutRecordAndSettlesLater) {
  const v1::SignedTransfer first = MakeTransfer(alice_, bob_, {.amount_minor = 1, .sequence = 0});
  const v1::SignedTransfer second = MakeTransfer(alice_, bob_, {.amount_minor = 2, .sequence = 1});
  const BlockEffects reordered = chain_.Commit({second, first});
  ASSERT_EQ(reordered.records.size(), 1u);
  EXPECT_EQ(reordered.records[0].receipt().transfer_id(),
            ToString(ComputeTransferId(first.transfer())));
  EXPECT_EQ(reordered.records[0].receipt().outcome(), v1::SETTLED);
  EXPECT_FALSE(chain_.state().HasTransfer(ComputeTransferId(second.transfer())));
  EXPECT_EQ(chain_.Next(alice_), 1u);
  const BlockEffects later = chain_.Commit({second});
  ASSERT_EQ(later.records.size(), 1u);
  EXPECT_EQ(later.records[0].receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 3);
}

// Within one block, n+1 placed before n is skipped, and placed again after
// n it executes: a skip leaves no mark on the transfer id.
TEST_F(ExecutorTest, SkippedSequenceMayExecuteLaterInTheSameBlock) {
  const v1::SignedTransfer first = MakeTransfer(alice_, bob_, {.amount_minor = 1, .sequence = 0});
  const v1::SignedTransfer second = MakeTransfer(alice_, bob_, {.amount_minor = 2, .sequence = 1});
  const BlockEffects effects = chain_.Commit({second, first, second});
  ASSERT_EQ(effects.records.size(), 2u);
  EXPECT_EQ(effects.records[0].receipt().position(), 1u);
  EXPECT_EQ(effects.records[1].receipt().position(), 2u);
  EXPECT_EQ(effects.records[1].receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Next(alice_), 2u);
}

// Within a block, sequences apply in block order: 0,1,2 all settle; a later
// transfer sees an earlier one's balances; 3 before 2 is skipped (no
// record) rather than failed.
TEST_F(ExecutorTest, TransfersInOneBlockApplyInOrder) {
  const BlockEffects effects = chain_.Commit({
      MakeTransfer(alice_, bob_, {.amount_minor = 6000, .sequence = 0}),
      MakeTransfer(bob_, carol_, {.amount_minor = 6000, .sequence = 0}),
      MakeTransfer(alice_, carol_, {.amount_minor = 4000, .sequence = 1}),
      MakeTransfer(alice_, carol_, {.amount_minor = 1, .sequence = 3}),
      MakeTransfer(alice_, carol_, {.amount_minor = 1, .sequence = 2}),
      MakeTransfer(carol_, alice_, {.amount_minor = 10001, .sequence = 0}),
  });
  ASSERT_EQ(effects.records.size(), 5u);
  const v1::Outcome expected[] = {v1::SETTLED, v1::SETTLED, v1::SETTLED, v1::INSUFFICIENT_FUNDS,
                                  v1::INSUFFICIENT_FUNDS};
  const uint32_t positions[] = {0, 1, 2, 4, 5};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(effects.records[i].receipt().outcome(), expected[i]) << "record " << i;
    EXPECT_EQ(effects.records[i].receipt().position(), positions[i]);
  }
  EXPECT_EQ(chain_.Balance(carol_, "USD"), 10000);
  EXPECT_EQ(chain_.Next(alice_), 3u);
  EXPECT_EQ(chain_.Next(carol_), 1u);
  ExpectAssetsSumToZero();
}

// The issuer may go negative (issuing money); nobody else ever does.
TEST_F(ExecutorTest, OnlyTheIssuerGoesNegative) {
  EXPECT_EQ(CommitOne(usd_issuer_, bob_, {.amount_minor = 50000}).receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Balance(usd_issuer_, "USD"), -60000);
  EXPECT_EQ(CommitOne(bob_, carol_, {.amount_minor = 50001}).receipt().outcome(),
            v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(CommitOne(bob_, carol_, {.amount_minor = 50000, .sequence = 1}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 0);
  // Money returned to the issuer is retired.
  EXPECT_EQ(CommitOne(carol_, usd_issuer_, {.amount_minor = 50000}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(usd_issuer_, "USD"), -10000);
  for (const auto& [key, value] : chain_.state().balances) {
    if (key.account != usd_issuer_.public_key() && key.account != eur_issuer_.public_key()) {
      EXPECT_GE(value, 0);
    }
  }
  ExpectAssetsSumToZero();
}

// A fee moves from the sender to the asset's issuer, on top of the amount,
// also when the issuer is the recipient or the sender.
TEST_F(ExecutorTest, FeeGoesToTheIssuer) {
  EXPECT_EQ(CommitOne(alice_, bob_, {.amount_minor = 1000, .fee_minor = 25}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 10000 - 1025);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 1000);
  EXPECT_EQ(chain_.Balance(usd_issuer_, "USD"), -10000 + 25);

  EXPECT_EQ(CommitOne(alice_, usd_issuer_, {.amount_minor = 100, .sequence = 1, .fee_minor = 5})
                .receipt()
                .outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(alice_, "USD"), 10000 - 1025 - 105);
  EXPECT_EQ(chain_.Balance(usd_issuer_, "USD"), -10000 + 25 + 105);

  EXPECT_EQ(CommitOne(usd_issuer_, bob_, {.amount_minor = 100, .fee_minor = 5}).receipt().outcome(),
            v1::SETTLED);
  EXPECT_EQ(chain_.Balance(usd_issuer_, "USD"), -10000 + 25 + 105 - 100);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 1100);
  ExpectAssetsSumToZero();
}

// The same transfer twice in one block gets one record and consumes one
// sequence; included again in a later block it is skipped with no record
// and no effect at all.
TEST_F(ExecutorTest, DuplicateTransferIsSkippedWithoutRecord) {
  const v1::SignedTransfer transfer = MakeTransfer(alice_, bob_, {.amount_minor = 100});
  const v1::SignedTransfer next = MakeTransfer(alice_, bob_, {.amount_minor = 7, .sequence = 1});
  const BlockEffects first = chain_.Commit({transfer, transfer, next, transfer});
  ASSERT_EQ(first.records.size(), 2u);
  EXPECT_EQ(first.records[0].receipt().position(), 0u);
  EXPECT_EQ(first.records[1].receipt().position(), 2u);
  EXPECT_EQ(first.records[1].receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 107);
  EXPECT_EQ(chain_.Next(alice_), 2u);

  const BlockEffects later = chain_.Commit({transfer, next});
  EXPECT_TRUE(later.records.empty());
  EXPECT_TRUE(later.balances.empty());
  EXPECT_TRUE(later.next_sequences.empty());
  EXPECT_EQ(chain_.Balance(bob_, "USD"), 107);
  EXPECT_EQ(chain_.Next(alice_), 2u);
}

// A rejected transfer is final too: once a transfer has an outcome
// (here INSUFFICIENT_FUNDS), including it again does nothing, even when it
// would now succeed; the sender must sign a new transfer (a new id).
TEST_F(ExecutorTest, RejectedTransferIsFinalForItsId) {
  const v1::SignedTransfer poor = MakeTransfer(bob_, carol_, {.amount_minor = 1});
  EXPECT_EQ(chain_.Commit({poor}).records[0].receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(chain_.Commit({MakeTransfer(alice_, bob_, {.amount_minor = 2})})
                .records[0]
                .receipt()
                .outcome(),
            v1::SETTLED);
  EXPECT_TRUE(chain_.Commit({poor}).records.empty());
  EXPECT_EQ(chain_.Next(bob_), 1u);
  EXPECT_EQ(chain_.state().records.at(ComputeTransferId(poor.transfer())).receipt().outcome(),
            v1::INSUFFICIENT_FUNDS);
}

// Execution is a pure function: the same block on the same state gives the
// same effects byte for byte; a different block gives a different state hash.
TEST_F(ExecutorTest, ExecutionIsDeterministic) {
  const std::vector<v1::SignedTransfer> transfers = {
      MakeTransfer(alice_, bob_, {.amount_minor = 10, .fee_minor = 1}),
      MakeTransfer(alice_, carol_, {.amount_minor = 20, .sequence = 1}),
      MakeTransfer(bob_, carol_, {.amount_minor = 5}),
      MakeTransfer(alice_, carol_, {.asset = "JPY", .amount_minor = 1, .sequence = 2}),
  };
  const v1::Block block = chain_.NextBlock(transfers, kGenesisTimeMs + 1000);
  const BlockEffects first = chain_.Execute(block);
  const BlockEffects second = chain_.Execute(block);
  EXPECT_EQ(Serialize(first), Serialize(second));
  EXPECT_EQ(first.state_hash, second.state_hash);
  EXPECT_EQ(first.state_hash, ComputeStateHash(chain_.state().state_hash, first));

  // An independent replica built from the same genesis agrees.
  const Chain replica(MakeGenesis());
  EXPECT_EQ(Serialize(replica.Execute(replica.NextBlock(transfers, kGenesisTimeMs + 1000))),
            Serialize(first));

  // The state hash commits to the state, not the block: another block time
  // that changes no outcome changes only the block hash...
  const BlockEffects later = chain_.Execute(chain_.NextBlock(transfers, kGenesisTimeMs + 1001));
  EXPECT_NE(later.block_hash, first.block_hash);
  EXPECT_EQ(later.state_hash, first.state_hash);
  // ...while another outcome, order, set of transfers or parent changes it.
  EXPECT_NE(chain_.Execute(chain_.NextBlock(transfers, kFarFutureMs + 1)).state_hash,
            first.state_hash);
  const std::vector<v1::SignedTransfer> reordered = {transfers[1], transfers[0], transfers[2],
                                                     transfers[3]};
  EXPECT_NE(chain_.Execute(chain_.NextBlock(reordered, kGenesisTimeMs + 1000)).state_hash,
            first.state_hash);
  EXPECT_NE(chain_.Execute(chain_.NextBlock({transfers[0]}, kGenesisTimeMs + 1000)).state_hash,
            first.state_hash);
  EXPECT_NE(ComputeStateHash(Hash32{1}, first), first.state_hash);
}

// ExecuteBlock's preconditions are checked: a block whose parent state hash
// or payload hash is wrong aborts rather than executing.
TEST_F(ExecutorTest, PreconditionsAreEnforced) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  v1::Block wrong_parent = chain_.NextBlock({}, kGenesisTimeMs + 1000);
  wrong_parent.mutable_header()->set_parent_state_hash(std::string(32, '\x01'));
  EXPECT_DEATH(chain_.Execute(wrong_parent), "parent_state_hash");
  v1::Block wrong_payload =
      chain_.NextBlock({MakeTransfer(alice_, bob_, {.amount_minor = 1})}, kGenesisTimeMs + 1000);
  wrong_payload.mutable_transfers(0)->mutable_transfer()->set_amount_minor(2);
  EXPECT_DEATH(chain_.Execute(wrong_payload), "CheckBlockShape");
}

// ---------------------------------------------------------------------------
// Property test: random transfers against an independent model of the rules.

// The rules of executor.h written out again, with 128-bit arithmetic.
class Model {
 public:
  explicit Model(const Genesis& genesis) : genesis_(genesis) {
    for (const GenesisBalance& balance : genesis.balances) {
      balances_[{balance.account, balance.asset}] = balance.amount_minor;
    }
  }

  // The outcome of a transfer not seen before, applied to the model;
  // nullopt when its sequence is ahead (skipped, no record).
  std::optional<v1::Outcome> Apply(const v1::Transfer& transfer, uint64_t block_time_ms) {
    const AccountId from = *ToArray<kPublicKeyBytes>(transfer.from(), "from");
    const AccountId to = *ToArray<kPublicKeyBytes>(transfer.to(), "to");
    uint64_t& next = next_sequences_[from];
    if (transfer.sequence() > next) return std::nullopt;
    if (transfer.sequence() < next) return v1::BAD_SEQUENCE;
    ++next;
    const AssetInfo* asset = genesis_.FindAsset(transfer.asset());
    if (asset == nullptr) return v1::UNKNOWN_ASSET;
    if (block_time_ms > transfer.expiry_unix_ms()) return v1::EXPIRED;
    if (transfer.amount_minor() > asset->transfer_max_minor) return v1::LIMIT_EXCEEDED;
    const bool from_issuer = from == asset->issuer;
    const Int128 amount = transfer.amount_minor();
    const Int128 fee = transfer.fee_minor();
    auto balance = [&](const AccountId& account) -> Int128 {
      return balances_[{account, asset->code}];
    };
    if (!from_issuer && balance(from) < amount + fee) return v1::INSUFFICIENT_FUNDS;
    // Sender pays amount + fee, recipient gets the amount, issuer gets the
    // fee; each step must stay inside int64.
    std::map<AccountId, Int128> after;
    after[from] = balance(from) - (amount + fee);
    if (amount + fee > kMax || after[from] < kMin) return v1::BALANCE_OVERFLOW;
    after[to] = balance(to) + amount;
    if (after[to] > kMax) return v1::BALANCE_OVERFLOW;
    if (fee > 0) {
      const Int128 issuer_before =
          after.contains(asset->issuer) ? after[asset->issuer] : balance(asset->issuer);
      after[asset->issuer] = issuer_before + fee;
      if (after[asset->issuer] > kMax) return v1::BALANCE_OVERFLOW;
    }
    for (const auto& [account, value] : after) {
      balances_[{account, asset->code}] = static_cast<int64_t>(value);
    }
    return v1::SETTLED;
  }

  int64_t Balance(const AccountId& account, const std::string& asset) const {
    const auto it = balances_.find({account, asset});
    return it == balances_.end() ? 0 : it->second;
  }
  uint64_t Next(const AccountId& account) const {
    const auto it = next_sequences_.find(account);
    return it == next_sequences_.end() ? 0 : it->second;
  }

 private:
  const Genesis& genesis_;
  std::map<BalanceKey, int64_t> balances_;
  std::map<AccountId, uint64_t> next_sequences_;
};

uint64_t PropertySeed() {
  const char* text = std::getenv("REMIT_PROPERTY_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : 20250101;
}

// Thousands of random transfers (huge amounts, wrong sequences, expired,
// unknown assets, fees, duplicates) over many blocks. After every block:
// every asset sums to zero, no non-issuer is negative, every new transfer
// has exactly one record, duplicates none, sequences advance by the number
// of non-BAD_SEQUENCE records, and outcomes and balances match the model.
// On failure, rerun with REMIT_PROPERTY_SEED=<seed printed below>.
TEST(ExecutorPropertyTest, RandomBlocksKeepTheInvariants) {
  const uint64_t seed = PropertySeed();
  SCOPED_TRACE(StrCat("property seed ", seed, " (rerun: REMIT_PROPERTY_SEED=", seed, ")"));
  std::mt19937_64 random(seed);
  auto chance = [&random](double p) { return std::uniform_real_distribution<>(0, 1)(random) < p; };
  auto uniform = [&random](uint64_t low, uint64_t high) {
    return std::uniform_int_distribution<uint64_t>(low, high)(random);
  };

  constexpr int kAccounts = 20;
  std::vector<SigningKey> keys;
  for (int i = 0; i < kAccounts; ++i) keys.push_back(Key(static_cast<uint8_t>(100 + i)));
  const std::vector<std::string> assets = {"USD", "PHP", "MXN"};
  Genesis genesis;
  genesis.chain_id = "remit-test";
  genesis.genesis_time_unix_ms = kGenesisTimeMs;
  genesis.validators = {{Key(30).public_key(), "127.0.0.1:7100"}};
  const uint64_t limits[] = {5000000, uint64_t{kMax}, 1000};
  for (size_t a = 0; a < assets.size(); ++a) {
    const AccountId issuer = keys[a].public_key();  // accounts 0..2 issue
    genesis.assets.push_back({assets[a], 2, issuer, limits[a]});
    int64_t issued = 0;
    for (int i = 3; i < kAccounts; ++i) {
      if (!chance(0.6)) continue;
      // PHP holders start close to the int64 edge, to reach BALANCE_OVERFLOW.
      const int64_t amount =
          a == 1 && i == 3 ? kMax / 2 : static_cast<int64_t>(uniform(0, 10000000));
      genesis.balances.push_back({keys[i].public_key(), assets[a], amount});
      issued += amount;
    }
    genesis.balances.push_back({issuer, assets[a], -issued});
  }
  ASSERT_TRUE(ValidateGenesis(genesis).ok()) << ValidateGenesis(genesis);

  Chain chain(genesis);
  Model model(chain.genesis());
  std::vector<v1::SignedTransfer> history;
  uint64_t time_ms = kGenesisTimeMs;
  std::map<v1::Outcome, int> outcome_counts;
  int skipped = 0;
  int skipped_ahead = 0;

  for (int height = 1; height <= 150; ++height) {
    time_ms += uniform(0, 3000);
    std::map<AccountId, uint64_t> predicted;  // next sequence, counting this block
    std::vector<v1::SignedTransfer> transfers;
    const int count = static_cast<int>(uniform(0, 40));
    for (int n = 0; n < count; ++n) {
      if (!history.empty() && chance(0.04)) {  // a duplicate, old or recent
        transfers.push_back(history[uniform(0, history.size() - 1)]);
        continue;
      }
      const size_t from_index = uniform(0, kAccounts - 1);
      size_t to_index = uniform(0, kAccounts - 2);
      if (to_index >= from_index) ++to_index;
      const SigningKey& from = keys[from_index];
      const std::string asset = chance(0.03) ? "JPY" : assets[uniform(0, assets.size() - 1)];
      TransferSpec spec;
      spec.asset = asset;
      const int64_t held = model.Balance(from.public_key(), asset);
      const double kind = std::uniform_real_distribution<>(0, 1)(random);
      if (kind < 0.55) {
        spec.amount_minor = uniform(1, 5000);
      } else if (kind < 0.75) {
        spec.amount_minor = held > 0 ? uniform(1, static_cast<uint64_t>(held)) : 1;
      } else if (kind < 0.85) {
        spec.amount_minor = uniform(uint64_t{1} << 62, uint64_t{kMax});
      } else if (kind < 0.95) {
        spec.amount_minor =
            chain.genesis().FindAsset(asset) != nullptr
                ? std::min<uint64_t>(
                      chain.genesis().FindAsset(asset)->transfer_max_minor + uniform(0, 1),
                      uint64_t{kMax})
                : 7;
      } else {
        spec.amount_minor = uint64_t{kMax};
      }
      const double fee_kind = std::uniform_real_distribution<>(0, 1)(random);
      spec.fee_minor = fee_kind < 0.75   ? 0
                       : fee_kind < 0.95 ? uniform(1, 100)
                                         : uniform(1, uint64_t{kMax});
      auto [it, inserted] = predicted.try_emplace(from.public_key(), 0);
      if (inserted) it->second = chain.Next(from);
      if (chance(0.85)) {
        spec.sequence = it->second++;
      } else {
        const uint64_t wrong[] = {it->second + 1, it->second + uniform(2, 5),
                                  it->second > 0 ? it->second - 1 : 7, UINT64_MAX - 1};
        spec.sequence = wrong[uniform(0, 3)];
      }
      const double expiry_kind = std::uniform_real_distribution<>(0, 1)(random);
      spec.expiry_unix_ms = expiry_kind < 0.85   ? time_ms + uniform(0, 1000000)
                            : expiry_kind < 0.95 ? time_ms - uniform(1, 100000)
                                                 : time_ms;
      spec.memo = chance(0.1) ? "gracias \xe2\x82\xb1" : "";
      transfers.push_back(MakeTransfer(from, keys[to_index], spec));
      history.push_back(transfers.back());
    }

    // Expected records: one per transfer whose id is new and whose
    // sequence is not ahead, in block order, with the model's outcome.
    const MemoryState before = chain.state();
    std::vector<int> expected_positions;
    std::vector<v1::Outcome> expected_outcomes;
    std::set<TransferId> seen;
    std::map<AccountId, uint64_t> consumed;
    for (int position = 0; position < static_cast<int>(transfers.size()); ++position) {
      const TransferId id = ComputeTransferId(transfers[position].transfer());
      if (before.HasTransfer(id) || seen.contains(id)) {
        ++skipped;
        continue;
      }
      const std::optional<v1::Outcome> outcome =
          model.Apply(transfers[position].transfer(), time_ms);
      if (!outcome) {
        ++skipped_ahead;
        continue;
      }
      seen.insert(id);
      expected_positions.push_back(position);
      expected_outcomes.push_back(*outcome);
    }

    const v1::Block block = chain.NextBlock(transfers, time_ms);
    const BlockEffects effects = chain.CommitBlock(block);
    SCOPED_TRACE(StrCat("height ", height));
    ASSERT_EQ(effects.records.size(), expected_positions.size());
    for (size_t r = 0; r < effects.records.size(); ++r) {
      const v1::Receipt& receipt = effects.records[r].receipt();
      const v1::SignedTransfer& transfer = transfers[expected_positions[r]];
      ASSERT_EQ(receipt.position(), static_cast<uint32_t>(expected_positions[r]));
      ASSERT_EQ(receipt.transfer_id(), ToString(ComputeTransferId(transfer.transfer())));
      const v1::Outcome expected = expected_outcomes[r];
      ASSERT_EQ(receipt.outcome(), expected)
          << "position " << r << ": got " << v1::Outcome_Name(receipt.outcome()) << ", model says "
          << v1::Outcome_Name(expected);
      ++outcome_counts[receipt.outcome()];
      if (receipt.outcome() != v1::BAD_SEQUENCE) {
        ++consumed[*ToArray<kPublicKeyBytes>(transfer.transfer().from(), "from")];
      }
    }

    // Every asset sums to zero; only issuers are negative; balances match the model.
    for (const std::string& asset : assets) ASSERT_EQ(AssetSum(chain.state(), asset), 0) << asset;
    for (const auto& [key, value] : chain.state().balances) {
      const AssetInfo* asset = chain.genesis().FindAsset(key.asset);
      ASSERT_NE(asset, nullptr) << "balance in unknown asset " << key.asset;
      if (key.account != asset->issuer) {
        ASSERT_GE(value, 0);
      }
      ASSERT_EQ(value, model.Balance(key.account, key.asset));
    }
    // Sequences advance by exactly the records that consumed them.
    for (const SigningKey& key : keys) {
      const AccountId& account = key.public_key();
      const uint64_t advanced = chain.state().NextSequence(account) - before.NextSequence(account);
      ASSERT_EQ(advanced, consumed[account]);
      ASSERT_EQ(chain.state().NextSequence(account), model.Next(account));
    }
    // Re-executing the block on the parent state gives the same bytes.
    if (height % 10 == 0) {
      ASSERT_EQ(Serialize(ExecuteBlock(chain.genesis(), before, before.state_hash, block)),
                Serialize(effects));
    }
  }

  // The run really exercised every outcome and the duplicate path.
  for (v1::Outcome outcome : {v1::SETTLED, v1::INSUFFICIENT_FUNDS, v1::UNKNOWN_ASSET, v1::EXPIRED,
                              v1::LIMIT_EXCEEDED, v1::BALANCE_OVERFLOW, v1::BAD_SEQUENCE}) {
    EXPECT_GT(outcome_counts[outcome], 0) << v1::Outcome_Name(outcome);
  }
  EXPECT_GT(skipped, 0);
  EXPECT_GT(skipped_ahead, 0);
  int total = 0;
  for (const auto& [outcome, n] : outcome_counts) total += n;
  EXPECT_GT(total, 2000);
  std::string summary;
  for (const auto& [outcome, n] : outcome_counts)
    summary += StrCat(v1::Outcome_Name(outcome), "=", n, " ");
  std::printf("seed %llu: %d records, %d duplicates skipped: %s\n",
              static_cast<unsigned long long>(seed), total, skipped, summary.c_str());
}

}  // namespace
}  // namespace remit
