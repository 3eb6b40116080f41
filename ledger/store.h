// The ledger's durable state in RocksDB: balances, sequences, transfers by id,
// per-account history, committed blocks, offers, claims and the basket. One committed block is one
// synced WriteBatch, so after kill -9 the store reopens at the last committed height with nothing
// half-applied. The key layout is documented in store.cc.
//
// Thread safety: reads may run concurrently with each other and with Commit;
// Commit must be called from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/exchange.h"
#include "ledger/genesis.h"
#include "ledger/state.h"
#include "remit/v1/types.pb.h"

namespace remit {

inline constexpr uint32_t kHistoryPageMax = 1000;
inline constexpr uint32_t kHistoryPageDefault = 20;
inline constexpr uint32_t kOfferPageMax = 1000;
inline constexpr uint32_t kOfferPageDefault = 20;

struct StoreOptions {
  std::string path;
  // fsync each committed block. Only tests that simulate power loss set false.
  bool sync = true;
  uint64_t block_cache_bytes = 64ull << 20;
};

struct HistoryPage {
  std::vector<v1::TransferRecord> records;  // newest first
  std::string next_page_token;              // empty on the last page
};

struct OfferPage {
  std::vector<v1::Offer> offers;  // best first (offer_book.h)
  std::string next_page_token;    // empty on the last page
};

class LedgerStore : public StateReader {
 public:
  // Opens or creates the store. A new store commits the genesis block (height
  // 0) with GenesisEffects. An existing store must have been created from the
  // same genesis (FAILED_PRECONDITION otherwise, naming both hashes).
  static absl::StatusOr<std::unique_ptr<LedgerStore>> Open(const StoreOptions& options,
                                                           const Genesis& genesis);
  ~LedgerStore() override;

  // StateReader, as of the last committed block: balances, sequences,
  // offers and the basket come from memory (state_cache.h, offer_book.h),
  // transfer ids and claims from RocksDB.
  int64_t Balance(const BalanceKey& key) const override;
  uint64_t NextSequence(const AccountId& account) const override;
  bool HasTransfer(const TransferId& id) const override;
  std::vector<v1::Offer> BestOffers(const AssetPair& pair, size_t count_max) const override;
  std::optional<v1::Offer> FindOffer(const OfferId& id) const override;
  std::optional<v1::ClaimEntry> FindClaim(const ClaimId& id) const override;
  BasketState Basket() const override;

  uint64_t committed_height() const;
  Hash32 committed_block_hash() const;
  Hash32 committed_state_hash() const;
  uint64_t transfers_committed() const;
  // The committed block's timestamp: the time offers and quotes are read at.
  uint64_t committed_time_unix_ms() const;

  // Applies `effects` of `block` in one WriteBatch (synced per options).
  // Preconditions (checked): block height == committed_height() + 1 ==
  // effects.height, and the block's parent_hash is committed_block_hash().
  // `qc`, if given, certifies the block and is kept with it (replication).
  // `commit_qc`, if given, is the QC that committed the block by the 2-chain
  // rule (on its child, one round later; checked) and is kept too, for
  // receipt proofs (GetCommitQc; docs/ENCODING.md §10).
  absl::Status Commit(const v1::Block& block, const BlockEffects& effects,
                      const v1::QuorumCert* qc = nullptr,
                      const v1::QuorumCert* commit_qc = nullptr);

  // NOT_FOUND if the id has no final outcome.
  absl::StatusOr<v1::TransferRecord> GetTransfer(const TransferId& id) const;
  // NOT_FOUND above the committed height.
  absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height) const;
  // The QC that committed block `height` (Commit's commit_qc). NOT_FOUND if
  // none is kept with it: it was committed together with later blocks (the
  // last of them has it), before stores kept them, or it is above the
  // committed height.
  absl::StatusOr<v1::QuorumCert> GetCommitQc(uint64_t height) const;
  // An account's next sequence and non-zero balances (with decimals).
  v1::Account GetAccount(const AccountId& account) const;
  // Transfers the account sent or received, newest first. `limit` 0 means
  // kHistoryPageDefault; above kHistoryPageMax is INVALID_ARGUMENT, as is a
  // page token this store did not hand out.
  absl::StatusOr<HistoryPage> ListTransfers(const AccountId& account, uint32_t limit,
                                            std::string_view page_token) const;
  // The live offers of `pair`, best first (expired ones included: they are
  // held until cancelled). `limit` 0 means kOfferPageDefault; above
  // kOfferPageMax is INVALID_ARGUMENT, as is a malformed page token. A page
  // continues strictly after the previous one's last offer in book order, so
  // offers filled between pages are not repeated.
  absl::StatusOr<OfferPage> ListOffers(const AssetPair& pair, uint32_t limit,
                                       std::string_view page_token) const;
  // NOT_FOUND if no claim has this id; ended claims stay readable.
  absl::StatusOr<v1::ClaimEntry> GetClaim(const ClaimId& id) const;
  // exchange.h Quote on the committed state, at the committed block's time.
  // Offers are read pair by pair, so a quote taken while a block commits may
  // mix the two states; it is advice, and the signed bounds protect the
  // transfer.
  absl::StatusOr<CrossResult> Quote(const CrossRequest& request) const;

 private:
  class Impl;
  explicit LedgerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace remit
