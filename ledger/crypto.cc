#include "ledger/crypto.h"

#include <absl/container/flat_hash_set.h>

#include <atomic>
#include <mutex>

#include "ledger/check.h"

namespace remit {

static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeyBytes);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_SEEDBYTES == kSeedBytes);

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] { REMIT_CHECK(sodium_init() >= 0); });
}

SigningKey SigningKey::Generate() {
  InitCrypto();
  Seed seed;
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey SigningKey::FromSeed(const Seed& seed) {
  InitCrypto();
  SigningKey key;
  key.seed_ = seed;
  REMIT_CHECK(
      crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data()) == 0);
  return key;
}

SigningKey::SigningKey(const SigningKey& other) = default;
SigningKey& SigningKey::operator=(const SigningKey& other) = default;

SigningKey::~SigningKey() {
  sodium_memzero(seed_.data(), seed_.size());
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

Signature SigningKey::Sign(std::string_view message) const {
  Signature signature;
  REMIT_CHECK(crypto_sign_detached(signature.data(), nullptr,
                                   reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size(), secret_key_.data()) == 0);
  return signature;
}

namespace {

// Signatures remembered as verified: two generations per shard, so the
// newest entries survive when a generation fills and memory stays bounded.
constexpr size_t kVerificationMemoShards = 16;
constexpr size_t kVerificationMemoEntriesMax = 1 << 18;
constexpr size_t kGenerationEntriesMax = kVerificationMemoEntriesMax / kVerificationMemoShards / 2;

struct MemoShard {
  std::mutex mu;
  absl::flat_hash_set<Hash32> current;   // guarded by mu
  absl::flat_hash_set<Hash32> previous;  // guarded by mu

  bool Contains(const Hash32& key) {
    std::lock_guard lock(mu);
    return current.contains(key) || previous.contains(key);
  }
  void Insert(const Hash32& key) {
    std::lock_guard lock(mu);
    if (current.size() >= kGenerationEntriesMax) {
      previous = std::move(current);
      current = {};
    }
    current.insert(key);
  }
};

std::atomic<bool> memo_enabled{false};
MemoShard& ShardOf(const Hash32& key) {
  static MemoShard shards[kVerificationMemoShards];
  return shards[key[0] % kVerificationMemoShards];
}

Hash32 MemoKey(const AccountId& public_key, std::string_view message, const Signature& signature) {
  Blake2bHasher hasher;
  hasher.Update(AsBytes(public_key));
  hasher.Update(AsBytes(signature));
  hasher.Update(message);
  return hasher.Finish();
}

bool VerifyUncached(const AccountId& public_key, std::string_view message,
                    const Signature& signature) {
  InitCrypto();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

}  // namespace

void EnableVerificationMemo(bool enabled) { memo_enabled.store(enabled); }

bool VerifySignature(const AccountId& public_key, std::string_view message,
                     const Signature& signature) {
  if (!memo_enabled.load(std::memory_order_relaxed)) {
    return VerifyUncached(public_key, message, signature);
  }
  const Hash32 key = MemoKey(public_key, message, signature);
  MemoShard& shard = ShardOf(key);
  if (shard.Contains(key)) return true;
  if (!VerifyUncached(public_key, message, signature)) return false;
  shard.Insert(key);
  return true;
}

Hash32 Blake2b256(std::string_view data) {
  Blake2bHasher hasher;
  hasher.Update(data);
  return hasher.Finish();
}

Blake2bHasher::Blake2bHasher() {
  InitCrypto();
  REMIT_CHECK(crypto_generichash_init(&state_, nullptr, 0, kHashBytes) == 0);
}

void Blake2bHasher::Update(std::string_view data) {
  REMIT_CHECK(crypto_generichash_update(
                  &state_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 0);
}

Hash32 Blake2bHasher::Finish() {
  Hash32 out;
  REMIT_CHECK(crypto_generichash_final(&state_, out.data(), out.size()) == 0);
  return out;
}

}  // namespace remit
