// NodeServer's startup checks of the consensus safety store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "node/config.h"
#include "node/consensus/core.h"
#include "node/consensus/mem_safety_storage.h"
#include "node/node_server.h"
#include "node/store_ledger.h"
#include "tests/node/core_cluster.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

namespace remit::testing {
namespace {

// Commits one block into the ledger at `data_dir` as a single validator
// would, with safety data kept elsewhere (in memory).
void CommitOneBlock(const TestChain& chain, const std::string& data_dir) {
  StoreOptions options;
  options.path = data_dir;
  auto store = LedgerStore::Open(options, chain.genesis);
  ASSERT_TRUE(store.ok()) << store.status();
  StoreLedger ledger(**store);
  MemSafetyStorage safety;
  Mempool mempool{NodeLimits()};
  SystemClock clock;
  ConsensusCore core(chain.genesis, chain.validators[0], ledger, safety, mempool, clock,
                     ConsensusOptions());
  const v1::SignedTransfer transfer =
      chain.Transfer(chain.users[0], chain.users[1].public_key(), 1, 0);
  ASSERT_TRUE(mempool.Add(PendingOf(transfer), 0, clock.NowUnixMs()).ok());
  CoreOutput out;
  core.Start(out);
  for (int i = 0; i < 10 && (*store)->committed_height() == 0; ++i) {
    core.OnTick(out);
    core.FlushCommits(out);
  }
  ASSERT_GE((*store)->committed_height(), 1u);
}

// Proves that lost safety storage is noticed: a ledger past genesis beside
// an empty consensus store (deleted, or never copied with the ledger)
// refuses to start, saying what happened and what to do, instead of
// starting at last_voted_round 0.
TEST(NodeStartupTest, EmptySafetyStoreBesideACommittedLedgerRefusesToStart) {
  const TestChain chain = TestChain::Make(2, 1);
  NodeFiles files("startup", chain.genesis, chain.validators[0]);
  CommitOneBlock(chain, files.config().data_dir);
  std::filesystem::remove_all(files.config().data_dir + ".consensus");
  auto node = NodeServer::Start(files.config());
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.status().code(), absl::StatusCode::kFailedPrecondition) << node.status();
  EXPECT_NE(node.status().message().find(".consensus"), std::string::npos) << node.status();
}

// A new validator, and one restarted with its safety store, start.
TEST(NodeStartupTest, NewAndRestartedValidatorsStart) {
  const TestChain chain = TestChain::Make(2, 1);
  NodeFiles files("startup", chain.genesis, chain.validators[0]);
  for (int start = 0; start < 2; ++start) {
    auto node = NodeServer::Start(files.config());
    ASSERT_TRUE(node.ok()) << node.status();
  }
}

// The leader election parameters are chain parameters now: a node.toml that
// still sets them is refused with a message pointing at genesis.json.
TEST(NodeStartupTest, LeaderElectionKeysInNodeTomlAreRefused) {
  const TestChain chain = TestChain::Make(1, 1);
  NodeFiles files("startup", chain.genesis, chain.validators[0]);
  const std::string path = files.dir() + "/node.toml";
  std::ofstream(path) << "data_dir = \"data\"\ngenesis = \"genesis.json\"\n"
                      << "key_file = \"validator.key\"\nlisten = \"127.0.0.1:0\"\n"
                      << "[consensus]\nleader_exclude_rounds = 4\n";
  const auto config = LoadNodeConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("genesis.json"), std::string::npos) << config.status();
}

}  // namespace
}  // namespace remit::testing
