#include "ledger/genesis.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "ledger/crypto.h"

namespace remit {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

AccountId Account(uint8_t seed_byte) {
  Seed seed{};
  seed.fill(seed_byte);
  return SigningKey::FromSeed(seed).public_key();
}

// Two assets with issuers and holders, two validators: a valid genesis.
Genesis ValidGenesis() {
  Genesis genesis;
  genesis.chain_id = "remit-local";
  genesis.genesis_time_unix_ms = 1767225600000;
  genesis.assets = {
      {"USD", 2, Account(1), 100000000},
      {"KES", 2, Account(2), 5000000000},
  };
  genesis.balances = {
      {Account(1), "USD", -1500000}, {Account(10), "USD", 1000000}, {Account(11), "USD", 500000},
      {Account(2), "KES", -70000},   {Account(10), "KES", 70000},   {Account(12), "KES", 0},
  };
  genesis.validators = {
      {Account(20), "127.0.0.1:7100"},
      {Account(21), "127.0.0.1:7101"},
  };
  return genesis;
}

void ExpectSameGenesis(const Genesis& a, const Genesis& b) {
  EXPECT_EQ(a.chain_id, b.chain_id);
  EXPECT_EQ(a.genesis_time_unix_ms, b.genesis_time_unix_ms);
  ASSERT_EQ(a.assets.size(), b.assets.size());
  for (size_t i = 0; i < a.assets.size(); ++i) {
    EXPECT_EQ(a.assets[i].code, b.assets[i].code);
    EXPECT_EQ(a.assets[i].decimals, b.assets[i].decimals);
    EXPECT_EQ(a.assets[i].issuer, b.assets[i].issuer);
    EXPECT_EQ(a.assets[i].transfer_max_minor, b.assets[i].transfer_max_minor);
  }
  ASSERT_EQ(a.balances.size(), b.balances.size());
  for (size_t i = 0; i < a.balances.size(); ++i) {
    EXPECT_EQ(a.balances[i].account, b.balances[i].account);
    EXPECT_EQ(a.balances[i].asset, b.balances[i].asset);
    EXPECT_EQ(a.balances[i].amount_minor, b.balances[i].amount_minor);
  }
  ASSERT_EQ(a.validators.size(), b.validators.size());
  for (size_t i = 0; i < a.validators.size(); ++i) {
    EXPECT_EQ(a.validators[i].public_key, b.validators[i].public_key);
    EXPECT_EQ(a.validators[i].endpoint, b.validators[i].endpoint);
  }
}

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

// A valid genesis survives GenesisToJson -> ParseGenesis unchanged, the JSON
// text is a fixed point, and the genesis hash is the same on both sides.
TEST(GenesisTest, RoundTripsThroughJson) {
  const Genesis genesis = ValidGenesis();
  ASSERT_TRUE(ValidateGenesis(genesis).ok()) << ValidateGenesis(genesis);
  const std::string text = GenesisToJson(genesis);
  const absl::StatusOr<Genesis> parsed = ParseGenesis(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ExpectSameGenesis(genesis, *parsed);
  EXPECT_EQ(GenesisToJson(*parsed), text);
  EXPECT_EQ(GenesisHash(*parsed), GenesisHash(genesis));
}

// The genesis hash is BLAKE2b-256 of the compact JSON with sorted keys, as
// docs/ENCODING.md states; here the canonical text is written out by hand.
TEST(GenesisTest, HashIsBlake2bOfCanonicalJson) {
  Genesis genesis;
  genesis.chain_id = "remit-local";
  genesis.genesis_time_unix_ms = 0;
  genesis.assets = {{"USD", 2, Account(1), 100}};
  genesis.balances = {{Account(1), "USD", -5}, {Account(2), "USD", 5}};
  genesis.validators = {{Account(3), "127.0.0.1:7100"}};
  ASSERT_TRUE(ValidateGenesis(genesis).ok());
  const std::string canonical =
      "{\"assets\":[{\"code\":\"USD\",\"decimals\":2,\"issuer\":\"" + EncodeAddress(Account(1)) +
      "\",\"transfer_max_minor\":100}],\"balances\":[{\"account\":\"" + EncodeAddress(Account(1)) +
      "\",\"amount_minor\":-5,\"asset\":\"USD\"},{\"account\":\"" + EncodeAddress(Account(2)) +
      "\",\"amount_minor\":5,\"asset\":\"USD\"}],\"chain_id\":\"remit-local\","
      "\"genesis_time_unix_ms\":0,\"validators\":[{\"endpoint\":\"127.0.0.1:7100\","
      "\"public_key\":\"" +
      EncodeAddress(Account(3)) + "\"}]}";
  EXPECT_EQ(GenesisHash(genesis), Blake2b256(canonical));
}

// The hash does not depend on the file's key order or whitespace, only on
// the values; it does depend on every value and on array order.
TEST(GenesisTest, HashDependsOnValuesNotFormatting) {
  const Genesis genesis = ValidGenesis();
  const Hash32 hash = GenesisHash(genesis);
  // Re-serialize with another indent: json objects are sorted maps, so to
  // scramble key order build the text by hand from the parsed tree.
  const json tree = json::parse(GenesisToJson(genesis));
  std::string scrambled =
      "{\n  \"validators\": " + tree["validators"].dump() +
      ",\"balances\":" + tree["balances"].dump(4) +
      ", \"genesis_time_unix_ms\" : 1767225600000, \"assets\":" + tree["assets"].dump(1) +
      ",\"chain_id\":\"remit-local\"}";
  const absl::StatusOr<Genesis> parsed = ParseGenesis(scrambled);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(GenesisHash(*parsed), hash);

  const std::vector<std::function<void(Genesis&)>> edits = {
      [](Genesis& g) { g.chain_id = "remit-locaL"; },
      [](Genesis& g) { g.genesis_time_unix_ms += 1; },
      [](Genesis& g) { g.assets[0].transfer_max_minor += 1; },
      [](Genesis& g) { g.assets[1].decimals = 3; },
      [](Genesis& g) { std::swap(g.assets[0], g.assets[1]); },
      [](Genesis& g) { std::swap(g.balances[1], g.balances[2]); },
      [](Genesis& g) { g.validators[1].endpoint = "127.0.0.1:7102"; },
      [](Genesis& g) { std::swap(g.validators[0], g.validators[1]); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    Genesis edited = genesis;
    edits[i](edited);
    EXPECT_NE(GenesisHash(edited), hash) << "edit " << i;
  }
}

// FindAsset and ValidatorIndex find what is there and report what is not.
TEST(GenesisTest, FindsAssetsAndValidators) {
  const Genesis genesis = ValidGenesis();
  ASSERT_NE(genesis.FindAsset("KES"), nullptr);
  EXPECT_EQ(genesis.FindAsset("KES")->issuer, Account(2));
  EXPECT_EQ(genesis.FindAsset("EUR"), nullptr);
  EXPECT_EQ(genesis.FindAsset("kes"), nullptr);
  EXPECT_EQ(genesis.ValidatorIndex(Account(21)), 1);
  EXPECT_EQ(genesis.ValidatorIndex(Account(10)), -1);
}

struct ValidateCase {
  std::string name;
  std::function<void(Genesis&)> edit;
  std::string expected_message;
};

// Each rule of ValidateGenesis refuses the genesis that breaks it, through
// both ValidateGenesis and ParseGenesis, with a message naming the problem.
TEST(GenesisTest, ValidateRefusesEachBrokenRule) {
  const std::vector<ValidateCase> cases = {
      {"empty chain id", [](Genesis& g) { g.chain_id = ""; }, "chain_id"},
      {"33-byte chain id", [](Genesis& g) { g.chain_id = std::string(33, 'c'); }, "chain_id"},
      {"lower-case asset code", [](Genesis& g) { g.assets[0].code = "usd"; },
       "bad asset code 'usd'"},
      {"empty asset code", [](Genesis& g) { g.assets[0].code = ""; }, "bad asset code"},
      {"13-character asset code", [](Genesis& g) { g.assets[0].code = "ABCDEFGHIJKLM"; },
       "bad asset code"},
      {"duplicate asset",
       [](Genesis& g) {
         g.assets[1].code = "USD";
         g.balances.resize(3);
       },
       "asset USD twice"},
      {"decimals 19", [](Genesis& g) { g.assets[1].decimals = 19; }, "KES: decimals above 18"},
      {"transfer_max 0", [](Genesis& g) { g.assets[0].transfer_max_minor = 0; },
       "USD: transfer_max_minor"},
      {"transfer_max 2^63", [](Genesis& g) { g.assets[0].transfer_max_minor = uint64_t{1} << 63; },
       "USD: transfer_max_minor"},
      {"balance in unknown asset", [](Genesis& g) { g.balances[5].asset = "EUR"; },
       "balance in unknown asset EUR"},
      {"non-issuer negative",
       [](Genesis& g) {
         g.balances[1].amount_minor = -1;
         g.balances[0].amount_minor = 1 - 500000;
       },
       "only the issuer of USD may start negative"},
      {"issuer of another asset negative",
       [](Genesis& g) {
         g.balances.push_back({Account(2), "USD", -1});
         g.balances.push_back({Account(13), "USD", 1});
       },
       "only the issuer of USD"},
      {"sum not zero", [](Genesis& g) { g.balances[2].amount_minor += 1; },
       "balances of USD sum to 1, not 0"},
      {"sum overflows",
       [](Genesis& g) {
         g.balances[1].amount_minor = INT64_MAX;
         g.balances[2].amount_minor = INT64_MAX;
       },
       "balances of USD overflow"},
      {"two balances for one account",
       [](Genesis& g) {
         g.balances.push_back({Account(10), "USD", 1});
         g.balances[2].amount_minor -= 1;
       },
       "two balances for one account in USD"},
      {"no validators", [](Genesis& g) { g.validators.clear(); }, "needs at least one validator"},
      {"duplicate validator key", [](Genesis& g) { g.validators[1].public_key = Account(20); },
       "a validator key appears twice"},
      {"validator without endpoint", [](Genesis& g) { g.validators[0].endpoint = ""; },
       "no endpoint"},
  };
  for (const ValidateCase& c : cases) {
    SCOPED_TRACE(c.name);
    Genesis genesis = ValidGenesis();
    c.edit(genesis);
    const absl::Status status = ValidateGenesis(genesis);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(MessageOf(status), HasSubstr(c.expected_message));
    EXPECT_THAT(MessageOf(status), HasSubstr("genesis: "));
    const absl::StatusOr<Genesis> parsed = ParseGenesis(GenesisToJson(genesis));
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(MessageOf(parsed.status()), HasSubstr(c.expected_message));
  }
}

// A genesis with no assets or balances but a validator is valid; decimals 0
// and 18 and the largest transfer_max are allowed.
TEST(GenesisTest, ValidateAcceptsEdgeValues) {
  Genesis genesis = ValidGenesis();
  genesis.assets[0].decimals = 0;
  genesis.assets[1].decimals = 18;
  genesis.assets[1].transfer_max_minor = uint64_t{INT64_MAX};
  genesis.chain_id = std::string(32, 'c');
  EXPECT_TRUE(ValidateGenesis(genesis).ok()) << ValidateGenesis(genesis);
  Genesis minimal;
  minimal.chain_id = "x";
  minimal.validators = {{Account(20), "localhost:1"}};
  EXPECT_TRUE(ValidateGenesis(minimal).ok()) << ValidateGenesis(minimal);
  EXPECT_TRUE(ParseGenesis(GenesisToJson(minimal)).ok());
}

// Text that is not a JSON object is refused as malformed.
TEST(GenesisTest, ParseRefusesMalformedJson) {
  for (std::string_view text :
       {"", "{", "not json", "[]", "null", "42", "\"genesis\"", "{\"chain_id\": }",
        "{\"chain_id\": \"a\",}", "{'chain_id': 'a'}"}) {
    const absl::StatusOr<Genesis> parsed = ParseGenesis(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(MessageOf(parsed.status()), HasSubstr("not a JSON object")) << text;
  }
}

struct JsonCase {
  std::string name;
  std::function<void(json&)> edit;
  std::string expected_message;
};

// A missing field, or a field of the wrong type or out of its range, is
// refused with a message naming the field; nothing is silently converted.
TEST(GenesisTest, ParseRefusesMissingAndMistypedFields) {
  const std::vector<JsonCase> cases = {
      {"no chain_id", [](json& j) { j.erase("chain_id"); }, "lacks 'chain_id'"},
      {"no genesis_time", [](json& j) { j.erase("genesis_time_unix_ms"); },
       "lacks 'genesis_time_unix_ms'"},
      {"no assets", [](json& j) { j.erase("assets"); }, "lacks 'assets'"},
      {"no balances", [](json& j) { j.erase("balances"); }, "lacks 'balances'"},
      {"no validators", [](json& j) { j.erase("validators"); }, "lacks 'validators'"},
      {"asset without code", [](json& j) { j["assets"][0].erase("code"); }, "lacks 'code'"},
      {"asset without decimals", [](json& j) { j["assets"][0].erase("decimals"); },
       "lacks 'decimals'"},
      {"asset without issuer", [](json& j) { j["assets"][0].erase("issuer"); }, "lacks 'issuer'"},
      {"asset without transfer_max", [](json& j) { j["assets"][0].erase("transfer_max_minor"); },
       "lacks 'transfer_max_minor'"},
      {"balance without account", [](json& j) { j["balances"][0].erase("account"); },
       "lacks 'account'"},
      {"balance without asset", [](json& j) { j["balances"][0].erase("asset"); }, "lacks 'asset'"},
      {"balance without amount", [](json& j) { j["balances"][0].erase("amount_minor"); },
       "lacks 'amount_minor'"},
      {"validator without key", [](json& j) { j["validators"][0].erase("public_key"); },
       "lacks 'public_key'"},
      {"validator without endpoint", [](json& j) { j["validators"][0].erase("endpoint"); },
       "lacks 'endpoint'"},
      {"chain_id a number", [](json& j) { j["chain_id"] = 7; }, "'chain_id' of the wrong type"},
      {"assets an object", [](json& j) { j["assets"] = json::object(); },
       "'assets' must be an array"},
      {"balances a string", [](json& j) { j["balances"] = "none"; }, "'balances' must be an array"},
      {"asset entry a string", [](json& j) { j["assets"][0] = "USD"; }, "lacks 'code'"},
      {"decimals a string", [](json& j) { j["assets"][0]["decimals"] = "2"; }, "'decimals'"},
      {"decimals a fraction", [](json& j) { j["assets"][0]["decimals"] = 2.5; }, "'decimals'"},
      {"decimals a boolean", [](json& j) { j["assets"][0]["decimals"] = true; }, "'decimals'"},
      {"decimals negative", [](json& j) { j["assets"][0]["decimals"] = -1; }, "'decimals'"},
      {"decimals 2^32+2", [](json& j) { j["assets"][0]["decimals"] = (uint64_t{1} << 32) + 2; },
       "'decimals'"},
      {"transfer_max negative", [](json& j) { j["assets"][0]["transfer_max_minor"] = -100; },
       "'transfer_max_minor'"},
      {"transfer_max a fraction", [](json& j) { j["assets"][0]["transfer_max_minor"] = 100.5; },
       "'transfer_max_minor'"},
      {"issuer a number", [](json& j) { j["assets"][0]["issuer"] = 1; },
       "'issuer' of the wrong type"},
      {"issuer not an address", [](json& j) { j["assets"][0]["issuer"] = "rmt1abc"; },
       "USD.issuer: address must be 62 characters"},
      {"account with a typo",
       [](json& j) {
         std::string address = j["balances"][1]["account"];
         address[20] = address[20] == 'a' ? 'b' : 'a';
         j["balances"][1]["account"] = address;
       },
       "balance.account: address checksum does not match"},
      {"amount a string", [](json& j) { j["balances"][1]["amount_minor"] = "1000000"; },
       "'amount_minor'"},
      {"amount a fraction", [](json& j) { j["balances"][1]["amount_minor"] = 1000000.0; },
       "'amount_minor'"},
      {"amount 2^64-1", [](json& j) { j["balances"][1]["amount_minor"] = UINT64_MAX; },
       "'amount_minor'"},
      {"genesis time negative", [](json& j) { j["genesis_time_unix_ms"] = -1; },
       "'genesis_time_unix_ms'"},
      {"genesis time a string", [](json& j) { j["genesis_time_unix_ms"] = "0"; },
       "'genesis_time_unix_ms'"},
      {"endpoint a number", [](json& j) { j["validators"][0]["endpoint"] = 7100; },
       "'endpoint' of the wrong type"},
      {"more than 256 assets",
       [](json& j) {
         for (int i = 0; i < 256; ++i) j["assets"].push_back(j["assets"][0]);
       },
       "too many assets"},
      {"more than 64 validators",
       [](json& j) {
         for (int i = 0; i < 64; ++i) j["validators"].push_back(j["validators"][0]);
       },
       "too many validators"},
  };
  const json valid = json::parse(GenesisToJson(ValidGenesis()));
  ASSERT_TRUE(ParseGenesis(valid.dump()).ok());
  for (const JsonCase& c : cases) {
    SCOPED_TRACE(c.name);
    json edited = valid;
    c.edit(edited);
    const absl::StatusOr<Genesis> parsed = ParseGenesis(edited.dump());
    EXPECT_FALSE(parsed.ok()) << "accepted";
    if (parsed.ok()) continue;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(MessageOf(parsed.status()), HasSubstr(c.expected_message));
  }
}

}  // namespace
}  // namespace remit

namespace remit {
namespace {

// ValidGenesis with a hub, a basket and a market maker (1 USD = 130 KES)
// whose 700.00 KES do not cover the 130000.00 KES its offer would hold: the
// tests that need a valid genesis fund it.
Genesis FxGenesis() {
  Genesis genesis = ValidGenesis();
  genesis.hub_asset = "USD";
  genesis.basket =
      BasketInfo{{"RMX", 2, AccountId{}, 1'000'000, false}, {{"USD", 1}, {"KES", 130}}};
  genesis.market_maker = MarketMaker{Account(10), "USD", 100, 100'000, {MidRate{"KES", 1, 130}}};
  return genesis;
}

// The optional keys round-trip through JSON; without them the canonical JSON
// (and so the hash) is what it was before they existed.
TEST(GenesisFxTest, OptionalKeysRoundTripAndAbsentOnesChangeNothing) {
  const Genesis plain = ValidGenesis();
  const std::string plain_json = GenesisToJson(plain);
  EXPECT_EQ(plain_json.find("hub_asset"), std::string::npos);
  EXPECT_EQ(plain_json.find("basket"), std::string::npos);
  EXPECT_EQ(plain_json.find("market_maker"), std::string::npos);
  Genesis fx = FxGenesis();
  fx.balances = {{Account(1), "USD", -1'000'000},
                 {Account(10), "USD", 1'000'000},
                 {Account(2), "KES", -13'000'000},
                 {Account(10), "KES", 13'000'000}};
  ASSERT_TRUE(ValidateGenesis(fx).ok()) << ValidateGenesis(fx);
  const absl::StatusOr<Genesis> parsed = ParseGenesis(GenesisToJson(fx));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->hub_asset, "USD");
  ASSERT_TRUE(parsed->basket.has_value());
  EXPECT_EQ(parsed->basket->asset.code, "RMX");
  EXPECT_FALSE(parsed->basket->asset.has_issuer);
  EXPECT_EQ(parsed->basket->components[1].weight_minor, 130u);
  ASSERT_TRUE(parsed->market_maker.has_value());
  EXPECT_EQ(parsed->market_maker->rates[0].asset_minor, 130u);
  EXPECT_EQ(GenesisHash(*parsed), GenesisHash(fx));
  EXPECT_NE(GenesisHash(fx), GenesisHash(plain));
  EXPECT_NE(parsed->FindAsset("RMX"), nullptr);
}

// Each rule of the optional keys refuses its breach, naming it.
TEST(GenesisFxTest, ValidateRefusesEachBrokenFxRule) {
  const std::vector<std::tuple<std::string, std::function<void(Genesis&)>, std::string>> cases = {
      {"hub not an asset", [](Genesis& g) { g.hub_asset = "EUR"; }, "hub_asset"},
      {"basket code taken", [](Genesis& g) { g.basket->asset.code = "USD"; }, "also an asset"},
      {"basket without components", [](Genesis& g) { g.basket->components.clear(); },
       "at least one component"},
      {"basket of an unknown asset", [](Genesis& g) { g.basket->components[0].asset = "EUR"; },
       "not an asset"},
      {"basket component twice", [](Genesis& g) { g.basket->components[1].asset = "USD"; },
       "twice"},
      {"zero weight", [](Genesis& g) { g.basket->components[0].weight_minor = 0; }, "weight"},
      {"genesis basket units",
       [](Genesis& g) {
         g.balances.push_back({Account(12), "RMX", 0});
       },
       "only by mint"},
      {"maker offers uncovered", [](Genesis&) {}, "market_maker offers hold"},
      {"maker base unknown", [](Genesis& g) { g.market_maker->base_asset = "EUR"; }, "base_asset"},
      {"rate on the base", [](Genesis& g) { g.market_maker->rates[0].asset = "USD"; },
       "other than the base"},
      {"rate term zero", [](Genesis& g) { g.market_maker->rates[0].base_minor = 0; }, "terms"},
      {"rate term above 2^40",
       [](Genesis& g) { g.market_maker->rates[0].asset_minor = (uint64_t{1} << 40) + 1; }, "terms"},
      {"spread too wide", [](Genesis& g) { g.market_maker->spread_bps = 5001; }, "spread_bps"},
      {"no depth", [](Genesis& g) { g.market_maker->depth_base_minor = 0; }, "depth_base_minor"},
  };
  for (const auto& [name, edit, message] : cases) {
    SCOPED_TRACE(name);
    Genesis genesis = FxGenesis();
    edit(genesis);
    const absl::Status status = ValidateGenesis(genesis);
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), HasSubstr(message));
  }
}

// The market maker's offers: one per side per rate, mid raised by half the
// spread in the maker's favour, ids fixed by the genesis hash and position.
TEST(GenesisFxTest, MarketMakerOffersAreDerivedFromTheRateTable) {
  Genesis genesis = FxGenesis();
  genesis.balances[4].amount_minor = 13'000'000;
  genesis.balances[3].amount_minor = -13'000'000;
  genesis.balances.erase(genesis.balances.begin() + 5);  // Account(12) KES 0
  ASSERT_TRUE(ValidateGenesis(genesis).ok()) << ValidateGenesis(genesis);
  const Hash32 hash = GenesisHash(genesis);
  const std::vector<v1::Offer> offers = GenesisOffers(genesis, hash);
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].sell_asset(), "USD");
  EXPECT_EQ(offers[0].amount_minor(), 100'000u);
  EXPECT_EQ(offers[0].price_n(), 130u * 20'100);  // KES per USD: 130 x 1.005
  EXPECT_EQ(offers[0].price_d(), 20'000u);
  EXPECT_EQ(offers[1].sell_asset(), "KES");
  EXPECT_EQ(offers[1].amount_minor(), 13'000'000u);
  EXPECT_EQ(offers[1].price_n(), 20'100u);  // USD per KES: (1 / 130) x 1.005
  EXPECT_EQ(offers[1].price_d(), 130u * 20'000);
  EXPECT_EQ(offers[1].created_position(), 1u);
  EXPECT_NE(offers[0].offer_id(), offers[1].offer_id());
  EXPECT_EQ(GenesisOffers(genesis, hash)[1].offer_id(), offers[1].offer_id());
}

}  // namespace
}  // namespace remit
