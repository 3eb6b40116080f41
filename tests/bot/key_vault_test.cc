// The master key file's permissions and the sealed keys' properties.
#include "client/bot/key_vault.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

namespace remit::bot {
namespace {

class KeyVaultTest : public ::testing::Test {
 protected:
  KeyVaultTest() {
    char pattern[] = "/tmp/remit-vault-test-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  ~KeyVaultTest() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

// The master key is created 0600 on first start and read back on the next.
TEST_F(KeyVaultTest, CreatesMasterKey0600AndReopens) {
  const std::string path = dir_ + "/master.key";
  absl::StatusOr<KeyVault> vault = KeyVault::OpenOrCreate(path);
  ASSERT_TRUE(vault.ok()) << vault.status();
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const SigningKey key = SigningKey::Generate();
  const std::string sealed = vault->Seal(key);
  absl::StatusOr<KeyVault> again = KeyVault::OpenOrCreate(path);
  ASSERT_TRUE(again.ok());
  absl::StatusOr<SigningKey> opened = again->Open(sealed, key.public_key());
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->public_key(), key.public_key());
}

// A master key readable by others is refused.
TEST_F(KeyVaultTest, RefusesLooseMasterKeyPermissions) {
  const std::string path = dir_ + "/master.key";
  ASSERT_TRUE(KeyVault::OpenOrCreate(path).ok());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(KeyVault::OpenOrCreate(path).status().code(), absl::StatusCode::kPermissionDenied);
}

// Sealing uses a fresh nonce, hides the seed, and binds the key to its account.
TEST_F(KeyVaultTest, SealedKeysAreRandomizedOpaqueAndBound) {
  absl::StatusOr<KeyVault> vault = KeyVault::OpenOrCreate(dir_ + "/master.key");
  ASSERT_TRUE(vault.ok());
  const SigningKey key = SigningKey::Generate();
  const std::string a = vault->Seal(key);
  const std::string b = vault->Seal(key);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), kSealedKeyBytes);
  EXPECT_EQ(a.find(std::string(reinterpret_cast<const char*>(key.seed().data()), 8)),
            std::string::npos);
  EXPECT_EQ(vault->Open(a, SigningKey::Generate().public_key()).status().code(),
            absl::StatusCode::kDataLoss);
  std::string tampered = a;
  tampered.back() ^= 1;
  EXPECT_EQ(vault->Open(tampered, key.public_key()).status().code(), absl::StatusCode::kDataLoss);
  absl::StatusOr<KeyVault> other = KeyVault::OpenOrCreate(dir_ + "/other.key");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->Open(a, key.public_key()).ok());
}

}  // namespace
}  // namespace remit::bot
