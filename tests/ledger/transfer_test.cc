#include "ledger/transfer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "ledger/crypto.h"
#include "ledger/types.h"

#ifndef REMIT_VECTORS_DIR
#error "REMIT_VECTORS_DIR must name tests/ledger/vectors"
#endif

namespace remit {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kChainId = "remit-local";
// Any 32 bytes serve as this chain's genesis hash in the stateless checks.
const Hash32 kGenesisHash = [] {
  Hash32 hash{};
  for (size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<uint8_t>(0xa0 + i);
  return hash;
}();

std::string Unhex(std::string_view hex) {
  const absl::StatusOr<std::string> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.value_or("");
}

uint64_t ParseU64(const std::string& text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  EXPECT_TRUE(error == std::errc() && end == text.data() + text.size()) << text;
  return value;
}

Seed SeedFromHex(std::string_view hex) {
  const absl::StatusOr<Seed> seed = ToArray<kSeedBytes>(Unhex(hex), "seed");
  EXPECT_TRUE(seed.ok());
  return seed.value_or(Seed{});
}

std::string Str(const nlohmann::json& object, const char* key) {
  return object.at(key).get<std::string>();
}

nlohmann::json LoadVectors() {
  const std::string path = std::string(REMIT_VECTORS_DIR) + "/transfer_vectors.json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

v1::Transfer TransferFromJson(const nlohmann::json& fields) {
  v1::Transfer transfer;
  transfer.set_chain_id(Str(fields, "chain_id"));
  transfer.set_genesis_hash(Unhex(Str(fields, "genesis_hash")));
  transfer.set_from(Unhex(Str(fields, "from")));
  transfer.set_to(Unhex(Str(fields, "to")));
  transfer.set_asset(Str(fields, "asset"));
  transfer.set_amount_minor(ParseU64(Str(fields, "amount_minor")));
  transfer.set_sequence(ParseU64(Str(fields, "sequence")));
  transfer.set_expiry_unix_ms(ParseU64(Str(fields, "expiry_unix_ms")));
  transfer.set_memo(Str(fields, "memo"));
  transfer.set_fee_minor(ParseU64(Str(fields, "fee_minor")));
  return transfer;
}

const nlohmann::json* FindVector(const nlohmann::json& vectors, std::string_view name) {
  for (const nlohmann::json& vector : vectors.at("vectors")) {
    if (Str(vector, "name") == name) return &vector;
  }
  ADD_FAILURE() << "no vector named " << name;
  return nullptr;
}

// Every vector's key, address, signing bytes, signature and id, produced by an
// independent implementation of docs/ENCODING.md, are what the ledger computes.
TEST(TransferVectorsTest, LedgerMatchesEveryVector) {
  const nlohmann::json vectors = LoadVectors();
  ASSERT_GE(vectors.at("vectors").size(), 6u);
  for (const nlohmann::json& vector : vectors.at("vectors")) {
    SCOPED_TRACE(Str(vector, "name"));
    const SigningKey key = SigningKey::FromSeed(SeedFromHex(Str(vector, "seed")));
    EXPECT_EQ(ToHex(key.public_key()), Str(vector, "public_key"));
    EXPECT_EQ(EncodeAddress(key.public_key()), Str(vector, "address"));
    const absl::StatusOr<AccountId> decoded = DecodeAddress(Str(vector, "address"));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, key.public_key());

    const nlohmann::json& fields = vector.at("transfer");
    const v1::Transfer transfer = TransferFromJson(fields);
    EXPECT_EQ(transfer.memo(), Unhex(Str(fields, "memo_hex")));
    const absl::StatusOr<AccountId> to = ToArray<kPublicKeyBytes>(transfer.to(), "to");
    ASSERT_TRUE(to.ok());
    EXPECT_EQ(EncodeAddress(*to), Str(vector, "to_address"));

    EXPECT_EQ(ToHex(SigningBytes(transfer)), Str(vector, "signing_bytes"));
    EXPECT_EQ(ToHex(ComputeTransferId(transfer)), Str(vector, "transfer_id"));
    const v1::SignedTransfer signed_transfer = SignTransfer(transfer, key);
    EXPECT_EQ(ToHex(signed_transfer.signature()), Str(vector, "signature"));

    // The vector's own signature passes the full stateless check on its chain.
    v1::SignedTransfer from_vector;
    *from_vector.mutable_transfer() = transfer;
    from_vector.set_signature(Unhex(Str(vector, "signature")));
    const Hash32 genesis_hash = *ToArray<kHashBytes>(transfer.genesis_hash(), "genesis hash");
    const absl::StatusOr<TransferId> id =
        CheckTransfer(from_vector, transfer.chain_id(), genesis_hash);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(ToHex(*id), Str(vector, "transfer_id"));
  }
}

// The vectors cover the cases clients get wrong: non-ASCII memo, a memo of
// exactly 140 bytes, and every field at its maximum.
TEST(TransferVectorsTest, VectorsCoverTheEdges) {
  const nlohmann::json vectors = LoadVectors();
  const nlohmann::json* non_ascii = FindVector(vectors, "memo_non_ascii");
  const nlohmann::json* max_memo = FindVector(vectors, "memo_max_size");
  const nlohmann::json* maxima = FindVector(vectors, "field_maxima");
  ASSERT_TRUE(non_ascii && max_memo && maxima);
  const std::string memo = non_ascii->at("transfer").at("memo").get<std::string>();
  EXPECT_TRUE(std::any_of(memo.begin(), memo.end(), [](char c) { return (c & 0x80) != 0; }));
  EXPECT_EQ(max_memo->at("transfer").at("memo").get<std::string>().size(), kMemoBytesMax);
  const v1::Transfer max = TransferFromJson(maxima->at("transfer"));
  EXPECT_EQ(max.chain_id().size(), kChainIdBytesMax);
  EXPECT_EQ(max.asset().size(), kAssetCodeBytesMax);
  EXPECT_EQ(max.amount_minor(), uint64_t{INT64_MAX});
  EXPECT_EQ(max.sequence(), UINT64_MAX);
  EXPECT_EQ(max.expiry_unix_ms(), UINT64_MAX);
}

// The "basic" vector's signing bytes equal bytes assembled by hand from the
// grammar (domain tag, length prefixes, big-endian integers), its signature
// verifies with libsodium called directly, and its id is BLAKE2b-256 of them.
TEST(TransferVectorsTest, BasicVectorMatchesHandAssembledBytes) {
  const nlohmann::json vectors = LoadVectors();
  const nlohmann::json* vector = FindVector(vectors, "basic");
  ASSERT_NE(vector, nullptr);
  const std::string from =
      Unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string to = Unhex("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");

  std::string expected = "remit-transfer-v2";          // domain tag, 17 bytes
  expected += std::string("\x0b", 1) + "remit-local";  // u8 len || chain_id
  expected += Unhex("9978b9f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c");
  expected += from + to;                                           // 32 + 32 bytes
  expected += std::string("\x03", 1) + "USD";                      // u8 len || asset
  expected += std::string("\x00\x00\x00\x00\x00\x00\x04\xe2", 8);  // amount 1250
  expected += std::string(8, '\0');                                // sequence 0
  expected += std::string("\x00\x00\x01\x9b\x76\xda\xa8\x00", 8);  // expiry 1767225600000
  expected += std::string("\x00\x00", 2);                          // u16 len(memo) = 0
  expected += std::string(8, '\0');                                // fee 0
  ASSERT_EQ(expected.size(), 17u + 1 + 11 + 32 + 64 + 1 + 3 + 24 + 2 + 8);

  const v1::Transfer transfer = TransferFromJson(vector->at("transfer"));
  EXPECT_EQ(transfer.from(), from);
  EXPECT_EQ(transfer.to(), to);
  EXPECT_EQ(ToHex(SigningBytes(transfer)), ToHex(expected));
  EXPECT_EQ(ToHex(expected), Str(*vector, "signing_bytes"));

  // libsodium directly, not through ledger/crypto.
  ASSERT_GE(sodium_init(), 0);
  const std::string seed = Unhex(Str(*vector, "seed"));
  unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
  unsigned char secret_key[crypto_sign_SECRETKEYBYTES];
  ASSERT_EQ(crypto_sign_seed_keypair(public_key, secret_key,
                                     reinterpret_cast<const unsigned char*>(seed.data())),
            0);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(public_key), sizeof public_key), from);
  const std::string signature = Unhex(Str(*vector, "signature"));
  ASSERT_EQ(signature.size(), size_t{crypto_sign_BYTES});
  EXPECT_EQ(crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                        reinterpret_cast<const unsigned char*>(expected.data()),
                                        expected.size(), public_key),
            0);
  unsigned char id[32];
  ASSERT_EQ(
      crypto_generichash(id, sizeof id, reinterpret_cast<const unsigned char*>(expected.data()),
                         expected.size(), nullptr, 0),
      0);
  EXPECT_EQ(ToHex(std::string_view(reinterpret_cast<const char*>(id), sizeof id)),
            Str(*vector, "transfer_id"));
}

