// sdk::VerifyReceipt (client/sdk/receipt_proof.h) on a block of three
// transfers committed by a QC of three of four validators. Proves that the
// untouched proof verifies, naming each check, and that tampering with the
// Merkle path, the header, a descendant header, the QC's link, signers or a
// signature, or checking against another genesis, each fails with the
// reason of that check.
#include "client/sdk/receipt_proof.h"

#include <gtest/gtest.h>

#include <functional>

#include "ledger/block.h"
#include "ledger/merkle.h"
#include "ledger/transfer.h"
#include "node/consensus/signing.h"
#include "tests/ledger/vector_json.h"
#include "tests/testing/test_chain.h"

#ifndef REMIT_VECTORS_DIR
#error "REMIT_VECTORS_DIR must name tests/ledger/vectors"
#endif

namespace remit {
namespace {

using testing::TestChain;

class ReceiptProofTest : public ::testing::Test {
 protected:
  ReceiptProofTest() {
    v1::Block block;
    for (uint64_t sequence = 0; sequence < 3; ++sequence) {
      *block.add_transfers() =
          chain_.Transfer(chain_.users[0], chain_.users[1].public_key(), 1 + sequence, sequence);
    }
    v1::BlockHeader& header = *block.mutable_header();
    header.set_chain_id(chain_.genesis.chain_id);
    header.set_height(5);
    header.set_round(7);
    header.set_parent_hash(std::string(kHashBytes, '\1'));
    header.set_timestamp_unix_ms(1'700'000'005'000);
    header.set_parent_state_hash(std::string(kHashBytes, '\2'));
    header.set_payload_hash(ToString(ComputePayloadHash(block)));
    header.set_proposer(ToString(chain_.validators[0].public_key()));
    const Hash32 block_hash = ComputeBlockHash(header);

    *record_.mutable_signed_transfer() = block.transfers(1);
    v1::Receipt& receipt = *record_.mutable_receipt();
    receipt.set_transfer_id(ToString(ComputeTransferId(block.transfers(1).transfer())));
    receipt.set_outcome(v1::SETTLED);
    receipt.set_height(5);
    receipt.set_position(1);
    receipt.set_block_hash(ToString(block_hash));
    receipt.set_block_time_unix_ms(header.timestamp_unix_ms());

    *proof_.mutable_header() = header;
    proof_.set_transfer_count(3);
    for (const Hash32& sibling : MerklePath(PayloadLeaves(block), 1)) {
      proof_.add_merkle_path(ToString(sibling));
    }
    *proof_.mutable_commit_qc() = CommitQc(header, {0, 1, 2});
  }

  // A QC of `signers` on a child of `parent`, one round later.
  v1::QuorumCert CommitQc(const v1::BlockHeader& parent, const std::vector<uint32_t>& signers) {
    v1::QuorumCert qc;
    v1::VoteData& vote = *qc.mutable_vote_data();
    vote.set_block_hash(std::string(kHashBytes, '\5'));
    vote.set_round(parent.round() + 1);
    vote.set_height(parent.height() + 1);
    vote.set_parent_hash(ToString(ComputeBlockHash(parent)));
    vote.set_parent_round(parent.round());
    vote.set_state_hash(std::string(kHashBytes, '\6'));
    Sign(qc, signers);
    return qc;
  }

  void Sign(v1::QuorumCert& qc, const std::vector<uint32_t>& signers) {
    qc.clear_signers();
    qc.clear_signatures();
    const std::string message = VoteSigningBytes(SigningDomain::Of(chain_.genesis), qc.vote_data());
    for (uint32_t signer : signers) {
      qc.add_signers(signer);
      qc.add_signatures(ToString(chain_.validators[signer].Sign(message)));
    }
  }

  // The reason VerifyReceipt gives after `tamper` (empty string if it passes).
  std::string ReasonAfter(const std::function<void(v1::ReceiptProof&)>& tamper) {
    v1::ReceiptProof proof = proof_;
    tamper(proof);
    const absl::Status status = sdk::VerifyReceipt(record_, proof, chain_.genesis);
    if (status.ok()) return "";
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    const std::string message(status.message());
    return message.substr(0, message.find(':'));
  }

