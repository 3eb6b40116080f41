// Internal to the executor: the writes of one operation, staged so that they
// reach the block's effects only if the operation settles (all legs or
// none), with an account per asset of every change to balances and held
// amounts (offers, open claims, the basket's reserve and outstanding
// units), which must net to zero when the operation commits: no operation
// creates or destroys a minor unit. The check stays on in release builds.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "ledger/genesis.h"
#include "ledger/state.h"

namespace remit {

class OpChanges {
 public:
  // `view` is the state the operation runs on: committed state through the
  // block's effects so far. It must outlive this object.
  OpChanges(const Genesis& genesis, const StateReader& view);

  int64_t Balance(const AccountId& account, const std::string& asset) const;
  // Moves `amount_minor` (in 0..2^63-1) out of or into a balance. Returns
  // SETTLED, INSUFFICIENT_FUNDS (a non-issuer would go negative) or
  // BALANCE_OVERFLOW (the int64 range); nothing is staged unless SETTLED.
  v1::Outcome Debit(const AccountId& account, const std::string& asset, uint64_t amount_minor);
  v1::Outcome Credit(const AccountId& account, const std::string& asset, uint64_t amount_minor);

  // The offer as staged or in the view; nullopt if absent or removed.
  std::optional<v1::Offer> FindOffer(const OfferId& id) const;
  // Stages an offer's new values (amount 0 removes it). Its held amount is
  // its amount of its sell asset.
  void PutOffer(const v1::Offer& offer);

  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const;
  // An open claim holds its amount; an ended one holds nothing.
  void PutClaim(const v1::ClaimEntry& claim);

  BasketState Basket() const;
  // The reserve holds its components; outstanding units count against the
  // basket asset (they are balances no issuer went negative for).
  void PutBasket(const BasketState& basket);

  // Writes everything staged into `effects`. Checks that every asset's
  // changes net to zero and that the basket reserve is outstanding x weight.
  void CommitTo(BlockEffects& effects) const;

 private:
  __extension__ typedef __int128 Int128;

  void AddNet(const std::string& asset, Int128 delta) { net_[asset] += delta; }
  Int128 HeldOf(const std::optional<v1::ClaimEntry>& claim) const;

  const Genesis& genesis_;
  const StateReader& view_;
  std::map<BalanceKey, int64_t> balances_;
  std::map<OfferId, v1::Offer> offers_;
  std::map<ClaimId, v1::ClaimEntry> claims_;
  std::optional<BasketState> basket_;
  std::map<std::string, Int128> net_;
};

}  // namespace remit
