// SettleShard: one PostgreSQL connection and the thread that feeds it. The
// service routes every transfer to the shard of its sender, so one sender's
// transfers are settled by one connection in the order they came; different
// shards commit concurrently (PostgreSQL groups their fsyncs). Each round
// the thread takes what is queued, up to kSettleBatchTransfersMax, and
// settles it with one settle_batch call: a batch per round trip, as large
// as the load makes it, never waiting to fill one.
//
// A transfer whose sequence is ahead of its sender's next stays queued and
// goes again with the next batch (its predecessor may be in flight on the
// client's other calls), until its deadline; then it is refused
// FAILED_PRECONDITION, nothing recorded, as remitd refuses it.
//
// Thread safety: Add may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "bench/pg/pg_ledger.h"

namespace remit::pgbench {

struct PendingTransfer {
  // Called once, on the shard's thread: OK with the final record, or
  // ALREADY_EXISTS with the original record, or a refusal with no record.
  using Done = std::function<void(const absl::Status& status, const v1::TransferRecord* record)>;
  v1::SignedTransfer signed_transfer;
  TransferId id{};
  std::chrono::steady_clock::time_point deadline;
  Done on_done;
};

class SettleShard {
 public:
  // Takes the connection; `genesis` must outlive the shard.
  SettleShard(std::unique_ptr<PgLedger> ledger, const Genesis& genesis);
  ~SettleShard();  // settles nothing more; refuses what is queued with UNAVAILABLE

  void Add(std::vector<PendingTransfer> transfers);

 private:
  void Run();
  // One settle_batch round over `batch`; what must go again is put back.
  void Settle(std::vector<PendingTransfer>& batch, std::vector<PendingTransfer>& again);

  std::unique_ptr<PgLedger> ledger_;
  const Genesis& genesis_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<PendingTransfer> queue_;  // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  std::thread thread_;
};

}  // namespace remit::pgbench
