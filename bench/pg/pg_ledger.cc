#include "bench/pg/pg_ledger.h"

#include <chrono>
#include <map>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::pgbench {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Array literals in PostgreSQL's text format. Every element is quoted;
// inside quotes a backslash is doubled, so a bytea element is "\\x<hex>".
class ArrayText {
 public:
  void Bytes(std::string_view bytes) { Element(StrCat("\\\\x", ToHex(bytes))); }
  void Text(std::string_view text) {
    std::string escaped;
    for (char c : text) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    Element(escaped);
  }
  void Number(int64_t value) { Element(std::to_string(value)); }
  std::string Done() const { return "{" + body_ + "}"; }

 private:
  void Element(const std::string& text) {
    if (!body_.empty()) body_ += ',';
    body_ += '"';
    body_ += text;
    body_ += '"';
  }
  std::string body_;
};

// Parses "{1,-2,3}" (settle_batch's smallint[]).
std::vector<int> ParseIntArray(std::string_view text) {
  std::vector<int> out;
  REMIT_CHECK(text.size() >= 2 && text.front() == '{' && text.back() == '}');
  std::string_view body = text.substr(1, text.size() - 2);
  while (!body.empty()) {
    const size_t comma = body.find(',');
    out.push_back(std::stoi(std::string(body.substr(0, comma))));
    if (comma == std::string_view::npos) break;
    body.remove_prefix(comma + 1);
  }
  return out;
}

// PostgreSQL's bytea text output "\x0a1b..." to bytes.
std::string ByteaValue(const char* text) {
  REMIT_CHECK(text[0] == '\\' && text[1] == 'x');
  auto bytes = FromHex(text + 2);
  REMIT_CHECK(bytes.ok());
  return *bytes;
}

uint64_t NowUnixMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// The batch's arguments to settle_batch: each distinct sender and each
// distinct (account, asset) balance once, and per transfer the slots it uses.
struct SlotTable {
  std::map<std::string, int> senders;
  std::map<std::pair<std::string, std::string>, int> balances;
  ArrayText sender_keys, balance_accounts, balance_assets;

