#include "ledger/store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "ledger/memory_state.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

constexpr uint64_t kGenesisTimeUnixMs = 1'700'000'000'000;
constexpr uint64_t kBlockIntervalMs = 1000;
constexpr uint64_t kExpiryAfterMs = 60'000;
constexpr int64_t kUserStartUsdMinor = 1'000'000;
constexpr int64_t kUserStartEurMinor = 500'000;
constexpr size_t kUserCount = 4;
constexpr uint64_t kWorkloadTransfersPerBlockMax = 8;
constexpr uint64_t kWorkloadAmountMinorMax = 400'000;

constexpr const char* kCrashChildDirEnv = "REMIT_STORE_CRASH_CHILD_DIR";
constexpr const char* kCrashChildFdEnv = "REMIT_STORE_CRASH_CHILD_FD";
constexpr const char* kDeathTestDirEnv = "REMIT_STORE_DEATH_TEST_DIR";
constexpr uint64_t kCrashChildBlocksMax = 100'000;
constexpr int kCrashRounds = 5;

SigningKey KeyFromByte(uint8_t byte) {
  Seed seed;
  seed.fill(byte);
  return SigningKey::FromSeed(seed);
}

// A chain for tests: keys[0] issues USD, keys[1] issues EUR, the rest are
// users holding both.
struct TestChain {
  Genesis genesis;
  std::vector<SigningKey> keys;
  SigningKey validator = KeyFromByte(200);

  const AccountId& account(size_t index) const { return keys.at(index).public_key(); }
};

