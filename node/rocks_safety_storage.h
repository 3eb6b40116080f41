// Consensus safety data and the uncommitted blocks, in a RocksDB of their
// own (beside the ledger's). One save is one WriteBatch with sync = true, so a
// vote costs one fsync and writes only the blocks that changed, never the
// whole tree again.
//
//   key    = "s"              -> v1.SafetyData without `tree`
//          | "b" block_hash[32] -> v1.CertifiedBlock
//
// Single-threaded: the validator's event loop owns it.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "node/consensus/safety_storage.h"

namespace rocksdb {
class DB;
}

namespace remit {

class RocksSafetyStorage final : public SafetyStorage {
 public:
  // Opens or creates the database at `path`. A safety file written by an
  // older remitd at `legacy_file` (one serialized SafetyData) is imported
  // if the database holds no safety data yet (never over newer data), and
  // then retired: renamed to `legacy_file`.imported. FAILED_PRECONDITION if
  // the directory is held by another process or the legacy file cannot be
  // retired (the message says what to do); DATA_LOSS if the legacy file
  // does not parse.
  static absl::StatusOr<std::unique_ptr<RocksSafetyStorage>> Open(const std::string& path,
                                                                  const std::string& legacy_file);
  ~RocksSafetyStorage() override;

  // Aborts on stored data that does not parse: guessing could let the
  // validator sign twice in one round.
  v1::SafetyData Load() override;
  void Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) override;
  // True once anything was saved (remitd saves an empty record when it
  // creates the store beside a new ledger, so that a lost store shows).
  bool HasSafetyData();

 private:
  RocksSafetyStorage(std::unique_ptr<rocksdb::DB> db, std::string path);
  absl::Status ImportLegacy(const std::string& legacy_file);

  std::unique_ptr<rocksdb::DB> db_;
  const std::string path_;
};

}  // namespace remit
