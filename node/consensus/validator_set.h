// The validators of a chain, from genesis: who they are and how many make a
// quorum (who leads a round: leader_election.h).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/types.h"

namespace remit {

class ValidatorSet {
 public:
  explicit ValidatorSet(const Genesis& genesis);

  uint32_t size() const { return static_cast<uint32_t>(keys_.size()); }
  // Byzantine validators tolerated: f = (n - 1) / 3.
  uint32_t faults_max() const { return (size() - 1) / 3; }
  // Smallest q with 2q - n >= f + 1: any two quorums share an honest
  // validator. 2f + 1 when n = 3f + 1.
  uint32_t quorum() const { return (size() + faults_max() + 2) / 2; }
  const AccountId& key(uint32_t index) const { return keys_.at(index); }
  std::optional<uint32_t> IndexOf(const AccountId& key) const;

 private:
  std::vector<AccountId> keys_;
};

}  // namespace remit
