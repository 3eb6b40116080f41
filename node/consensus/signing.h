// Canonical signed bytes of consensus messages, and verification of quorum
// and timeout certificates. All integers big-endian. Every domain is bound
// to the chain's genesis hash (docs/ENCODING.md section 5), not only its chain
// id, so two chains that share a chain id never accept each other's messages:
//
//   domain   = u8 len(chain_id) || chain_id || genesis_hash[32]
//   vote     = "remit-vote-v2" || domain || block_hash[32] || u64 round ||
//              u64 height || parent_hash[32] || u64 parent_round || state_hash[32]
//   timeout  = "remit-timeout-v2" || domain || u64 round || u64 high_qc_round
//   proposal = "remit-proposal-v2" || domain || block_hash[32]
//
// (docs/ENCODING.md section 9 has vectors.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "node/consensus/validator_set.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// What every consensus signature is bound to. GenesisHash serialises the
// genesis as JSON: build this once per chain, never per message.
struct SigningDomain {
  std::string chain_id;
  Hash32 genesis_hash{};

  static SigningDomain Of(const Genesis& genesis) {
    return {genesis.chain_id, GenesisHash(genesis)};
  }
};

// Appends the domain's bytes (`domain` above) to `out`.
void PutDomain(std::string& out, const SigningDomain& domain);

// INVALID_ARGUMENT unless every hash field is 32 bytes.
absl::Status CheckVoteDataShape(const v1::VoteData& vote_data);

// Preconditions: CheckVoteDataShape passed.
std::string VoteSigningBytes(const SigningDomain& domain, const v1::VoteData& vote_data);
std::string TimeoutSigningBytes(const SigningDomain& domain, uint64_t round,
                                uint64_t high_qc_round);
std::string ProposalSigningBytes(const SigningDomain& domain, const Hash32& block_hash);

// True if `signature` is `signer`'s valid signature of `message`. Each call
// counts in SignatureChecksOnThisThread.
bool VerifyBy(const ValidatorSet& validators, uint32_t signer, std::string_view message,
              std::string_view signature);

// The signers of `qc` as a bitmap: bit i (byte i / 8, least significant bit
// first) for validator i, no trailing zero bytes; empty for no signers.
// What a block header's parent_signers holds.
std::string SignerBitmap(const v1::QuorumCert& qc);
// The validators below `validators` whose bit is set in `bitmap`.
std::vector<uint32_t> SignersOf(std::string_view bitmap, uint32_t validators);

// VerifyBy calls made on this thread so far (for tests: what a message cost).
uint64_t SignatureChecksOnThisThread();

// A QC is valid if it is exactly `genesis_qc`, or it carries signatures of a
// quorum of distinct validators (strictly increasing indexes) over its vote
// data. INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status VerifyQc(const v1::QuorumCert& qc, const ValidatorSet& validators,
                      const SigningDomain& domain, const v1::QuorumCert& genesis_qc);

// A TC is valid if a quorum of distinct validators signed a timeout for its
// round, and it carries the highest QC its signers named (as Diem's
// TwoChainTimeoutCertificate): `high_qc` is a valid QC whose round is the
// largest high_qc_round of the signatures. Sets *high_qc_round_max to it.
absl::Status VerifyTc(const v1::TimeoutCert& tc, const ValidatorSet& validators,
                      const SigningDomain& domain, const v1::QuorumCert& genesis_qc,
                      uint64_t* high_qc_round_max);

}  // namespace remit
