#include "node/consensus/signing.h"

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/strings.h"

namespace remit {
namespace {
constexpr std::string_view kVoteDomain = "remit-vote-v1";
constexpr std::string_view kTimeoutDomain = "remit-timeout-v1";
constexpr std::string_view kProposalDomain = "remit-proposal-v1";
}  // namespace

absl::Status CheckVoteDataShape(const v1::VoteData& vote_data) {
  if (vote_data.block_hash().size() != kHashBytes || vote_data.parent_hash().size() != kHashBytes ||
      vote_data.state_hash().size() != kHashBytes) {
    return absl::InvalidArgumentError("vote data has a hash of the wrong size");
  }
  return absl::OkStatus();
}

std::string VoteSigningBytes(std::string_view chain_id, const v1::VoteData& vote_data) {
  REMIT_CHECK(CheckVoteDataShape(vote_data).ok());
  std::string out(kVoteDomain);
  PutShortBytes(out, chain_id);
  out.append(vote_data.block_hash());
  PutU64(out, vote_data.round());
  PutU64(out, vote_data.height());
  out.append(vote_data.parent_hash());
  PutU64(out, vote_data.parent_round());
  out.append(vote_data.state_hash());
  return out;
}

std::string TimeoutSigningBytes(std::string_view chain_id, uint64_t round, uint64_t high_qc_round) {
  std::string out(kTimeoutDomain);
  PutShortBytes(out, chain_id);
  PutU64(out, round);
  PutU64(out, high_qc_round);
  return out;
}

std::string ProposalSigningBytes(std::string_view chain_id, const Hash32& block_hash) {
  std::string out(kProposalDomain);
  PutShortBytes(out, chain_id);
  out.append(AsBytes(block_hash));
  return out;
}

bool VerifyBy(const ValidatorSet& validators, uint32_t signer, std::string_view message,
              std::string_view signature) {
  if (signer >= validators.size() || signature.size() != kSignatureBytes) return false;
  Signature bytes;
  std::copy(signature.begin(), signature.end(), bytes.begin());
  return VerifySignature(validators.key(signer), message, bytes);
}

absl::Status VerifyQc(const v1::QuorumCert& qc, const ValidatorSet& validators,
                      std::string_view chain_id, const v1::QuorumCert& genesis_qc) {
  RETURN_IF_ERROR(CheckVoteDataShape(qc.vote_data()));
  if (qc.signers_size() == 0) {
    if (qc.SerializeAsString() == genesis_qc.SerializeAsString()) return absl::OkStatus();
    return absl::InvalidArgumentError("QC without signatures is not the genesis QC");
  }
  if (qc.signers_size() != qc.signatures_size()) {
    return absl::InvalidArgumentError("QC has a different number of signers and signatures");
  }
  if (static_cast<uint32_t>(qc.signers_size()) < validators.quorum()) {
    return absl::InvalidArgumentError(
        StrCat("QC has ", qc.signers_size(), " signatures; a quorum is ", validators.quorum()));
  }
  const std::string message = VoteSigningBytes(chain_id, qc.vote_data());
  for (int i = 0; i < qc.signers_size(); ++i) {
    if (i > 0 && qc.signers(i) <= qc.signers(i - 1)) {
      return absl::InvalidArgumentError("QC signers are not strictly increasing");
    }
    if (!VerifyBy(validators, qc.signers(i), message, qc.signatures(i))) {
      return absl::InvalidArgumentError(
          StrCat("QC signature of validator ", qc.signers(i), " does not verify"));
    }
  }
  return absl::OkStatus();
}

absl::Status VerifyTc(const v1::TimeoutCert& tc, const ValidatorSet& validators,
                      std::string_view chain_id, uint64_t* high_qc_round_max) {
  if (static_cast<uint32_t>(tc.signatures_size()) < validators.quorum()) {
    return absl::InvalidArgumentError(
        StrCat("TC has ", tc.signatures_size(), " signatures; a quorum is ", validators.quorum()));
  }
  uint64_t high_max = 0;
  for (int i = 0; i < tc.signatures_size(); ++i) {
    const v1::TimeoutSignature& entry = tc.signatures(i);
    if (i > 0 && entry.signer() <= tc.signatures(i - 1).signer()) {
      return absl::InvalidArgumentError("TC signers are not strictly increasing");
    }
    if (entry.high_qc_round() >= tc.round()) {
      return absl::InvalidArgumentError("TC carries a high QC round not below its round");
    }
    const std::string message = TimeoutSigningBytes(chain_id, tc.round(), entry.high_qc_round());
    if (!VerifyBy(validators, entry.signer(), message, entry.signature())) {
      return absl::InvalidArgumentError(
          StrCat("TC signature of validator ", entry.signer(), " does not verify"));
    }
    high_max = std::max(high_max, entry.high_qc_round());
  }
  *high_qc_round_max = high_max;
  return absl::OkStatus();
}

}  // namespace remit