  TestChain chain_ = TestChain::Make(3, 4);
  v1::TransferRecord record_;
  v1::ReceiptProof proof_;
};

// The untouched proof verifies and names each check it made, in order.
TEST_F(ReceiptProofTest, UntouchedProofVerifies) {
  std::vector<std::string> checked;
  const absl::Status status = sdk::VerifyReceipt(record_, proof_, chain_.genesis, &checked);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(checked.size(), 6u);
  const char* names[] = {
      "genesis:", "transfer:", "header:", "merkle_path:", "qc_link:", "qc_signature:"};
  for (size_t i = 0; i < checked.size(); ++i) {
    EXPECT_EQ(checked[i].rfind(names[i], 0), 0u) << checked[i];
  }
  EXPECT_NE(checked[5].find("3 of 4 genesis validators"), std::string::npos) << checked[5];
}

// A flipped bit in the path, a path one hash short, or another position.
TEST_F(ReceiptProofTest, TamperedPathFailsAsMerklePath) {
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { (*p.mutable_merkle_path(0))[3] ^= 1; }),
            "merkle_path");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { p.mutable_merkle_path()->RemoveLast(); }),
            "merkle_path");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { p.set_transfer_count(2); }), "merkle_path");
  record_.mutable_receipt()->set_position(2);
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof&) {}), "merkle_path");
}

// Any header field changed: it no longer hashes to the receipt's block.
TEST_F(ReceiptProofTest, TamperedHeaderFailsAsHeader) {
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) {
              p.mutable_header()->set_timestamp_unix_ms(p.header().timestamp_unix_ms() + 1);
            }),
            "header");
  EXPECT_EQ(ReasonAfter(
                [](v1::ReceiptProof& p) { (*p.mutable_header()->mutable_payload_hash())[0] ^= 1; }),
            "header");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { p.mutable_header()->clear_proposer(); }),
            "header");
}

// A QC on another block, too few signers, a repeated signer, an index
// outside genesis, or a corrupted signature.
TEST_F(ReceiptProofTest, TamperedQcFailsAsItsCheck) {
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) {
              p.mutable_commit_qc()->mutable_vote_data()->set_round(p.header().round() + 2);
            }),
            "qc_link");
  EXPECT_EQ(ReasonAfter([this](v1::ReceiptProof& p) {
              Sign(*p.mutable_commit_qc(), {0, 1});
            }),
            "qc_signers");
  EXPECT_EQ(ReasonAfter([this](v1::ReceiptProof& p) {
              Sign(*p.mutable_commit_qc(), {0, 1, 1});
            }),
            "qc_signers");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { p.mutable_commit_qc()->set_signers(2, 9); }),
            "qc_signers");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) {
              (*p.mutable_commit_qc()->mutable_signatures(1))[10] ^= 1;
            }),
            "qc_signature");
  // A signature by one validator presented as another's.
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) {
              p.mutable_commit_qc()->mutable_signatures()->SwapElements(0, 1);
            }),
            "qc_signature");
}

// Descendant headers link the block to the one the QC commits; a broken
// link fails as descendants.
TEST_F(ReceiptProofTest, DescendantsLinkTheBlockToTheCommittedOne) {
  v1::BlockHeader child = proof_.header();
  child.set_height(6);
  child.set_round(9);  // a failed round between: the QC on 6 does not commit 5
  child.set_parent_hash(record_.receipt().block_hash());
  *proof_.add_descendants() = child;
  *proof_.mutable_commit_qc() = CommitQc(child, {1, 2, 3});
  std::vector<std::string> checked;
  ASSERT_TRUE(sdk::VerifyReceipt(record_, proof_, chain_.genesis, &checked).ok());
  EXPECT_EQ(checked.size(), 7u);
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) {
              (*p.mutable_descendants(0)->mutable_parent_hash())[0] ^= 1;
            }),
            "descendants");
  EXPECT_EQ(ReasonAfter([](v1::ReceiptProof& p) { p.clear_descendants(); }), "qc_link");
}

