// LedgerStore keeps the ledger in one RocksDB database, default column family.
// Every key starts with a one-byte tag; every integer is big-endian and
// fixed-width, so keys of one kind sort by their integers.
//
//   key      = meta | balance | sequence | transfer | history | block | offer | claim
//   meta     = 'M' name                                 -> see below
//   balance  = 'B' account[32] asset                    -> i64 balance_minor
//   sequence = 'S' account[32]                          -> u64 next_sequence
//   transfer = 'T' transfer_id[32]                      -> v1.TransferRecord
//   history  = 'H' account[32] u64 height u32 position  -> transfer_id[32]
//   block    = 'K' u64 height                           -> v1.CommittedBlock
//   commit   = 'Q' u64 height                           -> v1.QuorumCert that committed
//              the block (on its child, one round later); only for the last
//              block of each commit (receipt proofs, docs/ENCODING.md §10)
//   offer    = 'O' offer_id[32]                         -> v1.Offer (live offers only)
//   claim    = 'C' claim_id[32]                         -> v1.ClaimEntry (kept after it ends)
//
//   meta name                 value
//   "format_version"          u32, kFormatVersion
//   "genesis_hash"            [32], GenesisHash of the chain the store belongs to
//   "committed_height"        u64
//   "committed_block_hash"    [32]
//   "committed_state_hash"    [32]
//   "transfers_committed"     u64, records (final outcomes) in blocks 0..height
//   "basket"                  u64 outstanding_minor, then u64 reserve_minor per
//                             component in genesis order; only with a basket
//
// `asset` is the rest of a balance key, so (account, asset) pairs are unique.
// An absent balance or sequence is zero; a balance that becomes zero is
// deleted, and so is an offer once filled or cancelled. Every record has a
// history entry for each account it touches (operation.h TouchedAccounts:
// sender, recipient, offer owners it filled, a claim's sender). v1.* values
// are protobuf serializations.
//
// A history page token is `u64 height u32 position` of the last entry the page
// returned; the next page starts strictly below it. An offer page token is
// `u64 price_n u64 price_d u64 created_height u32 created_position` of the last
// offer returned; the next page starts strictly after it in book order.
#include "ledger/store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

#include "ledger/amount.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/encoding.h"
#include "ledger/exchange.h"
#include "ledger/executor.h"
#include "ledger/offer_book.h"
#include "ledger/operation.h"
#include "ledger/state_cache.h"
#include "ledger/strings.h"