// The "field_maxima" vector's variable-length and integer fields sit where
// the grammar puts them, big-endian, with the 32-byte chain id and 12-byte asset.
TEST(TransferVectorsTest, MaximaVectorMatchesHandAssembledBytes) {
  const nlohmann::json vectors = LoadVectors();
  const nlohmann::json* vector = FindVector(vectors, "field_maxima");
  ASSERT_NE(vector, nullptr);
  const v1::Transfer transfer = TransferFromJson(vector->at("transfer"));
  std::string expected = "remit-transfer-v2";
  expected += std::string("\x20", 1) + "remit-testnet-0123456789abcdefgh";
  expected += std::string(kHashBytes, '\xff');  // genesis hash
  expected += transfer.from() + transfer.to();
  expected += std::string("\x0c", 1) + "ABCDEFGH1234";
  expected += "\x7f" + std::string(7, '\xff');  // amount 2^63-1
  expected += std::string(8, '\xff');           // sequence 2^64-1
  expected += std::string(8, '\xff');           // expiry 2^64-1
  expected += std::string("\x00\x03", 2) + "max";
  expected += "\x7f" + std::string(7, '\xff');  // fee 2^63-1
  EXPECT_EQ(ToHex(SigningBytes(transfer)), ToHex(expected));
}

// A memo's length prefix is its UTF-8 byte count (not characters), as two
// big-endian bytes, for the non-ASCII and the 140-byte memo.
TEST(TransferVectorsTest, MemoLengthPrefixCountsBytes) {
  const nlohmann::json vectors = LoadVectors();
  for (std::string_view name : {"memo_non_ascii", "memo_max_size", "memo_control_characters"}) {
    SCOPED_TRACE(name);
    const nlohmann::json* vector = FindVector(vectors, name);
    ASSERT_NE(vector, nullptr);
    const v1::Transfer transfer = TransferFromJson(vector->at("transfer"));
    const std::string bytes = SigningBytes(transfer);
    const size_t memo_offset = bytes.size() - 8 - transfer.memo().size();
    const size_t prefix_offset = memo_offset - 2;
    EXPECT_EQ(static_cast<uint8_t>(bytes[prefix_offset]), transfer.memo().size() >> 8);
    EXPECT_EQ(static_cast<uint8_t>(bytes[prefix_offset + 1]), transfer.memo().size() & 0xff);
    EXPECT_EQ(bytes.substr(memo_offset, transfer.memo().size()), transfer.memo());
  }
}

