// Operations (ledger/operation.h, ledger/claim_code.h): the vectors of an
// independent implementation of docs/ENCODING.md section 8, each stateless
// refusal, shapes, and the accounts a record touches.
#include "ledger/operation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <charconv>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ledger/claim_code.h"
#include "ledger/transfer.h"
#include "tests/ledger/op_testing.h"
#include "tests/ledger/vector_json.h"

#ifndef REMIT_VECTORS_DIR
#error "REMIT_VECTORS_DIR must name tests/ledger/vectors"
#endif

namespace remit {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::OperationFromJson;
using ::testing::StartsWith;
using testing::U64;
using testing::Unhex;

json LoadVectors() { return testing::LoadVectorFile("op_vectors.json"); }

Seed SeedOf(const json& value) { return *ToArray<kSeedBytes>(Unhex(value), "seed"); }

// Every vector's signing bytes, signature and id, made by an independent
// implementation, are the ledger's; each passes CheckTransfer on its chain.
TEST(OperationVectorsTest, LedgerMatchesEveryVector) {
  const json vectors = LoadVectors();
  std::set<std::string> kinds;
  for (const json& vector : vectors.at("vectors")) {
    const std::string name = vector.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const std::string kind = vector.at("kind").get<std::string>();
    kinds.insert(kind);
    const v1::Operation op = OperationFromJson(kind, vector.at("operation"));
    EXPECT_EQ(ToHex(OperationSigningBytes(op)), vector.at("signing_bytes").get<std::string>());
    const SigningKey key = SigningKey::FromSeed(SeedOf(vector.at("seed")));
    const v1::SignedTransfer signed_op = SignOperation(op, key);
    EXPECT_EQ(KindName(KindOf(signed_op)), kind);
    EXPECT_EQ(ToHex(signed_op.signature()), vector.at("signature").get<std::string>());
    EXPECT_EQ(ToHex(OperationId(signed_op)), vector.at("id").get<std::string>());
    const Hash32 genesis_hash = *ToArray<kHashBytes>(op.genesis_hash(), "genesis hash");
    const absl::StatusOr<TransferId> id = CheckTransfer(signed_op, op.chain_id(), genesis_hash);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(ToHex(*id), vector.at("id").get<std::string>());
  }
  EXPECT_EQ(kinds.size(), 9u);
}

// The claim code's key and proof are the independent implementation's, and
// the proof verifies for its claimant only.
TEST(OperationVectorsTest, ClaimKeyAndProofMatch) {
  const json claim = LoadVectors().at("claim_code");
  const absl::StatusOr<SigningKey> key = ClaimKeyFromCode(Unhex(claim.at("code_hex")));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ToHex(key->seed()), claim.at("claim_seed").get<std::string>());
  EXPECT_EQ(ToHex(key->public_key()), claim.at("claim_key").get<std::string>());
  const Hash32 genesis_hash = *ToArray<kHashBytes>(
      Unhex(json("9978b9f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c")), "hash");
  const Hash32 claim_id = *ToArray<kHashBytes>(Unhex(claim.at("claim_id")), "id");
  const AccountId claimant = *ToArray<kPublicKeyBytes>(Unhex(claim.at("claimant")), "claimant");
  EXPECT_EQ(ToHex(ClaimProofBytes(AsBytes(genesis_hash), AsBytes(claim_id), AsBytes(claimant))),
            claim.at("proof_bytes").get<std::string>());
  const Signature proof = SignClaimProof(*key, genesis_hash, claim_id, claimant);
  EXPECT_EQ(ToHex(proof), claim.at("proof").get<std::string>());
  EXPECT_TRUE(VerifyClaimProof(AsBytes(key->public_key()), AsBytes(genesis_hash), AsBytes(claim_id),
                               AsBytes(claimant), AsBytes(proof)));
  AccountId other = claimant;
  other[0] ^= 1;
  EXPECT_FALSE(VerifyClaimProof(AsBytes(key->public_key()), AsBytes(genesis_hash),
                                AsBytes(claim_id), AsBytes(other), AsBytes(proof)));
  EXPECT_FALSE(ClaimKeyFromCode("fifteen bytes..").ok());
  EXPECT_FALSE(ClaimKeyFromCode(std::string(65, 'x')).ok());
}

