#include "tests/sim/workload.h"

#include "ledger/check.h"
#include "ledger/claim_code.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::sim {
namespace {

constexpr size_t kOffersPerClientMax = 4;
constexpr size_t kClaimsOpenMax = 32;
constexpr size_t kClaimsEndedMax = 8;
constexpr uint64_t kNever = UINT64_MAX;
const char* const kBasket = "RMX";
const char* const kHub = "USD";

// Each asset, the clients' funds in it, and its mid rate against the hub
// (hub_minor of USD are worth asset_minor of the asset).
struct SimAsset {
  const char* code;
  int64_t client_funds_minor;
  uint64_t hub_minor;
  uint64_t asset_minor;
  uint64_t transfer_max_minor;
};
constexpr SimAsset kAssets[] = {
    {"USD", 10'000, 100, 100, 1'000'000},
    {"EUR", 10'000, 100, 92, 1'000'000},
    {"PHP", 580'000, 100, 5'800, 100'000'000},
};
constexpr int64_t kMakerDepthMinor = 5'000'000;  // of USD, per rate

uint64_t Uniform(std::mt19937_64& rng, uint64_t low, uint64_t high) {
  return std::uniform_int_distribution<uint64_t>(low, high)(rng);
}
const SimAsset& AnyAsset(std::mt19937_64& rng) {
  return kAssets[Uniform(rng, 0, std::size(kAssets) - 1)];
}
// About `usd_minor` of USD in `asset`'s minor units (at least 1).
uint64_t Worth(const SimAsset& asset, uint64_t usd_minor) {
  return std::max<uint64_t>(1, usd_minor * asset.asset_minor / asset.hub_minor);
}
std::unique_ptr<SigningKey> KeyOf(uint8_t tag, uint32_t index) {
  Seed seed{};
  seed.fill(tag);
  seed[1] = static_cast<uint8_t>(index);
  seed[2] = static_cast<uint8_t>(index >> 8);
  return std::make_unique<SigningKey>(SigningKey::FromSeed(seed));
}

}  // namespace

Workload::Workload(uint32_t clients)
    : issuer_(KeyOf(1, 0)), maker_(KeyOf(4, 0)), offers_(clients), minted_(clients) {
  for (uint32_t i = 0; i < clients; ++i) keys_.push_back(KeyOf(2, i));
}

void Workload::AddToGenesis(Genesis& genesis) const {
  for (const SimAsset& asset : kAssets) {
    genesis.assets.push_back({asset.code, 2, issuer_->public_key(), asset.transfer_max_minor});
    int64_t issued = 0;
    for (const auto& key : keys_) {
      genesis.balances.push_back({key->public_key(), asset.code, asset.client_funds_minor});
      issued += asset.client_funds_minor;
    }
    // The maker holds twice what its offers hold in every asset.
    const int64_t maker_minor =
        2 * static_cast<int64_t>(Worth(asset, kMakerDepthMinor)) * std::ssize(kAssets);
    genesis.balances.push_back({maker_->public_key(), asset.code, maker_minor});
    genesis.balances.push_back({issuer_->public_key(), asset.code, -(issued + maker_minor)});
  }
  genesis.hub_asset = kHub;
  genesis.basket =
      BasketInfo{{kBasket, 2, AccountId{}, 1'000'000, false}, {{"USD", 1}, {"EUR", 1}}};
  MarketMaker maker;
  maker.account = maker_->public_key();
  maker.base_asset = kHub;
  maker.spread_bps = 100;
  maker.depth_base_minor = kMakerDepthMinor;
  for (const SimAsset& asset : kAssets) {
    if (asset.code != std::string_view(kHub)) {
      maker.rates.push_back({asset.code, asset.hub_minor, asset.asset_minor});
    }
  }
  genesis.market_maker = maker;
}

std::vector<std::string> Workload::AssetCodes() const {
  std::vector<std::string> codes;
  for (const SimAsset& asset : kAssets) codes.emplace_back(asset.code);
  codes.emplace_back(kBasket);
  return codes;
}

void Workload::Bind(const Genesis& genesis) {
  chain_id_ = genesis.chain_id;
  genesis_hash_ = GenesisHash(genesis);
}

v1::Operation Workload::Header(uint32_t client, uint64_t sequence) const {
  v1::Operation op;
  op.set_chain_id(chain_id_);
  op.set_genesis_hash(ToString(genesis_hash_));
  op.set_signer(ToString(key(client).public_key()));
  op.set_sequence(sequence);
  op.set_expiry_unix_ms(kNever);
  return op;
}

v1::SignedTransfer Workload::Next(uint32_t client, uint64_t sequence, uint64_t now_unix_ms,
                                  std::mt19937_64& rng) {
  const uint64_t pick = Uniform(rng, 0, 99);
  std::optional<v1::SignedTransfer> entry;
  if (pick < 45) return Transfer(client, sequence, rng);
  if (pick < 65) return CrossCurrency(client, sequence, rng);
  if (pick < 72) return OfferCreate(client, sequence, rng);
  if (pick < 77) entry = OfferCancel(client, sequence, rng);
  if (pick >= 77 && pick < 84) return Basket(client, sequence, rng);
  if (pick >= 84 && pick < 91) return CreateClaim(client, sequence, now_unix_ms, rng);
  if (pick >= 91) entry = ClaimOrReclaim(client, sequence, now_unix_ms, rng);
  return entry ? *std::move(entry) : Transfer(client, sequence, rng);
}

v1::SignedTransfer Workload::Transfer(uint32_t client, uint64_t sequence,
                                      std::mt19937_64& rng) const {
  const SimAsset& asset = AnyAsset(rng);
  const auto to = static_cast<uint32_t>((client + 1 + Uniform(rng, 0, clients() - 2)) % clients());
  v1::Transfer transfer;
  transfer.set_chain_id(chain_id_);
  transfer.set_genesis_hash(ToString(genesis_hash_));
  transfer.set_from(ToString(key(client).public_key()));
  transfer.set_to(ToString(key(to).public_key()));
  transfer.set_asset(asset.code);
  transfer.set_amount_minor(Worth(asset, Uniform(rng, 1, 3'000)));
  transfer.set_sequence(sequence);
  transfer.set_expiry_unix_ms(kNever);
  return SignTransfer(transfer, key(client));
}

v1::SignedTransfer Workload::CrossCurrency(uint32_t client, uint64_t sequence,
                                           std::mt19937_64& rng) const {
  const SimAsset& send = AnyAsset(rng);
  const SimAsset* deliver = &AnyAsset(rng);
  while (deliver == &send) deliver = &AnyAsset(rng);
  const uint32_t to = static_cast<uint32_t>(Uniform(rng, 0, clients() - 1));  // maybe itself
  const uint64_t usd_minor = Uniform(rng, 1, 2'000);
  // Bounds from 0.8x to 1.2x the mid value, so some transfers miss them.
  const uint64_t slack_pct = Uniform(rng, 80, 120);
  v1::Operation op = Header(client, sequence);
  if (Uniform(rng, 0, 1) == 0) {
    v1::StrictSend& body = *op.mutable_strict_send();
    body.set_to(ToString(key(to).public_key()));
    body.set_send_asset(send.code);
    body.set_send_amount_minor(Worth(send, usd_minor));
    body.set_deliver_asset(deliver->code);
    body.set_deliver_min_minor(Worth(*deliver, usd_minor * slack_pct / 120));
  } else {
    v1::StrictReceive& body = *op.mutable_strict_receive();
    body.set_to(ToString(key(to).public_key()));
    body.set_send_asset(send.code);
    body.set_send_max_minor(Worth(send, usd_minor * slack_pct / 100));
    body.set_deliver_asset(deliver->code);
    body.set_deliver_amount_minor(Worth(*deliver, usd_minor));
  }
  return SignOperation(op, key(client));
}

v1::SignedTransfer Workload::OfferCreate(uint32_t client, uint64_t sequence,
                                         std::mt19937_64& rng) const {
  const SimAsset& sell = AnyAsset(rng);
  const SimAsset* buy = &AnyAsset(rng);
  while (buy == &sell) buy = &AnyAsset(rng);
  // Near the mid rate (buy minor per sell minor), some better than the maker's.
  const uint64_t markup_per_mille = Uniform(rng, 990, 1'030);
  v1::Operation op = Header(client, sequence);
  v1::OfferCreate& body = *op.mutable_offer_create();
  body.set_sell_asset(sell.code);
  body.set_buy_asset(buy->code);
  body.set_amount_minor(Worth(sell, Uniform(rng, 100, 3'000)));
  body.set_price_n(buy->asset_minor * sell.hub_minor * markup_per_mille);
  body.set_price_d(sell.asset_minor * buy->hub_minor * 1'000);
  return SignOperation(op, key(client));
}

std::optional<v1::SignedTransfer> Workload::OfferCancel(uint32_t client, uint64_t sequence,
                                                        std::mt19937_64& rng) {
  std::deque<Hash32>& offers = offers_[client];
  if (offers.empty()) return std::nullopt;
  const size_t index = Uniform(rng, 0, offers.size() - 1);
  v1::Operation op = Header(client, sequence);
  op.mutable_offer_cancel()->set_offer_id(ToString(offers[index]));
  // Kept in the list: a second cancel (or one of an offer filled meanwhile)
  // ends UNKNOWN_OFFER, which is worth exercising too. Dropped on SETTLED.
  return SignOperation(op, key(client));
}

v1::SignedTransfer Workload::Basket(uint32_t client, uint64_t sequence, std::mt19937_64& rng) {
  v1::Operation op = Header(client, sequence);
  // Redeems what the client minted, mostly, and now and then more.
  const uint64_t minted = minted_[client];
  const bool redeem = minted > 0 && Uniform(rng, 0, 1) == 0;
  const uint64_t units =
      redeem && Uniform(rng, 0, 9) != 0 ? Uniform(rng, 1, minted) : Uniform(rng, 1, 2'000);
  if (!redeem) {
    op.mutable_basket_mint()->set_basket_asset(kBasket);
    op.mutable_basket_mint()->set_amount_minor(units);
  } else {
    op.mutable_basket_redeem()->set_basket_asset(kBasket);
    op.mutable_basket_redeem()->set_amount_minor(units);
  }
  return SignOperation(op, key(client));
}

v1::SignedTransfer Workload::CreateClaim(uint32_t client, uint64_t sequence, uint64_t now_unix_ms,
                                         std::mt19937_64& rng) {
  const SimAsset& asset = AnyAsset(rng);
  std::string code = StrCat("sim-claim-code-", client, "-", sequence, "-", rng());
  const absl::StatusOr<SigningKey> claim_key = ClaimKeyFromCode(code);
  REMIT_CHECK(claim_key.ok());
  v1::Operation op = Header(client, sequence);
  v1::CreateClaim& body = *op.mutable_create_claim();
  body.set_asset(asset.code);
  body.set_amount_minor(Worth(asset, Uniform(rng, 1, 1'000)));
  body.set_claim_key(ToString(claim_key->public_key()));
  body.set_claim_expiry_unix_ms(now_unix_ms + Uniform(rng, 200, 2'500));
  v1::SignedTransfer entry = SignOperation(op, key(client));
  codes_[OperationId(entry)] = std::move(code);
  return entry;
}

std::optional<v1::SignedTransfer> Workload::ClaimOrReclaim(uint32_t client, uint64_t sequence,
                                                           uint64_t now_unix_ms,
                                                           std::mt19937_64& rng) {
  v1::Operation op = Header(client, sequence);
  for (const OpenClaim& claim : claims_) {
    if (claim.sender != client || now_unix_ms <= claim.expiry_unix_ms) continue;
    op.mutable_reclaim()->set_claim_id(ToString(claim.id));  // expired: take it back
    return SignOperation(op, key(client));
  }
  const bool retry_ended = !ended_.empty() && Uniform(rng, 0, 9) == 0;
  const std::deque<OpenClaim>& from = retry_ended ? ended_ : claims_;
  if (from.empty()) return std::nullopt;
  const OpenClaim& claim = from[Uniform(rng, 0, from.size() - 1)];
  if (claim.sender == client) {
    // Sometimes too early (CLAIM_NOT_EXPIRED), or after it ended.
    if (!retry_ended && Uniform(rng, 0, 3) != 0) return std::nullopt;
    op.mutable_reclaim()->set_claim_id(ToString(claim.id));
    return SignOperation(op, key(client));
  }
  const bool wrong_code = Uniform(rng, 0, 9) == 0;  // BAD_CLAIM_SECRET
  const absl::StatusOr<SigningKey> claim_key =
      ClaimKeyFromCode(wrong_code ? claim.code + "-wrong" : claim.code);
  REMIT_CHECK(claim_key.ok());
  op.mutable_claim()->set_claim_id(ToString(claim.id));
  op.mutable_claim()->set_proof(
      ToString(SignClaimProof(*claim_key, genesis_hash_, claim.id, key(client).public_key())));
  return SignOperation(op, key(client));
}

void Workload::OnReceipt(uint32_t client, const v1::SignedTransfer& entry,
                         const v1::Receipt& receipt) {
  const Hash32 id = *ToArray<kHashBytes>(receipt.transfer_id(), "id");
  const auto code = codes_.find(id);
  std::string claim_code;
  if (code != codes_.end()) {
    claim_code = std::move(code->second);
    codes_.erase(code);
  }
  if (!entry.has_operation() || receipt.outcome() != v1::SETTLED) return;
  const v1::Operation& op = entry.operation();
  if (op.has_offer_create()) {
    // An offer filled at once leaves nothing standing; cancelling it then
    // ends UNKNOWN_OFFER.
    offers_[client].push_back(id);
    if (offers_[client].size() > kOffersPerClientMax) offers_[client].pop_front();
  } else if (op.has_offer_cancel()) {
    std::erase(offers_[client], *ToArray<kHashBytes>(op.offer_cancel().offer_id(), "id"));
  } else if (op.has_basket_mint()) {
    minted_[client] += op.basket_mint().amount_minor();
  } else if (op.has_basket_redeem()) {
    minted_[client] -= std::min(minted_[client], op.basket_redeem().amount_minor());
  } else if (op.has_create_claim()) {
    claims_.push_back(
        {id, std::move(claim_code), client, op.create_claim().claim_expiry_unix_ms()});
    if (claims_.size() > kClaimsOpenMax) claims_.pop_front();
  } else if (op.has_claim() || op.has_reclaim()) {
    const std::string& claim_id = op.has_claim() ? op.claim().claim_id() : op.reclaim().claim_id();
    for (auto it = claims_.begin(); it != claims_.end(); ++it) {
      if (AsBytes(it->id) != claim_id) continue;
      ended_.push_back(*it);
      if (ended_.size() > kClaimsEndedMax) ended_.pop_front();
      claims_.erase(it);
      break;
    }
  }
}

}  // namespace remit::sim
