// The cross-currency chain vectors (tests/ledger/vectors/fx_chain_vectors.json),
// made by an independent implementation of docs/ENCODING.md, docs/FX.md and
// docs/CLAIMS.md: the genesis with a hub, a basket and a market maker, its
// expanded offers, and two blocks of operations execute in the ledger to
// exactly the same bytes, records, balances and state hashes.
#include <gtest/gtest.h>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/executor.h"
#include "ledger/genesis.h"
#include "ledger/memory_state.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"
#include "tests/ledger/vector_json.h"

#ifndef REMIT_VECTORS_DIR
#error "REMIT_VECTORS_DIR must name tests/ledger/vectors"
#endif

namespace remit {
namespace {

using nlohmann::json;
using testing::HeaderFromJson;
using testing::OperationFromJson;
using testing::U64;
using testing::Unhex;

class FxVectorsTest : public ::testing::Test {
 protected:
  FxVectorsTest() : vectors_(testing::LoadVectorFile("fx_chain_vectors.json")) {
    absl::StatusOr<Genesis> genesis = ParseGenesis(vectors_.at("genesis_json").get<std::string>());
    EXPECT_TRUE(genesis.ok()) << genesis.status();
    genesis_ = genesis.value_or(Genesis{});
  }

  // Executes block `name` on `state`, checking its bytes and records, and
  // applies it.
  void ExecuteAndCheck(const std::string& name, MemoryState& state) {
    SCOPED_TRACE(name);
    const json& expected = vectors_.at(name);
    v1::Block block;
    *block.mutable_header() = HeaderFromJson(expected.at("header"));
    for (const json& item : expected.at("operations")) {
      v1::SignedTransfer& entry = *block.add_transfers();
      *entry.mutable_operation() =
          OperationFromJson(item.at("kind").get<std::string>(), item.at("operation"));
      entry.set_signature(Unhex(item.at("signature")));
      EXPECT_EQ(ToHex(SigningBytesOf(entry)), item.at("signing_bytes").get<std::string>());
      const absl::StatusOr<TransferId> id =
          CheckTransfer(entry, genesis_.chain_id, GenesisHash(genesis_));
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_EQ(ToHex(*id), item.at("id").get<std::string>());
    }
    EXPECT_EQ(ToHex(ComputePayloadHash(block)),
              expected.at("header").at("payload_hash").get<std::string>());
    EXPECT_EQ(ToHex(ComputeBlockHash(block.header())),
              expected.at("block_hash").get<std::string>());
    const BlockEffects effects = ExecuteBlock(genesis_, state, state.state_hash, block);
    const json& records = expected.at("records");
    ASSERT_EQ(effects.records.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      const v1::Receipt& receipt = effects.records[i].receipt();
      EXPECT_EQ(ToHex(receipt.transfer_id()), records[i].at("id").get<std::string>());
      EXPECT_EQ(static_cast<int>(receipt.outcome()), records[i].at("outcome").get<int>());
      EXPECT_EQ(receipt.sent_minor(), U64(records[i].at("sent_minor")));
      EXPECT_EQ(receipt.delivered_minor(), U64(records[i].at("delivered_minor")));
      const json& fills = records[i].at("fills");
      ASSERT_EQ(static_cast<size_t>(receipt.fills_size()), fills.size());
      for (size_t f = 0; f < fills.size(); ++f) {
        EXPECT_EQ(ToHex(receipt.fills(static_cast<int>(f)).offer_id()),
                  fills[f].at("offer_id").get<std::string>());
        EXPECT_EQ(receipt.fills(static_cast<int>(f)).sold_minor(), U64(fills[f].at("sold_minor")));
        EXPECT_EQ(receipt.fills(static_cast<int>(f)).bought_minor(),
                  U64(fills[f].at("bought_minor")));
      }
    }
    EXPECT_EQ(ToHex(effects.state_hash), expected.at("state_hash").get<std::string>());
    state.Apply(effects);
  }

  json vectors_;
  Genesis genesis_;
};

// The genesis keys parse, write back to the same canonical JSON, and hash
// as the vectors say.
TEST_F(FxVectorsTest, GenesisHashMatches) {
  EXPECT_EQ(genesis_.hub_asset, "USD");
  ASSERT_TRUE(genesis_.basket.has_value());
  ASSERT_TRUE(genesis_.market_maker.has_value());
  const std::string canonical = vectors_.at("genesis_canonical_json").get<std::string>();
  EXPECT_EQ(ToHex(Blake2b256(canonical)), vectors_.at("genesis_hash").get<std::string>());
  EXPECT_EQ(ToHex(GenesisHash(genesis_)), vectors_.at("genesis_hash").get<std::string>());
}

// The market maker's offers expand exactly as the vectors do.
TEST_F(FxVectorsTest, GenesisOffersMatch) {
  const std::vector<v1::Offer> offers = GenesisOffers(genesis_, GenesisHash(genesis_));
  const json& expected = vectors_.at("genesis_offers");
  ASSERT_EQ(offers.size(), expected.size());
  for (size_t i = 0; i < offers.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(ToHex(offers[i].offer_id()), expected[i].at("id").get<std::string>());
    EXPECT_EQ(ToHex(offers[i].owner()), expected[i].at("owner").get<std::string>());
    EXPECT_EQ(offers[i].sell_asset(), expected[i].at("sell").get<std::string>());
    EXPECT_EQ(offers[i].buy_asset(), expected[i].at("buy").get<std::string>());
    EXPECT_EQ(offers[i].price_n(), U64(expected[i].at("price_n")));
    EXPECT_EQ(offers[i].price_d(), U64(expected[i].at("price_d")));
    EXPECT_EQ(offers[i].amount_minor(), U64(expected[i].at("amount")));
    EXPECT_EQ(offers[i].created_position(), U64(expected[i].at("position")));
  }
}

// Genesis effects (the maker's balances less its offers, the offers, the
// empty basket) and both blocks' records and state hashes match; so do the
// balances at the end.
TEST_F(FxVectorsTest, BlocksExecuteToTheVectors) {
  const BlockEffects genesis_effects = GenesisEffects(genesis_);
  EXPECT_EQ(ToHex(genesis_effects.block_hash),
            vectors_.at("block_0").at("block_hash").get<std::string>());
  EXPECT_EQ(ToHex(genesis_effects.state_hash),
            vectors_.at("block_0").at("state_hash").get<std::string>());
  MemoryState state(genesis_);
  ExecuteAndCheck("block_1", state);
  ExecuteAndCheck("block_2", state);
  for (const json& balance : vectors_.at("balances_after_block_2")) {
    const AccountId account = *DecodeAddress(balance.at("account").get<std::string>());
    EXPECT_EQ(state.Balance({account, balance.at("asset").get<std::string>()}),
              balance.at("amount_minor").get<int64_t>())
        << balance.dump();
  }
  EXPECT_TRUE(BasketReserveMatches(*genesis_.basket, state.Basket()));
}

}  // namespace
}  // namespace remit
