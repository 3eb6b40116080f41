// The read side of ledger state that execution needs, and the set of writes
// one committed block makes. Execution reads through StateReader and returns
// BlockEffects; a store applies them atomically.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

struct BalanceKey {
  AccountId account{};
  std::string asset;
  auto operator<=>(const BalanceKey&) const = default;
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
};

// Everything one block changes, with new values (not deltas).
struct BlockEffects {
  std::map<BalanceKey, int64_t> balances;
  std::map<AccountId, uint64_t> next_sequences;
  // One per transfer that received its final outcome in this block, in block
  // order. A transfer whose id was already final is skipped and has none.
  std::vector<v1::TransferRecord> records;
  uint64_t height = 0;
  Hash32 block_hash{};
  // Hash of the state after this block (docs/ENCODING.md, "State hash").
  Hash32 state_hash{};
};

}  // namespace remit