class CheckTransferTest : public ::testing::Test {
 protected:
  CheckTransferTest()
      : sender_(SigningKey::FromSeed(Seed{1, 2, 3})),
        recipient_(SigningKey::FromSeed(Seed{4, 5, 6})),
        stranger_(SigningKey::FromSeed(Seed{7, 8, 9})) {
    transfer_.set_chain_id(std::string(kChainId));
    transfer_.set_genesis_hash(ToString(kGenesisHash));
    transfer_.set_from(ToString(sender_.public_key()));
    transfer_.set_to(ToString(recipient_.public_key()));
    transfer_.set_asset("USD");
    transfer_.set_amount_minor(1250);
    transfer_.set_sequence(3);
    transfer_.set_expiry_unix_ms(1767225600000);
    transfer_.set_memo("rent");
    transfer_.set_fee_minor(0);
  }

  v1::SignedTransfer Signed(const v1::Transfer& transfer) const {
    return SignTransfer(transfer, sender_);
  }

  SigningKey sender_;
  SigningKey recipient_;
  SigningKey stranger_;
  v1::Transfer transfer_;
};

// The unmodified transfer passes and CheckTransfer returns its id.
TEST_F(CheckTransferTest, AcceptsValidTransfer) {
  const absl::StatusOr<TransferId> id = CheckTransfer(Signed(transfer_), kChainId, kGenesisHash);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, ComputeTransferId(transfer_));
  EXPECT_EQ(*id, Blake2b256(SigningBytes(transfer_)));
}

