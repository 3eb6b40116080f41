// KeyVault: the bot's users' signing keys, encrypted at rest with libsodium
// secretbox (XSalsa20-Poly1305) under one master key.
//
// The master key file holds crypto_secretbox_KEYBYTES random bytes. It is
// created on first start with mode 0600 (O_EXCL, fsync'ed); an existing file
// readable or writable by group or others is refused.
//
//   sealed = nonce[24] || secretbox(seed[32])   ; a fresh random nonce per seal
//
// Other secrets (a claim code, docs/BOT.md) are sealed the same way, with
// their own length (1..kSecretBytesMax).
//
// Opening checks the MAC and that the seed's public key is the expected
// account, so a sealed key moved to another user's record is refused. No
// secret is ever put in a Status message or a log.
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"

namespace remit::bot {

inline constexpr size_t kSealedKeyBytes =
    crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kSeedBytes;
inline constexpr size_t kSecretBytesMax = 256;

class KeyVault {
 public:
  // Reads the master key at `path`, creating it (0600) if it does not exist.
  // PERMISSION_DENIED if its mode lets group or others in; INVALID_ARGUMENT if
  // its size is wrong; INTERNAL for I/O errors.
  static absl::StatusOr<KeyVault> OpenOrCreate(const std::string& path);

  KeyVault(const KeyVault& other) = default;
  ~KeyVault();

  std::string Seal(const SigningKey& key) const;
  // DATA_LOSS if the MAC fails, the size is wrong, or the key is not `account`'s.
  absl::StatusOr<SigningKey> Open(std::string_view sealed, const AccountId& account) const;
  // Precondition (checked): 1..kSecretBytesMax bytes.
  std::string SealSecret(std::string_view secret) const;
  // DATA_LOSS if the MAC fails or the size is wrong.
  absl::StatusOr<std::string> OpenSecret(std::string_view sealed) const;

 private:
  KeyVault() = default;
  std::array<uint8_t, crypto_secretbox_KEYBYTES> master_{};
};

}  // namespace remit::bot