namespace remit {
namespace {

// 3: the payload hash became a Merkle root (block hashes moved); commit QCs kept.
constexpr uint32_t kFormatVersion = 3;

constexpr char kMetaTag = 'M';
constexpr char kBalanceTag = 'B';
constexpr char kSequenceTag = 'S';
constexpr char kTransferTag = 'T';
constexpr char kHistoryTag = 'H';
constexpr char kBlockTag = 'K';
constexpr char kCommitQcTag = 'Q';
constexpr char kOfferTag = 'O';
constexpr char kClaimTag = 'C';

constexpr std::string_view kMetaFormatVersion = "format_version";
constexpr std::string_view kMetaGenesisHash = "genesis_hash";
constexpr std::string_view kMetaCommittedHeight = "committed_height";
constexpr std::string_view kMetaCommittedBlockHash = "committed_block_hash";
constexpr std::string_view kMetaCommittedStateHash = "committed_state_hash";
constexpr std::string_view kMetaTransfersCommitted = "transfers_committed";
constexpr std::string_view kMetaBasket = "basket";

constexpr size_t kU32Bytes = 4;
constexpr size_t kU64Bytes = 8;
constexpr size_t kAccountPrefixBytes = 1 + kPublicKeyBytes;
constexpr size_t kHistoryKeyBytes = kAccountPrefixBytes + kU64Bytes + kU32Bytes;
constexpr size_t kPageTokenBytes = kU64Bytes + kU32Bytes;
constexpr size_t kOfferPageTokenBytes = 3 * kU64Bytes + kU32Bytes;

constexpr int kBloomBitsPerKey = 10;
constexpr double kMemtableBloomRatio = 0.05;
// Smaller memtables keep skip-list inserts shallow and cache-resident.
constexpr size_t kWriteBufferBytes = 8u << 20;
constexpr int kBackgroundJobsMax = 2;
constexpr size_t kInfoLogFilesMax = 4;

std::string Tagged(char tag, std::string_view body) {
  std::string key(1, tag);
  key.append(body);
  return key;
}

std::string MetaKey(std::string_view name) { return Tagged(kMetaTag, name); }

std::string BalancePrefix(const AccountId& account) {
  return Tagged(kBalanceTag, AsBytes(account));
}

std::string BalanceKeyBytes(const BalanceKey& key) {
  REMIT_CHECK(!key.asset.empty());
  return BalancePrefix(key.account) + key.asset;
}

std::string SequenceKey(const AccountId& account) { return Tagged(kSequenceTag, AsBytes(account)); }

std::string TransferKey(std::string_view transfer_id) {
  REMIT_CHECK(transfer_id.size() == kHashBytes);
  return Tagged(kTransferTag, transfer_id);
}

std::string HistoryPrefix(std::string_view account) {
  REMIT_CHECK(account.size() == kPublicKeyBytes);
  return Tagged(kHistoryTag, account);
}

std::string HistoryKey(std::string_view account, uint64_t height, uint32_t position) {
  std::string key = HistoryPrefix(account);
  PutU64(key, height);
  PutU32(key, position);
  return key;
}

std::string OfferKey(const OfferId& id) { return Tagged(kOfferTag, AsBytes(id)); }
std::string ClaimKey(const ClaimId& id) { return Tagged(kClaimTag, AsBytes(id)); }

std::string BasketBytes(const BasketState& basket) {
  std::string bytes;
  PutU64(bytes, basket.outstanding_minor);
  for (uint64_t reserve : basket.reserve_minor) PutU64(bytes, reserve);
  return bytes;
}

std::string EncodeOfferToken(const BookPosition& position) {
  std::string token;
  PutU64(token, position.price_n);
  PutU64(token, position.price_d);
  PutU64(token, position.created_height);
  PutU32(token, position.created_position);
  return token;
}

absl::StatusOr<BookPosition> DecodeOfferToken(std::string_view token) {
  if (token.size() != kOfferPageTokenBytes || GetU64(token.substr(kU64Bytes)) == 0) {
    return absl::InvalidArgumentError(
        "page token is not valid; pass the next_page_token of the previous page, or none for the "
        "first page");
  }
  return BookPosition{GetU64(token), GetU64(token.substr(kU64Bytes)),
                      GetU64(token.substr(2 * kU64Bytes)), GetU32(token.substr(3 * kU64Bytes))};
}

std::string BlockKey(uint64_t height) {
  std::string key(1, kBlockTag);
  PutU64(key, height);
  return key;
}

std::string CommitQcKey(uint64_t height) {
  std::string key(1, kCommitQcTag);
  PutU64(key, height);
  return key;
}

std::string U64Bytes(uint64_t value) {
  std::string bytes;
  PutU64(bytes, value);
  return bytes;
}

std::string U32Bytes(uint32_t value) {
  std::string bytes;
  PutU32(bytes, value);
  return bytes;
}

rocksdb::Slice ToSlice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }
std::string_view ToView(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

// Maps a failed RocksDB call to a Status naming what was being done.
absl::Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  REMIT_CHECK(!status.ok());
  const std::string message = StrCat(what, ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsBusy() || status.IsTimedOut() || status.IsTryAgain() || status.IsIncomplete()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

// State reads cannot fail deterministically (state.h), so an I/O error aborts.
void CheckReadOk(const rocksdb::Status& status, std::string_view what) {
  if (status.ok() || status.IsNotFound()) return;
  std::fprintf(stderr, "ledger store: reading %.*s failed: %s\n", static_cast<int>(what.size()),
               what.data(), status.ToString().c_str());
  REMIT_CHECK(status.ok() || status.IsNotFound());
}

// Releases a RocksDB snapshot when it goes out of scope.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB& db) : db_(db), snapshot_(db.GetSnapshot()) {
    REMIT_CHECK(snapshot_ != nullptr);
  }
  ~ScopedSnapshot() { db_.ReleaseSnapshot(snapshot_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;

  rocksdb::ReadOptions read_options() const {
    rocksdb::ReadOptions options;
    options.snapshot = snapshot_;
    return options;
  }

 private:
  rocksdb::DB& db_;
  const rocksdb::Snapshot* snapshot_;
};

rocksdb::Options DbOptions(const StoreOptions& store_options) {
  rocksdb::BlockBasedTableOptions table_options;
  table_options.block_cache = rocksdb::NewLRUCache(store_options.block_cache_bytes);
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  rocksdb::Options options;
  options.create_if_missing = true;
  options.max_background_jobs = kBackgroundJobsMax;
  options.keep_log_file_num = kInfoLogFilesMax;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  // Most point lookups (is this transfer id final yet?) miss: a bloom filter
  // over the memtable answers them without walking its skip list.
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = kMemtableBloomRatio;
  options.write_buffer_size = kWriteBufferBytes;
  return options;
}

// The writes of one commit, applied in key order: RocksDB's skip list then
// inserts each key beside the previous one instead of searching from the
// top for every random transfer id and history key.
class SortedBatch {
 public:
  void Put(std::string_view key, std::string_view value) {
    entries_.push_back({std::string(key), std::string(value), false});
  }
  void Delete(std::string_view key) { entries_.push_back({std::string(key), {}, true}); }

  rocksdb::WriteBatch Build() {
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
    rocksdb::WriteBatch batch;
    for (size_t i = 0; i < entries_.size(); ++i) {
      // One write per key: a block never writes a key twice.
      REMIT_CHECK(i == 0 || entries_[i - 1].key != entries_[i].key);
      if (entries_[i].erase) {
        batch.Delete(ToSlice(entries_[i].key));
      } else {
        batch.Put(ToSlice(entries_[i].key), ToSlice(entries_[i].value));
      }
    }
    return batch;
  }

 private:
  struct Entry {
    std::string key;
    std::string value;
    bool erase = false;
  };
  std::vector<Entry> entries_;
};

// The page cursor: the last history entry a page returned.
struct HistoryCursor {
  uint64_t height = 0;
  uint32_t position = 0;
};

std::string EncodePageToken(const HistoryCursor& cursor) {
  std::string token;
  PutU64(token, cursor.height);
  PutU32(token, cursor.position);
  return token;
}

absl::StatusOr<HistoryCursor> DecodePageToken(std::string_view token, uint64_t committed_height) {
  const absl::Status invalid = absl::InvalidArgumentError(
      "page token is not valid; pass the next_page_token of the previous page, or none for the "
      "first page");
  if (token.size() != kPageTokenBytes) return invalid;
  const HistoryCursor cursor{GetU64(token), GetU32(token.substr(kU64Bytes))};
  // Genesis (height 0) has no transfers, so no page can end there.
  if (cursor.height == 0 || cursor.height > committed_height) return invalid;
  if (cursor.position >= kBlockTransfersMax) return invalid;
  return cursor;
}

}  // namespace

// What the last committed block left behind; guarded by Impl::mutex.
struct CommittedMeta {
  uint64_t height = 0;
  Hash32 block_hash{};
  Hash32 state_hash{};
  uint64_t transfers = 0;
  uint64_t time_unix_ms = 0;  // the block's timestamp
};

class LedgerStore::Impl {
 public:
  Impl(std::unique_ptr<rocksdb::DB> db_in, Genesis genesis_in, const StoreOptions& options)
      : db(std::move(db_in)), genesis(std::move(genesis_in)), path(options.path) {
    write_options.sync = options.sync;
  }

  CommittedMeta Committed() const {
    std::lock_guard<std::mutex> lock(mutex);
    return committed;
  }

  // Reads one key; nullopt if absent. Aborts on an I/O error.
  std::optional<std::string> GetOrAbort(const rocksdb::ReadOptions& options,
                                        std::string_view key) const {
    std::string value;
    const rocksdb::Status status = db->Get(options, ToSlice(key), &value);
    if (status.IsNotFound()) return std::nullopt;
    if (!status.ok()) CheckReadOk(status, StrCat("key ", ToHex(key)));
    return value;
  }

  absl::StatusOr<std::optional<std::string>> Get(std::string_view key,
                                                 std::string_view what) const {
    std::string value;
    const rocksdb::Status status = db->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
    if (status.IsNotFound()) return std::nullopt;
    if (!status.ok()) return FromRocks(status, what);
    return value;
  }

  uint64_t NextSequence(const rocksdb::ReadOptions& options, const AccountId& account) const {
    const std::optional<std::string> value = GetOrAbort(options, SequenceKey(account));
    if (!value) return 0;
    REMIT_CHECK(value->size() == kU64Bytes);
    return GetU64(*value);
  }

  absl::Status Initialize();
  absl::Status CreateFromGenesis();
  absl::Status LoadExisting();
  // Fills `cache` from the stored balances and sequences.
  absl::Status LoadCache();
  // Fills `book` from the stored offers and `basket` from its meta.
  absl::Status LoadOffersAndBasket();
  absl::StatusOr<std::string> ReadMeta(std::string_view name, size_t value_bytes) const;
  absl::Status Apply(const v1::Block& block, const BlockEffects& effects,
                     const CommittedMeta& parent, SortedBatch& batch,
                     const v1::QuorumCert* qc = nullptr, const v1::QuorumCert* commit_qc = nullptr);
  void CheckEffects(const v1::Block& block, const BlockEffects& effects) const;
  void CheckRecords(const v1::Block& block, const BlockEffects& effects) const;
  void AddStateWrites(const BlockEffects& effects, SortedBatch& batch) const;
  void AddRecordWrites(const BlockEffects& effects, SortedBatch& batch) const;
  void AddHeldWrites(const BlockEffects& effects, SortedBatch& batch) const;
  void CheckHeld(const BlockEffects& effects) const;
  void AddBlockWrites(const v1::Block& block, const CommittedMeta& next, const v1::QuorumCert* qc,
                      const v1::QuorumCert* commit_qc, SortedBatch& batch) const;
  absl::StatusOr<v1::TransferRecord> ReadRecord(const rocksdb::ReadOptions& options,
                                                std::string_view transfer_id) const;

  const std::unique_ptr<rocksdb::DB> db;
  const Genesis genesis;
  const std::string path;
  rocksdb::WriteOptions write_options;
  mutable std::mutex mutex;
  CommittedMeta committed;  // guarded by mutex
  // Balances and sequences at `committed`, for state reads.
  StateCache cache;
  mutable std::shared_mutex book_mutex;
  OfferBook book;      // guarded by book_mutex: the live offers at `committed`
  BasketState basket;  // guarded by book_mutex
};

absl::Status LedgerStore::Impl::Initialize() {
  ASSIGN_OR_RETURN(const std::optional<std::string> genesis_hash,
                   Get(MetaKey(kMetaGenesisHash), "reading the genesis hash"));
  if (genesis_hash) return LoadExisting();
  // Genesis is committed in the same batch as everything else, so a store
  // without a genesis hash must be empty; anything else is damage.
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (!it->status().ok()) return FromRocks(it->status(), "scanning a new store");
  if (it->Valid()) {
    return absl::DataLossError(StrCat(
        "store at ", path, " has data but no genesis hash; it is damaged or not a Remit store"));
  }
  return CreateFromGenesis();
}

absl::Status LedgerStore::Impl::CreateFromGenesis() {
  const v1::Block block = GenesisBlock(genesis);
  const BlockEffects effects = GenesisEffects(genesis);
  REMIT_CHECK(block.header().height() == 0);
  REMIT_CHECK(effects.height == 0);
  REMIT_CHECK(effects.records.empty());
  SortedBatch batch;
  batch.Put(MetaKey(kMetaFormatVersion), U32Bytes(kFormatVersion));
  batch.Put(MetaKey(kMetaGenesisHash), AsBytes(GenesisHash(genesis)));
  REMIT_CHECK(genesis.basket.has_value() == effects.basket.has_value());
  return Apply(block, effects, CommittedMeta{}, batch);
}

absl::StatusOr<std::string> LedgerStore::Impl::ReadMeta(std::string_view name,
                                                        size_t value_bytes) const {
  ASSIGN_OR_RETURN(const std::optional<std::string> value,
                   Get(MetaKey(name), StrCat("reading ", name)));
  if (!value || value->size() != value_bytes) {
    return absl::DataLossError(StrCat("store at ", path, " has a missing or malformed ", name,
                                      "; the data dir is damaged"));
  }
  return *value;
}

absl::Status LedgerStore::Impl::LoadExisting() {
  ASSIGN_OR_RETURN(const std::string version, ReadMeta(kMetaFormatVersion, kU32Bytes));
  if (GetU32(version) != kFormatVersion) {
    return absl::FailedPreconditionError(StrCat("store at ", path, " has format version ",
                                                GetU32(version), "; this build reads ",
                                                kFormatVersion));
  }
  ASSIGN_OR_RETURN(const std::string stored_genesis, ReadMeta(kMetaGenesisHash, kHashBytes));
  const Hash32 expected_genesis = GenesisHash(genesis);
  if (stored_genesis != AsBytes(expected_genesis)) {
    return absl::FailedPreconditionError(
        StrCat("data dir ", path, " belongs to another chain: its genesis hash is ",
               ToHex(stored_genesis), " but the given genesis hash is ", ToHex(expected_genesis),
               "; use the genesis this data dir was created with, or a fresh data dir"));
  }
  ASSIGN_OR_RETURN(const std::string height, ReadMeta(kMetaCommittedHeight, kU64Bytes));
  ASSIGN_OR_RETURN(const std::string block_hash, ReadMeta(kMetaCommittedBlockHash, kHashBytes));
  ASSIGN_OR_RETURN(const std::string state_hash, ReadMeta(kMetaCommittedStateHash, kHashBytes));
  ASSIGN_OR_RETURN(const std::string transfers, ReadMeta(kMetaTransfersCommitted, kU64Bytes));
  CommittedMeta loaded;
  loaded.height = GetU64(height);
  loaded.block_hash = *ToArray<kHashBytes>(block_hash, "block hash");
  loaded.state_hash = *ToArray<kHashBytes>(state_hash, "state hash");
  loaded.transfers = GetU64(transfers);
  // The meta and the block it names were written in one batch: they agree.
  ASSIGN_OR_RETURN(const std::optional<std::string> block_bytes,
                   Get(BlockKey(loaded.height), "reading the committed block"));
  v1::CommittedBlock block;
  if (!block_bytes || !block.ParseFromString(*block_bytes) ||
      block.block().header().height() != loaded.height || block.block_hash() != block_hash ||
      block.state_hash() != state_hash) {
    return absl::DataLossError(StrCat("store at ", path, ": committed block ", loaded.height,
                                      " is missing or disagrees with meta"));
  }
  loaded.time_unix_ms = block.block().header().timestamp_unix_ms();
  RETURN_IF_ERROR(LoadCache());
  RETURN_IF_ERROR(LoadOffersAndBasket());
  std::lock_guard<std::mutex> lock(mutex);
  committed = loaded;
  return absl::OkStatus();
}

absl::Status LedgerStore::Impl::LoadOffersAndBasket() {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  const std::string offer_tag(1, kOfferTag);
  std::unique_lock lock(book_mutex);
  for (it->Seek(offer_tag); it->Valid() && it->key().starts_with(offer_tag); it->Next()) {
    v1::Offer offer;
    if (!offer.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        ToView(it->key()).substr(1) != offer.offer_id() || offer.amount_minor() == 0 ||
        offer.price_n() == 0 || offer.price_d() == 0) {
      return absl::DataLossError(StrCat("store at ", path, ": malformed offer entry"));
    }
    book.Put(offer);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "loading offers");
  if (!genesis.basket) return absl::OkStatus();
  const size_t components = genesis.basket->components.size();
  ASSIGN_OR_RETURN(const std::string bytes, ReadMeta(kMetaBasket, kU64Bytes * (1 + components)));
  basket.outstanding_minor = GetU64(bytes);
  basket.reserve_minor.clear();
  for (size_t i = 0; i < components; ++i) {
    basket.reserve_minor.push_back(GetU64(std::string_view(bytes).substr(kU64Bytes * (1 + i))));
  }
  if (!BasketReserveMatches(*genesis.basket, basket)) {
    return absl::DataLossError(
        StrCat("store at ", path, ": basket reserve disagrees with outstanding units"));
  }
  return absl::OkStatus();
}

absl::Status LedgerStore::Impl::LoadCache() {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  const std::string balance_tag(1, kBalanceTag);
  for (it->Seek(balance_tag); it->Valid() && it->key().starts_with(balance_tag); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.size() <= kAccountPrefixBytes || it->value().size() != kU64Bytes) {
      return absl::DataLossError(StrCat("store at ", path, ": malformed balance entry"));
    }
    BalanceKey balance_key;
    balance_key.account = *ToArray<kPublicKeyBytes>(key.substr(1, kPublicKeyBytes), "account");
    balance_key.asset = std::string(key.substr(kAccountPrefixBytes));
    cache.LoadBalance(balance_key, static_cast<int64_t>(GetU64(ToView(it->value()))));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "loading balances");
  const std::string sequence_tag(1, kSequenceTag);
  for (it->Seek(sequence_tag); it->Valid() && it->key().starts_with(sequence_tag); it->Next()) {
    const std::string_view key = ToView(it->key());
    if (key.size() != kAccountPrefixBytes || it->value().size() != kU64Bytes) {
      return absl::DataLossError(StrCat("store at ", path, ": malformed sequence entry"));
    }
    cache.LoadSequence(*ToArray<kPublicKeyBytes>(key.substr(1), "account"),
                       GetU64(ToView(it->value())));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "loading sequences");
  return absl::OkStatus();
}

absl::Status LedgerStore::Impl::Apply(const v1::Block& block, const BlockEffects& effects,
                                      const CommittedMeta& parent, SortedBatch& batch,
                                      const v1::QuorumCert* qc, const v1::QuorumCert* commit_qc) {
  CheckEffects(block, effects);
  AddStateWrites(effects, batch);
  AddHeldWrites(effects, batch);
  AddRecordWrites(effects, batch);
  CommittedMeta next;
  next.height = effects.height;
  next.block_hash = effects.block_hash;
  next.state_hash = effects.state_hash;
  next.transfers = parent.transfers + effects.records.size();
  next.time_unix_ms = block.header().timestamp_unix_ms();
  REMIT_CHECK(next.transfers >= parent.transfers);
  AddBlockWrites(block, next, qc, commit_qc, batch);
  rocksdb::WriteBatch sorted = batch.Build();
  const rocksdb::Status status = db->Write(write_options, &sorted);
  if (!status.ok()) {
    return FromRocks(status, StrCat("committing block ", effects.height, " to ", path));
  }
  cache.Apply(effects);
  {
    std::unique_lock book_lock(book_mutex);
    book.Apply(effects);
    if (effects.basket) basket = *effects.basket;
  }
  std::lock_guard<std::mutex> lock(mutex);
  committed = next;
  return absl::OkStatus();
}

// Checks the data right before it is written.
void LedgerStore::Impl::CheckEffects(const v1::Block& block, const BlockEffects& effects) const {
  REMIT_CHECK(block.header().height() == effects.height);
  REMIT_CHECK(block.header().chain_id() == genesis.chain_id);
  REMIT_CHECK(ComputeBlockHash(block.header()) == effects.block_hash);
  for (const auto& [key, balance] : effects.balances) {
    const AssetInfo* asset = genesis.FindAsset(key.asset);
    REMIT_CHECK(asset != nullptr);
    REMIT_CHECK(balance >= 0 || MayGoNegative(*asset, key.account));
  }
  CheckHeld(effects);
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    REMIT_CHECK(next_sequence > cache.NextSequence(account));
  }
  CheckRecords(block, effects);
}

