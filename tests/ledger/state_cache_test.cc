// StateCache: the in-memory committed state equals a plain map model after
// any sequence of applied blocks, and keeps no entry for what reads as zero.
#include "ledger/state_cache.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace remit {
namespace {

AccountId Account(uint8_t i) {
  AccountId account{};
  account[0] = i;
  return account;
}

// Random blocks of balance and sequence writes (zeros included) leave the
// cache reading exactly what a std::map model holds, for every key.
TEST(StateCacheTest, MatchesModelAcrossRandomBlocks) {
  std::mt19937_64 rng(7);
  const char* const assets[] = {"USD", "EUR", "PHP"};
  StateCache cache;
  std::map<BalanceKey, int64_t> balances;
  std::map<AccountId, uint64_t> sequences;
  for (int block = 0; block < 500; ++block) {
    BlockEffects effects;
    for (int write = 0; write < 8; ++write) {
      const BalanceKey key{Account(static_cast<uint8_t>(rng() % 16)), assets[rng() % 3]};
      const int64_t balance = rng() % 3 == 0 ? 0 : static_cast<int64_t>(rng() % 2000) - 1000;
      effects.balances[key] = balance;
      balances[key] = balance;
    }
    const AccountId sender = Account(static_cast<uint8_t>(rng() % 16));
    effects.next_sequences[sender] = ++sequences[sender];
    cache.Apply(effects);
  }
  for (uint8_t i = 0; i < 16; ++i) {
    const auto sequence = sequences.find(Account(i));
    EXPECT_EQ(cache.NextSequence(Account(i)), sequence == sequences.end() ? 0 : sequence->second);
    for (const char* asset : assets) {
      const auto balance = balances.find({Account(i), asset});
      EXPECT_EQ(cache.Balance({Account(i), asset}),
                balance == balances.end() ? 0 : balance->second);
    }
  }
}

// An account whose last balance returns to zero and that never sent is
// dropped entirely; one that has sent keeps its sequence.
TEST(StateCacheTest, ZeroedAccountsAreDropped) {
  StateCache cache;
  cache.LoadBalance({Account(1), "USD"}, 5);
  cache.LoadBalance({Account(2), "USD"}, 5);
  cache.LoadSequence(Account(2), 3);
  EXPECT_EQ(cache.accounts(), 2u);
  BlockEffects effects;
  effects.balances[{Account(1), "USD"}] = 0;
  effects.balances[{Account(2), "USD"}] = 0;
  cache.Apply(effects);
  EXPECT_EQ(cache.accounts(), 1u);
  EXPECT_EQ(cache.Balance({Account(2), "USD"}), 0);
  EXPECT_EQ(cache.NextSequence(Account(2)), 3u);
}

}  // namespace
}  // namespace remit
