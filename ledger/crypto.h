// Ed25519 signatures and BLAKE2b-256 hashing, through libsodium.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string_view>

#include "ledger/types.h"

namespace remit {

inline constexpr size_t kSeedBytes = 32;
using Seed = std::array<uint8_t, kSeedBytes>;

// Initialises libsodium once; safe to call from any thread, any number of
// times. Aborts if libsodium cannot initialise (no usable randomness).
void InitCrypto();

// An Ed25519 signing key. The secret is wiped when the object dies.
class SigningKey {
 public:
  // A fresh key from the system's randomness.
  static SigningKey Generate();
  // The key that a 32-byte seed determines (RFC 8032 private key).
  static SigningKey FromSeed(const Seed& seed);

  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  ~SigningKey();

  const AccountId& public_key() const { return public_key_; }
  const Seed& seed() const { return seed_; }
  Signature Sign(std::string_view message) const;

 private:
  SigningKey() = default;

  Seed seed_{};
  AccountId public_key_{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret_key_{};
};

// True only for a valid signature of `message` by `public_key`.
bool VerifySignature(const AccountId& public_key, std::string_view message,
                     const Signature& signature);

// Simulation knob (FoundationDB style): remember which (key, message,
// signature) triples verified, process-wide, so that a simulated cluster
// whose validators all verify the same signatures in one process pays once.
// Results are identical with or without it; production never enables it.
void EnableVerificationMemo(bool enabled);

Hash32 Blake2b256(std::string_view data);

// Incremental BLAKE2b-256.
class Blake2bHasher {
 public:
  Blake2bHasher();
  void Update(std::string_view data);
  Hash32 Finish();

 private:
  crypto_generichash_state state_;
};

}  // namespace remit
