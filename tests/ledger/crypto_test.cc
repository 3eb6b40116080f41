#include "ledger/crypto.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "ledger/types.h"

namespace remit {
namespace {

template <size_t N>
std::array<uint8_t, N> ArrayFromHex(std::string_view hex) {
  const absl::StatusOr<std::string> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  const absl::StatusOr<std::array<uint8_t, N>> array = ToArray<N>(bytes.value_or(""), "test value");
  EXPECT_TRUE(array.ok()) << array.status();
  return array.value_or(std::array<uint8_t, N>{});
}

template <size_t N>
std::array<uint8_t, N> FlipBit(std::array<uint8_t, N> bytes, size_t bit) {
  bytes[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  return bytes;
}

struct Rfc8032Case {
  std::string seed_hex;
  std::string message_hex;
  std::string public_key_hex;
  std::string signature_hex;
};

// Ed25519 keys and signatures match RFC 8032 section 7.1, tests 1 to 3.
TEST(CryptoTest, MatchesRfc8032TestVectors) {
  const Rfc8032Case cases[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
       "39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "72",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f"
       "3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "af82",
       "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67"
       "f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };
  for (const Rfc8032Case& c : cases) {
    SCOPED_TRACE(c.seed_hex);
    const SigningKey key = SigningKey::FromSeed(ArrayFromHex<kSeedBytes>(c.seed_hex));
    EXPECT_EQ(ToHex(key.public_key()), c.public_key_hex);
    EXPECT_EQ(ToHex(key.seed()), c.seed_hex);
    const std::string message = FromHex(c.message_hex).value();
    const Signature signature = key.Sign(message);
    EXPECT_EQ(ToHex(signature), c.signature_hex);
    EXPECT_TRUE(VerifySignature(key.public_key(), message, signature));
  }
}

// A fresh key signs a message that then verifies; two fresh keys differ.
TEST(CryptoTest, GeneratedKeySignsAndVerifies) {
  const SigningKey key = SigningKey::Generate();
  const SigningKey other = SigningKey::Generate();
  EXPECT_NE(key.public_key(), other.public_key());
  const std::string message = "pay 12.50 USD to rmt1...";
  const Signature signature = key.Sign(message);
  EXPECT_TRUE(VerifySignature(key.public_key(), message, signature));
  EXPECT_FALSE(VerifySignature(other.public_key(), message, signature));
  // The key a seed determines is the same key.
  EXPECT_EQ(SigningKey::FromSeed(key.seed()).public_key(), key.public_key());
}

// A copied key signs identically to the original (copies keep the secret).
TEST(CryptoTest, CopiedKeySignsIdentically) {
  const SigningKey key = SigningKey::Generate();
  const SigningKey copy = key;  // NOLINT(performance-unnecessary-copy-initialization)
  SigningKey assigned = SigningKey::Generate();
  assigned = key;
  EXPECT_EQ(copy.public_key(), key.public_key());
  EXPECT_EQ(copy.Sign("m"), key.Sign("m"));
  EXPECT_EQ(assigned.Sign("m"), key.Sign("m"));
}

// Verification fails when any single bit of the message, the signature or
// the public key is flipped.
TEST(CryptoTest, VerifyFailsOnAnyFlippedBit) {
  std::mt19937_64 random(3);
  Seed seed;
  for (uint8_t& byte : seed) byte = static_cast<uint8_t>(random());
  const SigningKey key = SigningKey::FromSeed(seed);
  const std::string message = "remit-transfer-v1 example message";
  const Signature signature = key.Sign(message);
  ASSERT_TRUE(VerifySignature(key.public_key(), message, signature));

  for (size_t bit = 0; bit < message.size() * 8; ++bit) {
    std::string flipped = message;
    flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(VerifySignature(key.public_key(), flipped, signature)) << "message bit " << bit;
  }
  for (size_t bit = 0; bit < kSignatureBytes * 8; ++bit) {
    EXPECT_FALSE(VerifySignature(key.public_key(), message, FlipBit(signature, bit)))
        << "signature bit " << bit;
  }
  for (size_t bit = 0; bit < kPublicKeyBytes * 8; ++bit) {
    EXPECT_FALSE(VerifySignature(FlipBit(key.public_key(), bit), message, signature))
        << "public key bit " << bit;
  }
  // Also a truncated and an extended message.
  EXPECT_FALSE(VerifySignature(key.public_key(), message.substr(1), signature));
  EXPECT_FALSE(VerifySignature(key.public_key(), message + '\0', signature));
}

// With the verification memo on (as remitd runs), a verified triple is still
// verified, and a flipped bit of a remembered triple still fails: only the
// exact (key, message, signature) that verified is remembered. After many
// other triples, the first still verifies and its forgery still fails.
TEST(CryptoTest, VerificationMemoNeverChangesAResult) {
  EnableVerificationMemo(true);
  const SigningKey key = SigningKey::Generate();
  const std::string message = "remit memo check";
  const Signature signature = key.Sign(message);
  EXPECT_TRUE(VerifySignature(key.public_key(), message, signature));
  EXPECT_TRUE(VerifySignature(key.public_key(), message, signature));
  EXPECT_FALSE(VerifySignature(key.public_key(), message, FlipBit(signature, 9)));
  EXPECT_FALSE(VerifySignature(key.public_key(), message + "!", signature));
  EXPECT_FALSE(VerifySignature(FlipBit(key.public_key(), 3), message, signature));
  for (int i = 0; i < 20'000; ++i) {
    const std::string other = message + std::to_string(i);
    ASSERT_TRUE(VerifySignature(key.public_key(), other, key.Sign(other)));
  }
  EXPECT_TRUE(VerifySignature(key.public_key(), message, signature));
  EXPECT_FALSE(VerifySignature(key.public_key(), message, FlipBit(signature, 9)));
  EnableVerificationMemo(false);
}

// BLAKE2b-256 (unkeyed, 32-byte output) matches the known digests of "" and "abc".
TEST(CryptoTest, Blake2b256KnownAnswers) {
  EXPECT_EQ(ToHex(Blake2b256("")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(ToHex(Blake2b256("abc")),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

// The incremental hasher gives the one-shot digest however the input is split.
TEST(CryptoTest, IncrementalHashEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>(i * 7));
  const Hash32 expected = Blake2b256(data);
  for (size_t split : {size_t{0}, size_t{1}, size_t{127}, size_t{128}, size_t{129}, size_t{999}}) {
    Blake2bHasher hasher;
    hasher.Update(std::string_view(data).substr(0, split));
    hasher.Update(std::string_view(data).substr(split));
    EXPECT_EQ(hasher.Finish(), expected) << "split at " << split;
  }
  Blake2bHasher empty;
  EXPECT_EQ(ToHex(empty.Finish()),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

}  // namespace
}  // namespace remit
