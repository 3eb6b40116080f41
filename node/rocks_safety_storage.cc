#include "node/rocks_safety_storage.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

constexpr std::string_view kSafetyKey = "s";
constexpr char kBlockTag = 'b';

std::string BlockKey(const Hash32& hash) {
  std::string key(1, kBlockTag);
  key.append(AsBytes(hash));
  return key;
}

rocksdb::Slice ToSlice(std::string_view bytes) { return {bytes.data(), bytes.size()}; }

[[noreturn]] void Die(const std::string& what) {
  spdlog::critical(
      "consensus safety storage: {}; refusing to go on rather than risk "
      "equivocating",
      what);
  std::abort();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksSafetyStorage>> RocksSafetyStorage::Open(
    const std::string& path, const std::string& legacy_file) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 2;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, path, &raw);
  if (!status.ok()) {
    if (status.IsIOError() && status.ToString().find("lock") != std::string::npos) {
      return absl::FailedPreconditionError(
          StrCat(path, " is in use by another process; stop it first: ", status.ToString()));
    }
    return absl::InternalError(StrCat("opening ", path, ": ", status.ToString()));
  }
  std::unique_ptr<RocksSafetyStorage> storage(
      new RocksSafetyStorage(std::unique_ptr<rocksdb::DB>(raw), path));
  std::error_code error;
  if (!legacy_file.empty() && std::filesystem::exists(legacy_file, error)) {
    RETURN_IF_ERROR(storage->ImportLegacy(legacy_file));
  }
  return storage;
}

bool RocksSafetyStorage::HasSafetyData() {
  std::string value;
  const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), ToSlice(kSafetyKey), &value);
  if (!status.ok() && !status.IsNotFound()) Die(StrCat("reading ", path_, ": ", status.ToString()));
  return status.ok();
}

absl::Status RocksSafetyStorage::ImportLegacy(const std::string& legacy_file) {
  // Only into an empty store: a store that holds safety data is newer than
  // any legacy file (which is retired once imported), and importing over
  // it could roll last_voted_round back.
  if (HasSafetyData()) {
    spdlog::warn("{} already holds safety data: not importing the older {}", path_, legacy_file);
  } else {
    std::ifstream in(legacy_file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    v1::SafetyData legacy;
    if (!in || !legacy.ParseFromString(bytes.str())) {
      return absl::DataLossError(StrCat("safety file ", legacy_file,
                                        " does not parse; it holds this validator's votes, so "
                                        "it will not start without them"));
    }
    SavedBlocksChange blocks;
    for (const v1::CertifiedBlock& block : legacy.tree()) blocks.put.push_back(block);
    Save(legacy, blocks);
    spdlog::info("imported safety data from {} into {}", legacy_file, path_);
  }
  const std::string retired = legacy_file + ".imported";
  std::error_code error;
  std::filesystem::rename(legacy_file, retired, error);
  if (error) {
    return absl::FailedPreconditionError(
        StrCat("cannot retire the legacy safety file ", legacy_file, " (renaming it to ", retired,
               ": ", error.message(), "); its votes are in ", path_,
               " now, and left in place it would be read again: move or delete it, then start "
               "again"));
  }
  return absl::OkStatus();
}

RocksSafetyStorage::RocksSafetyStorage(std::unique_ptr<rocksdb::DB> db, std::string path)
    : db_(std::move(db)), path_(std::move(path)) {}

RocksSafetyStorage::~RocksSafetyStorage() = default;

v1::SafetyData RocksSafetyStorage::Load() {
  v1::SafetyData data;
  std::string value;
  const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), ToSlice(kSafetyKey), &value);
  if (status.IsNotFound()) return data;  // never voted
  if (!status.ok()) Die(StrCat("reading ", path_, ": ", status.ToString()));
  if (!data.ParseFromString(value) || data.tree_size() != 0) Die(StrCat(path_, " is corrupt"));
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string tag(1, kBlockTag);
  for (it->Seek(tag); it->Valid() && it->key().starts_with(tag); it->Next()) {
    v1::CertifiedBlock& block = *data.add_tree();
    if (!block.ParseFromArray(it->value().data(), static_cast<int>(it->value().size())) ||
        it->key().size() != 1 + kHashBytes) {
      Die(StrCat(path_, " holds a corrupt block"));
    }
  }
  if (!it->status().ok()) Die(StrCat("reading ", path_, ": ", it->status().ToString()));
  return data;
}

void RocksSafetyStorage::Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) {
  REMIT_CHECK(data.tree_size() == 0 || blocks.put.size() == static_cast<size_t>(data.tree_size()));
  v1::SafetyData record = data;
  record.clear_tree();
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(kSafetyKey), ToSlice(record.SerializeAsString()));
  for (const Hash32& hash : blocks.erase) batch.Delete(ToSlice(BlockKey(hash)));
  for (const v1::CertifiedBlock& block : blocks.put) {
    batch.Put(ToSlice(BlockKey(ComputeBlockHash(block.block().header()))),
              ToSlice(block.SerializeAsString()));
  }
  rocksdb::WriteOptions options;
  options.sync = true;  // the vote or timeout leaves only after this
  const rocksdb::Status status = db_->Write(options, &batch);
  if (!status.ok()) Die(StrCat("cannot make ", path_, " durable: ", status.ToString()));
}

}  // namespace remit
