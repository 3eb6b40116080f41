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

// Remember which (key, message, signature) triples verified, process-wide
// (the newest 2^18 or so, in bounded memory), so that a signature that
// arrives several ways is verified once: remitd enables it because a
// transfer reaches a validator from a client, in gossip, in a proposal and
// in fetched blocks; the simulator, because all its validators share one
// process. Results are identical with or without it: only a triple that
// verified is remembered, keyed by a BLAKE2b-256 of all three.
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
