#include "ledger/key_file.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ledger/address.h"

namespace remit {
namespace {

using ::testing::HasSubstr;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "remit-key-file-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }

  // Writes `text` to a new file and sets exactly `mode`, whatever the umask.
  std::string WriteFile(const std::string& name, const std::string& text, mode_t mode) const {
    const std::string path = PathOf(name);
    std::ofstream(path) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  static mode_t ModeOf(const std::string& path) {
    struct stat info;
    EXPECT_EQ(::stat(path.c_str(), &info), 0);
    return info.st_mode & 0777;
  }

  std::string dir_;
};

// A written key file has mode 0600 and reads back as the same key.
TEST_F(KeyFileTest, WritesMode0600AndReadsBack) {
  const SigningKey key = SigningKey::Generate();
  const std::string path = PathOf("alice.key");
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  const std::string text = ReadAll(path);
  EXPECT_THAT(text, HasSubstr("\"remit-ed25519-seed\""));
  EXPECT_THAT(text, HasSubstr(EncodeAddress(key.public_key())));
  const absl::StatusOr<SigningKey> read = ReadKeyFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->public_key(), key.public_key());
  EXPECT_EQ(read->seed(), key.seed());
}

// WriteKeyFile refuses to overwrite an existing file and leaves it intact.
TEST_F(KeyFileTest, RefusesToOverwrite) {
  const SigningKey first = SigningKey::Generate();
  const std::string path = PathOf("alice.key");
  ASSERT_TRUE(WriteKeyFile(path, first).ok());
  const std::string before = ReadAll(path);
  const absl::Status second = WriteKeyFile(path, SigningKey::Generate());
  EXPECT_EQ(second.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(second.message()), HasSubstr(path));
  EXPECT_EQ(ReadAll(path), before);
  // Also when the existing file is not a key file at all.
  const std::string other = WriteFile("notes.txt", "keep me", 0644);
  EXPECT_EQ(WriteKeyFile(other, first).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(other), "keep me");
}

// WriteKeyFile into a directory that does not exist fails without creating anything.
TEST_F(KeyFileTest, WriteIntoMissingDirectoryFails) {
  const absl::Status status = WriteKeyFile(PathOf("no/such/dir/k.key"), SigningKey::Generate());
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(std::filesystem::exists(PathOf("no")));
}

// A key file readable or writable by group or others is refused with
// PERMISSION_DENIED and a hint to chmod 600.
TEST_F(KeyFileTest, RefusesFileOpenToOthers) {
  const SigningKey key = SigningKey::Generate();
  const std::string path = PathOf("alice.key");
  ASSERT_TRUE(WriteKeyFile(path, key).ok());
  for (mode_t mode : {0644, 0640, 0604, 0660, 0602, 0620}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const absl::StatusOr<SigningKey> read = ReadKeyFile(path);
    ASSERT_FALSE(read.ok()) << std::oct << mode;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kPermissionDenied) << std::oct << mode;
    EXPECT_THAT(std::string(read.status().message()), HasSubstr("chmod 600"));
  }
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);
  EXPECT_TRUE(ReadKeyFile(path).ok());
}

// A missing key file is NOT_FOUND, with a hint to create one.
TEST_F(KeyFileTest, MissingFileIsNotFound) {
  const absl::StatusOr<SigningKey> read = ReadKeyFile(PathOf("missing.key"));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("remit keygen"));
}

// Files that are not Remit key files are refused with INVALID_ARGUMENT,
// never an exception or a crash.
TEST_F(KeyFileTest, RefusesGarbage) {
  const std::string seed = std::string(64, 'a');
  const std::string cases[] = {
      "",
      "not json at all",
      std::string("\0\1\2", 3),
      "[]",
      "{}",
      "42",
      "{\"type\": \"remit-ed25519-seed\"}",
      "{\"type\": \"other-type\", \"seed\": \"" + seed + "\"}",
      "{\"type\": 7, \"seed\": \"" + seed + "\"}",
      "{\"type\": null, \"seed\": \"" + seed + "\"}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": 12}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": \"zz" + std::string(62, 'a') + "\"}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": \"" + std::string(62, 'a') + "\"}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": \"" + std::string(66, 'a') + "\"}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": \"" + std::string(63, 'a') + "\"}",
      "{\"type\": \"remit-ed25519-seed\", \"seed\": \"" + seed + "\", \"address\": 5}",
      std::string(5000, ' '),
  };
  int index = 0;
  for (const std::string& text : cases) {
    SCOPED_TRACE(text.substr(0, 80));
    const std::string path = WriteFile("garbage" + std::to_string(index++), text, 0600);
    const absl::StatusOr<SigningKey> read = ReadKeyFile(path);
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument) << read.status();
  }
}

// A key file whose address is not the seed's address is refused.
TEST_F(KeyFileTest, RefusesMismatchedAddress) {
  const SigningKey key = SigningKey::Generate();
  const SigningKey other = SigningKey::Generate();
  const std::string text = "{\"type\": \"remit-ed25519-seed\", \"address\": \"" +
                           EncodeAddress(other.public_key()) + "\", \"seed\": \"" +
                           ToHex(key.seed()) + "\"}";
  const absl::StatusOr<SigningKey> read = ReadKeyFile(WriteFile("mixed.key", text, 0600));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("does not match"));
}

}  // namespace
}  // namespace remit
