#include "bench/pg/settle_shard.h"

#include <spdlog/spdlog.h>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::pgbench {
namespace {

// How long the thread waits for new work when all it holds is transfers
// waiting for an earlier sequence.
constexpr auto kAheadRetryWait = std::chrono::milliseconds(1);

v1::TransferRecord RecordOf(const PendingTransfer& pending, int outcome, const BatchOutcome& batch,
                            uint32_t position) {
  v1::TransferRecord record;
  *record.mutable_signed_transfer() = pending.signed_transfer;
  v1::Receipt& receipt = *record.mutable_receipt();
  receipt.set_transfer_id(ToString(pending.id));
  receipt.set_outcome(static_cast<v1::Outcome>(outcome));
  receipt.set_height(batch.batch);
  receipt.set_position(position);
  receipt.set_block_time_unix_ms(batch.time_unix_ms);
  return record;
}

}  // namespace

SettleShard::SettleShard(std::unique_ptr<PgLedger> ledger, const Genesis& genesis)
    : ledger_(std::move(ledger)), genesis_(genesis), thread_([this] { Run(); }) {}

SettleShard::~SettleShard() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (PendingTransfer& pending : queue_) {
    pending.on_done(absl::UnavailableError("pg-ledgerd is shutting down"), nullptr);
  }
}

void SettleShard::Add(std::vector<PendingTransfer> transfers) {
  {
    std::lock_guard lock(mu_);
    for (PendingTransfer& pending : transfers) queue_.push_back(std::move(pending));
  }
  cv_.notify_one();
}

void SettleShard::Run() {
  std::vector<PendingTransfer> batch;
  std::vector<PendingTransfer> again;
  while (true) {
    {
      std::unique_lock lock(mu_);
      // Transfers put back wait a little for the ones they depend on.
      for (auto it = again.rbegin(); it != again.rend(); ++it) queue_.push_front(std::move(*it));
      const size_t waiting_ahead = again.size();
      again.clear();
      if (waiting_ahead > 0 && queue_.size() == waiting_ahead) {
        cv_.wait_for(lock, kAheadRetryWait,
                     [&] { return stopping_ || queue_.size() > waiting_ahead; });
      } else {
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      }
      if (stopping_) return;
      while (!queue_.empty() && batch.size() < kSettleBatchTransfersMax) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Settle(batch, again);
    batch.clear();
  }
}

void SettleShard::Settle(std::vector<PendingTransfer>& batch, std::vector<PendingTransfer>& again) {
  std::vector<CheckedTransfer> checked;
  checked.reserve(batch.size());
  for (const PendingTransfer& pending : batch) {
    checked.push_back(CheckedTransfer{pending.id, &pending.signed_transfer});
  }
  absl::StatusOr<BatchOutcome> outcome = ledger_->SettleBatch(checked, genesis_);
  if (!outcome.ok()) {
    // Nothing of the batch was applied: answer so the client retries.
    spdlog::warn("settle_batch failed: {}", outcome.status().message());
    for (PendingTransfer& pending : batch) {
      pending.on_done(absl::UnavailableError(
                          StrCat("ledger write failed; retry: ", outcome.status().message())),
                      nullptr);
    }
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < batch.size(); ++i) {
    PendingTransfer& pending = batch[i];
    const int code = outcome->codes[i];
    if (code > 0) {
      const v1::TransferRecord record = RecordOf(pending, code, *outcome, static_cast<uint32_t>(i));
      pending.on_done(absl::OkStatus(), &record);
    } else if (code == kAlreadyFinal) {
      absl::StatusOr<v1::TransferRecord> original = ledger_->GetTransfer(pending.id);
      REMIT_CHECK(original.ok());
      pending.on_done(absl::AlreadyExistsError("transfer is already final"), &*original);
    } else {
      REMIT_CHECK(code == kSequenceAhead);
      if (now < pending.deadline) {
        again.push_back(std::move(pending));
        continue;
      }
      pending.on_done(absl::FailedPreconditionError(StrCat(
                          "sequence_gap: sequence ", pending.signed_transfer.transfer().sequence(),
                          " is ahead of the sender's next; send the earlier ones first")),
                      nullptr);
    }
  }
}

}  // namespace remit::pgbench
