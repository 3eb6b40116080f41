#include "tests/chaos/history_check.h"

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "client/sdk/client.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::chaos {
namespace {

constexpr uint32_t kPageRecords = 1'000;
constexpr uint64_t kPollMs = 200;
// Violations of one kind listed in full; beyond, only counted.
constexpr size_t kViolationsListedMax = 20;

struct Status {
  uint64_t height = 0;
  std::string state_hash;
};

class Violations {
 public:
  explicit Violations(std::vector<std::string>& out) : out_(out) {}
  void Add(std::string what) {
    if (++count_ <= kViolationsListedMax) out_.push_back(std::move(what));
  }
  ~Violations() {
    if (count_ > kViolationsListedMax) {
      out_.push_back(StrCat("... and ", count_ - kViolationsListedMax, " more like these"));
    }
  }

 private:
  std::vector<std::string>& out_;
  uint64_t count_ = 0;
};

absl::StatusOr<std::vector<std::unique_ptr<sdk::RemitClient>>> Clients(
    const std::vector<std::string>& endpoints) {
  std::vector<std::unique_ptr<sdk::RemitClient>> clients;
  for (const std::string& endpoint : endpoints) {
    ASSIGN_OR_RETURN(auto client, sdk::RemitClient::Create({.endpoints = {endpoint}}));
    clients.push_back(std::move(client));
  }
  return clients;
}

// Waits until every validator reports the same height (at least
// `height_min`) and state hash.
absl::StatusOr<Status> Converge(const std::vector<std::unique_ptr<sdk::RemitClient>>& clients,
                                uint64_t height_min, uint64_t timeout_ms,
                                std::vector<std::string>& violations) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<Status> last(clients.size());
  while (true) {
    bool agree = true;
    for (size_t i = 0; i < clients.size(); ++i) {
      ASSIGN_OR_RETURN(const v1::GetStatusResponse status, clients[i]->GetStatus());
      last[i] = {status.height(), status.state_hash()};
      agree = agree && status.height() >= height_min && last[i].height == last[0].height &&
              last[i].state_hash == last[0].state_hash;
    }
    if (agree) return last[0];
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  for (size_t i = 0; i < clients.size(); ++i) {
    violations.push_back(StrCat("validator ", i, " ends at height ", last[i].height, " state ",
                                ToHex(last[i].state_hash).substr(0, 16),
                                " (need height >= ", height_min, " and agreement)"));
  }
  return last[0];
}

// Every record of `account`'s history on one validator.
absl::StatusOr<std::vector<v1::TransferRecord>> History(sdk::RemitClient& client,
                                                        const AccountId& account) {
  std::vector<v1::TransferRecord> records;
  std::string token;
  do {
    ASSIGN_OR_RETURN(v1::ListTransfersResponse page,
                     client.ListTransfers(account, kPageRecords, token));
    for (v1::TransferRecord& record : *page.mutable_records()) {
      records.push_back(std::move(record));
    }
    token = page.next_page_token();
  } while (!token.empty());
  return records;
}

// One validator: sums, sequences, and its records by id.
absl::Status CheckValidator(size_t index, sdk::RemitClient& client, const HistoryCheckInput& input,
                            std::map<TransferId, v1::Receipt>& by_id, HistoryCheckResult& result,
                            Violations& violations) {
  int64_t sum = 0;
  for (const AccountId& account : input.accounts) {
    ASSIGN_OR_RETURN(const v1::Account state, client.GetAccount(account));
    for (const v1::AssetBalance& balance : state.balances()) {
      if (balance.asset() == input.asset) sum += balance.balance_minor();
    }
    ASSIGN_OR_RETURN(const std::vector<v1::TransferRecord> records, History(client, account));
    result.records_seen += records.size();
    std::set<uint64_t> consumed;
    for (const v1::TransferRecord& record : records) {
      by_id[*ToArray<kHashBytes>(record.receipt().transfer_id(), "id")] = record.receipt();
      const v1::Transfer& transfer = record.signed_transfer().transfer();
      if (transfer.from() != AsBytes(account)) continue;
      if (record.receipt().outcome() == v1::BAD_SEQUENCE) continue;  // consumes nothing
      if (!consumed.insert(transfer.sequence()).second) {
        violations.Add(StrCat("validator ", index, ": sequence ", transfer.sequence(), " of ",
                              EncodeAddress(account), " consumed twice"));
      }
    }
    const uint64_t next = state.next_sequence();
    if (consumed.size() != next || (!consumed.empty() && *consumed.rbegin() != next - 1)) {
      violations.Add(StrCat("validator ", index, ": ", EncodeAddress(account), " consumed ",
                            consumed.size(), " sequences but its next sequence is ", next));
    }
  }
  if (sum != 0) {
    violations.Add(StrCat("validator ", index, ": ", input.asset, " sums to ", sum, ", not 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HistoryCheckResult> CheckHistory(const HistoryCheckInput& input) {
  HistoryCheckResult result;
  ASSIGN_OR_RETURN(const auto clients, Clients(input.endpoints));
  uint64_t height_min = 0;
  for (const auto& [id, receipt] : input.receipts)
    height_min = std::max(height_min, receipt.height());
  ASSIGN_OR_RETURN(const Status agreed,
                   Converge(clients, height_min, input.converge_timeout_ms, result.violations));
  result.height = agreed.height;
  Violations violations(result.violations);
  for (size_t i = 0; i < clients.size(); ++i) {
    std::map<TransferId, v1::Receipt> by_id;
    RETURN_IF_ERROR(CheckValidator(i, *clients[i], input, by_id, result, violations));
    for (const auto& [id, told] : input.receipts) {
      ++result.receipts_checked;
      const auto held = by_id.find(id);
      if (held == by_id.end()) {
        violations.Add(StrCat("validator ", i, " lacks transfer ", ToHex(id),
                              " a client was told is final at height ", told.height()));
      } else if (held->second.outcome() != told.outcome() ||
                 held->second.height() != told.height() ||
                 held->second.position() != told.position() ||
                 held->second.block_hash() != told.block_hash()) {
        violations.Add(StrCat("validator ", i, " holds transfer ", ToHex(id), " as ",
                              v1::Outcome_Name(held->second.outcome()), " at height ",
                              held->second.height(), "; a client was told ",
                              v1::Outcome_Name(told.outcome()), " at height ", told.height()));
      }
    }
  }
  return result;
}

}  // namespace remit::chaos
