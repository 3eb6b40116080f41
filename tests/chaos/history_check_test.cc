// CheckHistory against in-process fake ledgers, so that the chaos test's
// verdict can be trusted: an honest history passes, and every kind of lie a
// ledger could tell a client (a receipt it does not hold, a different
// outcome, validators that disagree, money created) is reported.
#include "tests/chaos/history_check.h"

#include <gtest/gtest.h>

#include "client/sdk/client.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/check.h"
#include "tests/client/fake_ledger.h"

namespace remit::chaos {
namespace {

using testing::FakeLedger;
using testing::FakeLedgerServer;

constexpr int kTransfers = 3;

class HistoryCheckTest : public ::testing::Test {
 protected:
  HistoryCheckTest()
      : issuer_(SigningKey::Generate()),
        payee_(SigningKey::Generate()),
        genesis_(testing::TestGenesis(issuer_.public_key())),
        ledger_(genesis_),
        server_(&ledger_) {}

  // Settles kTransfers transfers from the issuer to the payee on `server`,
  // returning the receipts the client was given.
  std::map<TransferId, v1::Receipt> Settle(const FakeLedgerServer& server) {
    auto client = sdk::RemitClient::Create({.endpoints = {server.endpoint()}});
    REMIT_CHECK(client.ok());
    std::map<TransferId, v1::Receipt> receipts;
    for (int sequence = 0; sequence < kTransfers; ++sequence) {
      const auto transfer = sdk::BuildTransfer(issuer_, genesis_, GenesisHash(genesis_),
                                               {.to = payee_.public_key(),
                                                .asset = "USD",
                                                .amount_minor = 25,
                                                .memo = "",
                                                .sequence = static_cast<uint64_t>(sequence)},
                                               1'000);
      REMIT_CHECK(transfer.ok());
      const auto settled = (*client)->Settle(*transfer);
      REMIT_CHECK(settled.ok());
      const auto id = ToArray<kHashBytes>(settled->receipt.transfer_id(), "id");
      REMIT_CHECK(id.ok());
      receipts[*id] = settled->receipt;
    }
    return receipts;
  }

  HistoryCheckInput Input(std::vector<std::string> endpoints,
                          std::map<TransferId, v1::Receipt> receipts) {
    return {.endpoints = std::move(endpoints),
            .accounts = {issuer_.public_key(), payee_.public_key()},
            .receipts = std::move(receipts),
            .asset = "USD",
            .converge_timeout_ms = 300};
  }

  static bool Mentions(const HistoryCheckResult& result, const std::string& text) {
    for (const std::string& violation : result.violations) {
      if (violation.find(text) != std::string::npos) return true;
    }
    return false;
  }

  SigningKey issuer_;
  SigningKey payee_;
  Genesis genesis_;
  FakeLedger ledger_;
  FakeLedgerServer server_;
};

// Proves: receipts that match the ledger's history, with balanced sums and
// contiguous sequences, give no violation, and each receipt is counted.
TEST_F(HistoryCheckTest, HonestHistoryPasses) {
  const auto result = CheckHistory(Input({server_.endpoint()}, Settle(server_)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->violations.empty()) << result->violations.front();
  EXPECT_EQ(result->receipts_checked, static_cast<uint64_t>(kTransfers));
  EXPECT_EQ(result->height, static_cast<uint64_t>(kTransfers));
}

// Proves: a receipt whose outcome differs from the committed record is a
// violation, as is a receipt for a transfer the ledger never committed.
TEST_F(HistoryCheckTest, TamperedAndUnknownReceiptsAreViolations) {
  std::map<TransferId, v1::Receipt> receipts = Settle(server_);
  receipts.begin()->second.set_outcome(v1::INSUFFICIENT_FUNDS);
  TransferId unknown{};
  unknown.fill(0xab);
  v1::Receipt invented = receipts.begin()->second;
  invented.set_transfer_id(std::string(unknown.begin(), unknown.end()));
  receipts[unknown] = invented;
  const auto result = CheckHistory(Input({server_.endpoint()}, receipts));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(Mentions(*result, "as SETTLED at height"))
      << ::testing::PrintToString(result->violations);
  EXPECT_TRUE(Mentions(*result, "lacks transfer abababab"))
      << ::testing::PrintToString(result->violations);
}

// Proves: two validators at different heights are reported (the other one
// lacks every transfer), and so is an asset that does not sum to zero.
TEST_F(HistoryCheckTest, DisagreementAndMintedMoneyAreViolations) {
  FakeLedger behind(genesis_);
  FakeLedgerServer behind_server(&behind);
  ledger_.SetBalance(payee_.public_key(), "USD", 1'000);  // money from nowhere
  const auto result =
      CheckHistory(Input({server_.endpoint(), behind_server.endpoint()}, Settle(server_)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(Mentions(*result, "validator 1 ends at height 0"))
      << ::testing::PrintToString(result->violations);
  EXPECT_TRUE(Mentions(*result, "validator 1 lacks transfer"))
      << ::testing::PrintToString(result->violations);
  EXPECT_TRUE(Mentions(*result, "USD sums to 1000"))
      << ::testing::PrintToString(result->violations);
}

}  // namespace
}  // namespace remit::chaos
