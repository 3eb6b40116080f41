// What the simulator's clients send: plain transfers in three assets, offers
// (created and cancelled), cross-currency transfers (strict send and strict
// receive) through the market maker genesis seeds and the hub asset, basket
// mints and redeems, and claims (created with a secret code, claimed with it
// by another client before their expiry, reclaimed by the sender after it,
// now and then with a wrong code or after they ended). docs/FX.md and
// docs/CLAIMS.md describe the operations.
//
// The workload learns from each receipt a client gets (an offer now standing,
// a claim now open or ended), so that later operations name real ids; a
// receipt of any outcome is fine, since the simulator checks agreement and
// invariants, not that each operation succeeds. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "remit/v1/types.pb.h"

namespace remit::sim {

class Workload {
 public:
  explicit Workload(uint32_t clients);

  uint32_t clients() const { return static_cast<uint32_t>(keys_.size()); }
  const SigningKey& key(uint32_t client) const { return *keys_.at(client); }

  // Adds the assets (with their issuer), the clients' balances, the hub
  // asset, the basket and a market maker with its balances to `genesis`.
  void AddToGenesis(Genesis& genesis) const;
  // Every asset code of the chain, the basket's included (for sum checks).
  std::vector<std::string> AssetCodes() const;
  // Once genesis is complete: the chain the operations are signed for.
  void Bind(const Genesis& genesis);

  // The next operation of `client` at `sequence`, signed; block time near
  // `now_unix_ms` decides which claims may be reclaimed.
  v1::SignedTransfer Next(uint32_t client, uint64_t sequence, uint64_t now_unix_ms,
                          std::mt19937_64& rng);
  // The receipt `client` got for `entry` (its own operation).
  void OnReceipt(uint32_t client, const v1::SignedTransfer& entry, const v1::Receipt& receipt);

 private:
  struct OpenClaim {
    Hash32 id{};
    std::string code;
    uint32_t sender = 0;
    uint64_t expiry_unix_ms = 0;
  };

  v1::Operation Header(uint32_t client, uint64_t sequence) const;
  v1::SignedTransfer Transfer(uint32_t client, uint64_t sequence, std::mt19937_64& rng) const;
  v1::SignedTransfer CrossCurrency(uint32_t client, uint64_t sequence, std::mt19937_64& rng) const;
  v1::SignedTransfer OfferCreate(uint32_t client, uint64_t sequence, std::mt19937_64& rng) const;
  v1::SignedTransfer Basket(uint32_t client, uint64_t sequence, std::mt19937_64& rng);
  v1::SignedTransfer CreateClaim(uint32_t client, uint64_t sequence, uint64_t now_unix_ms,
                                 std::mt19937_64& rng);
  // nullopt if the client has no offer or claim to act on.
  std::optional<v1::SignedTransfer> OfferCancel(uint32_t client, uint64_t sequence,
                                                std::mt19937_64& rng);
  std::optional<v1::SignedTransfer> ClaimOrReclaim(uint32_t client, uint64_t sequence,
                                                   uint64_t now_unix_ms, std::mt19937_64& rng);

  std::unique_ptr<SigningKey> issuer_;
  std::unique_ptr<SigningKey> maker_;
  std::vector<std::unique_ptr<SigningKey>> keys_;
  std::string chain_id_;
  Hash32 genesis_hash_{};
  // Offers standing per client, claims open, and a few that ended (for
  // ALREADY_CLAIMED); each list bounded.
  std::vector<std::deque<Hash32>> offers_;
  std::vector<uint64_t> minted_;  // basket units each client minted less redeemed
  std::deque<OpenClaim> claims_;
  std::deque<OpenClaim> ended_;
  std::map<Hash32, std::string> codes_;  // CreateClaim id -> its code, until its receipt
};

}  // namespace remit::sim
