// The invariants the simulator checks on every block an honest validator
// commits, beside agreement (one block and one state hash per height, which
// the simulation checks across validators):
//   - every asset, the basket's included, sums to zero with what offers,
//     open claims and the basket reserve hold;
//   - the basket reserve is exactly outstanding x weight of each component;
//   - every claim ends (is claimed or reclaimed) at most once, and a claim
//     that ended is no longer open;
//   - every transfer and operation in the block passes CheckTransfer: its
//     signature verifies for its signer, for this chain (a Byzantine leader
//     cannot smuggle in one with a swapped or zeroed signature).
// Each violation is described in one line naming the validator and height.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/genesis.h"
#include "ledger/state.h"
#include "ledger/types.h"
#include "tests/sim/mem_ledger.h"

namespace remit::sim {

class CommitChecks {
 public:
  // `asset_codes`: every asset of the chain, the basket's included.
  CommitChecks(const Genesis& genesis, std::vector<std::string> asset_codes);

  // After `validator` committed `effects` (the block at effects.height) to
  // `ledger`: appends what is broken to `violations`.
  void OnCommit(uint32_t validator, const MemLedger& ledger, const BlockEffects& effects,
                std::vector<std::string>& violations);

 private:
  void CheckSums(uint32_t validator, const MemLedger& ledger, uint64_t height,
                 std::vector<std::string>& violations) const;
  void CheckClaims(uint32_t validator, const MemLedger& ledger, const BlockEffects& effects,
                   std::vector<std::string>& violations);
  void CheckSignatures(uint32_t validator, const v1::Block& block,
                       std::vector<std::string>& violations) const;

  const Genesis& genesis_;
  const Hash32 genesis_hash_;
  const std::vector<std::string> asset_codes_;
  // (validator, claim id) -> SETTLED claims and reclaims of it committed there.
  std::map<std::pair<uint32_t, ClaimId>, uint32_t> claim_ends_;
};

}  // namespace remit::sim