void LedgerStore::Impl::CheckRecords(const v1::Block& block, const BlockEffects& effects) const {
  const rocksdb::ReadOptions read_options;
  int64_t previous_position = -1;
  for (const v1::TransferRecord& record : effects.records) {
    const v1::Receipt& receipt = record.receipt();
    REMIT_CHECK(receipt.height() == effects.height);
    REMIT_CHECK(receipt.block_hash() == AsBytes(effects.block_hash));
    REMIT_CHECK(receipt.block_time_unix_ms() == block.header().timestamp_unix_ms());
    REMIT_CHECK(receipt.outcome() != v1::OUTCOME_UNSPECIFIED);
    REMIT_CHECK(static_cast<int64_t>(receipt.position()) > previous_position);
    REMIT_CHECK(receipt.position() < static_cast<uint32_t>(block.transfers_size()));
    previous_position = receipt.position();
    REMIT_CHECK(record.signed_transfer().signature() ==
                block.transfers(static_cast<int>(receipt.position())).signature());
    REMIT_CHECK(HasSigningShape(record.signed_transfer()));
    // A transfer has exactly one final outcome, never overwritten.
    REMIT_CHECK(!GetOrAbort(read_options, TransferKey(receipt.transfer_id())).has_value());
  }
}

// Offers, claims and the basket, right before they are written.
void LedgerStore::Impl::CheckHeld(const BlockEffects& effects) const {
  for (const auto& [id, write] : effects.offers) {
    REMIT_CHECK(write.offer.offer_id() == AsBytes(id));
    if (!write.live) continue;
    REMIT_CHECK(write.offer.amount_minor() > 0 && write.offer.amount_minor() <= kAmountMinorMax);
    REMIT_CHECK(write.offer.price_n() > 0 && write.offer.price_d() > 0);
    REMIT_CHECK(genesis.FindAsset(write.offer.sell_asset()) != nullptr);
    REMIT_CHECK(genesis.FindAsset(write.offer.buy_asset()) != nullptr);
  }
  for (const auto& [id, claim] : effects.claims) {
    REMIT_CHECK(claim.claim_id() == AsBytes(id));
    REMIT_CHECK(claim.status() != v1::CLAIM_STATUS_UNSPECIFIED);
    REMIT_CHECK(genesis.FindAsset(claim.asset()) != nullptr);
  }
  if (effects.basket) {
    REMIT_CHECK(genesis.basket.has_value());
    REMIT_CHECK(BasketReserveMatches(*genesis.basket, *effects.basket));
  }
}

