// A bot engine on a temporary store, a fresh vault and a FakeLedger, with
// helpers that speak as a user.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "client/bot/bot_engine.h"
#include "ledger/strings.h"
#include "tests/bot/bot_test_env.h"
#include "tests/bot/fake_ledger.h"

namespace remit::bot::testing {

class BotFixture : public ::testing::Test {
 protected:
  BotFixture() : faucet_(SigningKey::Generate()), ledger_(faucet_.public_key()) {
    InitCrypto();
    char pattern[] = "/tmp/remit-bot-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    vault_ = std::make_unique<KeyVault>(*KeyVault::OpenOrCreate(dir_ + "/master.key"));
    Restart();
  }
  ~BotFixture() override {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Drops the engine and store as a crash would, and opens them again.
  void Restart() {
    engine_.reset();
    store_.reset();
    store_ = *BotStore::Open(dir_ + "/db");
    EngineOptions options = engine_options_;
    options.faucet_key = faucet_;
    options.commands_per_minute_max = commands_per_minute_max_;
    engine_ = *BotEngine::Create(store_.get(), vault_.get(), &ledger_, options);
  }

  std::vector<OutboundMessage> SayAll(const std::string& from, const std::string& text,
                                      std::string id = "", bool delayed = false,
                                      bool one_to_one = true) {
    if (id.empty()) id = StrCat("m", ++next_id_);
    return engine_->HandleMessage(InboundMessage{.from = from,
                                                 .message_id = id,
                                                 .text = text,
                                                 .one_to_one = one_to_one,
                                                 .delayed = delayed,
                                                 .now_ms = now_ms_});
  }
  // The reply to the sender.
  std::string Say(const std::string& from, const std::string& text, std::string id = "") {
    std::vector<OutboundMessage> replies = SayAll(from, text, id);
    EXPECT_FALSE(replies.empty());
    EXPECT_EQ(replies[0].to, from);
    return replies.empty() ? "" : replies[0].text;
  }

  AccountId AccountOf(const std::string& identity) { return (*store_->GetUser(identity))->account; }
  int64_t Usd(const std::string& identity) { return ledger_.Balance(AccountOf(identity), "USD"); }
  void Fund(const std::string& identity, uint64_t major) {
    ASSERT_TRUE(engine_->EnsureFunded(identity, major, now_ms_).ok());
  }

  SigningKey faucet_;
  FakeLedger ledger_;
  std::string dir_;
  std::unique_ptr<KeyVault> vault_;
  std::unique_ptr<BotStore> store_;
  std::unique_ptr<BotEngine> engine_;
  uint32_t commands_per_minute_max_ = 1000;
  EngineOptions engine_options_;  // the rest of the options Restart() uses
  uint64_t now_ms_ = 1'700'000'000'000;
  int next_id_ = 0;
};

}  // namespace remit::bot::testing
