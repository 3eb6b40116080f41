// Unit tests of the SDK's operation builders and claim code text
// (client/sdk/operation_builder.h, client/sdk/claim_code_text.h): what they
// sign passes the node's own stateless checks, a claim's proof verifies for
// the signer only, and a mistyped claim code is refused.
#include "client/sdk/operation_builder.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "client/sdk/claim_code_text.h"
#include "ledger/claim_code.h"
#include "ledger/operation.h"
#include "ledger/transfer.h"
#include "tests/client/fake_ledger.h"

namespace remit::sdk {
namespace {

class OperationBuilderTest : public ::testing::Test {
 protected:
  OperationBuilderTest()
      : key_(SigningKey::Generate()),
        recipient_(SigningKey::Generate().public_key()),
        genesis_(testing::TestGenesis(SigningKey::Generate().public_key())) {
    context_.key = &key_;
    context_.genesis = &genesis_;
    context_.genesis_hash = GenesisHash(genesis_);
    context_.sequence = 4;
    context_.now_unix_ms = 1'000'000;
    context_.ttl_ms = 60'000;
    context_.memo = "rent";
  }

  // The node's admission checks accept it, and its id is OperationId's.
  void ExpectAdmissible(const absl::StatusOr<v1::SignedTransfer>& built) const {
    ASSERT_TRUE(built.ok()) << built.status();
    const absl::StatusOr<TransferId> id =
        CheckTransfer(*built, "remit-test", GenesisHash(genesis_));
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(*id, OperationId(*built));
    EXPECT_TRUE(CheckAssetsKnown(genesis_, *built).ok());
    const v1::Operation& operation = built->operation();
    EXPECT_EQ(operation.signer(), ToString(key_.public_key()));
    EXPECT_EQ(operation.sequence(), 4u);
    EXPECT_EQ(operation.expiry_unix_ms(), 1'060'000u);
    EXPECT_EQ(operation.memo(), "rent");
  }

