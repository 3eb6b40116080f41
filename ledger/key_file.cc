#include "ledger/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

constexpr std::string_view kKeyType = "remit-ed25519-seed";
constexpr size_t kKeyFileBytesMax = 4096;

}  // namespace

absl::Status WriteKeyFile(const std::string& path, const SigningKey& key) {
  const nlohmann::json json = {{"type", kKeyType},
                               {"address", EncodeAddress(key.public_key())},
                               {"seed", ToHex(key.seed())}};
  const std::string text = json.dump(2) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          StrCat("key file ", path, " already exists; refusing to overwrite a key"));
    }
    return absl::UnavailableError(
        StrCat("cannot create key file ", path, ": ", std::strerror(errno)));
  }
  const ssize_t written = ::write(fd, text.data(), text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()) || !synced) {
    ::unlink(path.c_str());
    return absl::UnavailableError(StrCat("cannot write key file ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<SigningKey> ReadKeyFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(StrCat("key file ", path,
                                      " not found; create one with "
                                      "'remit keygen --out ",
                                      path, "'"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(
        StrCat("key file ", path, " is readable by other users; run 'chmod 600 ", path, "'"));
  }
  if (info.st_size > static_cast<off_t>(kKeyFileBytesMax)) {
    return absl::InvalidArgumentError(StrCat("key file ", path, " is too large"));
  }
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const nlohmann::json json = nlohmann::json::parse(buffer.str(), nullptr, false);
  // json.value("type", "") would throw on a non-string "type", so test the type first.
  if (json.is_discarded() || !json.is_object() || !json.contains("type") ||
      !json["type"].is_string() || json["type"].get<std::string>() != kKeyType ||
      !json.contains("seed") || !json["seed"].is_string()) {
    return absl::InvalidArgumentError(StrCat("key file ", path, " is not a Remit key file"));
  }
  ASSIGN_OR_RETURN(const std::string seed_bytes, FromHex(json["seed"].get<std::string>()));
  ASSIGN_OR_RETURN(const Seed seed, ToArray<kSeedBytes>(seed_bytes, "key seed"));
  SigningKey key = SigningKey::FromSeed(seed);
  if (json.contains("address") && json["address"] != EncodeAddress(key.public_key())) {
    return absl::InvalidArgumentError(
        StrCat("key file ", path, ": address does not match the seed"));
  }
  return key;
}

}  // namespace remit
