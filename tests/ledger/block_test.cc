#include "ledger/block.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "ledger/memory_state.h"
#include "ledger/transfer.h"
#include "tests/ledger/vector_json.h"

#ifndef REMIT_VECTORS_DIR
#error "REMIT_VECTORS_DIR must name tests/ledger/vectors"
#endif

namespace remit {
namespace {

using json = nlohmann::json;

using testing::HeaderFromJson;
using testing::Unhex;

std::string Hex(const json& value) { return value.get<std::string>(); }

json LoadChainVectors() { return testing::LoadVectorFile("chain_vectors.json"); }

// The genesis hash is BLAKE2b-256 of the canonical JSON given in the
// vectors, and the ledger's canonical form and hash match them.
TEST(ChainVectorsTest, GenesisHashMatches) {
  const json vectors = LoadChainVectors();
  const absl::StatusOr<Genesis> genesis =
      ParseGenesis(vectors.at("genesis_json").get<std::string>());
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  const std::string canonical = vectors.at("genesis_canonical_json").get<std::string>();
  EXPECT_EQ(ToHex(Blake2b256(canonical)), Hex(vectors.at("genesis_hash")));
  EXPECT_EQ(ToHex(GenesisHash(*genesis)), Hex(vectors.at("genesis_hash")));
  // The canonical text parses to the same genesis.
  const absl::StatusOr<Genesis> reparsed = ParseGenesis(canonical);
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(GenesisHash(*reparsed), GenesisHash(*genesis));
}

// The genesis block, its payload hash (no transfers), block hash and state
// hash match the vectors.
TEST(ChainVectorsTest, GenesisBlockMatches) {
  const json vectors = LoadChainVectors();
  const Genesis genesis = *ParseGenesis(vectors.at("genesis_json").get<std::string>());
  const json& expected = vectors.at("block_0");
  const v1::Block block = GenesisBlock(genesis);
  const v1::BlockHeader header = HeaderFromJson(expected.at("header"));
  EXPECT_EQ(block.header().SerializeAsString(), header.SerializeAsString());
  EXPECT_EQ(ToHex(ComputePayloadHash(block)), Hex(expected.at("header").at("payload_hash")));
  EXPECT_EQ(ToHex(ComputeBlockHash(header)), Hex(expected.at("block_hash")));
  const BlockEffects effects = GenesisEffects(genesis);
  EXPECT_EQ(ToHex(effects.block_hash), Hex(expected.at("block_hash")));
  EXPECT_EQ(ToHex(effects.state_hash), Hex(expected.at("state_hash")));
}

// Block 1 carries the "basic" transfer: its payload hash, block hash,
// effects and state hash after execution all match the vectors.
TEST(ChainVectorsTest, BlockOneMatches) {
  const json vectors = LoadChainVectors();
  const Genesis genesis = *ParseGenesis(vectors.at("genesis_json").get<std::string>());
  const json& expected = vectors.at("block_1");
  v1::Block block;
  *block.mutable_header() = HeaderFromJson(expected.at("header"));
  for (const json& item : expected.at("transfers")) {
    v1::SignedTransfer& signed_transfer = *block.add_transfers();
    *signed_transfer.mutable_transfer() =
        testing::TransferFromSigningBytes(Unhex(item.at("signing_bytes")));
    signed_transfer.set_signature(Unhex(item.at("signature")));
    EXPECT_EQ(ToHex(SigningBytes(signed_transfer.transfer())), Hex(item.at("signing_bytes")));
    const absl::StatusOr<TransferId> id =
        CheckTransfer(signed_transfer, genesis.chain_id, GenesisHash(genesis));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(ToHex(*id), Hex(item.at("transfer_id")));
  }
  EXPECT_EQ(ToHex(ComputePayloadHash(block)), Hex(expected.at("header").at("payload_hash")));
  ASSERT_TRUE(CheckBlockShape(block).ok()) << CheckBlockShape(block);
  EXPECT_EQ(ToHex(ComputeBlockHash(block.header())), Hex(expected.at("block_hash")));

  const MemoryState state(genesis);
  const BlockEffects effects = ExecuteBlock(genesis, state, state.state_hash, block);
  EXPECT_EQ(ToHex(effects.block_hash), Hex(expected.at("block_hash")));
  EXPECT_EQ(ToHex(effects.state_hash), Hex(expected.at("state_hash")));

  const json& expected_effects = expected.at("effects");
  ASSERT_EQ(effects.balances.size(), expected_effects.at("balances").size());
  for (const json& balance : expected_effects.at("balances")) {
    const AccountId account = *DecodeAddress(balance.at("account").get<std::string>());
    EXPECT_EQ(effects.balances.at({account, balance.at("asset").get<std::string>()}),
              balance.at("amount_minor").get<int64_t>());
  }
  ASSERT_EQ(effects.next_sequences.size(), expected_effects.at("next_sequences").size());
  for (const json& sequence : expected_effects.at("next_sequences")) {
    const AccountId account = *DecodeAddress(sequence.at("account").get<std::string>());
    EXPECT_EQ(effects.next_sequences.at(account), sequence.at("next_sequence").get<uint64_t>());
  }
  ASSERT_EQ(effects.records.size(), expected_effects.at("records").size());
  EXPECT_EQ(ToHex(effects.records[0].receipt().transfer_id()),
            Hex(expected_effects.at("records")[0].at("transfer_id")));
  EXPECT_EQ(static_cast<int>(effects.records[0].receipt().outcome()),
            expected_effects.at("records")[0].at("outcome").get<int>());
}

// CheckBlockShape refuses wrong-sized header fields, malformed transfers and
// a payload hash that does not match the transfers.
TEST(BlockShapeTest, RefusesMalformedBlocks) {
  const json vectors = LoadChainVectors();
  const Genesis genesis = *ParseGenesis(vectors.at("genesis_json").get<std::string>());
  v1::Block valid;
  *valid.mutable_header() = HeaderFromJson(vectors.at("block_1").at("header"));
  v1::SignedTransfer& transfer = *valid.add_transfers();
  const json& item = vectors.at("block_1").at("transfers")[0];
  *transfer.mutable_transfer() = testing::TransferFromSigningBytes(Unhex(item.at("signing_bytes")));
  transfer.set_signature(Unhex(item.at("signature")));
  ASSERT_TRUE(CheckBlockShape(valid).ok());

  const std::vector<std::pair<std::string, std::function<void(v1::Block&)>>> cases = {
      {"short parent hash",
       [](v1::Block& b) { b.mutable_header()->mutable_parent_hash()->pop_back(); }},
      {"long parent state hash",
       [](v1::Block& b) { b.mutable_header()->mutable_parent_state_hash()->push_back('x'); }},
      {"empty payload hash", [](v1::Block& b) { b.mutable_header()->clear_payload_hash(); }},
      {"short proposer", [](v1::Block& b) { b.mutable_header()->set_proposer("p"); }},
      {"33-byte chain id",
       [](v1::Block& b) { b.mutable_header()->set_chain_id(std::string(33, 'c')); }},
      {"short signature",
       [](v1::Block& b) { b.mutable_transfers(0)->mutable_signature()->pop_back(); }},
      {"short sender",
       [](v1::Block& b) {
         b.mutable_transfers(0)->mutable_transfer()->mutable_from()->pop_back();
       }},
      {"141-byte memo",
       [](v1::Block& b) {
         b.mutable_transfers(0)->mutable_transfer()->set_memo(std::string(141, 'm'));
       }},
      {"transfer changed",
       [](v1::Block& b) { b.mutable_transfers(0)->mutable_transfer()->set_amount_minor(1); }},
      {"signature changed",
       [](v1::Block& b) { (*b.mutable_transfers(0)->mutable_signature())[0] ^= 1; }},
      {"transfer added", [](v1::Block& b) { *b.add_transfers() = b.transfers(0); }},
      {"transfer removed", [](v1::Block& b) { b.clear_transfers(); }},
  };
  for (const auto& [name, edit] : cases) {
    v1::Block block = valid;
    edit(block);
    EXPECT_FALSE(CheckBlockShape(block).ok()) << name;
  }
  v1::Block too_many = valid;
  too_many.clear_transfers();
  for (uint32_t i = 0; i <= kBlockTransfersMax; ++i) *too_many.add_transfers() = transfer;
  EXPECT_FALSE(CheckBlockShape(too_many).ok());
}

// The block hash covers every header field.
TEST(BlockHashTest, CoversEveryHeaderField) {
  const json vectors = LoadChainVectors();
  const v1::BlockHeader header = HeaderFromJson(vectors.at("block_1").at("header"));
  const Hash32 hash = ComputeBlockHash(header);
  const std::vector<std::function<void(v1::BlockHeader&)>> edits = {
      [](v1::BlockHeader& h) { h.set_chain_id("remit-locaL"); },
      [](v1::BlockHeader& h) { h.set_height(2); },
      [](v1::BlockHeader& h) { h.set_round(2); },
      [](v1::BlockHeader& h) { (*h.mutable_parent_hash())[31] ^= 1; },
      [](v1::BlockHeader& h) { h.set_timestamp_unix_ms(h.timestamp_unix_ms() + 1); },
      [](v1::BlockHeader& h) { (*h.mutable_parent_state_hash())[0] ^= 1; },
      [](v1::BlockHeader& h) { (*h.mutable_payload_hash())[5] ^= 1; },
      [](v1::BlockHeader& h) { (*h.mutable_proposer())[9] ^= 1; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    v1::BlockHeader edited = header;
    edits[i](edited);
    EXPECT_NE(ComputeBlockHash(edited), hash) << "edit " << i;
  }
}

}  // namespace
}  // namespace remit
