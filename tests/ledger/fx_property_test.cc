// Property test of the operation model: thousands of random offers,
// cross-currency transfers (strict send and receive, direct and through the
// hub), basket mints and redeems, claims, claims and reclaims (right code,
// wrong code, proofs made for someone else, early and late), interleaved
// with plain transfers, duplicates and wrong sequences, over many blocks.
// After every block:
//   - every asset sums to zero with what is held (offers, open claims, the
//     basket reserve, minus basket units outstanding);
//   - no balance other than an issuer's is negative;
//   - no offer is filled beyond its amount or below its price: every fill is
//     checked against a model of the book, which must equal the state's;
//   - every receipt explains the balances: applying each record's sent,
//     delivered, fills and claim amounts to a model of the balances gives
//     exactly the state's balances (so a receipt's delivered amount is the
//     recipient's gain);
//   - the basket reserve is outstanding x weights;
//   - every claim ends at most once, and at the end, after every expiry,
//     each ends exactly once;
//   - re-executing a block on its parent gives the same state hash.
// On failure, rerun with REMIT_PROPERTY_SEED=<seed printed below>.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "ledger/amount.h"
#include "ledger/exchange.h"
#include "ledger/strings.h"
#include "tests/ledger/op_testing.h"

namespace remit {
namespace {

using testing::MemChain;
using testing::SeededKey;

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t kGenesisTimeMs = 1'767'225'600'000;
constexpr int kUsers = 10;
constexpr int kBlocks = 250;
const std::vector<std::string> kAssets = {"USD", "PHP", "KES"};
// Rough value of one minor unit in millionths of a USD cent, for prices.
const std::map<std::string, uint64_t> kValue = {
    {"USD", 1'000'000}, {"PHP", 17'200}, {"KES", 7'700}, {"RMX", 1'344'800}};

uint64_t PropertySeed() {
  const char* text = std::getenv("REMIT_PROPERTY_SEED");
  return text != nullptr ? std::strtoull(text, nullptr, 10) : 20260101;
}

AccountId Account(std::string_view bytes) { return *ToArray<kPublicKeyBytes>(bytes, "account"); }
Hash32 Id(std::string_view bytes) { return *ToArray<kHashBytes>(bytes, "id"); }

// What the receipts say happened, applied to balances and offers.
class Model {
 public:
  explicit Model(const MemoryState& state) : balances_(state.balances) {
    for (const v1::Offer& offer : state.offers.All()) offers_[Id(offer.offer_id())] = offer;
  }

  // Applies one record; false (with a message) if a fill breaks its offer.
  bool Apply(const Genesis& genesis, const v1::TransferRecord& record, std::string& error) {
    const v1::Receipt& receipt = record.receipt();
    if (receipt.outcome() != v1::SETTLED) return true;
    const v1::SignedTransfer& entry = record.signed_transfer();
    if (entry.has_transfer()) {
      const v1::Transfer& t = entry.transfer();
      Add(Account(t.from()), t.asset(), -Int128(t.amount_minor()) - Int128(t.fee_minor()));
      Add(Account(t.to()), t.asset(), t.amount_minor());
      Add(genesis.FindAsset(t.asset())->issuer, t.asset(), t.fee_minor());
      return true;
    }
    const v1::Operation& op = entry.operation();
    const AccountId signer = Account(op.signer());
    for (const v1::Fill& fill : receipt.fills()) {
      if (!ApplyFill(fill, error)) return false;
    }
    if (op.has_strict_send() || op.has_strict_receive()) {
      const std::string& to =
          op.has_strict_send() ? op.strict_send().to() : op.strict_receive().to();
      Add(signer, receipt.sent_asset(), -Int128(receipt.sent_minor()));
      Add(Account(to), receipt.delivered_asset(), receipt.delivered_minor());
    } else if (op.has_offer_create()) {
      Add(signer, receipt.sent_asset(), -Int128(receipt.sent_minor()));
      v1::Offer offer;
      offer.set_offer_id(receipt.transfer_id());
      offer.set_price_n(op.offer_create().price_n());
      offer.set_price_d(op.offer_create().price_d());
      offer.set_amount_minor(op.offer_create().amount_minor());
      offers_[Id(receipt.transfer_id())] = offer;
    } else if (op.has_offer_cancel()) {
      Add(signer, receipt.delivered_asset(), receipt.delivered_minor());
      const auto it = offers_.find(Id(op.offer_cancel().offer_id()));
      if (it == offers_.end() || it->second.amount_minor() != receipt.delivered_minor()) {
        error = "a cancel returned other than what was left of the offer";
        return false;
      }
      offers_.erase(it);
    } else if (op.has_basket_mint() || op.has_basket_redeem()) {
      const bool mint = op.has_basket_mint();
      const uint64_t units = mint ? receipt.delivered_minor() : receipt.sent_minor();
      Add(signer, genesis.basket->asset.code, mint ? Int128(units) : -Int128(units));
      for (const BasketComponent& c : genesis.basket->components) {
        const Int128 amount = Int128(units) * c.weight_minor;
        Add(signer, c.asset, mint ? -amount : amount);
      }
    } else if (op.has_create_claim()) {
      Add(signer, receipt.sent_asset(), -Int128(receipt.sent_minor()));
    } else {  // claim, reclaim
      Add(signer, receipt.delivered_asset(), receipt.delivered_minor());
    }
    return true;
  }

