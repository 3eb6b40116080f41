#include "ledger/address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "ledger/crypto.h"

namespace remit {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

AccountId RandomAccount(std::mt19937_64& random) {
  AccountId account;
  for (uint8_t& byte : account) byte = static_cast<uint8_t>(random());
  return account;
}

// The address format written out from address.h's grammar, with libsodium
// called directly, so that EncodeAddress is checked against the spec rather
// than against itself.
std::string ReferenceAddress(const AccountId& account) {
  const std::string domain = "remit-address-v1";
  std::vector<uint8_t> preimage(domain.begin(), domain.end());
  preimage.insert(preimage.end(), account.begin(), account.end());
  uint8_t digest[32];
  EXPECT_EQ(crypto_generichash(digest, sizeof digest, preimage.data(), preimage.size(), nullptr, 0),
            0);
  std::vector<uint8_t> payload(account.begin(), account.end());
  payload.insert(payload.end(), digest, digest + 4);
  // 36 bytes = 288 bits = 57 full 5-bit groups + 3 bits, padded with 2 zero bits.
  std::string out = "rmt1";
  for (size_t bit = 0; bit < payload.size() * 8; bit += 5) {
    unsigned value = 0;
    for (size_t k = 0; k < 5; ++k) {
      const size_t b = bit + k;
      const unsigned set = b < payload.size() * 8 ? (payload[b / 8] >> (7 - b % 8)) & 1u : 0u;
      value = (value << 1) | set;
    }
    out.push_back(kAlphabet[value]);
  }
  return out;
}

std::string ToUpper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string ErrorOf(std::string_view text) {
  const absl::StatusOr<AccountId> decoded = DecodeAddress(text);
  if (decoded.ok()) return "";
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(decoded.status().message());
}

// Encoding is the documented format, 62 characters starting rmt1, and
// decoding returns the same key, for many random keys.
TEST(AddressTest, RoundTripsRandomKeys) {
  InitCrypto();
  std::mt19937_64 random(7);
  for (int i = 0; i < 2000; ++i) {
    const AccountId account = RandomAccount(random);
    const std::string address = EncodeAddress(account);
    ASSERT_EQ(address.size(), kAddressLength);
    ASSERT_EQ(address.size(), 62u);
    ASSERT_TRUE(address.starts_with("rmt1")) << address;
    ASSERT_EQ(address, ReferenceAddress(account));
    const absl::StatusOr<AccountId> decoded = DecodeAddress(address);
    ASSERT_TRUE(decoded.ok()) << address << ": " << decoded.status();
    ASSERT_EQ(*decoded, account);
  }
}

// The all-zero and all-0xff keys encode as the spec says and round trip.
TEST(AddressTest, RoundTripsEdgeKeys) {
  AccountId zeros{};
  AccountId ones;
  ones.fill(0xff);
  for (const AccountId& account : {zeros, ones}) {
    const std::string address = EncodeAddress(account);
    EXPECT_EQ(address, ReferenceAddress(account));
    const absl::StatusOr<AccountId> decoded = DecodeAddress(address);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, account);
  }
  EXPECT_TRUE(
      EncodeAddress(zeros).starts_with("rmt1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

// An address typed in all upper case decodes to the same key.
TEST(AddressTest, AcceptsUpperCase) {
  std::mt19937_64 random(11);
  for (int i = 0; i < 50; ++i) {
    const AccountId account = RandomAccount(random);
    const std::string upper = ToUpper(EncodeAddress(account));
    ASSERT_TRUE(upper.starts_with("RMT1"));
    const absl::StatusOr<AccountId> decoded = DecodeAddress(upper);
    ASSERT_TRUE(decoded.ok()) << upper << ": " << decoded.status();
    EXPECT_EQ(*decoded, account);
  }
}

// Mixing upper and lower case is refused, and the message says so.
TEST(AddressTest, RefusesMixedCase) {
  std::mt19937_64 random(13);
  const std::string address = EncodeAddress(RandomAccount(random));
  std::string prefix_upper = address;
  prefix_upper.replace(0, 4, "RMT1");
  std::string body_upper = ToUpper(address);
  body_upper.replace(0, 4, "rmt1");
  std::string one_upper = address;
  const size_t letter = one_upper.find_first_of("abcdefghijklmnopqrstuvwxyz", 4);
  ASSERT_NE(letter, std::string::npos);
  one_upper[letter] = static_cast<char>(std::toupper(one_upper[letter]));
  for (const std::string& text : {prefix_upper, body_upper, one_upper}) {
    EXPECT_THAT(ErrorOf(text), HasSubstr("mixes upper and lower case")) << text;
  }
}

// Changing any one character of an address, anywhere, to any other
// character makes it refused, each time with the reason that applies.
TEST(AddressTest, RefusesEverySingleCharacterSubstitution) {
  std::mt19937_64 random(17);
  const std::string address = EncodeAddress(RandomAccount(random));
  std::string replacements;
  for (int c = 0x20; c < 0x7f; ++c) replacements.push_back(static_cast<char>(c));
  replacements += "\x80\xc3\xff";
  int refused = 0;
  for (size_t position = 0; position < address.size(); ++position) {
    for (char c : replacements) {
      if (c == address[position]) continue;
      std::string typo = address;
      typo[position] = c;
      SCOPED_TRACE(typo);
      const std::string error = ErrorOf(typo);
      ASSERT_FALSE(error.empty()) << "accepted a typo at position " << position;
      ++refused;
      if (std::isupper(static_cast<unsigned char>(c))) {
        EXPECT_THAT(error, HasSubstr("mixes upper and lower case"));
      } else if (position < 4) {
        EXPECT_THAT(error, HasSubstr("must start with rmt1"));
      } else if (kAlphabet.find(c) == std::string_view::npos) {
        EXPECT_THAT(error, HasSubstr("invalid character"));
      } else {
        EXPECT_THAT(error, HasSubstr("checksum does not match"));
      }
    }
  }
  EXPECT_EQ(refused, 62 * static_cast<int>(replacements.size() - 1));
}

// A 62-character text with another prefix is refused as a wrong prefix.
TEST(AddressTest, RefusesWrongPrefix) {
  std::mt19937_64 random(19);
  const std::string address = EncodeAddress(RandomAccount(random));
  for (std::string_view prefix : {"rmt2", "xmt1", "bc1q", "RMT2", "rmtl"}) {
    std::string text = address;
    text.replace(0, 4, prefix);
    if (prefix == "RMT2") text = ToUpper(text);
    EXPECT_THAT(ErrorOf(text), HasSubstr("must start with rmt1")) << text;
  }
}

// Texts of the wrong length are refused, and the message states the length
// expected and the length given.
TEST(AddressTest, RefusesWrongLength) {
  std::mt19937_64 random(23);
  const std::string address = EncodeAddress(RandomAccount(random));
  const std::string cases[] = {
      "", "rmt1", address.substr(0, 61), address + "a", address + address, " " + address};
  for (const std::string& text : cases) {
    const std::string error = ErrorOf(text);
    EXPECT_THAT(error, HasSubstr("must be 62 characters")) << text;
    EXPECT_THAT(error, HasSubstr("got " + std::to_string(text.size()))) << text;
  }
}

// The two spare bits of the last character must be zero: an address whose
// key and checksum are intact but whose padding bits are set is refused.
TEST(AddressTest, RefusesNonZeroPaddingBits) {
  std::mt19937_64 random(29);
  for (int i = 0; i < 20; ++i) {
    const std::string address = EncodeAddress(RandomAccount(random));
    const size_t last = kAlphabet.find(address.back());
    ASSERT_NE(last, std::string_view::npos);
    ASSERT_EQ(last & 3u, 0u) << "padding bits of a valid address are zero";
    for (size_t padding = 1; padding < 4; ++padding) {
      std::string text = address;
      text.back() = kAlphabet[last | padding];
      EXPECT_THAT(ErrorOf(text), HasSubstr("check for a typo")) << text;
    }
  }
}

}  // namespace
}  // namespace remit