struct Mutation {
  std::string name;
  // Edits the transfer before signing (re-signed with the sender's key).
  std::function<void(v1::Transfer&)> edit_fields;
  // Edits the signed transfer after signing.
  std::function<void(v1::SignedTransfer&)> edit_signed;
  std::string expected_reason;
};

// Each refusal reason is produced by the mutation that should produce it,
// even when the mutated transfer carries a valid signature; and
// CheckTransferFields refuses all of them but the failed verification.
TEST_F(CheckTransferTest, EachReasonFromItsMutation) {
  const SigningKey& stranger = stranger_;
  const std::string recipient = ToString(recipient_.public_key());
  const std::vector<Mutation> mutations = {
      {"other chain", [](v1::Transfer& t) { t.set_chain_id("remit-testnet"); }, nullptr,
       "wrong_chain:"},
      {"empty chain", [](v1::Transfer& t) { t.set_chain_id(""); }, nullptr, "wrong_chain:"},
      {"chain prefix", [](v1::Transfer& t) { t.set_chain_id("remit-loca"); }, nullptr,
       "wrong_chain:"},
      {"other genesis, same chain id",
       [](v1::Transfer& t) { t.set_genesis_hash(std::string(kHashBytes, '\x01')); }, nullptr,
       "wrong_chain:"},
      {"genesis hash changed after signing", nullptr,
       [](v1::SignedTransfer& s) { (*s.mutable_transfer()->mutable_genesis_hash())[0] ^= 1; },
       "wrong_chain:"},
      {"no genesis hash", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->clear_genesis_hash(); }, "malformed:"},
      {"short genesis hash", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->mutable_genesis_hash()->pop_back(); },
       "malformed:"},
      {"no transfer", nullptr, [](v1::SignedTransfer& s) { s.clear_transfer(); }, "malformed:"},
      {"short sender", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->mutable_from()->pop_back(); },
       "malformed:"},
      {"empty sender", nullptr, [](v1::SignedTransfer& s) { s.mutable_transfer()->clear_from(); },
       "malformed:"},
      {"long recipient", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->mutable_to()->push_back('x'); },
       "malformed:"},
      {"empty recipient", nullptr, [](v1::SignedTransfer& s) { s.mutable_transfer()->clear_to(); },
       "malformed:"},
      {"empty asset", [](v1::Transfer& t) { t.set_asset(""); }, nullptr, "malformed:"},
      {"lower-case asset", [](v1::Transfer& t) { t.set_asset("usd"); }, nullptr, "malformed:"},
      {"asset with dash", [](v1::Transfer& t) { t.set_asset("US-D"); }, nullptr, "malformed:"},
      {"13-character asset", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_asset("ABCDEFGHIJKLM"); },
       "malformed:"},
      {"invalid UTF-8 memo", [](v1::Transfer& t) { t.set_memo("caf\xc3"); }, nullptr, "malformed:"},
      {"self transfer", [](v1::Transfer& t) { t.set_to(t.from()); }, nullptr, "self_transfer:"},
      {"zero amount", [](v1::Transfer& t) { t.set_amount_minor(0); }, nullptr, "bad_amount:"},
      {"amount 2^63", [](v1::Transfer& t) { t.set_amount_minor(uint64_t{1} << 63); }, nullptr,
       "bad_amount:"},
      {"amount 2^64-1", [](v1::Transfer& t) { t.set_amount_minor(UINT64_MAX); }, nullptr,
       "bad_amount:"},
      {"fee 2^63", [](v1::Transfer& t) { t.set_fee_minor(uint64_t{1} << 63); }, nullptr,
       "bad_amount:"},
      {"memo 141 bytes", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_memo(std::string(141, 'm')); },
       "memo_too_long:"},
      {"memo 47 euro signs", nullptr,
       [](v1::SignedTransfer& s) {
         std::string memo;
         for (int i = 0; i < 47; ++i) memo += "\xe2\x82\xac";
         s.mutable_transfer()->set_memo(memo);
       },
       "memo_too_long:"},
      {"flipped signature bit", nullptr,
       [](v1::SignedTransfer& s) { (*s.mutable_signature())[10] ^= 0x04; }, "bad_signature:"},
      {"short signature", nullptr, [](v1::SignedTransfer& s) { s.mutable_signature()->pop_back(); },
       "bad_signature:"},
      {"no signature", nullptr, [](v1::SignedTransfer& s) { s.clear_signature(); },
       "bad_signature:"},
      {"signed by a stranger", nullptr,
       [&stranger](v1::SignedTransfer& s) {
         s.set_signature(ToString(stranger.Sign(SigningBytes(s.transfer()))));
       },
       "bad_signature:"},
      {"amount raised after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_amount_minor(125000); },
       "bad_signature:"},
      {"recipient changed after signing", nullptr,
       [](v1::SignedTransfer& s) {
         s.mutable_transfer()->set_to(std::string(kPublicKeyBytes, '\x42'));
       },
       "bad_signature:"},
      {"sequence changed after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_sequence(4); }, "bad_signature:"},
      {"expiry extended after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_expiry_unix_ms(UINT64_MAX); },
       "bad_signature:"},
      {"memo changed after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_memo("rend"); }, "bad_signature:"},
      {"fee added after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_fee_minor(1); }, "bad_signature:"},
      {"asset changed after signing", nullptr,
       [](v1::SignedTransfer& s) { s.mutable_transfer()->set_asset("EUR"); }, "bad_signature:"},
      {"sender swapped after signing", nullptr,
       [&recipient](v1::SignedTransfer& s) {
         std::string from = s.transfer().from();
         s.mutable_transfer()->set_from(recipient);
         s.mutable_transfer()->set_to(from);
       },
       "bad_signature:"},
  };
  for (const Mutation& mutation : mutations) {
    SCOPED_TRACE(mutation.name);
    v1::Transfer transfer = transfer_;
    if (mutation.edit_fields) mutation.edit_fields(transfer);
    v1::SignedTransfer signed_transfer = Signed(transfer);
    if (mutation.edit_signed) mutation.edit_signed(signed_transfer);
    const absl::StatusOr<TransferId> id = CheckTransfer(signed_transfer, kChainId, kGenesisHash);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(id.status().message()), StartsWith(mutation.expected_reason));
    // CheckTransferFields refuses the same, except a well-sized signature
    // that does not verify: that one check is all it leaves out.
    const absl::Status fields = CheckTransferFields(signed_transfer, kChainId, kGenesisHash);
    if (mutation.expected_reason == "bad_signature:" &&
        signed_transfer.signature().size() == kSignatureBytes) {
      EXPECT_TRUE(fields.ok()) << fields;
    } else {
      EXPECT_THAT(std::string(fields.message()), StartsWith(mutation.expected_reason));
    }
  }
}