class CheckOperationTest : public ::testing::Test {
 protected:
  CheckOperationTest() : key_(testing::SeededKey(3)), genesis_hash_(MakeHash()) {}
  static Hash32 MakeHash() {
    Hash32 hash{};
    hash.fill(0x42);
    return hash;
  }

  v1::Operation Base() const {
    v1::Operation op;
    op.set_chain_id("remit-local");
    op.set_genesis_hash(ToString(genesis_hash_));
    op.set_signer(ToString(key_.public_key()));
    op.set_sequence(1);
    op.set_expiry_unix_ms(UINT64_MAX);
    v1::StrictSend& send = *op.mutable_strict_send();
    send.set_to(std::string(kPublicKeyBytes, '\x09'));
    send.set_send_asset("USD");
    send.set_send_amount_minor(100);
    send.set_deliver_asset("PHP");
    send.set_deliver_min_minor(1);
    return op;
  }

  absl::Status Check(const v1::SignedTransfer& signed_op) const {
    return CheckTransfer(signed_op, "remit-local", genesis_hash_).status();
  }

  SigningKey key_;
  Hash32 genesis_hash_;
};

// Each stateless refusal comes from the mutation that should cause it, with
// a valid signature over the mutated fields; CheckTransferFields refuses
// the same except a signature that does not verify.
TEST_F(CheckOperationTest, EachReasonFromItsMutation) {
  EXPECT_TRUE(Check(SignOperation(Base(), key_)).ok()) << Check(SignOperation(Base(), key_));
  const std::vector<std::pair<std::function<void(v1::Operation&)>, std::string>> cases = {
      {[](v1::Operation& o) { o.set_chain_id("remit-other"); }, "wrong_chain:"},
      {[](v1::Operation& o) { (*o.mutable_genesis_hash())[3] ^= 1; }, "wrong_chain:"},
      {[](v1::Operation& o) { o.mutable_genesis_hash()->pop_back(); }, "malformed:"},
      {[](v1::Operation& o) { o.set_memo(std::string(141, 'm')); }, "memo_too_long:"},
      {[](v1::Operation& o) { o.set_memo("\xc3"); }, "malformed:"},
      {[](v1::Operation& o) { o.clear_body(); }, "malformed:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_to("short"); }, "malformed:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_deliver_asset("php"); }, "malformed:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_deliver_asset("USD"); }, "same_asset:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_send_amount_minor(0); }, "bad_amount:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_deliver_min_minor(0); }, "bad_amount:"},
      {[](v1::Operation& o) { o.mutable_strict_send()->set_send_amount_minor(1ull << 63); },
       "bad_amount:"},
      {[](v1::Operation& o) {
         o.mutable_strict_receive()->set_to(std::string(32, 'a'));
         o.mutable_strict_receive()->set_send_asset("USD");
         o.mutable_strict_receive()->set_deliver_asset("KES");
         o.mutable_strict_receive()->set_send_max_minor(5);
       },
       "bad_amount:"},  // deliver_amount 0
      {[](v1::Operation& o) {
         v1::OfferCreate& offer = *o.mutable_offer_create();
         offer.set_sell_asset("USD");
         offer.set_buy_asset("PHP");
         offer.set_amount_minor(5);
         offer.set_price_n(1);
       },
       "bad_price:"},  // price_d 0
      {[](v1::Operation& o) { o.mutable_offer_cancel()->set_offer_id("x"); }, "malformed:"},
      {[](v1::Operation& o) { o.mutable_basket_mint()->set_basket_asset("RMX"); }, "bad_amount:"},
      {[](v1::Operation& o) {
         v1::CreateClaim& claim = *o.mutable_create_claim();
         claim.set_asset("USD");
         claim.set_amount_minor(5);
         claim.set_claim_key(std::string(32, 'k'));
       },
       "bad_expiry:"},
      {[](v1::Operation& o) {
         o.mutable_claim()->set_claim_id(std::string(32, 'c'));
         o.mutable_claim()->set_proof(std::string(63, 'p'));
       },
       "malformed:"},
      {[](v1::Operation& o) { o.mutable_reclaim()->set_claim_id(std::string(31, 'c')); },
       "malformed:"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(StrCat("case ", i, " expects ", cases[i].second));
    v1::Operation op = Base();
    cases[i].first(op);
    v1::SignedTransfer signed_op;
    *signed_op.mutable_operation() = op;
    signed_op.set_signature(std::string(kSignatureBytes, '\0'));
    if (HasSigningShape(signed_op)) signed_op = SignOperation(op, key_);
    const absl::Status status = Check(signed_op);
    EXPECT_THAT(std::string(status.message()), StartsWith(cases[i].second));
    EXPECT_THAT(std::string(CheckTransferFields(signed_op, "remit-local", genesis_hash_).message()),
                StartsWith(cases[i].second));
  }
  // Signed by another key, or edited after signing: bad_signature, which
  // CheckTransferFields leaves to CheckTransfer.
  v1::SignedTransfer forged = SignOperation(Base(), key_);
  forged.set_signature(ToString(testing::SeededKey(4).Sign(OperationSigningBytes(Base()))));
  EXPECT_THAT(std::string(Check(forged).message()), StartsWith("bad_signature:"));
  EXPECT_TRUE(CheckTransferFields(forged, "remit-local", genesis_hash_).ok());
  v1::SignedTransfer edited = SignOperation(Base(), key_);
  edited.mutable_operation()->mutable_strict_send()->set_send_amount_minor(101);
  EXPECT_THAT(std::string(Check(edited).message()), StartsWith("bad_signature:"));
  EXPECT_THAT(std::string(Check(v1::SignedTransfer()).message()), StartsWith("malformed:"));
}