TestChain MakeChain(const std::string& chain_id = "remit-test") {
  TestChain chain;
  for (uint8_t i = 0; i < 2 + kUserCount; ++i)
    chain.keys.push_back(KeyFromByte(static_cast<uint8_t>(i + 1)));
  Genesis& genesis = chain.genesis;
  genesis.chain_id = chain_id;
  genesis.genesis_time_unix_ms = kGenesisTimeUnixMs;
  genesis.assets.push_back({"USD", 2, chain.account(0), 300'000});
  genesis.assets.push_back({"EUR", 2, chain.account(1), 300'000});
  genesis.balances.push_back({chain.account(0), "USD", -kUserStartUsdMinor * int64_t{kUserCount}});
  genesis.balances.push_back({chain.account(1), "EUR", -kUserStartEurMinor * int64_t{kUserCount}});
  for (size_t i = 2; i < chain.keys.size(); ++i) {
    genesis.balances.push_back({chain.account(i), "USD", kUserStartUsdMinor});
    genesis.balances.push_back({chain.account(i), "EUR", kUserStartEurMinor});
  }
  genesis.validators.push_back({chain.validator.public_key(), "127.0.0.1:7100"});
  REMIT_CHECK(ValidateGenesis(genesis).ok());
  return chain;
}

uint64_t BlockTime(uint64_t height) { return kGenesisTimeUnixMs + height * kBlockIntervalMs; }

v1::SignedTransfer MakeTransfer(const TestChain& chain, size_t from, size_t to,
                                const std::string& asset, uint64_t amount_minor, uint64_t sequence,
                                uint64_t expiry_unix_ms, const std::string& memo) {
  v1::Transfer transfer;
  transfer.set_chain_id(chain.genesis.chain_id);
  transfer.set_genesis_hash(ToString(GenesisHash(chain.genesis)));
  transfer.set_from(ToString(chain.account(from)));
  transfer.set_to(ToString(chain.account(to)));
  transfer.set_asset(asset);
  transfer.set_amount_minor(amount_minor);
  transfer.set_sequence(sequence);
  transfer.set_expiry_unix_ms(expiry_unix_ms);
  transfer.set_memo(memo);
  return SignTransfer(transfer, chain.keys.at(from));
}

v1::Block MakeBlock(const TestChain& chain, uint64_t height, const Hash32& parent_hash,
                    const Hash32& parent_state_hash,
                    const std::vector<v1::SignedTransfer>& transfers) {
  v1::Block block;
  v1::BlockHeader& header = *block.mutable_header();
  header.set_chain_id(chain.genesis.chain_id);
  header.set_height(height);
  header.set_round(height);
  header.set_parent_hash(ToString(parent_hash));
  header.set_timestamp_unix_ms(BlockTime(height));
  header.set_parent_state_hash(ToString(parent_state_hash));
  header.set_proposer(ToString(chain.validator.public_key()));
  for (const v1::SignedTransfer& transfer : transfers) *block.add_transfers() = transfer;
  header.set_payload_hash(ToString(ComputePayloadHash(block)));
  return block;
}

// The deterministic transfers of block `height` on top of `state`: mostly
// valid payments, plus duplicates, bad sequences, expired transfers, unknown
// assets and (by chance) insufficient funds.
std::vector<v1::SignedTransfer> WorkloadTransfers(const TestChain& chain, const StateReader& state,
                                                  uint64_t height) {
  std::mt19937_64 rng(height);
  std::map<size_t, uint64_t> next_sequences;
  std::vector<v1::SignedTransfer> transfers;
  const uint64_t count = 1 + rng() % kWorkloadTransfersPerBlockMax;
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t kind = rng() % 16;
    if (kind == 0 && !transfers.empty()) {
      transfers.push_back(transfers.back());  // a duplicate: skipped, no record
      continue;
    }
    const size_t from = rng() % chain.keys.size();
    const size_t to = (from + 1 + rng() % (chain.keys.size() - 1)) % chain.keys.size();
    auto it = next_sequences.find(from);
    if (it == next_sequences.end()) {
      it = next_sequences.emplace(from, state.NextSequence(chain.account(from))).first;
    }
    uint64_t sequence = it->second;
    if (kind == 1) {
      sequence += 3;  // ahead of the next: skipped with no record
    } else {
      ++it->second;
    }
    const uint64_t expiry = kind == 2 ? BlockTime(height) - 1 : BlockTime(height) + kExpiryAfterMs;
    const std::string asset = kind == 3 ? "GBP" : (rng() % 2 == 0 ? "USD" : "EUR");
    const uint64_t amount = 1 + rng() % kWorkloadAmountMinorMax;
    transfers.push_back(MakeTransfer(chain, from, to, asset, amount, sequence, expiry,
                                     "h" + std::to_string(height) + " i" + std::to_string(i)));
  }
  return transfers;
}

// Builds the next block from `transfers`, executes it on the store and on the
// model, checks both agree, and commits it to both.
BlockEffects CommitNext(LedgerStore& store, MemoryState& model, const TestChain& chain,
                        const std::vector<v1::SignedTransfer>& transfers) {
  const uint64_t height = store.committed_height() + 1;
  const v1::Block block = MakeBlock(chain, height, store.committed_block_hash(),
                                    store.committed_state_hash(), transfers);
  const BlockEffects effects =
      ExecuteBlock(chain.genesis, store, store.committed_state_hash(), block);
  const BlockEffects model_effects = ExecuteBlock(chain.genesis, model, model.state_hash, block);
  EXPECT_EQ(effects.state_hash, model_effects.state_hash);
  const absl::Status status = store.Commit(block, effects);
  EXPECT_TRUE(status.ok()) << status;
  model.Apply(model_effects);
  return effects;
}

// Replays the deterministic workload on the model up to `height`.
MemoryState ReplayWorkload(const TestChain& chain, uint64_t height) {
  MemoryState model(chain.genesis);
  for (uint64_t h = 1; h <= height; ++h) {
    const v1::Block block =
        MakeBlock(chain, h, model.block_hash, model.state_hash, WorkloadTransfers(chain, model, h));
    model.Apply(ExecuteBlock(chain.genesis, model, model.state_hash, block));
  }
  return model;
}

// Everything the store reports equals the model, and every asset sums to zero.
void ExpectStoreMatches(const LedgerStore& store, const MemoryState& model,
                        const TestChain& chain) {
  EXPECT_EQ(store.committed_height(), model.height);
  EXPECT_EQ(store.committed_block_hash(), model.block_hash);
  EXPECT_EQ(store.committed_state_hash(), model.state_hash);
  EXPECT_EQ(store.transfers_committed(), model.records.size());
  std::map<std::string, int64_t> sums;
  for (size_t i = 0; i < chain.keys.size(); ++i) {
    const AccountId& account = chain.account(i);
    EXPECT_EQ(store.NextSequence(account), model.NextSequence(account)) << "account " << i;
    const v1::Account view = store.GetAccount(account);
    EXPECT_EQ(view.account(), ToString(account));
    EXPECT_EQ(view.next_sequence(), model.NextSequence(account));
    size_t nonzero = 0;
    for (const AssetInfo& asset : chain.genesis.assets) {
      const int64_t expected = model.Balance({account, asset.code});
      EXPECT_EQ(store.Balance({account, asset.code}), expected) << i << " " << asset.code;
      if (expected != 0) ++nonzero;
      sums[asset.code] += expected;
    }
    EXPECT_EQ(static_cast<size_t>(view.balances_size()), nonzero);
    for (const v1::AssetBalance& balance : view.balances()) {
      EXPECT_EQ(balance.balance_minor(), model.Balance({account, balance.asset()}));
      EXPECT_EQ(balance.decimals(), chain.genesis.FindAsset(balance.asset())->decimals);
    }
  }
  for (const auto& [asset, sum] : sums) EXPECT_EQ(sum, 0) << asset;
  for (const auto& [id, record] : model.records) {
    EXPECT_TRUE(store.HasTransfer(id));
    const absl::StatusOr<v1::TransferRecord> stored = store.GetTransfer(id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(stored->SerializeAsString(), record.SerializeAsString());
  }
}

// A directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = testing::TempDir() + "remit_store_test_XXXXXX";
    REMIT_CHECK(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<LedgerStore> OpenOrDie(const std::string& path, const Genesis& genesis) {
  absl::StatusOr<std::unique_ptr<LedgerStore>> store = LedgerStore::Open({.path = path}, genesis);
  REMIT_CHECK(store.ok());
  return *std::move(store);
}

class StoreTest : public testing::Test {
 protected:
  TempDir dir_;
  TestChain chain_ = MakeChain();
  MemoryState model_{chain_.genesis};
};

// A new store is at height 0 with the genesis balances, block and state hash.
TEST_F(StoreTest, NewStoreIsAtGenesis) {
  const auto store = OpenOrDie(dir_.path(), chain_.genesis);
  const BlockEffects genesis_effects = GenesisEffects(chain_.genesis);
  EXPECT_EQ(store->committed_height(), 0u);
  EXPECT_EQ(store->committed_state_hash(), genesis_effects.state_hash);
  EXPECT_EQ(store->committed_block_hash(), genesis_effects.block_hash);
  EXPECT_EQ(store->transfers_committed(), 0u);
  EXPECT_EQ(store->Balance({chain_.account(2), "USD"}), kUserStartUsdMinor);
  EXPECT_EQ(store->Balance({chain_.account(0), "USD"}), -kUserStartUsdMinor * int64_t{kUserCount});
  EXPECT_EQ(store->Balance({chain_.account(0), "EUR"}), 0);
  EXPECT_EQ(store->Balance({chain_.account(2), "GBP"}), 0);
  const v1::Account account = store->GetAccount(chain_.account(3));
  ASSERT_EQ(account.balances_size(), 2);
  EXPECT_EQ(account.balances(0).asset(), "EUR");  // key order
  EXPECT_EQ(account.balances(0).decimals(), 2u);
  EXPECT_EQ(account.next_sequence(), 0u);
  const absl::StatusOr<v1::CommittedBlock> block = store->GetBlock(0);
  ASSERT_TRUE(block.ok()) << block.status();
  EXPECT_EQ(block->block().SerializeAsString(), GenesisBlock(chain_.genesis).SerializeAsString());
  EXPECT_EQ(block->state_hash(), ToString(genesis_effects.state_hash));
  ExpectStoreMatches(*store, model_, chain_);
}

// Committed blocks update balances, sequences, records and history, and a
// reopened store returns exactly the same.
TEST_F(StoreTest, CommitUpdatesStateAndSurvivesReopen) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  const uint64_t expiry = BlockTime(10) + kExpiryAfterMs;
  const v1::SignedTransfer pay = MakeTransfer(chain_, 2, 3, "USD", 250, 0, expiry, "rent");
  const BlockEffects first = CommitNext(
      *store, model_, chain_,
      {pay, pay,                                                           // duplicate skipped
       MakeTransfer(chain_, 3, 4, "EUR", 600'000, 0, expiry, "too much"),  // over the limit
       MakeTransfer(chain_, 2, 5, "USD", 10, 0, expiry, "bad seq"),        // sequence 0 is used
       MakeTransfer(chain_, 5, 2, "GBP", 10, 0, expiry, "no such asset")});
  ASSERT_EQ(first.records.size(), 4u);
  EXPECT_EQ(first.records[0].receipt().outcome(), v1::SETTLED);
  EXPECT_EQ(first.records[3].receipt().position(), 4u);
  EXPECT_EQ(first.records[1].receipt().outcome(), v1::LIMIT_EXCEEDED);
  EXPECT_EQ(first.records[2].receipt().outcome(), v1::BAD_SEQUENCE);
  EXPECT_EQ(first.records[3].receipt().outcome(), v1::UNKNOWN_ASSET);
  const BlockEffects second =
      CommitNext(*store, model_, chain_,
                 {MakeTransfer(chain_, 2, 4, "EUR", 299'999, 1, expiry, "half"),
                  MakeTransfer(chain_, 2, 4, "EUR", 299'999, 2, expiry, "broke"),
                  MakeTransfer(chain_, 0, 5, "USD", 123, 0, expiry, "issue"),
                  MakeTransfer(chain_, 4, 3, "EUR", 5, 0, BlockTime(2) - 1, "late")});
  ASSERT_EQ(second.records.size(), 4u);
  EXPECT_EQ(second.records[1].receipt().outcome(), v1::INSUFFICIENT_FUNDS);
  EXPECT_EQ(second.records[3].receipt().outcome(), v1::EXPIRED);
  EXPECT_EQ(store->committed_height(), 2u);
  EXPECT_EQ(store->transfers_committed(), 8u);
  EXPECT_EQ(store->Balance({chain_.account(3), "USD"}), kUserStartUsdMinor + 250);
  EXPECT_EQ(store->Balance({chain_.account(2), "EUR"}), kUserStartEurMinor - 299'999);
  EXPECT_EQ(store->Balance({chain_.account(0), "USD"}),
            -kUserStartUsdMinor * int64_t{kUserCount} - 123);
  EXPECT_EQ(store->NextSequence(chain_.account(2)), 3u);  // BAD_SEQUENCE consumed nothing
  EXPECT_EQ(store->NextSequence(chain_.account(4)), 1u);
  const absl::StatusOr<HistoryPage> history = store->ListTransfers(chain_.account(3), 0, "");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->records.size(), 3u);  // received "rent", sent "too much", received "late"
  EXPECT_EQ(history->records[0].signed_transfer().transfer().memo(), "late");
  EXPECT_EQ(history->records[2].signed_transfer().SerializeAsString(), pay.SerializeAsString());
  ExpectStoreMatches(*store, model_, chain_);

  store.reset();
  store = OpenOrDie(dir_.path(), chain_.genesis);
  ExpectStoreMatches(*store, model_, chain_);
  const absl::StatusOr<HistoryPage> reopened = store->ListTransfers(chain_.account(3), 0, "");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  ASSERT_EQ(reopened->records.size(), history->records.size());
  for (size_t i = 0; i < history->records.size(); ++i) {
    EXPECT_EQ(reopened->records[i].SerializeAsString(), history->records[i].SerializeAsString());
  }
}

// A balance that returns to zero disappears from GetAccount and reads as zero.
TEST_F(StoreTest, ZeroBalanceIsNotListed) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  const uint64_t expiry = BlockTime(5) + kExpiryAfterMs;
  CommitNext(*store, model_, chain_,
             {MakeTransfer(chain_, 2, 1, "EUR", kUserStartEurMinor / 2, 0, expiry, "half"),
              MakeTransfer(chain_, 2, 1, "EUR", kUserStartEurMinor / 2, 1, expiry, "the rest")});
  EXPECT_EQ(store->Balance({chain_.account(2), "EUR"}), 0);
  const v1::Account account = store->GetAccount(chain_.account(2));
  ASSERT_EQ(account.balances_size(), 1);
  EXPECT_EQ(account.balances(0).asset(), "USD");
  ExpectStoreMatches(*store, model_, chain_);
}

// A data dir created from one genesis refuses to open with another.
TEST_F(StoreTest, ReopenWithAnotherGenesisFails) {
  OpenOrDie(dir_.path(), chain_.genesis).reset();
  const TestChain other = MakeChain("remit-other");
  const absl::StatusOr<std::unique_ptr<LedgerStore>> store =
      LedgerStore::Open({.path = dir_.path()}, other.genesis);
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  const std::string message(store.status().message());
  EXPECT_NE(message.find(ToHex(GenesisHash(chain_.genesis))), std::string::npos) << message;
  EXPECT_NE(message.find(ToHex(GenesisHash(other.genesis))), std::string::npos) << message;
  EXPECT_NE(message.find("another chain"), std::string::npos) << message;
}

// A data dir that a live store holds cannot be opened a second time.
TEST_F(StoreTest, SecondOpenOfLiveDirFails) {
  const auto store = OpenOrDie(dir_.path(), chain_.genesis);
  const absl::StatusOr<std::unique_ptr<LedgerStore>> second =
      LedgerStore::Open({.path = dir_.path()}, chain_.genesis);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition) << second.status();
}

// History pages come newest first, chain through tokens, and together list
// every transfer the account sent or received exactly once.
TEST_F(StoreTest, ListTransfersPagesNewestFirst) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  constexpr uint64_t kBlocks = 12;
  for (uint64_t h = 1; h <= kBlocks; ++h) {
    CommitNext(*store, model_, chain_, WorkloadTransfers(chain_, *store, h));
  }
  ExpectStoreMatches(*store, model_, chain_);
  const AccountId& account = chain_.account(2);
  std::vector<std::pair<uint64_t, uint32_t>> expected;
  for (const auto& [id, record] : model_.records) {
    const v1::Transfer& transfer = record.signed_transfer().transfer();
    if (transfer.from() == AsBytes(account) || transfer.to() == AsBytes(account)) {
      expected.emplace_back(record.receipt().height(), record.receipt().position());
    }
  }
  std::sort(expected.rbegin(), expected.rend());
  ASSERT_GT(expected.size(), 7u);

  std::vector<std::pair<uint64_t, uint32_t>> listed;
  std::string token;
  size_t pages = 0;
  do {
    const absl::StatusOr<HistoryPage> page = store->ListTransfers(account, 3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->records.size(), 3u);
    ASSERT_FALSE(page->records.empty());
    for (const v1::TransferRecord& record : page->records) {
      listed.emplace_back(record.receipt().height(), record.receipt().position());
    }
    token = page->next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(pages, (expected.size() + 2) / 3);

  // A page that ends exactly at the oldest entry has no token.
  const absl::StatusOr<HistoryPage> whole =
      store->ListTransfers(account, static_cast<uint32_t>(expected.size()), "");
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->records.size(), expected.size());
  EXPECT_TRUE(whole->next_page_token.empty());
  const absl::StatusOr<HistoryPage> default_page = store->ListTransfers(account, 0, "");
  ASSERT_TRUE(default_page.ok()) << default_page.status();
  EXPECT_EQ(default_page->records.size(), std::min<size_t>(kHistoryPageDefault, expected.size()));
  const absl::StatusOr<HistoryPage> nobody =
      store->ListTransfers(chain_.validator.public_key(), 0, "");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_TRUE(nobody->records.empty());
  EXPECT_TRUE(nobody->next_page_token.empty());
}

// Limits above kHistoryPageMax and tokens the store did not hand out are
// INVALID_ARGUMENT.
TEST_F(StoreTest, ListTransfersRejectsBadTokensAndLimits) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  for (uint64_t h = 1; h <= 3; ++h) {
    CommitNext(*store, model_, chain_, WorkloadTransfers(chain_, *store, h));
  }
  const AccountId& account = chain_.account(2);
  EXPECT_EQ(store->ListTransfers(account, kHistoryPageMax + 1, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->ListTransfers(account, kHistoryPageMax, "").ok());
  const absl::StatusOr<HistoryPage> short_token = store->ListTransfers(account, 1, "abc");
  EXPECT_EQ(short_token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(short_token.status().message()).find("page token is not valid"),
            std::string::npos);
  std::string above_height(8, '\0');
  above_height[7] = 9;  // height 9 > committed height 3
  above_height += std::string(4, '\0');
  EXPECT_EQ(store->ListTransfers(account, 1, above_height).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ListTransfers(account, 1, std::string(12, '\0')).status().code(),
            absl::StatusCode::kInvalidArgument);  // height 0 has no transfers
  EXPECT_EQ(store->ListTransfers(account, 1, std::string(13, '\0')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// GetBlock returns each committed block with its hashes; above the committed
// height is NOT_FOUND, as is an unknown transfer id.
TEST_F(StoreTest, GetBlockAndUnknownTransfer) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  std::vector<v1::Block> blocks;
  for (uint64_t h = 1; h <= 3; ++h) {
    const v1::Block block =
        MakeBlock(chain_, h, store->committed_block_hash(), store->committed_state_hash(),
                  WorkloadTransfers(chain_, *store, h));
    const BlockEffects effects =
        ExecuteBlock(chain_.genesis, *store, store->committed_state_hash(), block);
    ASSERT_TRUE(store->Commit(block, effects).ok());
    blocks.push_back(block);
  }
  for (uint64_t h = 1; h <= 3; ++h) {
    const absl::StatusOr<v1::CommittedBlock> stored = store->GetBlock(h);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(stored->block().SerializeAsString(), blocks[h - 1].SerializeAsString());
    EXPECT_EQ(stored->block_hash(), ToString(ComputeBlockHash(blocks[h - 1].header())));
    if (h < 3) {
      EXPECT_EQ(blocks[h].header().parent_hash(), stored->block_hash());
      EXPECT_EQ(blocks[h].header().parent_state_hash(), stored->state_hash());
    }
  }
  EXPECT_EQ(store->GetBlock(3)->state_hash(), ToString(store->committed_state_hash()));
  EXPECT_EQ(store->GetBlock(4).status().code(), absl::StatusCode::kNotFound);
  TransferId unknown;
  unknown.fill(0x42);
  EXPECT_FALSE(store->HasTransfer(unknown));
  EXPECT_EQ(store->GetTransfer(unknown).status().code(), absl::StatusCode::kNotFound);
}

// Reads from another thread succeed while blocks commit, and the committed
// height they see only grows.
TEST_F(StoreTest, ReadsRunConcurrentlyWithCommit) {
  auto store = OpenOrDie(dir_.path(), chain_.genesis);
  std::atomic<bool> done{false};
  std::thread reader([&] {
    uint64_t last_height = 0;
    while (!done.load()) {
      const uint64_t height = store->committed_height();
      EXPECT_GE(height, last_height);
      last_height = height;
      for (size_t i = 0; i < chain_.keys.size(); ++i) {
        const v1::Account account = store->GetAccount(chain_.account(i));
        EXPECT_LE(account.balances_size(), 2);
        EXPECT_TRUE(store->ListTransfers(chain_.account(i), 5, "").ok());
      }
    }
  });
  for (uint64_t h = 1; h <= 20; ++h) {
    CommitNext(*store, model_, chain_, WorkloadTransfers(chain_, *store, h));
  }
  done.store(true);
  reader.join();
  ExpectStoreMatches(*store, model_, chain_);
}

// Committing a block that does not extend the committed one is a programmer
// error and aborts.
TEST(StoreDeathTest, CommitAtWrongHeightAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The death test child re-runs this body in a new process; it works in a
  // directory of the parent's, so that its abort leaves nothing behind.
  std::optional<TempDir> owned_dir;
  std::string path;
  if (const char* parent_dir = getenv(kDeathTestDirEnv); parent_dir != nullptr) {
    path = std::string(parent_dir) + "/child";
  } else {
    owned_dir.emplace();
    path = owned_dir->path();
    setenv(kDeathTestDirEnv, path.c_str(), 1);
  }
  const TestChain chain = MakeChain();
  EXPECT_DEATH(
      {
        auto store = OpenOrDie(path, chain.genesis);
        const v1::Block block =
            MakeBlock(chain, 2, store->committed_block_hash(), store->committed_state_hash(), {});
        const BlockEffects effects =
            ExecuteBlock(chain.genesis, *store, store->committed_state_hash(), block);
        (void)store->Commit(block, effects);
      },
      "invariant failed: header.height\\(\\) == parent.height \\+ 1");
  unsetenv(kDeathTestDirEnv);
}

// The child side of the crash test: commits workload blocks as fast as it can
// and reports each commit with one byte on a pipe, until it is killed. Runs in
// a fresh process (see StoreCrashTest), so no RocksDB thread of the parent is
// missing from it.
[[noreturn]] void RunCrashChild(const std::string& path, int report_fd) {
  const TestChain chain = MakeChain();
  absl::StatusOr<std::unique_ptr<LedgerStore>> store =
      LedgerStore::Open({.path = path}, chain.genesis);
  if (!store.ok()) {
    std::fprintf(stderr, "crash child: %s\n", store.status().ToString().c_str());
    _exit(2);
  }
  LedgerStore& ledger = **store;
  for (uint64_t i = 0; i < kCrashChildBlocksMax; ++i) {
    const uint64_t height = ledger.committed_height() + 1;
    const v1::Block block =
        MakeBlock(chain, height, ledger.committed_block_hash(), ledger.committed_state_hash(),
                  WorkloadTransfers(chain, ledger, height));
    const BlockEffects effects =
        ExecuteBlock(chain.genesis, ledger, ledger.committed_state_hash(), block);
    const absl::Status status = ledger.Commit(block, effects);
    if (!status.ok()) {
      std::fprintf(stderr, "crash child: %s\n", status.ToString().c_str());
      _exit(3);
    }
    if (write(report_fd, "c", 1) != 1) _exit(4);
  }
  for (;;) pause();  // wait for the kill
}

// Turns this test binary into the crash child when the parent asks for one.
// Runs from RUN_ALL_TESTS, after main has initialised everything.
class CrashChildEnvironment : public testing::Environment {
 public:
  void SetUp() override {
    const char* dir = getenv(kCrashChildDirEnv);
    const char* fd = getenv(kCrashChildFdEnv);
    if (dir != nullptr && fd != nullptr) RunCrashChild(dir, std::atoi(fd));
  }
};
[[maybe_unused]] testing::Environment* const kCrashChildEnvironment =
    testing::AddGlobalTestEnvironment(new CrashChildEnvironment);

// Starts the crash child on `path`; returns its pid and the read end of its
// report pipe.
std::pair<pid_t, int> StartCrashChild(const std::string& path) {
  int fds[2];
  REMIT_CHECK(pipe(fds) == 0);
  const pid_t pid = fork();
  REMIT_CHECK(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);  // keep gtest's banner out of our output
    setenv(kCrashChildDirEnv, path.c_str(), 1);
    setenv(kCrashChildFdEnv, std::to_string(fds[1]).c_str(), 1);
    // Under TSan: the child's only threads besides its committing one are
    // RocksDB's own, statically linked without TSan, whose synchronisation
    // TSan cannot see (and whose frames it cannot name for a suppression);
    // the commit path itself runs under TSan in the other tests.
    if (const char* tsan = getenv("TSAN_OPTIONS"); tsan != nullptr) {
      setenv("TSAN_OPTIONS", (std::string(tsan) + ":report_bugs=0").c_str(), 1);
    }
    execl("/proc/self/exe", "store_test", "--gtest_filter=StoreCrashTest.*", nullptr);
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads `count` commit reports; false if the child died first.
bool AwaitCommits(int fd, uint64_t count) {
  for (uint64_t seen = 0; seen < count;) {
    char buffer[64];
    const ssize_t got = read(fd, buffer, std::min<uint64_t>(sizeof(buffer), count - seen));
    if (got <= 0) return false;
    seen += static_cast<uint64_t>(got);
  }
  return true;
}

// kill -9 at a random moment while blocks commit leaves the store at some
// height h >= every acknowledged commit, holding exactly blocks 1..h: nothing
// half-applied, nothing lost, every asset summing to zero.
TEST(StoreCrashTest, KillNineLeavesExactlyTheCommittedBlocks) {
  TempDir dir;
  const TestChain chain = MakeChain();
  const std::string path = dir.Sub("db");
  const uint64_t seed = std::random_device()();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  uint64_t acknowledged_height = 0;
  for (int round = 0; round < kCrashRounds; ++round) {
    const auto [pid, report_fd] = StartCrashChild(path);
    const uint64_t commits = 3 + rng() % 20;
    const bool child_alive = AwaitCommits(report_fd, commits);
    usleep(static_cast<useconds_t>(rng() % 20'000));  // land anywhere in a later commit
    kill(pid, SIGKILL);
    int wait_status = 0;
    ASSERT_EQ(waitpid(pid, &wait_status, 0), pid);
    close(report_fd);
    ASSERT_TRUE(child_alive) << "crash child exited early with status " << wait_status;
    ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) << wait_status;
    acknowledged_height += commits;

    const auto store = OpenOrDie(path, chain.genesis);
    const uint64_t height = store->committed_height();
    EXPECT_GE(height, acknowledged_height) << "a synced commit was lost";
    const MemoryState model = ReplayWorkload(chain, height);
    ExpectStoreMatches(*store, model, chain);
    EXPECT_EQ(store->GetBlock(height + 1).status().code(), absl::StatusCode::kNotFound);
    // None of the next block's transfers is in the store.
    const v1::Block next = MakeBlock(chain, height + 1, model.block_hash, model.state_hash,
                                     WorkloadTransfers(chain, model, height + 1));
    for (const v1::SignedTransfer& transfer : next.transfers()) {
      const TransferId id = ComputeTransferId(transfer.transfer());
      EXPECT_EQ(store->HasTransfer(id), model.HasTransfer(id));
    }
    acknowledged_height = height;
  }
}

}  // namespace
}  // namespace remit
