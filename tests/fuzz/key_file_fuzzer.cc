// Fuzzes key files (ledger/key_file.h ReadKeyFile): the CLI reads whatever
// file a user points --key at. Proves for every input:
//   - ReadKeyFile never crashes or throws, whatever the bytes (JSON or not,
//     odd types, bad hex, huge or empty); refusals are INVALID_ARGUMENT;
//   - an accepted file yields a key that WriteKeyFile stores and ReadKeyFile
//     reads back unchanged (same seed, same address).
// Each input is written to a private temporary directory with mode 0600.
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ledger/check.h"
#include "ledger/key_file.h"

namespace {

// Created on first use, removed (empty) at exit.
const std::string& TempDir() {
  static const std::string* const dir = [] {
    const char* base = std::getenv("TMPDIR");
    auto* pattern =
        new std::string(std::string(base != nullptr ? base : "/tmp") + "/remit-keyfuzz-XXXXXX");
    REMIT_CHECK(::mkdtemp(pattern->data()) != nullptr);
    std::atexit([] { ::rmdir(TempDir().c_str()); });
    return pattern;
  }();
  return *dir;
}

void WriteFile(const std::string& path, const uint8_t* data, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REMIT_CHECK(fd >= 0);
  REMIT_CHECK(size == 0 || ::write(fd, data, size) == static_cast<ssize_t>(size));
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = TempDir() + "/input.json";
  const std::string copy = TempDir() + "/copy.json";
  WriteFile(input, data, size);
  const absl::StatusOr<remit::SigningKey> key = remit::ReadKeyFile(input);
  ::unlink(input.c_str());
  if (!key.ok()) {
    REMIT_CHECK(key.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  REMIT_CHECK(remit::WriteKeyFile(copy, *key).ok());
  const absl::StatusOr<remit::SigningKey> again = remit::ReadKeyFile(copy);
  ::unlink(copy.c_str());
  REMIT_CHECK(again.ok());
  REMIT_CHECK(again->seed() == key->seed());
  REMIT_CHECK(again->public_key() == key->public_key());
  return 0;
}