void LedgerStore::Impl::AddHeldWrites(const BlockEffects& effects, SortedBatch& batch) const {
  for (const auto& [id, write] : effects.offers) {
    if (write.live) {
      const std::string value = write.offer.SerializeAsString();
      REMIT_CHECK(!value.empty());
      batch.Put(OfferKey(id), value);
    } else {
      batch.Delete(OfferKey(id));
    }
  }
  for (const auto& [id, claim] : effects.claims) {
    const std::string value = claim.SerializeAsString();
    REMIT_CHECK(!value.empty());
    batch.Put(ClaimKey(id), value);
  }
  if (effects.basket) batch.Put(MetaKey(kMetaBasket), BasketBytes(*effects.basket));
}

void LedgerStore::Impl::AddStateWrites(const BlockEffects& effects, SortedBatch& batch) const {
  for (const auto& [key, balance] : effects.balances) {
    const std::string db_key = BalanceKeyBytes(key);
    if (balance == 0) {
      batch.Delete(db_key);
    } else {
      batch.Put(db_key, U64Bytes(static_cast<uint64_t>(balance)));
    }
  }
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    batch.Put(SequenceKey(account), U64Bytes(next_sequence));
  }
}

void LedgerStore::Impl::AddRecordWrites(const BlockEffects& effects, SortedBatch& batch) const {
  for (const v1::TransferRecord& record : effects.records) {
    const v1::Receipt& receipt = record.receipt();
    const std::string value = record.SerializeAsString();
    REMIT_CHECK(!value.empty());
    batch.Put(TransferKey(receipt.transfer_id()), value);
    const std::string id = receipt.transfer_id();
    for (const AccountId& account : TouchedAccounts(record)) {
      batch.Put(HistoryKey(AsBytes(account), receipt.height(), receipt.position()), id);
    }
  }
}

