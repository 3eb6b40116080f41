// Canonical signed bytes of consensus messages, and verification of quorum
// and timeout certificates. All integers big-endian.
//
//   vote     = "remit-vote-v1" || u8 len(chain_id) || chain_id || block_hash[32] ||
//              u64 round || u64 height || parent_hash[32] || u64 parent_round ||
//              state_hash[32]
//   timeout  = "remit-timeout-v1" || u8 len(chain_id) || chain_id || u64 round ||
//              u64 high_qc_round
//   proposal = "remit-proposal-v1" || u8 len(chain_id) || chain_id || block_hash[32]
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "ledger/types.h"
#include "node/consensus/validator_set.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// INVALID_ARGUMENT unless every hash field is 32 bytes.
absl::Status CheckVoteDataShape(const v1::VoteData& vote_data);

// Preconditions: CheckVoteDataShape passed.
std::string VoteSigningBytes(std::string_view chain_id, const v1::VoteData& vote_data);
std::string TimeoutSigningBytes(std::string_view chain_id, uint64_t round, uint64_t high_qc_round);
std::string ProposalSigningBytes(std::string_view chain_id, const Hash32& block_hash);

// True if `signature` is `signer`'s valid signature of `message`.
bool VerifyBy(const ValidatorSet& validators, uint32_t signer, std::string_view message,
              std::string_view signature);

// A QC is valid if it is exactly `genesis_qc`, or it carries signatures of a
// quorum of distinct validators (strictly increasing indexes) over its vote
// data. INVALID_ARGUMENT saying what is wrong otherwise.
absl::Status VerifyQc(const v1::QuorumCert& qc, const ValidatorSet& validators,
                      std::string_view chain_id, const v1::QuorumCert& genesis_qc);

// A TC is valid if a quorum of distinct validators signed a timeout for its
// round. Sets *high_qc_round_max to the largest high_qc_round it carries.
absl::Status VerifyTc(const v1::TimeoutCert& tc, const ValidatorSet& validators,
                      std::string_view chain_id, uint64_t* high_qc_round_max);

}  // namespace remit