// The wrong_chain message names both chains, so an operator can tell which
// network the client is pointed at.
TEST_F(CheckTransferTest, WrongChainMessageNamesBothChains) {
  v1::Transfer transfer = transfer_;
  transfer.set_chain_id("remit-testnet");
  const absl::StatusOr<TransferId> id = CheckTransfer(Signed(transfer), kChainId, kGenesisHash);
  ASSERT_FALSE(id.ok());
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("remit-testnet"));
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("remit-local"));
}

// Issue 12's finding: two chains that reuse a chain id must not accept each
// other's transfers. A transfer signed for one genesis is refused by a chain
// with the same id and another genesis, naming both genesis hashes, and
// passes on its own chain.
TEST_F(CheckTransferTest, TransferOfAnotherChainWithTheSameIdIsRefused) {
  Hash32 other_genesis = kGenesisHash;
  other_genesis[0] ^= 0xff;
  const v1::SignedTransfer signed_transfer = Signed(transfer_);
  const absl::StatusOr<TransferId> refused =
      CheckTransfer(signed_transfer, kChainId, other_genesis);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), StartsWith("wrong_chain:"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr(ToHex(kGenesisHash)));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr(ToHex(other_genesis)));
  EXPECT_FALSE(CheckTransferFields(signed_transfer, kChainId, other_genesis).ok());
  EXPECT_TRUE(CheckTransfer(signed_transfer, kChainId, kGenesisHash).ok());
}