void LedgerStore::Impl::AddBlockWrites(const v1::Block& block, const CommittedMeta& next,
                                       const v1::QuorumCert* qc, const v1::QuorumCert* commit_qc,
                                       SortedBatch& batch) const {
  v1::CommittedBlock committed_block;
  *committed_block.mutable_block() = block;
  committed_block.set_block_hash(ToString(next.block_hash));
  committed_block.set_state_hash(ToString(next.state_hash));
  if (qc != nullptr) {
    REMIT_CHECK(qc->vote_data().block_hash() == AsBytes(next.block_hash));
    REMIT_CHECK(qc->vote_data().state_hash() == AsBytes(next.state_hash));
    *committed_block.mutable_qc() = *qc;
  }
  if (commit_qc != nullptr) {
    // The 2-chain rule: a QC on this block's child, one round later.
    const v1::VoteData& child = commit_qc->vote_data();
    REMIT_CHECK(child.parent_hash() == AsBytes(next.block_hash));
    REMIT_CHECK(child.parent_round() == block.header().round());
    REMIT_CHECK(child.round() == child.parent_round() + 1);
    REMIT_CHECK(child.height() == next.height + 1);
    batch.Put(CommitQcKey(next.height), commit_qc->SerializeAsString());
  }
  const std::string value = committed_block.SerializeAsString();
  REMIT_CHECK(!value.empty());
  batch.Put(BlockKey(next.height), value);
  batch.Put(MetaKey(kMetaCommittedHeight), U64Bytes(next.height));
  batch.Put(MetaKey(kMetaCommittedBlockHash), AsBytes(next.block_hash));
  batch.Put(MetaKey(kMetaCommittedStateHash), AsBytes(next.state_hash));
  batch.Put(MetaKey(kMetaTransfersCommitted), U64Bytes(next.transfers));
}

