// End to end on a 4-validator testnet with the market `testnet up` seeds by
// default (client/testnet/market.h): the real `remit` and `remitd` binaries
// on loopback. Proves that a quote says exactly what the transfer signed
// after it then does (strict send and strict receive, USD to PHP), that each
// refused bound and a path without liquidity ends with its outcome and moves
// nothing, and that a claimable payment is claimed with its code by another
// key exactly once, and that one left to expire is reclaimed by its sender
// (waiting on the claim's status and the chain's block time); and that
// offers are listed best first and cancelled, and the basket mints and
// redeems.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "tests/client/cli_testnet_test.h"
#include "tests/client/run_process.h"
#include "tests/client/temp_dir.h"

namespace remit {
namespace {

using nlohmann::json;
using testing::ProcessRun;

constexpr uint32_t kNodes = 4;
constexpr int kExitNotSettled = 3;
// How long a short claim's expiry may take to pass in block time.
constexpr auto kExpiryWaitMax = std::chrono::seconds(60);

// "579.60" -> 57960 (every testnet asset has 2 decimals).
int64_t Cents(const json& decimal) {
  std::string text = decimal.get<std::string>();
  const size_t point = text.find('.');
  EXPECT_EQ(point, text.size() - 3) << text;
  text.erase(point, 1);
  return std::stoll(text);
}

std::string Decimal(int64_t cents) {
  return std::to_string(cents / 100) + "." + std::to_string(100 + cents % 100).substr(1);
}

class FxClaimsEndToEndTest : public testing::CliTestnetTest {
 protected:
  // Runs `args --testnet DIR --json`, expects `exit_code`, returns the object.
  json RemitJson(std::vector<std::string> args, int exit_code = 0) {
    if (args[0] != "keygen") {
      args.push_back("--testnet");
      args.push_back(testnet_dir_);
    }
    args.push_back("--json");
    const ProcessRun run = Remit(args);
    EXPECT_EQ(run.exit_code, exit_code) << args[0] << " " << args[1] << ": " << run.out << run.err;
    const json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_TRUE(parsed.is_object()) << run.out << run.err;
    return parsed;
  }

  void StartTestnet() { ASSERT_TRUE(UpOnFreePort(kNodes).is_object()); }

  // A new key; returns its address.
  std::string NewKey(const std::string& name) {
    return RemitJson({"keygen", "--out", dir_.Join(name + ".key")})["address"];
  }
  std::string Key(const std::string& name) { return dir_.Join(name + ".key"); }