  const std::map<BalanceKey, int64_t>& balances() const { return balances_; }
  const std::map<Hash32, v1::Offer>& offers() const { return offers_; }

 private:
  void Add(const AccountId& account, const std::string& asset, Int128 delta) {
    if (delta == 0) return;
    const Int128 value = Int128(balances_[{account, asset}]) + delta;
    REMIT_CHECK(value >= INT64_MIN && value <= INT64_MAX);
    if (value == 0) {
      balances_.erase({account, asset});
    } else {
      balances_[{account, asset}] = static_cast<int64_t>(value);
    }
  }

  bool ApplyFill(const v1::Fill& fill, std::string& error) {
    const auto it = offers_.find(Id(fill.offer_id()));
    if (it == offers_.end()) {
      error = "a fill of an offer the model does not have";
      return false;
    }
    v1::Offer& offer = it->second;
    if (fill.sold_minor() > offer.amount_minor()) {
      error = StrCat("an offer filled beyond its amount: ", fill.sold_minor(), " > ",
                     offer.amount_minor());
      return false;
    }
    if (Uint128(fill.bought_minor()) * offer.price_d() <
        Uint128(fill.sold_minor()) * offer.price_n()) {
      error = "an offer filled below its price";
      return false;
    }
    Add(Account(fill.owner()), fill.bought_asset(), fill.bought_minor());
    offer.set_amount_minor(offer.amount_minor() - fill.sold_minor());
    if (offer.amount_minor() == 0) offers_.erase(it);
    return true;
  }

  std::map<BalanceKey, int64_t> balances_;
  std::map<Hash32, v1::Offer> offers_;
};

struct OpenClaim {
  Hash32 id{};
  std::string code;
  size_t sender = 0;
  uint64_t expiry_ms = 0;
};

// Random operations for one block, with the sequences they need.
class Workload {
 public:
  Workload(uint64_t seed, const MemChain& chain, const std::vector<SigningKey>& keys)
      : random_(seed), chain_(chain), keys_(keys) {}

  bool Chance(double p) { return std::uniform_real_distribution<>(0, 1)(random_) < p; }
  uint64_t Uniform(uint64_t low, uint64_t high) {
    return std::uniform_int_distribution<uint64_t>(low, high)(random_);
  }
  size_t User() { return Uniform(0, keys_.size() - 1); }
  const std::string& Asset() { return kAssets[Uniform(0, kAssets.size() - 1)]; }

  std::vector<v1::SignedTransfer> Block(uint64_t time_ms) {
    next_.clear();
    std::vector<v1::SignedTransfer> block;
    const int count = static_cast<int>(Uniform(0, 40));
    for (int n = 0; n < count; ++n) {
      if (!history_.empty() && Chance(0.03)) {
        block.push_back(history_[Uniform(0, history_.size() - 1)]);  // a duplicate
        continue;
      }
      block.push_back(One(time_ms));
      history_.push_back(block.back());
    }
    return block;
  }

  // Reclaims every open claim (the test calls it after every expiry).
  std::vector<v1::SignedTransfer> ReclaimAll() {
    next_.clear();
    std::vector<v1::SignedTransfer> block;
    for (const auto& [id, claim] : claims_) {
      block.push_back(chain_.sign().Reclaim(keys_[claim.sender], Sequence(claim.sender), id));
    }
    return block;
  }

