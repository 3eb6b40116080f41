// The committed state (balances and next sequences) held in memory, so that
// admission and execution read it without a RocksDB lookup per key. The
// store loads it when it opens and applies each committed block's effects to
// it right after the block's batch is durable, so it always equals the
// durable state at the committed height.
//
// Memory: one entry per account with a non-zero balance or sequence (about
// 120 bytes each, so about 120 MB for a million accounts).
//
// Thread safety: reads may run concurrently with each other and with Apply.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "ledger/state.h"

namespace remit {

class StateCache {
 public:
  // Zero when absent, as StateReader.
  int64_t Balance(const BalanceKey& key) const;
  uint64_t NextSequence(const AccountId& account) const;

  // Loading, before the store is shared: one call per stored key.
  void LoadBalance(const BalanceKey& key, int64_t balance);
  void LoadSequence(const AccountId& account, uint64_t next_sequence);

  // New values after a committed block (zero balances are removed).
  void Apply(const BlockEffects& effects);

  size_t accounts() const;

 private:
  struct Account {
    uint64_t next_sequence = 0;
    std::vector<std::pair<std::string, int64_t>> balances;  // asset -> non-zero balance
  };

  void SetBalanceLocked(const BalanceKey& key, int64_t balance);

  mutable std::shared_mutex mutex_;
  absl::flat_hash_map<AccountId, Account> accounts_;  // guarded by mutex_
};

}  // namespace remit