// Another genesis (here a later genesis time: same chain id, validators and
// keys, another hash) fails at the first check; a genesis with the same
// chain id and hash cannot differ.
TEST_F(ReceiptProofTest, AnotherGenesisFailsAsGenesis) {
  Genesis other = chain_.genesis;
  other.genesis_time_unix_ms += 1;
  const absl::Status status = sdk::VerifyReceipt(record_, proof_, other);
  EXPECT_EQ(status.message().rfind("genesis: ", 0), 0u) << status;
}

// docs/ENCODING.md §10.3: the receipt of the §7.2 transfer in block 1 of
// chain_vectors.json, with block 2's header and the QC on block 2 that
// commits block 1, verifies; the QC's vote signing bytes are the
// documented ones.
TEST(ReceiptProofVectorsTest, ChainVectorReceiptVerifies) {
  using testing::HeaderFromJson;
  using testing::Unhex;
  const testing::json vectors = testing::LoadVectorFile("chain_vectors.json");
  const absl::StatusOr<Genesis> genesis =
      ParseGenesis(vectors.at("genesis_json").get<std::string>());
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  const testing::json& block_1 = vectors.at("block_1");
  const testing::json& entry = block_1.at("transfers").at(0);
  v1::TransferRecord record;
  const std::string signing_bytes = Unhex(entry.at("signing_bytes"));
  *record.mutable_signed_transfer()->mutable_transfer() =
      testing::TransferFromSigningBytes(signing_bytes);
  record.mutable_signed_transfer()->set_signature(Unhex(entry.at("signature")));
  v1::Receipt& receipt = *record.mutable_receipt();
  receipt.set_transfer_id(Unhex(entry.at("transfer_id")));
  receipt.set_height(1);
  receipt.set_position(0);
  receipt.set_block_hash(Unhex(block_1.at("block_hash")));
  receipt.set_block_time_unix_ms(testing::U64(block_1.at("header").at("timestamp_unix_ms")));

  const v1::BlockHeader header_2 = HeaderFromJson(vectors.at("block_2").at("header"));
  EXPECT_EQ(ToHex(ComputeBlockHash(header_2)),
            vectors.at("block_2").at("block_hash").get<std::string>());
  const testing::json& qc_json = vectors.at("commit_qc");
  v1::ReceiptProof proof;
  *proof.mutable_header() = HeaderFromJson(block_1.at("header"));
  proof.set_transfer_count(1);  // one leaf: the root is the leaf, the path is empty
  v1::VoteData& vote = *proof.mutable_commit_qc()->mutable_vote_data();
  const testing::json& vote_json = qc_json.at("vote_data");
  vote.set_block_hash(Unhex(vote_json.at("block_hash")));
  vote.set_round(testing::U64(vote_json.at("round")));
  vote.set_height(testing::U64(vote_json.at("height")));
  vote.set_parent_hash(Unhex(vote_json.at("parent_hash")));
  vote.set_parent_round(testing::U64(vote_json.at("parent_round")));
  vote.set_state_hash(Unhex(vote_json.at("state_hash")));
  EXPECT_EQ(vote.block_hash(), ToString(ComputeBlockHash(header_2)));
  EXPECT_EQ(ToHex(VoteSigningBytes(SigningDomain::Of(*genesis), vote)),
            qc_json.at("vote_signing_bytes").get<std::string>());
  proof.mutable_commit_qc()->add_signers(0);
  proof.mutable_commit_qc()->add_signatures(Unhex(qc_json.at("signatures").at(0)));
  const absl::Status verified = sdk::VerifyReceipt(record, proof, *genesis);
  EXPECT_TRUE(verified.ok()) << verified;
}

}  // namespace
}  // namespace remit