// Every field of the common header and of a body is covered by the id, and
// the kinds' domain tags keep equal fields of two kinds apart.
TEST_F(CheckOperationTest, EveryFieldIsCoveredByTheId) {
  const v1::SignedTransfer base = SignOperation(Base(), key_);
  const std::vector<std::function<void(v1::Operation&)>> edits = {
      [](v1::Operation& o) { o.set_chain_id("remit-locaL"); },
      [](v1::Operation& o) { (*o.mutable_genesis_hash())[0] ^= 1; },
      [](v1::Operation& o) { o.set_signer(std::string(32, '\x01')); },
      [](v1::Operation& o) { o.set_sequence(2); },
      [](v1::Operation& o) { o.set_expiry_unix_ms(5); },
      [](v1::Operation& o) { o.set_memo("x"); },
      [](v1::Operation& o) { o.mutable_strict_send()->set_to(std::string(32, '\x08')); },
      [](v1::Operation& o) { o.mutable_strict_send()->set_send_asset("EUR"); },
      [](v1::Operation& o) { o.mutable_strict_send()->set_send_amount_minor(99); },
      [](v1::Operation& o) { o.mutable_strict_send()->set_deliver_asset("KES"); },
      [](v1::Operation& o) { o.mutable_strict_send()->set_deliver_min_minor(2); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    v1::Operation op = Base();
    edits[i](op);
    v1::SignedTransfer edited;
    *edited.mutable_operation() = op;
    edited.set_signature(base.signature());
    EXPECT_NE(OperationId(edited), OperationId(base)) << "edit " << i;
  }
  // The same fields as a strict receive: only the tag differs, and so the id.
  v1::Operation receive = Base();
  const v1::StrictSend send = receive.strict_send();
  v1::StrictReceive& body = *receive.mutable_strict_receive();
  body.set_to(send.to());
  body.set_send_asset(send.send_asset());
  body.set_send_max_minor(send.send_amount_minor());
  body.set_deliver_asset(send.deliver_asset());
  body.set_deliver_amount_minor(send.deliver_min_minor());
  EXPECT_EQ(OperationSigningBytes(receive).substr(23), OperationSigningBytes(Base()).substr(20));
  EXPECT_NE(OperationId(SignOperation(receive, key_)), OperationId(base));
}

// Every kind with every variable field at its largest still fits the
// envelope bound a node enforces (kSignedTransferBytesMax).
TEST(OperationSizeTest, LargestOperationsFitTheEnvelopeBound) {
  Genesis genesis;
  genesis.chain_id = std::string(kChainIdBytesMax, 'c');
  const testing::OpSigner sign(genesis);
  const SigningKey key = testing::SeededKey(1);
  const std::string asset(kAssetCodeBytesMax, 'A');
  const std::string other(kAssetCodeBytesMax, 'B');
  const uint64_t max = UINT64_MAX;
  const std::vector<v1::SignedTransfer> largest = {
      sign.StrictSend(key, max, key.public_key(), asset, max, other, max),
      sign.StrictReceive(key, max, key.public_key(), asset, max, other, max),
      sign.OfferCreate(key, max, asset, other, max, max, max, max),
      sign.OfferCancel(key, max, Hash32{}),
      sign.Mint(key, max, asset, max),
      sign.Redeem(key, max, asset, max),
      sign.CreateClaim(key, max, asset, max, std::string(kClaimCodeBytesMax, 'x'), max),
      sign.Claim(key, max, Hash32{}, std::string(kClaimCodeBytesMax, 'x')),
      sign.Reclaim(key, max, Hash32{}),
  };
  for (v1::SignedTransfer op : largest) {
    op.mutable_operation()->set_memo(std::string(kMemoBytesMax, 'm'));
    op.mutable_operation()->set_expiry_unix_ms(max);
    EXPECT_LE(op.ByteSizeLong(), kSignedTransferBytesMax) << KindName(KindOf(op));
  }
}

// Admission refuses an operation naming an asset genesis lacks, and mint or
// redeem of anything but the basket, with "unknown_asset:".
TEST(CheckAssetsKnownTest, NamesTheUnknownAsset) {
  Genesis genesis;
  genesis.chain_id = "remit-local";
  genesis.assets = {{"USD", 2, testing::SeededKey(1).public_key(), 100}};
  genesis.basket = BasketInfo{{"RMX", 2, AccountId{}, 100, false}, {{"USD", 1}}};
  const testing::OpSigner sign(genesis);
  const SigningKey key = testing::SeededKey(2);
  EXPECT_TRUE(CheckAssetsKnown(genesis, sign.Mint(key, 0, "RMX", 1)).ok());
  EXPECT_THAT(std::string(CheckAssetsKnown(genesis, sign.Mint(key, 0, "USD", 1)).message()),
              StartsWith("unknown_asset:"));
  const absl::Status status =
      CheckAssetsKnown(genesis, sign.StrictSend(key, 0, key.public_key(), "USD", 1, "XAU", 1));
  EXPECT_THAT(std::string(status.message()), StartsWith("unknown_asset:"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("XAU"));
  EXPECT_TRUE(CheckAssetsKnown(genesis, sign.OfferCreate(key, 0, "RMX", "USD", 1, 1, 1)).ok());
  EXPECT_FALSE(CheckAssetsKnown(genesis, sign.Transfer(key, key.public_key(), "XAU", 1, 0)).ok());
}

// A record is in the history of its signer, its recipient, the owners of
// the offers it filled and (for a claim) the claim's sender, once each.
TEST(TouchedAccountsTest, SignerRecipientFillOwnersAndCounterparty) {
  Genesis genesis;
  genesis.chain_id = "remit-local";
  const testing::OpSigner sign(genesis);
  const SigningKey alice = testing::SeededKey(1), bob = testing::SeededKey(2);
  const AccountId maker = testing::SeededKey(3).public_key();
  v1::TransferRecord record;
  *record.mutable_signed_transfer() =
      sign.StrictSend(alice, 0, bob.public_key(), "USD", 1, "PHP", 1);
  for (int i = 0; i < 2; ++i) record.mutable_receipt()->add_fills()->set_owner(ToString(maker));
  std::vector<AccountId> expected = {alice.public_key(), bob.public_key(), maker};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(TouchedAccounts(record), expected);
  v1::TransferRecord claim;
  *claim.mutable_signed_transfer() = sign.Reclaim(bob, 0, Hash32{});
  claim.mutable_receipt()->set_counterparty(ToString(alice.public_key()));
  expected = {alice.public_key(), bob.public_key()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(TouchedAccounts(claim), expected);
  v1::TransferRecord self;
  *self.mutable_signed_transfer() =
      sign.StrictSend(alice, 0, alice.public_key(), "USD", 1, "PHP", 1);
  EXPECT_EQ(TouchedAccounts(self), std::vector<AccountId>{alice.public_key()});
}

}  // namespace
}  // namespace remit