  SigningKey key_;
  AccountId recipient_;
  Genesis genesis_;
  OperationContext context_;
};

// Proves: every builder signs an operation of its kind with exactly the
// body asked for, which the node would admit.
TEST_F(OperationBuilderTest, EveryKindSignsWhatWasAsked) {
  v1::StrictSend send;
  send.set_to(ToString(recipient_));
  send.set_send_asset("USD");
  send.set_send_amount_minor(1'000);
  send.set_deliver_asset("KES");
  send.set_deliver_min_minor(1);
  auto built = BuildStrictSend(context_, send);
  ExpectAdmissible(built);
  EXPECT_EQ(built->operation().strict_send().send_amount_minor(), 1'000u);

  v1::StrictReceive receive;
  receive.set_to(ToString(recipient_));
  receive.set_send_asset("USD");
  receive.set_send_max_minor(900);
  receive.set_deliver_asset("EUR");
  receive.set_deliver_amount_minor(800);
  built = BuildStrictReceive(context_, receive);
  ExpectAdmissible(built);
  EXPECT_EQ(built->operation().strict_receive().deliver_amount_minor(), 800u);

  v1::OfferCreate offer;
  offer.set_sell_asset("EUR");
  offer.set_buy_asset("USD");
  offer.set_amount_minor(500);
  offer.set_price_n(11);
  offer.set_price_d(10);
  built = BuildOfferCreate(context_, offer);
  ExpectAdmissible(built);
  EXPECT_EQ(built->operation().offer_create().price_n(), 11u);

  const Hash32 some_id = Blake2b256("an id");
  built = BuildOfferCancel(context_, some_id);
  ExpectAdmissible(built);
  EXPECT_EQ(built->operation().offer_cancel().offer_id(), ToString(some_id));
  built = BuildReclaim(context_, some_id);
  ExpectAdmissible(built);
  EXPECT_EQ(built->operation().reclaim().claim_id(), ToString(some_id));
}

// Proves: a claim created from a code and claimed with the same code carries
// a proof that verifies for the claim key, this claim and this signer, and
// for no other claimant; the code itself appears in neither operation.
TEST_F(OperationBuilderTest, ClaimProofNamesTheSigner) {
  const std::string secret = NewClaimSecret();
  auto created = BuildCreateClaim(context_, "USD", 500, secret, 2'000'000);
  ExpectAdmissible(created);
  const v1::CreateClaim& body = created->operation().create_claim();
  EXPECT_EQ(body.claim_expiry_unix_ms(), 2'000'000u);
  EXPECT_EQ(body.claim_key(), ToString(ClaimKeyFromCode(secret)->public_key()));
  EXPECT_EQ(created->SerializeAsString().find(secret), std::string::npos);

  const Hash32 claim_id = OperationId(*created);
  auto claimed = BuildClaim(context_, claim_id, secret);
  ExpectAdmissible(claimed);
  const std::string& proof = claimed->operation().claim().proof();
  const std::string genesis_hash = ToString(GenesisHash(genesis_));
  EXPECT_TRUE(VerifyClaimProof(body.claim_key(), genesis_hash, ToString(claim_id),
                               ToString(key_.public_key()), proof));
  EXPECT_FALSE(VerifyClaimProof(body.claim_key(), genesis_hash, ToString(claim_id),
                                ToString(recipient_), proof));
}

// Proves: what a node would refuse is refused before signing, with the
// node's reason.
TEST_F(OperationBuilderTest, RefusesWhatTheNodeWould) {
  v1::StrictSend send;
  send.set_to(ToString(recipient_));
  send.set_send_asset("USD");
  send.set_send_amount_minor(1);
  send.set_deliver_min_minor(1);
  send.set_deliver_asset("USD");
  EXPECT_TRUE(absl::StartsWith(BuildStrictSend(context_, send).status().message(), "same_asset:"));
  send.set_deliver_asset("XAU");
  EXPECT_TRUE(
      absl::StartsWith(BuildStrictSend(context_, send).status().message(), "unknown_asset:"));
  v1::OfferCreate offer;
  offer.set_sell_asset("EUR");
  offer.set_buy_asset("USD");
  offer.set_amount_minor(5);
  offer.set_price_n(1);
  EXPECT_TRUE(absl::StartsWith(BuildOfferCreate(context_, offer).status().message(), "bad_price:"));
  EXPECT_FALSE(BuildCreateClaim(context_, "USD", 5, "too short", 1).ok());
  context_.ttl_ms = 0;
  EXPECT_FALSE(BuildReclaim(context_, Blake2b256("x")).ok());
}

// Proves: a claim code's text round-trips in either case, and a changed
// character, a wrong prefix or length is refused (the checksum catches a
// typo before anything is signed). A fixed secret keeps the typos
// deterministic: a random one could, once in 2^16, meet a typo whose
// checksum still matches.
TEST(ClaimCodeTextTest, RoundTripsAndRefusesTypos) {
  ASSERT_EQ(NewClaimSecret().size(), kClaimSecretBytes);
  EXPECT_NE(NewClaimSecret(), NewClaimSecret());
  const ClaimCode code{.secret = "0123456789abcdef", .claim_id = Blake2b256("a claim")};
  const std::string text = EncodeClaimCode(code);
  EXPECT_EQ(text.size(), kClaimCodeTextLength);
  EXPECT_TRUE(text.starts_with(kClaimCodePrefix));
  ASSERT_TRUE(DecodeClaimCode(text).ok());
  EXPECT_EQ(DecodeClaimCode(text)->secret, code.secret);
  EXPECT_EQ(DecodeClaimCode(text)->claim_id, code.claim_id);
  std::string upper = text;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(DecodeClaimCode(upper)->secret, code.secret);
  for (size_t i = kClaimCodePrefix.size(); i < text.size(); ++i) {
    std::string typo = text;
    typo[i] = typo[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(DecodeClaimCode(typo).ok()) << typo;
  }
  EXPECT_FALSE(DecodeClaimCode("rmt1" + text.substr(4)).ok());
  EXPECT_FALSE(DecodeClaimCode(text.substr(1)).ok());
  EXPECT_FALSE(DecodeClaimCode(text.substr(0, 5) + "A" + text.substr(6)).ok());
}

}  // namespace
}  // namespace remit::sdk
