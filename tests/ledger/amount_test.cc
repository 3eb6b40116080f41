#include "ledger/amount.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace remit {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

struct ParseCase {
  std::string text;
  uint32_t decimals;
  uint64_t expected_minor;
};

// ParseAmount turns every accepted form into the right number of minor units.
TEST(ParseAmountTest, AcceptsPlainDecimals) {
  const ParseCase cases[] = {
      {"0.50", 2, 50},
      {"12", 2, 1200},
      {"0.5", 2, 50},
      {"12.34", 2, 1234},
      {"0.01", 2, 1},
      {"007", 2, 700},
      {"7", 0, 7},
      {"1.5", 1, 15},
      {"1", 18, 1000000000000000000},
      {"0.000000000000000001", 18, 1},
      {"1.000000000000000001", 18, 1000000000000000001},
      {"9.223372036854775807", 18, static_cast<uint64_t>(kMax)},
      {"9223372036854775807", 0, static_cast<uint64_t>(kMax)},
      {"92233720368547758.07", 2, static_cast<uint64_t>(kMax)},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(c.text + " with " + std::to_string(c.decimals) + " decimals");
    const absl::StatusOr<uint64_t> parsed = ParseAmount(c.text, c.decimals);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, c.expected_minor);
  }
}

struct RefuseCase {
  std::string text;
  uint32_t decimals;
};

// ParseAmount refuses every malformed, zero or out-of-range text with
// INVALID_ARGUMENT, quoting the text and showing an example that parses.
TEST(ParseAmountTest, RefusesMalformedTextWithHelpfulMessage) {
  const RefuseCase cases[] = {
      {"1,000", 2},
      {"1_000", 2},
      {"1'000", 2},
      {".0005", 2},
      {".5", 2},
      {"5.", 2},
      {"-1", 2},
      {"+1", 2},
      {"0", 2},
      {"0.00", 2},
      {"000", 0},
      {"1e3", 2},
      {"", 2},
      {" 1", 2},
      {"1 ", 2},
      {"0x10", 2},
      {"\xd9\xa1\xd9\xa2", 2},  // "١٢": Arabic-Indic digits one and two
      {"1.2.3", 2},
      {".", 2},
      {"92233720368547758.08", 2},
      {"9223372036854775808", 0},
      {"99999999999999999999999999", 0},
      {"9.223372036854775808", 18},
      {"0.001", 2},
      {"1.0", 0},
      {"0.5", 0},
  };
  for (const RefuseCase& c : cases) {
    SCOPED_TRACE("'" + c.text + "' with " + std::to_string(c.decimals) + " decimals");
    const absl::StatusOr<uint64_t> parsed = ParseAmount(c.text, c.decimals);
    ASSERT_FALSE(parsed.ok()) << "parsed as " << *parsed;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(parsed.status().message());
    EXPECT_THAT(message, HasSubstr("'" + c.text + "'"));
    // The example the message offers must itself be a valid amount.
    const size_t like = message.find("like ");
    ASSERT_NE(like, std::string::npos) << message;
    const std::string example = message.substr(like + 5);
    EXPECT_TRUE(ParseAmount(example, c.decimals).ok()) << "example '" << example << "'";
  }
}

// For every allowed number of decimals, the example in a refusal parses.
TEST(ParseAmountTest, RefusalExampleIsValidForEveryDecimals) {
  for (uint32_t decimals = 0; decimals <= kAssetDecimalsMax; ++decimals) {
    const absl::StatusOr<uint64_t> parsed = ParseAmount("", decimals);
    ASSERT_FALSE(parsed.ok());
    const std::string message(parsed.status().message());
    const size_t like = message.find("like ");
    ASSERT_NE(like, std::string::npos) << message;
    EXPECT_TRUE(ParseAmount(message.substr(like + 5), decimals).ok()) << message;
  }
}

// A very long text is refused without echoing all of it back.
TEST(ParseAmountTest, RefusesOverlongTextAndQuotesOnlyItsStart) {
  const std::string text(100, '1');
  const absl::StatusOr<uint64_t> parsed = ParseAmount(text, 2);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(std::string(40, '1')));
  EXPECT_THAT(std::string(parsed.status().message()), ::testing::Not(HasSubstr(text)));
}

