#include "node/consensus/signing.h"

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/strings.h"

namespace remit {
namespace {
constexpr std::string_view kVoteDomain = "remit-vote-v2";
constexpr std::string_view kTimeoutDomain = "remit-timeout-v2";
constexpr std::string_view kProposalDomain = "remit-proposal-v2";

thread_local uint64_t signature_checks = 0;
}  // namespace

void PutDomain(std::string& out, const SigningDomain& domain) {
  PutShortBytes(out, domain.chain_id);
  out.append(AsBytes(domain.genesis_hash));
}

uint64_t SignatureChecksOnThisThread() { return signature_checks; }

std::string SignerBitmap(const v1::QuorumCert& qc) {
  std::string bitmap;
  for (uint32_t signer : qc.signers()) {
    REMIT_CHECK(signer < 8 * kParentSignersBytesMax);
    if (bitmap.size() <= signer / 8) bitmap.resize(signer / 8 + 1, '\0');
    bitmap[signer / 8] = static_cast<char>(bitmap[signer / 8] | (1 << (signer % 8)));
  }
  return bitmap;
}

std::vector<uint32_t> SignersOf(std::string_view bitmap, uint32_t validators) {
  std::vector<uint32_t> signers;
  for (uint32_t i = 0; i < validators && i / 8 < bitmap.size(); ++i) {
    if ((static_cast<uint8_t>(bitmap[i / 8]) >> (i % 8)) & 1) signers.push_back(i);
  }
  return signers;
}

absl::Status CheckVoteDataShape(const v1::VoteData& vote_data) {
  if (vote_data.block_hash().size() != kHashBytes || vote_data.parent_hash().size() != kHashBytes ||
      vote_data.state_hash().size() != kHashBytes) {
    return absl::InvalidArgumentError("vote data has a hash of the wrong size");
  }
  return absl::OkStatus();
}

std::string VoteSigningBytes(const SigningDomain& domain, const v1::VoteData& vote_data) {
  REMIT_CHECK(CheckVoteDataShape(vote_data).ok());
  std::string out(kVoteDomain);
  PutDomain(out, domain);
  out.append(vote_data.block_hash());
  PutU64(out, vote_data.round());
  PutU64(out, vote_data.height());
  out.append(vote_data.parent_hash());
  PutU64(out, vote_data.parent_round());
  out.append(vote_data.state_hash());
  return out;
}

std::string TimeoutSigningBytes(const SigningDomain& domain, uint64_t round,
                                uint64_t high_qc_round) {
  std::string out(kTimeoutDomain);
  PutDomain(out, domain);
  PutU64(out, round);
  PutU64(out, high_qc_round);
  return out;
}

std::string ProposalSigningBytes(const SigningDomain& domain, const Hash32& block_hash) {
  std::string out(kProposalDomain);
  PutDomain(out, domain);
  out.append(AsBytes(block_hash));
  return out;
}

bool VerifyBy(const ValidatorSet& validators, uint32_t signer, std::string_view message,
              std::string_view signature) {
  ++signature_checks;
  if (signer >= validators.size() || signature.size() != kSignatureBytes) return false;
  Signature bytes;
  std::copy(signature.begin(), signature.end(), bytes.begin());
  return VerifySignature(validators.key(signer), message, bytes);
}

absl::Status VerifyQc(const v1::QuorumCert& qc, const ValidatorSet& validators,
                      const SigningDomain& domain, const v1::QuorumCert& genesis_qc) {
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
  const std::string message = VoteSigningBytes(domain, qc.vote_data());
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
                      const SigningDomain& domain, const v1::QuorumCert& genesis_qc,
                      uint64_t* high_qc_round_max) {
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
    const std::string message = TimeoutSigningBytes(domain, tc.round(), entry.high_qc_round());
    if (!VerifyBy(validators, entry.signer(), message, entry.signature())) {
      return absl::InvalidArgumentError(
          StrCat("TC signature of validator ", entry.signer(), " does not verify"));
    }
    high_max = std::max(high_max, entry.high_qc_round());
  }
  if (tc.high_qc().vote_data().round() != high_max) {
    return absl::InvalidArgumentError(
        StrCat("TC carries a QC of round ", tc.high_qc().vote_data().round(),
               ", not the highest its signers named (", high_max, ")"));
  }
  if (absl::Status qc = VerifyQc(tc.high_qc(), validators, domain, genesis_qc); !qc.ok()) {
    return absl::InvalidArgumentError(StrCat("TC's highest QC: ", qc.message()));
  }
  *high_qc_round_max = high_max;
  return absl::OkStatus();
}

}  // namespace remit
