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

  EXPECT_EQ(PrecheckMessage(message, validators, chain.genesis.chain_id), 3u);
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
  EXPECT_EQ(PrecheckMessage(message, validators, chain.genesis.chain_id), 0u);
  EXPECT_EQ(message.SerializeAsString(), before);
}

}  // namespace
}  // namespace remit