absl::StatusOr<v1::TransferRecord> LedgerStore::Impl::ReadRecord(
    const rocksdb::ReadOptions& options, std::string_view transfer_id) const {
  std::string value;
  const rocksdb::Status status = db->Get(options, ToSlice(TransferKey(transfer_id)), &value);
  if (status.IsNotFound()) {
    return absl::NotFoundError(StrCat("transfer ", ToHex(transfer_id), " has no final outcome"));
  }
  if (!status.ok()) return FromRocks(status, "reading a transfer");
  v1::TransferRecord record;
  if (!record.ParseFromString(value) || record.receipt().transfer_id() != transfer_id) {
    return absl::DataLossError(
        StrCat("store at ", path, ": record of transfer ", ToHex(transfer_id), " is damaged"));
  }
  return record;
}

LedgerStore::LedgerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  REMIT_CHECK(impl_ != nullptr);
}

LedgerStore::~LedgerStore() = default;

absl::StatusOr<std::unique_ptr<LedgerStore>> LedgerStore::Open(const StoreOptions& options,
                                                               const Genesis& genesis) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("store path is empty; configure a data dir");
  }
  RETURN_IF_ERROR(ValidateGenesis(genesis));
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(DbOptions(options), options.path, &raw_db);
  if (!status.ok()) {
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
      return absl::FailedPreconditionError(
          StrCat("data dir ", options.path,
                 " is in use by another process or store; stop it first: ", status.ToString()));
    }
    return FromRocks(status, StrCat("opening the store at ", options.path));
  }
  REMIT_CHECK(raw_db != nullptr);
  auto impl = std::make_unique<Impl>(std::unique_ptr<rocksdb::DB>(raw_db), genesis, options);
  RETURN_IF_ERROR(impl->Initialize());
  return std::unique_ptr<LedgerStore>(new LedgerStore(std::move(impl)));
}

