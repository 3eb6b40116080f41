// PgLedger: one connection to the PostgreSQL baseline's ledger
// (bench/pg/schema.sql). It creates the schema from a genesis, settles a
// batch of checked transfers with one call of settle_batch (one transaction,
// committed with synchronous_commit = on before it returns), and reads
// accounts and transfer records back in Remit's protobuf types, so that
// pg-ledgerd can answer the same Ledger API as remitd.
//
// Thread safety: none; one PgLedger per thread.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit::pgbench {

// Transfers in one settle_batch call.
inline constexpr size_t kSettleBatchTransfersMax = 1'000;

// settle_batch's answer for one transfer (schema.sql).
inline constexpr int kAlreadyFinal = -1;
inline constexpr int kSequenceAhead = -2;

struct CheckedTransfer {
  TransferId id{};
  const v1::SignedTransfer* signed_transfer = nullptr;  // owned by the caller
};

struct BatchOutcome {
  uint64_t batch = 0;         // like a block height: the batch's number
  uint64_t time_unix_ms = 0;  // when it committed
  // Per transfer, in order: a remit.v1.Outcome, kAlreadyFinal or kSequenceAhead.
  std::vector<int> codes;
};

class PgLedger {
 public:
  // UNAVAILABLE naming the connection string and libpq's reason.
  static absl::StatusOr<std::unique_ptr<PgLedger>> Connect(const std::string& conninfo);
  ~PgLedger();

  // Drops everything in the database's public schema, runs `schema_sql`,
  // then records genesis's assets and balances: a fresh ledger for each
  // benchmark run on one throwaway cluster.
  absl::Status Initialize(const std::string& schema_sql, const Genesis& genesis);

  // Settles up to kSettleBatchTransfersMax transfers (distinct ids) in
  // order, in one transaction, durable when this returns OK. Fees go to the
  // asset's issuer in `genesis`. INTERNAL with PostgreSQL's message if the
  // transaction failed (nothing of it was applied).
  absl::StatusOr<BatchOutcome> SettleBatch(const std::vector<CheckedTransfer>& transfers,
                                           const Genesis& genesis);

  // The record of a final transfer; NOT_FOUND if it has none.
  absl::StatusOr<v1::TransferRecord> GetTransfer(const TransferId& id);
  // Next sequence and non-zero balances, as remitd answers GetAccount.
  absl::StatusOr<v1::Account> GetAccount(const AccountId& account, const Genesis& genesis);

 private:
  explicit PgLedger(PGconn* connection) : connection_(connection) {}
  absl::Status Exec(const std::string& sql);

  PGconn* connection_;
};

}  // namespace remit::pgbench