struct FormatCase {
  int64_t amount_minor;
  uint32_t decimals;
  std::string expected;
};

// FormatAmount always prints exactly `decimals` digits after the point,
// including at the int64 edges.
TEST(FormatAmountTest, FormatsWithExactDecimals) {
  const FormatCase cases[] = {
      {50, 2, "0.50"},
      {-1200, 2, "-12.00"},
      {7, 0, "7"},
      {5, 3, "0.005"},
      {0, 2, "0.00"},
      {0, 0, "0"},
      {-1, 2, "-0.01"},
      {1234, 2, "12.34"},
      {1, 18, "0.000000000000000001"},
      {kMax, 0, "9223372036854775807"},
      {kMax, 2, "92233720368547758.07"},
      {kMax, 18, "9.223372036854775807"},
      {kMin, 0, "-9223372036854775808"},
      {kMin, 2, "-92233720368547758.08"},
      {kMin, 18, "-9.223372036854775808"},
  };
  for (const FormatCase& c : cases) {
    EXPECT_EQ(FormatAmount(c.amount_minor, c.decimals), c.expected)
        << c.amount_minor << " with " << c.decimals << " decimals";
  }
}

// ParseAmount(FormatAmount(x)) == x for random positive x and any decimals.
TEST(FormatAmountTest, ParseInvertsFormatForRandomPositiveAmounts) {
  std::mt19937_64 random(20240601);
  for (int i = 0; i < 20000; ++i) {
    // Spread magnitudes across all 63 bits, not only huge values.
    const int bits = static_cast<int>(random() % 63) + 1;
    const uint64_t mask = bits == 63 ? static_cast<uint64_t>(kMax) : (uint64_t{1} << bits) - 1;
    const auto amount = static_cast<int64_t>(random() & mask);
    if (amount == 0) continue;
    const auto decimals = static_cast<uint32_t>(random() % (kAssetDecimalsMax + 1));
    const std::string text = FormatAmount(amount, decimals);
    const absl::StatusOr<uint64_t> parsed = ParseAmount(text, decimals);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    ASSERT_EQ(*parsed, static_cast<uint64_t>(amount)) << text;
  }
}

struct CheckedCase {
  int64_t a;
  int64_t b;
  std::optional<int64_t> expected;
};

// CheckedAdd returns the sum, or nullopt exactly when it leaves int64.
TEST(CheckedArithmeticTest, AddOverflowsOnlyPastTheEdges) {
  const CheckedCase cases[] = {
      {1, 2, 3},
      {kMax, 0, kMax},
      {kMax - 1, 1, kMax},
      {kMax, 1, std::nullopt},
      {kMax, kMax, std::nullopt},
      {kMin, 0, kMin},
      {kMin + 1, -1, kMin},
      {kMin, -1, std::nullopt},
      {kMin, kMin, std::nullopt},
      {kMin, kMax, -1},
  };
  for (const CheckedCase& c : cases) {
    EXPECT_EQ(CheckedAdd(c.a, c.b), c.expected) << c.a << " + " << c.b;
    EXPECT_EQ(CheckedAdd(c.b, c.a), c.expected) << c.b << " + " << c.a;
  }
}

// CheckedSub returns the difference, or nullopt exactly when it leaves int64.
TEST(CheckedArithmeticTest, SubOverflowsOnlyPastTheEdges) {
  const CheckedCase cases[] = {
      {3, 2, 1},
      {kMin, 0, kMin},
      {kMin + 1, 1, kMin},
      {kMin, 1, std::nullopt},
      {0, kMin, std::nullopt},
      {-1, kMin, kMax},
      {kMax, -1, std::nullopt},
      {kMax - 1, -1, kMax},
      {kMax, kMax, 0},
      {kMin, kMin, 0},
      {kMin, kMax, std::nullopt},
  };
  for (const CheckedCase& c : cases) {
    EXPECT_EQ(CheckedSub(c.a, c.b), c.expected) << c.a << " - " << c.b;
  }
}

}  // namespace
}  // namespace remit