int64_t LedgerStore::Balance(const BalanceKey& key) const { return impl_->cache.Balance(key); }

uint64_t LedgerStore::NextSequence(const AccountId& account) const {
  return impl_->cache.NextSequence(account);
}

bool LedgerStore::HasTransfer(const TransferId& id) const {
  return impl_->GetOrAbort(rocksdb::ReadOptions(), TransferKey(AsBytes(id))).has_value();
}

std::vector<v1::Offer> LedgerStore::BestOffers(const AssetPair& pair, size_t count_max) const {
  std::shared_lock lock(impl_->book_mutex);
  return impl_->book.Best(pair, count_max);
}

std::optional<v1::Offer> LedgerStore::FindOffer(const OfferId& id) const {
  std::shared_lock lock(impl_->book_mutex);
  return impl_->book.Find(id);
}

std::optional<v1::ClaimEntry> LedgerStore::FindClaim(const ClaimId& id) const {
  const std::optional<std::string> value = impl_->GetOrAbort(rocksdb::ReadOptions(), ClaimKey(id));
  if (!value) return std::nullopt;
  v1::ClaimEntry claim;
  REMIT_CHECK(claim.ParseFromString(*value));
  REMIT_CHECK(claim.claim_id() == AsBytes(id));
  return claim;
}

BasketState LedgerStore::Basket() const {
  std::shared_lock lock(impl_->book_mutex);
  return impl_->basket;
}

uint64_t LedgerStore::committed_height() const { return impl_->Committed().height; }
Hash32 LedgerStore::committed_block_hash() const { return impl_->Committed().block_hash; }
Hash32 LedgerStore::committed_state_hash() const { return impl_->Committed().state_hash; }
uint64_t LedgerStore::transfers_committed() const { return impl_->Committed().transfers; }
uint64_t LedgerStore::committed_time_unix_ms() const { return impl_->Committed().time_unix_ms; }

absl::Status LedgerStore::Commit(const v1::Block& block, const BlockEffects& effects,
                                 const v1::QuorumCert* qc, const v1::QuorumCert* commit_qc) {
  const CommittedMeta parent = impl_->Committed();
  const v1::BlockHeader& header = block.header();
  REMIT_CHECK(parent.height < UINT64_MAX);
  REMIT_CHECK(header.height() == parent.height + 1);
  REMIT_CHECK(effects.height == header.height());
  REMIT_CHECK(header.parent_hash() == AsBytes(parent.block_hash));
  REMIT_CHECK(header.parent_state_hash() == AsBytes(parent.state_hash));
  SortedBatch batch;
  return impl_->Apply(block, effects, parent, batch, qc, commit_qc);
}

absl::StatusOr<v1::TransferRecord> LedgerStore::GetTransfer(const TransferId& id) const {
  return impl_->ReadRecord(rocksdb::ReadOptions(), AsBytes(id));
}

absl::StatusOr<v1::CommittedBlock> LedgerStore::GetBlock(uint64_t height) const {
  const uint64_t committed_height = impl_->Committed().height;
  if (height > committed_height) {
    return absl::NotFoundError(
        StrCat("block ", height, " is above the committed height ", committed_height));
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> value,
                   impl_->Get(BlockKey(height), StrCat("reading block ", height)));
  v1::CommittedBlock block;
  if (!value || !block.ParseFromString(*value) || block.block().header().height() != height ||
      block.block_hash().size() != kHashBytes || block.state_hash().size() != kHashBytes) {
    return absl::DataLossError(
        StrCat("store at ", impl_->path, ": block ", height, " is missing or damaged"));
  }
  return block;
}

absl::StatusOr<v1::QuorumCert> LedgerStore::GetCommitQc(uint64_t height) const {
  if (height > committed_height()) {
    return absl::NotFoundError(StrCat("block ", height, " is not committed"));
  }
  ASSIGN_OR_RETURN(const std::optional<std::string> value,
                   impl_->Get(CommitQcKey(height), StrCat("reading the commit QC of ", height)));
  if (!value) return absl::NotFoundError(StrCat("no commit QC is kept with block ", height));
  v1::QuorumCert qc;
  if (!qc.ParseFromString(*value) || qc.vote_data().height() != height + 1) {
    return absl::DataLossError(
        StrCat("store at ", impl_->path, ": the commit QC of block ", height, " is damaged"));
  }
  return qc;
}