  const std::map<Hash32, OpenClaim>& claims() const { return claims_; }

 private:
  // The next sequence of a user within this block; sometimes wrong.
  uint64_t Sequence(size_t user, bool may_be_wrong = false) {
    auto [it, inserted] = next_.try_emplace(user, 0);
    if (inserted) it->second = chain_.state().NextSequence(keys_[user].public_key());
    if (may_be_wrong && Chance(0.04)) return Chance(0.5) ? it->second + 1 : it->second - 1;
    return it->second++;
  }

  uint64_t Amount() {
    const double kind = std::uniform_real_distribution<>(0, 1)(random_);
    if (kind < 0.5) return Uniform(1, 200);
    if (kind < 0.9) return Uniform(1, 200'000);
    return Uniform(1, kAmountMinorMax);
  }

  // A price for selling `sell` for `buy`, near their values; sometimes extreme.
  std::pair<uint64_t, uint64_t> Price(const std::string& sell, const std::string& buy) {
    if (Chance(0.03)) return {Chance(0.5) ? UINT64_MAX : 1, Chance(0.5) ? UINT64_MAX : 1};
    const uint64_t scale = Uniform(1, 1000);
    return {kValue.at(sell) * Uniform(950, 1100) * scale, kValue.at(buy) * 1000 * scale};
  }

  v1::SignedTransfer One(uint64_t time_ms);
  v1::SignedTransfer Cross(size_t user, uint64_t time_ms);
  v1::SignedTransfer Offer(size_t user, uint64_t time_ms);
  v1::SignedTransfer ClaimOp(size_t user, uint64_t time_ms);

  std::mt19937_64 random_;
  const MemChain& chain_;
  const std::vector<SigningKey>& keys_;
  std::map<size_t, uint64_t> next_;
  std::vector<v1::SignedTransfer> history_;
  std::vector<std::pair<size_t, Hash32>> offers_;  // (owner, id) of offers made
  std::map<Hash32, OpenClaim> claims_;
  uint64_t codes_ = 0;
};

v1::SignedTransfer Workload::Cross(size_t user, uint64_t time_ms) {
  std::string from = Asset();
  std::string to = Asset();
  if (Chance(0.1)) to = "RMX";
  if (from == to) to = from == "USD" ? "PHP" : "USD";
  const bool strict_send = Chance(0.5);
  const uint64_t amount = Amount();
  const absl::StatusOr<CrossResult> quote =
      Quote(chain_.genesis(), chain_.state(),
            {from, to, strict_send ? CrossMode::kStrictSend : CrossMode::kStrictReceive, amount},
            time_ms);
  const double slack = std::uniform_real_distribution<>(0.9, 1.02)(random_);
  const AccountId recipient = keys_[Chance(0.1) ? user : User()].public_key();
  const uint64_t sequence = Sequence(user, true);
  if (strict_send) {
    const double quoted = quote.ok() ? static_cast<double>(quote->delivered_minor) : 1;
    const uint64_t minimum = std::max<uint64_t>(1, static_cast<uint64_t>(quoted * slack));
    return chain_.sign().StrictSend(keys_[user], sequence, recipient, from, amount, to,
                                    std::min(minimum, kAmountMinorMax));
  }
  const double quoted = quote.ok() && quote->sent_minor > 0 ? static_cast<double>(quote->sent_minor)
                                                            : static_cast<double>(Amount());
  const uint64_t maximum = std::max<uint64_t>(1, static_cast<uint64_t>(quoted / slack));
  return chain_.sign().StrictReceive(keys_[user], sequence, recipient, from,
                                     std::min(maximum, kAmountMinorMax), to, amount);
}

v1::SignedTransfer Workload::Offer(size_t user, uint64_t time_ms) {
  if (!offers_.empty() && Chance(0.3)) {
    const auto& [owner, id] = offers_[Uniform(0, offers_.size() - 1)];
    const size_t who = Chance(0.9) ? owner : User();
    return chain_.sign().OfferCancel(keys_[who], Sequence(who, true), id);
  }
  std::string sell = Asset();
  std::string buy = Asset();
  if (Chance(0.05)) sell = "RMX";
  if (sell == buy) buy = sell == "USD" ? "KES" : "USD";
  const auto [n, d] = Price(sell, buy);
  const uint64_t expiry = Chance(0.2) ? time_ms + Uniform(0, 20'000) : 0;
  const v1::SignedTransfer offer = chain_.sign().OfferCreate(keys_[user], Sequence(user, true),
                                                             sell, buy, Amount(), n, d, expiry);
  offers_.emplace_back(user, testing::IdOf(offer));
  return offer;
}

v1::SignedTransfer Workload::ClaimOp(size_t user, uint64_t time_ms) {
  if (claims_.empty() || Chance(0.4)) {
    const std::string code = StrCat("property claim code ", ++codes_);
    const uint64_t expiry = time_ms + Uniform(0, 30'000) - (Chance(0.05) ? 60'000 : 0);
    const v1::SignedTransfer create = chain_.sign().CreateClaim(keys_[user], Sequence(user, true),
                                                                Asset(), Amount(), code, expiry);
    claims_[testing::IdOf(create)] = {testing::IdOf(create), code, user, expiry};
    return create;
  }
  auto it = claims_.begin();
  std::advance(it, static_cast<long>(Uniform(0, claims_.size() - 1)));
  const OpenClaim& claim = it->second;
  if (Chance(0.3)) {
    const size_t who = Chance(0.9) ? claim.sender : User();
    return chain_.sign().Reclaim(keys_[who], Sequence(who, true), claim.id);
  }
  const double kind = std::uniform_real_distribution<>(0, 1)(random_);
  const std::string code = kind < 0.1 ? "a wrong claim code, long enough" : claim.code;
  const AccountId proof_for = kind > 0.9 ? keys_[User()].public_key() : keys_[user].public_key();
  return chain_.sign().Claim(keys_[user], Sequence(user, true), claim.id, code, proof_for);
}

v1::SignedTransfer Workload::One(uint64_t time_ms) {
  const size_t user = User();
  const double kind = std::uniform_real_distribution<>(0, 1)(random_);
  if (kind < 0.25) {
    size_t to = User();
    if (to == user) to = (to + 1) % keys_.size();
    return chain_.sign().Transfer(keys_[user], keys_[to].public_key(),
                                  Chance(0.1) ? "RMX" : Asset(), Amount(), Sequence(user, true));
  }
  if (kind < 0.55) return Cross(user, time_ms);
  if (kind < 0.75) return Offer(user, time_ms);
  if (kind < 0.82) {
    const uint64_t units = Uniform(1, 3000);
    return Chance(0.6) ? chain_.sign().Mint(keys_[user], Sequence(user, true), "RMX", units)
                       : chain_.sign().Redeem(keys_[user], Sequence(user, true), "RMX", units);
  }
  return ClaimOp(user, time_ms);
}

Genesis MakeGenesis(const SigningKey& issuer, const std::vector<SigningKey>& keys,
                    std::mt19937_64& random) {
  Genesis genesis;
  genesis.chain_id = "remit-test";
  genesis.genesis_time_unix_ms = kGenesisTimeMs;
  genesis.validators = {{SeededKey(99).public_key(), "127.0.0.1:7100"}};
  for (const std::string& asset : kAssets) {
    genesis.assets.push_back({asset, 2, issuer.public_key(), 10'000'000'000});
    int64_t issued = 0;
    for (const SigningKey& key : keys) {
      if (key.public_key() == issuer.public_key()) continue;
      const auto amount = static_cast<int64_t>(random() % 50'000'000);
      genesis.balances.push_back({key.public_key(), asset, amount});
      issued += amount;
    }
    genesis.balances.push_back({issuer.public_key(), asset, -issued});
  }
  genesis.hub_asset = "USD";
  genesis.basket = BasketInfo{{"RMX", 2, AccountId{}, 1'000'000, false}, {{"USD", 1}, {"PHP", 58}}};
  return genesis;
}

// The invariants of the file comment that hold after every block.
void ExpectInvariants(const MemChain& chain, const Model& model) {
  const Genesis& genesis = chain.genesis();
  const MemoryState& state = chain.state();
  ASSERT_TRUE(chain.AssetsSumToZero());
  for (const auto& [key, value] : state.balances) {
    const AssetInfo* asset = genesis.FindAsset(key.asset);
    ASSERT_NE(asset, nullptr);
    if (!MayGoNegative(*asset, key.account)) {
      ASSERT_GE(value, 0) << key.asset;
    }
  }
  ASSERT_EQ(state.balances, model.balances());
  ASSERT_EQ(state.offers.size(), model.offers().size());
  for (const auto& [id, offer] : model.offers()) {
    const std::optional<v1::Offer> live = state.FindOffer(id);
    ASSERT_TRUE(live.has_value());
    ASSERT_EQ(live->amount_minor(), offer.amount_minor());
  }
  ASSERT_TRUE(BasketReserveMatches(*genesis.basket, state.Basket()));
}

TEST(FxPropertyTest, RandomOperationsKeepEveryInvariant) {
  const uint64_t seed = PropertySeed();
  SCOPED_TRACE(StrCat("property seed ", seed, " (rerun: REMIT_PROPERTY_SEED=", seed, ")"));
  std::mt19937_64 random(seed);
  const SigningKey issuer = SeededKey(1, 0x71);
  std::vector<SigningKey> keys;
  for (int i = 0; i < kUsers; ++i) keys.push_back(SeededKey(static_cast<uint8_t>(10 + i), 0x71));
  keys.push_back(issuer);  // the issuer takes part too
  MemChain chain(MakeGenesis(issuer, keys, random));
  Model model(chain.state());
  Workload workload(random(), chain, keys);
  std::map<v1::Outcome, int> outcomes;
  std::map<Hash32, int> claim_ends;
  uint64_t time_ms = kGenesisTimeMs;
  for (int height = 1; height <= kBlocks + 1; ++height) {
    SCOPED_TRACE(StrCat("height ", height));
    time_ms +=
        height <= kBlocks ? workload.Uniform(0, 2000) : 1'000'000;  // the last: after expiries
    const std::vector<v1::SignedTransfer> entries =
        height <= kBlocks ? workload.Block(time_ms) : workload.ReclaimAll();
    const MemoryState before = chain.state();
    const v1::Block block = chain.NextBlock(entries, time_ms);
    const BlockEffects effects = chain.Commit(entries, time_ms);
    for (const v1::TransferRecord& record : effects.records) {
      std::string error;
      ASSERT_TRUE(model.Apply(chain.genesis(), record, error)) << error;
      ++outcomes[record.receipt().outcome()];
      const v1::SignedTransfer& entry = record.signed_transfer();
      if (record.receipt().outcome() == v1::SETTLED && entry.has_operation() &&
          (entry.operation().has_claim() || entry.operation().has_reclaim())) {
        ++claim_ends[Id(record.receipt().claim_id())];
      }
    }
    ExpectInvariants(chain, model);
    if (height % 25 == 0) {
      ASSERT_EQ(ExecuteBlock(chain.genesis(), before, before.state_hash, block).state_hash,
                chain.state().state_hash);
    }
  }
  // Every claim that was created ended exactly once.
  int created = 0;
  for (const auto& [id, claim] : chain.state().claims) {
    ++created;
    EXPECT_NE(claim.status(), v1::CLAIM_OPEN);
    EXPECT_EQ(claim_ends[id], 1);
  }
  for (const auto& [id, ends] : claim_ends) EXPECT_EQ(ends, 1);
  EXPECT_GT(created, 50);
  // The run exercised every outcome the operations have.
  for (v1::Outcome outcome :
       {v1::SETTLED, v1::INSUFFICIENT_FUNDS, v1::UNDER_DELIVER_MIN, v1::OVER_SEND_MAX,
        v1::NO_LIQUIDITY, v1::NOT_OWNER, v1::UNKNOWN_OFFER, v1::CLAIM_EXPIRED,
        v1::CLAIM_NOT_EXPIRED, v1::BAD_CLAIM_SECRET, v1::ALREADY_CLAIMED, v1::BAD_SEQUENCE}) {
    EXPECT_GT(outcomes[outcome], 0) << v1::Outcome_Name(outcome);
  }
  int total = 0;
  std::string summary;
  for (const auto& [outcome, n] : outcomes) {
    total += n;
    summary += StrCat(v1::Outcome_Name(outcome), "=", n, " ");
  }
  EXPECT_GT(total, 3000);
  std::printf("seed %llu: %d records: %s\n", static_cast<unsigned long long>(seed), total,
              summary.c_str());
}

}  // namespace
}  // namespace remit