  int Sender(const std::string& account) {
    auto [it, added] = senders.emplace(account, static_cast<int>(senders.size()) + 1);
    if (added) sender_keys.Bytes(account);
    return it->second;
  }
  int Balance(const std::string& account, const std::string& asset) {
    auto [it, added] =
        balances.emplace(std::pair(account, asset), static_cast<int>(balances.size()) + 1);
    if (added) {
      balance_accounts.Bytes(account);
      balance_assets.Text(asset);
    }
    return it->second;
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<PgLedger>> PgLedger::Connect(const std::string& conninfo) {
  PGconn* connection = PQconnectdb(conninfo.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string reason = PQerrorMessage(connection);
    PQfinish(connection);
    return absl::UnavailableError(
        StrCat("cannot connect to PostgreSQL at '", conninfo, "': ", reason));
  }
  return std::unique_ptr<PgLedger>(new PgLedger(connection));
}

PgLedger::~PgLedger() { PQfinish(connection_); }

absl::Status PgLedger::Exec(const std::string& sql) {
  Result result(PQexec(connection_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return absl::InternalError(StrCat("PostgreSQL: ", PQerrorMessage(connection_)));
  }
  return absl::OkStatus();
}

absl::Status PgLedger::Initialize(const std::string& schema_sql, const Genesis& genesis) {
  RETURN_IF_ERROR(Exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"));
  RETURN_IF_ERROR(Exec(schema_sql));
  for (const AssetInfo& asset : genesis.assets) {
    RETURN_IF_ERROR(Exec(StrCat("INSERT INTO assets VALUES ('", asset.code, "', '\\x",
                                ToHex(asset.issuer), "', ", asset.transfer_max_minor, ")")));
  }
  for (const GenesisBalance& balance : genesis.balances) {
    RETURN_IF_ERROR(Exec(StrCat("INSERT INTO accounts VALUES ('\\x", ToHex(balance.account),
                                "') ON CONFLICT DO NOTHING")));
    RETURN_IF_ERROR(Exec(StrCat("INSERT INTO balances VALUES ('\\x", ToHex(balance.account), "', '",
                                balance.asset, "', ", balance.amount_minor, ")")));
  }
  return absl::OkStatus();
}

absl::StatusOr<BatchOutcome> PgLedger::SettleBatch(const std::vector<CheckedTransfer>& transfers,
                                                   const Genesis& genesis) {
  REMIT_CHECK(!transfers.empty() && transfers.size() <= kSettleBatchTransfersMax);
  SlotTable slots;
  ArrayText ids, seq_slot, from_slot, to_slot, fee_slot, codes, amounts, fees, sequences,
      signed_bytes;
  for (const CheckedTransfer& checked : transfers) {
    const v1::Transfer& transfer = checked.signed_transfer->transfer();
    const AssetInfo* asset = genesis.FindAsset(transfer.asset());
    ids.Bytes(AsBytes(checked.id));
    seq_slot.Number(slots.Sender(transfer.from()));
    from_slot.Number(slots.Balance(transfer.from(), transfer.asset()));
    to_slot.Number(slots.Balance(transfer.to(), transfer.asset()));
    fee_slot.Number(transfer.fee_minor() > 0 && asset != nullptr
                        ? slots.Balance(ToString(asset->issuer), transfer.asset())
                        : 0);
    codes.Text(transfer.asset());
    amounts.Number(static_cast<int64_t>(transfer.amount_minor()));
    fees.Number(static_cast<int64_t>(transfer.fee_minor()));
    sequences.Number(static_cast<int64_t>(transfer.sequence()));
    signed_bytes.Bytes(checked.signed_transfer->SerializeAsString());
  }
  const std::string params[] = {ids.Done(),
                                seq_slot.Done(),
                                from_slot.Done(),
                                to_slot.Done(),
                                fee_slot.Done(),
                                codes.Done(),
                                amounts.Done(),
                                fees.Done(),
                                sequences.Done(),
                                signed_bytes.Done(),
                                slots.sender_keys.Done(),
                                slots.balance_accounts.Done(),
                                slots.balance_assets.Done()};
  constexpr int kParams = static_cast<int>(std::size(params));
  const char* values[kParams];
  for (int i = 0; i < kParams; ++i) values[i] = params[i].c_str();
  Result result(PQexecParams(connection_,
                             "SELECT batch_number, outcome_codes FROM settle_batch($1, $2, $3, $4, "
                             "$5, $6, $7, $8, $9, $10, $11, $12, $13)",
                             kParams, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1) {
    return absl::InternalError(StrCat("PostgreSQL: settle_batch: ", PQerrorMessage(connection_)));
  }
  BatchOutcome outcome;
  outcome.batch = std::stoull(PQgetvalue(result.get(), 0, 0));
  outcome.time_unix_ms = NowUnixMs();
  outcome.codes = ParseIntArray(PQgetvalue(result.get(), 0, 1));
  REMIT_CHECK(outcome.codes.size() == transfers.size());
  return outcome;
}

absl::StatusOr<v1::TransferRecord> PgLedger::GetTransfer(const TransferId& id) {
  const std::string key = StrCat("\\x", ToHex(id));
  const char* values[] = {key.c_str()};
  Result result(PQexecParams(connection_,
                             "SELECT signed, outcome, batch, position, "
                             "(extract(epoch from settled_at) * 1000)::bigint "
                             "FROM transfers WHERE id = $1",
                             1, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return absl::InternalError(StrCat("PostgreSQL: ", PQerrorMessage(connection_)));
  }
  if (PQntuples(result.get()) == 0) {
    return absl::NotFoundError(StrCat("transfer ", ToHex(id), " has no final outcome"));
  }
  v1::TransferRecord record;
  REMIT_CHECK(record.mutable_signed_transfer()->ParseFromString(
      ByteaValue(PQgetvalue(result.get(), 0, 0))));
  v1::Receipt& receipt = *record.mutable_receipt();
  receipt.set_transfer_id(ToString(id));
  receipt.set_outcome(static_cast<v1::Outcome>(std::stoi(PQgetvalue(result.get(), 0, 1))));
  receipt.set_height(std::stoull(PQgetvalue(result.get(), 0, 2)));
  receipt.set_position(static_cast<uint32_t>(std::stoul(PQgetvalue(result.get(), 0, 3))));
  receipt.set_block_time_unix_ms(std::stoull(PQgetvalue(result.get(), 0, 4)));
  return record;
}

absl::StatusOr<v1::Account> PgLedger::GetAccount(const AccountId& account, const Genesis& genesis) {
  const std::string key = StrCat("\\x", ToHex(account));
  const char* values[] = {key.c_str()};
  Result result(
      PQexecParams(connection_,
                   "SELECT coalesce((SELECT next_sequence FROM accounts WHERE id = $1), 0), "
                   "b.asset, b.balance_minor FROM (SELECT 1) one "
                   "LEFT JOIN balances b ON b.account = $1 AND b.balance_minor <> 0 "
                   "ORDER BY b.asset",
                   1, nullptr, values, nullptr, nullptr, 0));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    return absl::InternalError(StrCat("PostgreSQL: ", PQerrorMessage(connection_)));
  }
  v1::Account out;
  out.set_account(ToString(account));
  for (int row = 0; row < PQntuples(result.get()); ++row) {
    out.set_next_sequence(std::stoull(PQgetvalue(result.get(), row, 0)));
    if (PQgetisnull(result.get(), row, 1)) continue;
    v1::AssetBalance& balance = *out.add_balances();
    balance.set_asset(PQgetvalue(result.get(), row, 1));
    balance.set_balance_minor(std::stoll(PQgetvalue(result.get(), row, 2)));
    const AssetInfo* asset = genesis.FindAsset(balance.asset());
    balance.set_decimals(asset != nullptr ? asset->decimals : 0);
  }
  return out;
}

}  // namespace remit::pgbench
