// A cross-currency payment over a real Prosody with the bot as a process
// (docs/BOT.md, "Cross-currency payments"): the testnet's issuer offers PHP
// for USD, alice (USD) pays bob 500 PHP, sees the quote and the bound, and
// after `yes <code>` bob's PHP balance is exactly 500.00 higher.
#include <gtest/gtest.h>

#include <iostream>

#include "client/sdk/client.h"
#include "client/sdk/operation_builder.h"
#include "client/testnet/testnet.h"
#include "ledger/key_file.h"
#include "tests/bot/xmpp_env.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kReplyTimeoutMs = 15'000;

// The issuer (the testnet's faucet key) sells 9,000.00 PHP for USD at
// 1 USD = 50 PHP (price: 1 USD minor unit per 50 PHP minor units).
absl::Status OfferPhpForUsd(const std::string& testnet_dir) {
  ASSIGN_OR_RETURN(const testnet::TestnetManifest manifest, testnet::ReadManifest(testnet_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client,
                   sdk::RemitClient::Create({.endpoints = testnet::ManifestEndpoints(manifest),
                                             .tls_ca_file = testnet::ManifestTlsCaFile(manifest)}));
  ASSIGN_OR_RETURN(const SigningKey issuer, ReadKeyFile(testnet::FaucetKeyPath(testnet_dir)));
  ASSIGN_OR_RETURN(const Genesis genesis, client->GetGenesis());
  ASSIGN_OR_RETURN(const uint64_t sequence, client->NextSequence(issuer.public_key()));
  v1::OfferCreate offer;
  offer.set_sell_asset("PHP");
  offer.set_buy_asset("USD");
  offer.set_amount_minor(900'000);
  offer.set_price_n(1);
  offer.set_price_d(50);
  const auto now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  ASSIGN_OR_RETURN(const v1::SignedTransfer signed_offer,
                   sdk::BuildOfferCreate({.key = &issuer,
                                          .genesis = &genesis,
                                          .genesis_hash = GenesisHash(genesis),
                                          .sequence = sequence,
                                          .now_unix_ms = now_ms},
                                         offer));
  ASSIGN_OR_RETURN(const sdk::SettleResult result, client->Settle(signed_offer));
  if (result.receipt.outcome() != v1::SETTLED) {
    return absl::InternalError(v1::Outcome_Name(result.receipt.outcome()));
  }
  return absl::OkStatus();
}

// alice pays bob 500 PHP from USD over XMPP: the quote, yes, bob +500.00 PHP.
TEST(BotFxXmppTest, PayPhpFromUsdWithConfirmation) {
  XmppEnv env;
  ASSERT_TRUE(env.SetUp().ok());
  ASSERT_TRUE(env.StartBot("5").ok()) << env.BotLog();
  const absl::Status offered = OfferPhpForUsd(env.testnet());
  ASSERT_TRUE(offered.ok()) << offered;
  ChatClient alice("alice@localhost", kPassword, env.port());
  ChatClient bob("bob@localhost", kPassword, env.port());
  ASSERT_TRUE(alice.Connect(5'000));
  ASSERT_TRUE(bob.Connect(5'000));
  const std::vector<ChatClient*> all = {&alice, &bob};
  const auto ask = [&](ChatClient& who, const std::string& text, const std::string& expect) {
    who.Send(kBotJid, text, "");
    return WaitFor(all, who, expect, kReplyTimeoutMs);
  };
  ASSERT_FALSE(ask(bob, "help", "Welcome!").empty()) << env.BotLog();
  ASSERT_FALSE(ask(alice, "faucet", "Faucet sent you 10.00 USD: SETTLED").empty()) << env.BotLog();
  const std::string quote = ask(alice, "pay bob@localhost 500 PHP", "cross-currency");
  ASSERT_FALSE(quote.empty()) << env.BotLog();
  EXPECT_TRUE(Contains(quote, "costs about 10.00 USD (1 USD = 50.00 PHP)")) << quote;
  EXPECT_TRUE(Contains(quote, "at most 10.10 USD")) << quote;
  const std::string code = quote.substr(quote.find("'yes ") + 5, 4);
  const std::string paid = ask(alice, "yes " + code, "Paid bob@localhost 500.00 PHP");
  EXPECT_TRUE(Contains(paid, "SETTLED")) << paid;
  EXPECT_TRUE(Contains(paid, "It cost 10.00 USD and delivered 500.00 PHP")) << paid;
  EXPECT_FALSE(ask(bob, "balance", "Your balance: 500.00 PHP").empty());
  EXPECT_FALSE(ask(alice, "balance", "Your balance: 0.00 USD").empty());
}

}  // namespace
}  // namespace remit::bot::testing
