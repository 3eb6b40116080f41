#include "client/bot/key_vault.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status WriteAll(int fd, const uint8_t* data, size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return Errno("cannot write", path);
    data += written;
    size -= static_cast<size_t>(written);
  }
  return absl::OkStatus();
}

absl::Status CreateMasterKey(const std::string& path) {
  std::array<uint8_t, crypto_secretbox_KEYBYTES> key{};
  crypto_secretbox_keygen(key.data());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create master key", path);
  absl::Status status = WriteAll(fd, key.data(), key.size(), path);
  if (status.ok() && ::fsync(fd) != 0) status = Errno("cannot fsync", path);
  ::close(fd);
  sodium_memzero(key.data(), key.size());
  return status;
}

}  // namespace

absl::StatusOr<KeyVault> KeyVault::OpenOrCreate(const std::string& path) {
  InitCrypto();
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return Errno("cannot stat master key", path);
    RETURN_IF_ERROR(CreateMasterKey(path));
    if (::stat(path.c_str(), &info) != 0) return Errno("cannot stat master key", path);
  }
  if ((info.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(
        StrCat("master key ", path, " is readable by group or others; run: chmod 600 ", path));
  }
  if (info.st_size != static_cast<off_t>(crypto_secretbox_KEYBYTES)) {
    return absl::InvalidArgumentError(StrCat("master key ", path, " has ", info.st_size,
                                             " bytes, expected ", crypto_secretbox_KEYBYTES));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open master key", path);
  KeyVault vault;
  const ssize_t got = ::read(fd, vault.master_.data(), vault.master_.size());
  ::close(fd);
  if (got != static_cast<ssize_t>(vault.master_.size())) return Errno("cannot read", path);
  return vault;
}

KeyVault::~KeyVault() { sodium_memzero(master_.data(), master_.size()); }

std::string KeyVault::Seal(const SigningKey& key) const {
  std::string sealed(kSealedKeyBytes, '\0');
  auto* out = reinterpret_cast<uint8_t*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  const int rc = crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, key.seed().data(),
                                       key.seed().size(), out, master_.data());
  REMIT_CHECK(rc == 0);
  return sealed;
}

absl::StatusOr<SigningKey> KeyVault::Open(std::string_view sealed, const AccountId& account) const {
  if (sealed.size() != kSealedKeyBytes) {
    return absl::DataLossError(StrCat("sealed key has ", sealed.size(), " bytes"));
  }
  const auto* in = reinterpret_cast<const uint8_t*>(sealed.data());
  Seed seed{};
  if (crypto_secretbox_open_easy(seed.data(), in + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, in,
                                 master_.data()) != 0) {
    return absl::DataLossError("sealed key does not open under this master key");
  }
  SigningKey key = SigningKey::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (key.public_key() != account) {
    return absl::DataLossError("sealed key belongs to another account");
  }
  return key;
}

std::string KeyVault::SealSecret(std::string_view secret) const {
  REMIT_CHECK(!secret.empty() && secret.size() <= kSecretBytesMax);
  std::string sealed(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* out = reinterpret_cast<uint8_t*>(sealed.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  const int rc = crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                                       reinterpret_cast<const uint8_t*>(secret.data()),
                                       secret.size(), out, master_.data());
  REMIT_CHECK(rc == 0);
  return sealed;
}

absl::StatusOr<std::string> KeyVault::OpenSecret(std::string_view sealed) const {
  constexpr size_t kOverhead = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  if (sealed.size() <= kOverhead || sealed.size() > kOverhead + kSecretBytesMax) {
    return absl::DataLossError(StrCat("sealed secret has ", sealed.size(), " bytes"));
  }
  const auto* in = reinterpret_cast<const uint8_t*>(sealed.data());
  std::string secret(sealed.size() - kOverhead, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<uint8_t*>(secret.data()), in + crypto_secretbox_NONCEBYTES,
          sealed.size() - crypto_secretbox_NONCEBYTES, in, master_.data()) != 0) {
    return absl::DataLossError("sealed secret does not open under this master key");
  }
  return secret;
}

}  // namespace remit::bot
