#include "tests/sim/checks.h"

#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::sim {

CommitChecks::CommitChecks(const Genesis& genesis, std::vector<std::string> asset_codes)
    : genesis_(genesis), genesis_hash_(GenesisHash(genesis)), asset_codes_(std::move(asset_codes)) {
  REMIT_CHECK(!asset_codes_.empty());
}

void CommitChecks::OnCommit(uint32_t validator, const MemLedger& ledger,
                            const BlockEffects& effects, std::vector<std::string>& violations) {
  CheckSums(validator, ledger, effects.height, violations);
  CheckClaims(validator, ledger, effects, violations);
  const absl::StatusOr<v1::CommittedBlock> committed = ledger.GetBlock(effects.height);
  REMIT_CHECK(committed.ok());
  CheckSignatures(validator, committed->block(), violations);
}

void CommitChecks::CheckSums(uint32_t validator, const MemLedger& ledger, uint64_t height,
                             std::vector<std::string>& violations) const {
  for (const std::string& asset : asset_codes_) {
    if (const int64_t sum = ledger.AssetSum(asset); sum != 0) {
      violations.push_back(
          StrCat("validator ", validator, " at height ", height, ": ", asset, " sums to ", sum));
    }
  }
  if (genesis_.basket && !BasketReserveMatches(*genesis_.basket, ledger.Basket())) {
    violations.push_back(StrCat("validator ", validator, " at height ", height,
                                ": the basket reserve is not outstanding x weights"));
  }
}

void CommitChecks::CheckClaims(uint32_t validator, const MemLedger& ledger,
                               const BlockEffects& effects, std::vector<std::string>& violations) {
  for (const v1::TransferRecord& record : effects.records) {
    const v1::SignedTransfer& entry = record.signed_transfer();
    if (record.receipt().outcome() != v1::SETTLED || !entry.has_operation() ||
        !(entry.operation().has_claim() || entry.operation().has_reclaim())) {
      continue;
    }
    const ClaimId id = *ToArray<kHashBytes>(record.receipt().claim_id(), "claim id");
    const uint32_t ends = ++claim_ends_[{validator, id}];
    const std::optional<v1::ClaimEntry> claim = ledger.FindClaim(id);
    if (ends > 1) {
      violations.push_back(StrCat("validator ", validator, " at height ", effects.height,
                                  ": claim ", ToHex(id), " ended ", ends, " times"));
    } else if (!claim || claim->status() == v1::CLAIM_OPEN) {
      violations.push_back(StrCat("validator ", validator, " at height ", effects.height,
                                  ": claim ", ToHex(id), " ended but is not closed"));
    }
  }
}

void CommitChecks::CheckSignatures(uint32_t validator, const v1::Block& block,
                                   std::vector<std::string>& violations) const {
  for (int i = 0; i < block.transfers_size(); ++i) {
    const v1::SignedTransfer& entry = block.transfers(i);
    if (const absl::StatusOr<TransferId> id =
            CheckTransfer(entry, genesis_.chain_id, genesis_hash_);
        !id.ok()) {
      violations.push_back(StrCat("validator ", validator, " committed, at height ",
                                  block.header().height(), " position ", i,
                                  ", an entry that fails its checks: ", id.status().message()));
    }
  }
}

}  // namespace remit::sim