v1::Account LedgerStore::GetAccount(const AccountId& account) const {
  const ScopedSnapshot snapshot(*impl_->db);
  rocksdb::ReadOptions read_options = snapshot.read_options();
  const std::string prefix = BalancePrefix(account);
  const rocksdb::Slice lower_bound = ToSlice(prefix);
  read_options.iterate_lower_bound = &lower_bound;
  v1::Account result;
  result.set_account(ToString(account));
  result.set_next_sequence(impl_->NextSequence(read_options, account));
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read_options));
  for (it->Seek(lower_bound); it->Valid() && it->key().starts_with(lower_bound); it->Next()) {
    const std::string_view asset = ToView(it->key()).substr(prefix.size());
    const AssetInfo* info = impl_->genesis.FindAsset(asset);
    REMIT_CHECK(info != nullptr);
    REMIT_CHECK(it->value().size() == kU64Bytes);
    const auto balance = static_cast<int64_t>(GetU64(ToView(it->value())));
    REMIT_CHECK(balance != 0);
    v1::AssetBalance& entry = *result.add_balances();
    entry.set_asset(std::string(asset));
    entry.set_balance_minor(balance);
    entry.set_decimals(info->decimals);
  }
  CheckReadOk(it->status(), StrCat("balances of ", ToHex(account)));
  return result;
}

absl::StatusOr<HistoryPage> LedgerStore::ListTransfers(const AccountId& account, uint32_t limit,
                                                       std::string_view page_token) const {
  if (limit > kHistoryPageMax) {
    return absl::InvalidArgumentError(
        StrCat("limit ", limit, " is above the maximum page size of ", kHistoryPageMax));
  }
  const uint32_t page_limit = limit == 0 ? kHistoryPageDefault : limit;
  const std::string prefix = HistoryPrefix(AsBytes(account));
  // Without a token, start at the account's newest possible entry.
  std::string start = prefix + std::string(kPageTokenBytes, '\xff');
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(const HistoryCursor cursor,
                     DecodePageToken(page_token, impl_->Committed().height));
    start = HistoryKey(AsBytes(account), cursor.height, cursor.position);
  }
  const ScopedSnapshot snapshot(*impl_->db);
  rocksdb::ReadOptions read_options = snapshot.read_options();
  const rocksdb::Slice lower_bound = ToSlice(prefix);
  read_options.iterate_lower_bound = &lower_bound;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read_options));
  it->SeekForPrev(ToSlice(start));
  if (!page_token.empty() && it->Valid() && ToView(it->key()) == start) it->Prev();
  HistoryPage page;
  HistoryCursor last;
  for (; it->Valid() && page.records.size() < page_limit; it->Prev()) {
    const std::string_view key = ToView(it->key());
    REMIT_CHECK(key.size() == kHistoryKeyBytes);
    REMIT_CHECK(key.substr(0, prefix.size()) == prefix);
    REMIT_CHECK(it->value().size() == kHashBytes);
    last = HistoryCursor{GetU64(key.substr(kAccountPrefixBytes)),
                         GetU32(key.substr(kAccountPrefixBytes + kU64Bytes))};
    absl::StatusOr<v1::TransferRecord> record =
        impl_->ReadRecord(read_options, ToView(it->value()));
    if (absl::IsNotFound(record.status())) {
      return absl::DataLossError(
          StrCat("store at ", impl_->path, ": history names a transfer it lacks"));
    }
    if (!record.ok()) return record.status();
    if (record->receipt().height() != last.height ||
        record->receipt().position() != last.position) {
      return absl::DataLossError(
          StrCat("store at ", impl_->path, ": history entry disagrees with its record"));
    }
    page.records.push_back(*std::move(record));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing transfers");
  if (it->Valid()) page.next_page_token = EncodePageToken(last);
  return page;
}

absl::StatusOr<OfferPage> LedgerStore::ListOffers(const AssetPair& pair, uint32_t limit,
                                                  std::string_view page_token) const {
  if (limit > kOfferPageMax) {
    return absl::InvalidArgumentError(
        StrCat("limit ", limit, " is above the maximum page size of ", kOfferPageMax));
  }
  std::optional<BookPosition> after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(after, DecodeOfferToken(page_token));
  }
  const size_t page_limit = limit == 0 ? kOfferPageDefault : limit;
  OfferPage page;
  {
    std::shared_lock lock(impl_->book_mutex);
    page.offers = impl_->book.After(pair, after, page_limit + 1);
  }
  if (page.offers.size() > page_limit) {
    page.offers.resize(page_limit);
    page.next_page_token = EncodeOfferToken(PositionOf(page.offers.back()));
  }
  return page;
}

absl::StatusOr<v1::ClaimEntry> LedgerStore::GetClaim(const ClaimId& id) const {
  std::optional<v1::ClaimEntry> claim = FindClaim(id);
  if (!claim) return absl::NotFoundError(StrCat("no claim has id ", ToHex(id)));
  return *std::move(claim);
}

absl::StatusOr<CrossResult> LedgerStore::Quote(const CrossRequest& request) const {
  return remit::Quote(impl_->genesis, *this, request, committed_time_unix_ms());
}

}  // namespace remit
