// Every amount form the chat bot accepts and every form it refuses (docs/BOT.md),
// including the known tip-bot failures.
#include "client/bot/chat_amount.h"

#include <gtest/gtest.h>

#include "client/bot/command.h"

namespace remit::bot {
namespace {

Genesis TestGenesis() {
  Genesis genesis;
  for (const char* code : {"USD", "EUR", "PHP", "INR"}) {
    genesis.assets.push_back(
        AssetInfo{.code = code, .decimals = 2, .issuer = {}, .transfer_max_minor = 1'000'000});
  }
  return genesis;
}

struct Accepted {
  const char* text;
  const char* asset;
  uint64_t amount_minor;
  size_t tokens_used;
};

// Each accepted form maps to exactly this asset and amount.
TEST(ChatAmountTest, AcceptsEveryDocumentedForm) {
  const Accepted cases[] = {
      {"0.50", "USD", 50, 1},         {"$0.50", "USD", 50, 1},     {"50c", "USD", 50, 1},
      {"50¢", "USD", 50, 1},          {"0.50 USD", "USD", 50, 2},  {"USD 0.50", "USD", 50, 2},
      {"€2", "EUR", 200, 1},          {"2 EUR", "EUR", 200, 2},    {"100 PHP", "PHP", 10000, 2},
      {"2 eur", "EUR", 200, 2},       {"₱100", "PHP", 10000, 1},   {"₹5", "INR", 500, 1},
      {"12", "USD", 1200, 1},         {".50", "USD", 50, 1},       {"1000", "USD", 100000, 1},
      {"0.5", "USD", 50, 1},          {"$0.50 USD", "USD", 50, 2}, {"5 coffee", "USD", 500, 1},
      {"5 for lunch", "USD", 500, 1},
  };
  const Genesis genesis = TestGenesis();
  for (const Accepted& c : cases) {
    absl::StatusOr<ChatAmount> amount = ParseChatAmount(SplitWords(c.text), "USD", genesis);
    ASSERT_TRUE(amount.ok()) << c.text << ": " << amount.status();
    EXPECT_EQ(amount->asset, c.asset) << c.text;
    EXPECT_EQ(amount->amount_minor, c.amount_minor) << c.text;
    EXPECT_EQ(amount->tokens_used, c.tokens_used) << c.text;
  }
}

// Each refused form is refused with an example, never guessed (".0005" is not
// 5, "1,000" is not 1) and never turned into a note with a default amount.
TEST(ChatAmountTest, RefusesAmbiguousAndMalformedWithAnExample) {
  const char* cases[] = {
      ".0005", "0.0005",   "1,000", "1,5",   "-5",  "-0.50", "0",     "0.00",   "$0",
      "five",  "coffee",   "1e3",   "5.5.5", "$",   "5 GBP", "GBP 5", "$5 EUR", "0.505",
      "+5",    "5,00 USD", "1.234", "USD",   "5cc", "0.5c",  "",
  };
  const Genesis genesis = TestGenesis();
  for (const char* text : cases) {
    absl::StatusOr<ChatAmount> amount = ParseChatAmount(SplitWords(text), "USD", genesis);
    EXPECT_FALSE(amount.ok()) << "'" << text << "' was read as " << amount->amount_minor << " "
                              << amount->asset;
    if (!amount.ok()) {
      EXPECT_EQ(amount.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

// Without a currency, the amount is in the user's own currency.
TEST(ChatAmountTest, PlainNumberUsesTheUsersCurrency) {
  absl::StatusOr<ChatAmount> amount = ParseChatAmount({"3"}, "PHP", TestGenesis());
  ASSERT_TRUE(amount.ok());
  EXPECT_EQ(amount->asset, "PHP");
  EXPECT_EQ(amount->amount_minor, 300u);
}

// The refusal shows a valid example.
TEST(ChatAmountTest, RefusalCarriesAnExample) {
  absl::StatusOr<ChatAmount> amount = ParseChatAmount({"1,000"}, "USD", TestGenesis());
  ASSERT_FALSE(amount.ok());
  EXPECT_NE(amount.status().message().find("pay bob 0.50 USD"), std::string::npos);
}

// A refusal quotes the amount as it was typed: "abc" is not reported as
// 'ab' (its "c" taken for cents) nor "$abc" as 'abc' (issue 11).
TEST(ChatAmountTest, RefusalQuotesTheWordAsTyped) {
  for (const char* text : {"abc", "$abc", "5cc", "x1c", "€zz"}) {
    absl::StatusOr<ChatAmount> amount = ParseChatAmount(SplitWords(text), "USD", TestGenesis());
    ASSERT_FALSE(amount.ok()) << text;
    EXPECT_NE(amount.status().message().find(std::string("'") + text + "'"), std::string::npos)
        << text << ": " << amount.status();
  }
}

// A currency symbol names its currency even on a chain without it: refused,
// naming the chain's currencies, never a crash. Found by chat_amount_fuzzer
// (tests/fuzz/regressions/chat_amount/): "€5" on a USD and JPY chain
// tripped a REMIT_CHECK and took the bot down.
TEST(ChatAmountTest, SymbolOfACurrencyTheChainLacksIsRefused) {
  Genesis genesis;
  for (const char* code : {"USD", "JPY"}) {
    genesis.assets.push_back(
        AssetInfo{.code = code, .decimals = 2, .issuer = {}, .transfer_max_minor = 1'000'000});
  }
  for (const char* text : {"€5", "₱100", "₹5", "€2 EUR", "€0.50c"}) {
    absl::StatusOr<ChatAmount> amount = ParseChatAmount(SplitWords(text), "USD", genesis);
    ASSERT_FALSE(amount.ok()) << text;
    EXPECT_EQ(amount.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(amount.status().message().find("it has USD JPY"), std::string::npos)
        << amount.status();
  }
  genesis.assets.erase(genesis.assets.begin());  // no USD
  absl::StatusOr<ChatAmount> dollars = ParseChatAmount({"$5"}, "JPY", genesis);
  ASSERT_FALSE(dollars.ok());
  EXPECT_NE(dollars.status().message().find("no currency USD"), std::string::npos)
      << dollars.status();
}

}  // namespace
}  // namespace remit::bot