  // The account's balance of `asset` in cents (0 if none).
  int64_t Balance(const std::string& address, const std::string& asset) {
    const json balance = RemitJson({"balance", address});
    return balance["balances"].contains(asset) ? Cents(balance["balances"][asset]) : 0;
  }
};

// Proves: quotes match what strict send and strict receive then do; the
// receipt carries both amounts and the fill; each refusal outcome moves
// nothing.
TEST_F(FxClaimsEndToEndTest, QuoteStrictSendStrictReceiveAndRefusals) {
  ASSERT_NO_FATAL_FAILURE(StartTestnet());
  const std::string alice = NewKey("alice");
  const std::string bob = NewKey("bob");
  EXPECT_EQ(RemitJson({"faucet", alice, "100", "USD"})["outcome"], "SETTLED");

  // Strict send: 10 USD delivers what the quote said, to the cent.
  const json quote = RemitJson({"quote", "10", "USD", "--to-asset", "PHP"});
  EXPECT_EQ(quote["send_amount"], "10.00");
  EXPECT_EQ(quote["path"], (json{"USD", "PHP"}));
  ASSERT_EQ(quote["fills"].size(), 1u) << quote.dump();
  const int64_t quoted_php = Cents(quote["deliver_amount"]);
  EXPECT_GT(quoted_php, 0);
  const json sent = RemitJson({"send", "--key", Key("alice"), "--to", bob, "10", "USD",
                               "--deliver-min", Decimal(quoted_php), "PHP"});
  EXPECT_EQ(sent["outcome"], "SETTLED") << sent.dump();
  EXPECT_EQ(sent["sent"], "10.00");
  EXPECT_EQ(Cents(sent["delivered"]), quoted_php);
  EXPECT_EQ(sent["rate"], quote["rate"]);
  ASSERT_EQ(sent["fills"].size(), 1u);
  EXPECT_EQ(sent["fills"][0]["offer_id"], quote["fills"][0]["offer_id"]);
  EXPECT_EQ(Balance(bob, "PHP"), quoted_php);
  EXPECT_EQ(Balance(alice, "USD"), 9'000);

  // Strict receive: exactly 500 PHP arrives for what the quote said.
  const json cost = RemitJson({"quote", "500", "PHP", "--from-asset", "USD"});
  EXPECT_EQ(cost["deliver_amount"], "500.00");
  const int64_t quoted_usd = Cents(cost["send_amount"]);
  const json received = RemitJson({"send", "--key", Key("alice"), "--to", bob, "--deliver", "500",
                                   "PHP", "--send-max", Decimal(quoted_usd), "USD"});
  EXPECT_EQ(received["outcome"], "SETTLED") << received.dump();
  EXPECT_EQ(received["delivered"], "500.00");
  EXPECT_EQ(Cents(received["sent"]), quoted_usd);
  EXPECT_EQ(Balance(bob, "PHP"), quoted_php + 50'000);
  EXPECT_EQ(Balance(alice, "USD"), 9'000 - quoted_usd);

  // Bounds one cent too tight, and a path deeper than the book: final
  // outcomes (exit 3) that move nothing.
  const int64_t php_now = Balance(bob, "PHP");
  const int64_t usd_now = Balance(alice, "USD");
  const json again = RemitJson({"quote", "10", "USD", "--to-asset", "PHP"});
  const json under =
      RemitJson({"send", "--key", Key("alice"), "--to", bob, "10", "USD", "--deliver-min",
                 Decimal(Cents(again["deliver_amount"]) + 1), "PHP"},
                kExitNotSettled);
  EXPECT_EQ(under["outcome"], "UNDER_DELIVER_MIN") << under.dump();
  const json over = RemitJson({"send", "--key", Key("alice"), "--to", bob, "--deliver", "500",
                               "PHP", "--send-max", Decimal(Cents(cost["send_amount"]) - 1), "USD"},
                              kExitNotSettled);
  EXPECT_EQ(over["outcome"], "OVER_SEND_MAX") << over.dump();
  // The maker's EUR offer holds 920,000.00 EUR (1,000,000.00 USD at 0.92).
  const json dry = RemitJson({"send", "--key", Key("alice"), "--to", bob, "--deliver", "950000",
                              "EUR", "--send-max", "1000000", "USD"},
                             kExitNotSettled);
  EXPECT_EQ(dry["outcome"], "NO_LIQUIDITY") << dry.dump();
  const ProcessRun no_quote =
      Remit({"quote", "950000", "EUR", "--from-asset", "USD", "--testnet", testnet_dir_});
  EXPECT_NE(no_quote.exit_code, 0);
  EXPECT_NE(no_quote.err.find("NO_LIQUIDITY"), std::string::npos) << no_quote.err;
  EXPECT_EQ(Balance(bob, "PHP"), php_now);
  EXPECT_EQ(Balance(alice, "USD"), usd_now);
}

// Proves: a claimable payment is claimed with its code by another key, once;
// one left to expire cannot be reclaimed before its expiry, is reclaimed
// after it, and its code then pays nobody.
TEST_F(FxClaimsEndToEndTest, ClaimWithTheCodeAndReclaimAfterExpiry) {
  ASSERT_NO_FATAL_FAILURE(StartTestnet());
  const std::string alice = NewKey("alice");
  const std::string carol = NewKey("carol");
  EXPECT_EQ(RemitJson({"faucet", alice, "20", "USD"})["outcome"], "SETTLED");

  const json held =
      RemitJson({"send", "--key", Key("alice"), "--claimable", "--expires", "10m", "5", "USD"});
  EXPECT_EQ(held["outcome"], "SETTLED") << held.dump();
  const std::string code = held["claim_code"];
  const std::string claim_id = held["claim_id"];
  EXPECT_EQ(RemitJson({"claim", "status", claim_id})["state"], "pending");
  EXPECT_EQ(Balance(alice, "USD"), 1'500);

  const json claimed = RemitJson({"claim", code, "--key", Key("carol")});
  EXPECT_EQ(claimed["outcome"], "SETTLED") << claimed.dump();
  EXPECT_EQ(claimed["delivered"], "5.00");
  EXPECT_EQ(Balance(carol, "USD"), 500);
  const json status = RemitJson({"claim", "status", claim_id});
  EXPECT_EQ(status["state"], "claimed");
  EXPECT_EQ(status["claimant"], carol);
  EXPECT_EQ(RemitJson({"claim", code, "--key", Key("carol")}, kExitNotSettled)["outcome"],
            "ALREADY_CLAIMED");

  // A short expiry: too early to reclaim, then reclaimed once block time
  // passes it. Blocks are made only for transfers, so each poll that finds
  // it still open pays a cent to carol to move the chain's clock.
  const json brief =
      RemitJson({"send", "--key", Key("alice"), "--claimable", "--expires", "2s", "3", "USD"});
  ASSERT_EQ(brief["outcome"], "SETTLED") << brief.dump();
  const std::string brief_id = brief["claim_id"];
  EXPECT_EQ(RemitJson({"reclaim", brief_id, "--key", Key("alice")}, kExitNotSettled)["outcome"],
            "CLAIM_NOT_EXPIRED");
  const auto give_up = std::chrono::steady_clock::now() + kExpiryWaitMax;
  while (RemitJson({"claim", "status", brief_id})["expired"] != true) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "block time never passed the expiry";
    ASSERT_EQ(RemitJson({"faucet", carol, "0.01", "USD"})["outcome"], "SETTLED");
  }
  const int64_t before = Balance(alice, "USD");
  const json reclaimed = RemitJson({"reclaim", brief_id, "--key", Key("alice")});
  EXPECT_EQ(reclaimed["outcome"], "SETTLED") << reclaimed.dump();
  EXPECT_EQ(Balance(alice, "USD"), before + 300);
  EXPECT_EQ(RemitJson({"claim", "status", brief_id})["state"], "reclaimed");
  EXPECT_EQ(
      RemitJson({"claim", brief["claim_code"], "--key", Key("carol")}, kExitNotSettled)["outcome"],
      "ALREADY_CLAIMED");
}

// Proves: the book lists the maker's offer before a worse one, an offer
// holds its amount until cancelled, and the basket mints and redeems its
// exact components.
TEST_F(FxClaimsEndToEndTest, OffersAndTheBasket) {
  ASSERT_NO_FATAL_FAILURE(StartTestnet());
  const std::string alice = NewKey("alice");
  for (const char* asset : {"USD", "EUR"}) {
    const json paid = RemitJson({"faucet", alice, "50", asset});
    EXPECT_EQ(paid["outcome"], "SETTLED");
  }
  const json created = RemitJson({"offer", "create", "--key", Key("alice"), "--sell", "10", "EUR",
                                  "--buy", "USD", "--price", "1.50"});
  EXPECT_EQ(created["outcome"], "SETTLED") << created.dump();
  EXPECT_EQ(Balance(alice, "EUR"), 4'000);  // 10 EUR held by the offer
  const json book = RemitJson({"offer", "list", "EUR", "USD"});
  ASSERT_EQ(book["offers"].size(), 2u) << book.dump();
  EXPECT_NE(book["offers"][0]["owner"], alice);  // the maker's, cheaper
  EXPECT_EQ(book["offers"][1]["owner"], alice);
  EXPECT_EQ(book["offers"][1]["price"], "1.5000");
  EXPECT_EQ(book["offers"][1]["amount"], "10.00");
  EXPECT_EQ(book["offers"][1]["offer_id"], created["offer_id"]);
  const json cancelled =
      RemitJson({"offer", "cancel", "--key", Key("alice"), created["offer_id"].get<std::string>()});
  EXPECT_EQ(cancelled["outcome"], "SETTLED") << cancelled.dump();
  EXPECT_EQ(Balance(alice, "EUR"), 5'000);
  EXPECT_EQ(RemitJson({"offer", "list", "EUR", "USD"})["offers"].size(), 1u);

  const json minted = RemitJson({"basket", "mint", "--key", Key("alice"), "2"});
  EXPECT_EQ(minted["outcome"], "SETTLED") << minted.dump();
  EXPECT_EQ(Balance(alice, "RMX"), 200);
  EXPECT_EQ(Balance(alice, "USD"), 4'800);
  EXPECT_EQ(Balance(alice, "EUR"), 4'800);
  EXPECT_EQ(RemitJson({"basket", "redeem", "--key", Key("alice"), "1"})["outcome"], "SETTLED");
  EXPECT_EQ(Balance(alice, "RMX"), 100);
  EXPECT_EQ(Balance(alice, "USD"), 4'900);
  EXPECT_EQ(Balance(alice, "EUR"), 4'900);
}

}  // namespace
}  // namespace remit
