// The fixed chain the protobuf fuzzers run against: tests/testing's
// TestChain with 4 users, 4 validators, USD and JPY, and lookups that turn
// a fuzzer's small numbers into its keys.
#pragma once

#include <cstdint>
#include <string_view>

#include "ledger/crypto.h"
#include "tests/testing/test_chain.h"

namespace remit::fuzz {

inline constexpr int kUsers = 4;
inline constexpr int kValidators = 4;

struct FuzzChain : testing::TestChain {
  static const FuzzChain& Get() {
    static const FuzzChain chain{testing::TestChain::Make(kUsers, kValidators)};
    return chain;
  }

  // Key k: the users, then the issuer, wrapping around.
  const SigningKey& Key(uint8_t k) const {
    const size_t index = k % (users.size() + 1);
    return index < users.size() ? users[index] : issuer;
  }

  // The user, issuer or validator key with this public key, or nullptr.
  const SigningKey* KeyOf(std::string_view public_key) const {
    auto matches = [public_key](const SigningKey& key) {
      return AsBytes(key.public_key()) == public_key;
    };
    if (matches(issuer)) return &issuer;
    for (const SigningKey& key : users) {
      if (matches(key)) return &key;
    }
    for (const SigningKey& key : validators) {
      if (matches(key)) return &key;
    }
    return nullptr;
  }
};

}  // namespace remit::fuzz
