#include "node/consensus/validator_set.h"

#include "ledger/check.h"

namespace remit {

ValidatorSet::ValidatorSet(const Genesis& genesis) {
  for (const ValidatorInfo& validator : genesis.validators) keys_.push_back(validator.public_key);
  REMIT_CHECK(!keys_.empty());
  REMIT_CHECK(2 * quorum() >= size() + faults_max() + 1);
  REMIT_CHECK(quorum() <= size());
}

std::optional<uint32_t> ValidatorSet::IndexOf(const AccountId& key) const {
  for (uint32_t i = 0; i < size(); ++i) {
    if (keys_[i] == key) return i;
  }
  return std::nullopt;
}

}  // namespace remit