// VerifyTransferSignature (the precheck that warms the verification memo)
// checks the signature and field sizes only: a transfer properly signed for
// another chain passes it (CheckTransfer refuses that), anything edited after
// signing or mis-sized fails it.
TEST_F(CheckTransferTest, VerifyTransferSignatureChecksOnlyTheSignature) {
  EXPECT_TRUE(VerifyTransferSignature(Signed(transfer_)));
  v1::Transfer other_chain = transfer_;
  other_chain.set_chain_id("remit-other");
  other_chain.set_genesis_hash(std::string(kHashBytes, '\x07'));
  EXPECT_TRUE(VerifyTransferSignature(Signed(other_chain)));
  v1::SignedTransfer edited = Signed(transfer_);
  edited.mutable_transfer()->set_amount_minor(1251);
  EXPECT_FALSE(VerifyTransferSignature(edited));
  v1::SignedTransfer short_hash = Signed(transfer_);
  short_hash.mutable_transfer()->mutable_genesis_hash()->pop_back();
  EXPECT_FALSE(VerifyTransferSignature(short_hash));
  EXPECT_FALSE(VerifyTransferSignature(v1::SignedTransfer()));
}

// Invalid UTF-8 in a memo is refused as malformed: overlong forms,
// surrogates, truncated sequences, stray continuation bytes, bytes that never
// occur in UTF-8, and code points above U+10FFFF.
TEST_F(CheckTransferTest, RefusesInvalidUtf8Memos) {
  const std::string invalid[] = {
      "\xc0\xaf",                  // overlong '/'
      "\xc1\xbf",                  // overlong U+007F
      "\xe0\x80\xaf",              // overlong '/' in three bytes
      "\xe0\x9f\xbf",              // overlong U+07FF
      "\xf0\x80\x80\xaf",          // overlong '/' in four bytes
      "\xf0\x8f\xbf\xbf",          // overlong U+FFFF
      "\xed\xa0\x80",              // surrogate U+D800
      "\xed\xbf\xbf",              // surrogate U+DFFF
      "\xed\xa0\xbd\xed\xb8\x80",  // CESU-8 surrogate pair
      "\xc2",                      // truncated two-byte sequence at the end
      "\xe2\x82",                  // truncated euro sign
      "\xf0\x9f\x87",              // truncated four-byte sequence
      "abc\xe2\x82",               // truncated after ASCII
      "\xe2\x82"
      "A",     // truncated then ASCII
      "\x80",  // lone continuation byte
      "a\xbf"
      "b",                     // continuation byte between ASCII
      "\xfe",                  // never valid
      "\xff",                  // never valid
      "\xf8\x88\x80\x80\x80",  // five-byte form
      "\xf4\x90\x80\x80",      // U+110000
      "\xf5\x80\x80\x80",      // lead byte above U+10FFFF
  };
  for (const std::string& memo : invalid) {
    SCOPED_TRACE(ToHex(memo));
    EXPECT_FALSE(IsValidUtf8(memo));
    v1::Transfer transfer = transfer_;
    transfer.set_memo(memo);
    const absl::StatusOr<TransferId> id = CheckTransfer(Signed(transfer), kChainId, kGenesisHash);
    ASSERT_FALSE(id.ok());
    EXPECT_THAT(std::string(id.status().message()), StartsWith("malformed:"));
    EXPECT_THAT(std::string(id.status().message()), HasSubstr("UTF-8"));
  }
}

