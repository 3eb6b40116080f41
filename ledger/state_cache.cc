#include "ledger/state_cache.h"

#include <algorithm>
#include <mutex>

#include "ledger/check.h"

namespace remit {

int64_t StateCache::Balance(const BalanceKey& key) const {
  std::shared_lock lock(mutex_);
  const auto account = accounts_.find(key.account);
  if (account == accounts_.end()) return 0;
  for (const auto& [asset, balance] : account->second.balances) {
    if (asset == key.asset) return balance;
  }
  return 0;
}

uint64_t StateCache::NextSequence(const AccountId& account) const {
  std::shared_lock lock(mutex_);
  const auto it = accounts_.find(account);
  return it == accounts_.end() ? 0 : it->second.next_sequence;
}

void StateCache::LoadBalance(const BalanceKey& key, int64_t balance) {
  REMIT_CHECK(balance != 0);  // the store deletes zero balances
  std::unique_lock lock(mutex_);
  SetBalanceLocked(key, balance);
}

void StateCache::LoadSequence(const AccountId& account, uint64_t next_sequence) {
  REMIT_CHECK(next_sequence > 0);
  std::unique_lock lock(mutex_);
  accounts_[account].next_sequence = next_sequence;
}

void StateCache::Apply(const BlockEffects& effects) {
  std::unique_lock lock(mutex_);
  for (const auto& [key, balance] : effects.balances) SetBalanceLocked(key, balance);
  for (const auto& [account, next_sequence] : effects.next_sequences) {
    Account& entry = accounts_[account];
    REMIT_CHECK(next_sequence > entry.next_sequence);  // sequences only grow
    entry.next_sequence = next_sequence;
  }
}

size_t StateCache::accounts() const {
  std::shared_lock lock(mutex_);
  return accounts_.size();
}

void StateCache::SetBalanceLocked(const BalanceKey& key, int64_t balance) {
  auto it = accounts_.find(key.account);
  if (it == accounts_.end()) {
    if (balance == 0) return;
    it = accounts_.emplace(key.account, Account{}).first;
  }
  auto& balances = it->second.balances;
  const auto entry = std::find_if(balances.begin(), balances.end(),
                                  [&](const auto& pair) { return pair.first == key.asset; });
  if (balance != 0) {
    if (entry == balances.end()) {
      balances.emplace_back(key.asset, balance);
    } else {
      entry->second = balance;
    }
    return;
  }
  if (entry != balances.end()) balances.erase(entry);
  if (balances.empty() && it->second.next_sequence == 0) accounts_.erase(it);
}

}  // namespace remit
