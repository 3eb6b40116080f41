// The read side of ledger state that execution needs, and the set of writes
// one committed block makes. Execution reads through StateReader and returns
// BlockEffects; a store applies them atomically.
//
// Money is in balances (spendable) and in held amounts: what offers still
// offer, what open claims hold, and the basket's reserve. For every asset,
// balances + held sum to zero at every height (docs/FX.md, docs/CLAIMS.md).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

using OfferId = Hash32;
using ClaimId = Hash32;

struct BalanceKey {
  AccountId account{};
  std::string asset;
  auto operator<=>(const BalanceKey&) const = default;
};

// Offers selling `sell` for `buy`: a taker receives `sell` and pays `buy`.
struct AssetPair {
  std::string sell;
  std::string buy;
  auto operator<=>(const AssetPair&) const = default;
};

// The basket's units in circulation and its reserve, one entry per genesis
// component in genesis order. Invariant: reserve_minor[i] ==
// outstanding_minor x weight of component i.
struct BasketState {
  uint64_t outstanding_minor = 0;
  std::vector<uint64_t> reserve_minor;
  bool operator==(const BasketState&) const = default;
};

// Committed state as of the last committed block. Implementations are the
// RocksDB store and in-memory states for tests and simulation. A read that
// fails for an I/O reason cannot be turned into a deterministic outcome, so
// implementations abort rather than return an error.
class StateReader {
 public:
  virtual ~StateReader() = default;
  // Zero for an account or asset never seen.
  virtual int64_t Balance(const BalanceKey& key) const = 0;
  // Zero for an account that never sent.
  virtual uint64_t NextSequence(const AccountId& account) const = 0;
  // True if a transfer with this id already has a final outcome.
  virtual bool HasTransfer(const TransferId& id) const = 0;
  // The live offers of `pair` in book order (best price first, then oldest:
  // offer_book.h), at most count_max of them.
  virtual std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const = 0;
  // nullopt for an offer never made, filled or cancelled.
  virtual std::optional<v1::Offer> FindOffer(const OfferId& id) const = 0;
  // nullopt for a claim never made; ended claims stay.
  virtual std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const = 0;
  // Without a basket in genesis: zero outstanding and an empty reserve.
  virtual BasketState Basket() const = 0;
};

// An offer written by a block: its new values, or its removal (filled or
// cancelled; `offer` then keeps its last values, so its pair is known).
struct OfferWrite {
  v1::Offer offer;
  bool live = true;
};

// Everything one block changes, with new values (not deltas).
struct BlockEffects {
  std::map<BalanceKey, int64_t> balances;
  std::map<AccountId, uint64_t> next_sequences;
  std::map<OfferId, OfferWrite> offers;
  // The ids in `offers` by pair; kept by PutOffer.
  std::map<AssetPair, std::set<OfferId>> offers_by_pair;
  std::map<ClaimId, v1::ClaimEntry> claims;
  std::optional<BasketState> basket;  // set when the block changed it
  // One per transfer that received its final outcome in this block, in block
  // order. A transfer skipped (id already final, or sequence ahead) has none.
  std::vector<v1::TransferRecord> records;
  uint64_t height = 0;
  Hash32 block_hash{};
  // Hash of the state after this block (docs/ENCODING.md, "State hash").
  Hash32 state_hash{};

  // Records an offer's new values (live) or its removal in `offers` and
  // `offers_by_pair`. Precondition: a 32-byte offer id.
  void PutOffer(const v1::Offer& offer, bool live);
};

// The pair an offer belongs to.
AssetPair PairOf(const v1::Offer& offer);

}  // namespace remit