// Valid UTF-8 memos pass, including the boundary code points of each
// encoded length, NUL, and a multi-byte memo of exactly 140 bytes.
TEST_F(CheckTransferTest, AcceptsValidUtf8Memos) {
  std::string euros;
  for (int i = 0; i < 46; ++i) euros += "\xe2\x82\xac";
  euros += "!!";
  ASSERT_EQ(euros.size(), kMemoBytesMax);
  const std::string valid[] = {
      "",
      std::string("\0", 1),
      "\x7f",
      "\xc2\x80",          // U+0080
      "\xdf\xbf",          // U+07FF
      "\xe0\xa0\x80",      // U+0800
      "\xed\x9f\xbf",      // U+D7FF, just below the surrogates
      "\xee\x80\x80",      // U+E000, just above them
      "\xef\xbf\xbf",      // U+FFFF
      "\xf0\x90\x80\x80",  // U+10000
      "\xf4\x8f\xbf\xbf",  // U+10FFFF
      "Renta de marzo \xe2\x80\x93 \xc2\xa1gracias! \xf0\x9f\x87\xb2\xf0\x9f\x87\xbd",
      std::string(kMemoBytesMax, 'a'),
      euros,
  };
  for (const std::string& memo : valid) {
    SCOPED_TRACE(ToHex(memo));
    EXPECT_TRUE(IsValidUtf8(memo));
    v1::Transfer transfer = transfer_;
    transfer.set_memo(memo);
    const absl::StatusOr<TransferId> id = CheckTransfer(Signed(transfer), kChainId, kGenesisHash);
    EXPECT_TRUE(id.ok()) << id.status();
  }
}

// Amounts and fees at their largest allowed values pass the stateless check
// (whether amount + fee fits is the executor's concern).
TEST_F(CheckTransferTest, AcceptsLargestAmountAndFee) {
  v1::Transfer transfer = transfer_;
  transfer.set_amount_minor(uint64_t{INT64_MAX});
  transfer.set_fee_minor(uint64_t{INT64_MAX});
  EXPECT_TRUE(CheckTransfer(Signed(transfer), kChainId, kGenesisHash).ok());
  transfer.set_amount_minor(1);
  transfer.set_fee_minor(0);
  EXPECT_TRUE(CheckTransfer(Signed(transfer), kChainId, kGenesisHash).ok());
}

// Asset codes are 1 to 12 characters of A-Z and 0-9, nothing else.
TEST(AssetCodeTest, AcceptsOnlyUpperCaseAlphanumericUpTo12) {
  for (std::string_view code : {"USD", "K", "X1", "ABCDEFGH1234", "0", "USDC2"}) {
    EXPECT_TRUE(IsValidAssetCode(code)) << code;
  }
  for (std::string_view code : {"", "usd", "Usd", "US D", "US-D", "US_D", "ABCDEFGH12345",
                                "\xc3\x9c"
                                "SD",
                                "USD\n"}) {
    EXPECT_FALSE(IsValidAssetCode(code)) << code;
  }
}

// Changing any one signed field changes the signing bytes and the id, and
// the id never depends on the signature.
TEST_F(CheckTransferTest, EveryFieldIsCoveredByTheId) {
  const TransferId base = ComputeTransferId(transfer_);
  const std::vector<std::function<void(v1::Transfer&)>> edits = {
      [](v1::Transfer& t) { t.set_chain_id("remit-locaL"); },
      [](v1::Transfer& t) { (*t.mutable_genesis_hash())[31] ^= 1; },
      [this](v1::Transfer& t) { t.set_from(ToString(stranger_.public_key())); },
      [this](v1::Transfer& t) { t.set_to(ToString(stranger_.public_key())); },
      [](v1::Transfer& t) { t.set_asset("USE"); },
      [](v1::Transfer& t) { t.set_amount_minor(1251); },
      [](v1::Transfer& t) { t.set_sequence(4); },
      [](v1::Transfer& t) { t.set_expiry_unix_ms(1767225600001); },
      [](v1::Transfer& t) { t.set_memo("rent "); },
      [](v1::Transfer& t) { t.set_fee_minor(1); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    v1::Transfer transfer = transfer_;
    edits[i](transfer);
    EXPECT_NE(ComputeTransferId(transfer), base) << "field edit " << i;
  }
  // Moving a byte between adjacent variable-length fields changes the bytes.
  v1::Transfer shifted = transfer_;
  shifted.set_memo("ren");
  shifted.set_fee_minor(0);
  EXPECT_NE(SigningBytes(shifted), SigningBytes(transfer_));
  EXPECT_THAT(SigningBytes(transfer_), StartsWith(kTransferDomain));
}

}  // namespace
}  // namespace remit
