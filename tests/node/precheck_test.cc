// PrecheckMessage: gossiped transfers that fail their checks (bad signature,
// wrong chain, oversized) are removed before the validator sees them, valid
// ones are kept in order, and other messages are never changed.
#include "node/consensus/precheck.h"

#include <gtest/gtest.h>

#include "tests/testing/test_chain.h"

namespace remit {
namespace {

TEST(PrecheckTest, RemovesOnlyBadGossip) {
  const testing::TestChain chain = testing::TestChain::Make(3, 4);
  const ValidatorSet validators(chain.genesis);
  const auto& users = chain.users;
  v1::ConsensusMessage message;
  v1::TransferBatch& batch = *message.mutable_transfers();
  *batch.add_transfers() = chain.Transfer(users[0], users[1].public_key(), 5, 0);
  v1::SignedTransfer forged = chain.Transfer(users[1], users[2].public_key(), 5, 0);
  forged.mutable_transfer()->set_amount_minor(500);  // signature no longer matches
  *batch.add_transfers() = forged;
  v1::SignedTransfer other_chain = chain.Transfer(users[2], users[0].public_key(), 5, 0);
  other_chain.mutable_transfer()->set_chain_id("another-chain");
  *batch.add_transfers() = other_chain;
  v1::SignedTransfer oversized = chain.Transfer(users[2], users[1].public_key(), 5, 1);
  oversized.set_signature(std::string(kSignedTransferBytesMax, 'x'));
  *batch.add_transfers() = oversized;
  *batch.add_transfers() = chain.Transfer(users[2], users[1].public_key(), 7, 2);

  EXPECT_EQ(PrecheckMessage(message, validators, SigningDomain::Of(chain.genesis)), 3u);
  ASSERT_EQ(message.transfers().transfers_size(), 2);
  EXPECT_EQ(message.transfers().transfers(0).transfer().amount_minor(), 5u);
  EXPECT_EQ(message.transfers().transfers(1).transfer().amount_minor(), 7u);
}

// A vote with a bad signature is left for the core to refuse (and count).
TEST(PrecheckTest, LeavesOtherMessagesAlone) {
  const testing::TestChain chain = testing::TestChain::Make(1, 4);
  const ValidatorSet validators(chain.genesis);
  v1::ConsensusMessage message;
  v1::Vote& vote = *message.mutable_vote();
  vote.mutable_vote_data()->set_block_hash(std::string(kHashBytes, '\1'));
  vote.mutable_vote_data()->set_parent_hash(std::string(kHashBytes, '\2'));
  vote.mutable_vote_data()->set_state_hash(std::string(kHashBytes, '\3'));
  vote.set_signer(2);
  vote.set_signature(std::string(kSignatureBytes, '\4'));
  const std::string before = message.SerializeAsString();
  EXPECT_EQ(PrecheckMessage(message, validators, SigningDomain::Of(chain.genesis)), 0u);
  EXPECT_EQ(message.SerializeAsString(), before);
}

// Proves that certificates cost at most one signature check per validator:
// a QC (in a SyncInfo) and a TC (in a timeout) repeating one signer a
// thousand times, each time with another signature, are checked once each.
TEST(PrecheckTest, DuplicateCertificateSignersAreCheckedOnce) {
  const testing::TestChain chain = testing::TestChain::Make(1, 4);
  const ValidatorSet validators(chain.genesis);
  v1::ConsensusMessage sync;
  v1::QuorumCert& qc = *sync.mutable_sync_info()->mutable_high_qc();
  qc.mutable_vote_data()->set_block_hash(std::string(kHashBytes, '\1'));
  qc.mutable_vote_data()->set_parent_hash(std::string(kHashBytes, '\2'));
  qc.mutable_vote_data()->set_state_hash(std::string(kHashBytes, '\3'));
  v1::ConsensusMessage timeout;
  v1::TimeoutCert& tc = *timeout.mutable_timeout()->mutable_last_tc();
  tc.set_round(5);
  for (int i = 0; i < 1000; ++i) {
    std::string signature(kSignatureBytes, '\0');
    signature[0] = static_cast<char>(i);
    signature[1] = static_cast<char>(i >> 8);
    qc.add_signers(0);
    qc.add_signatures(signature);
    v1::TimeoutSignature& entry = *tc.add_signatures();
    entry.set_signer(1);
    entry.set_high_qc_round(4);
    entry.set_signature(signature);
  }
  const SigningDomain domain = SigningDomain::Of(chain.genesis);
  const uint64_t before = SignatureChecksOnThisThread();
  (void)PrecheckMessage(sync, validators, domain);
  EXPECT_LE(SignatureChecksOnThisThread() - before, validators.size());
  const uint64_t between = SignatureChecksOnThisThread();
  (void)PrecheckMessage(timeout, validators, domain);
  // The timeout's own signature, and at most one per validator in its TC.
  EXPECT_LE(SignatureChecksOnThisThread() - between, 1 + validators.size());
}

}  // namespace
}  // namespace remit
