// The consensus signing vectors of docs/ENCODING.md section 9: the signing
// bytes of a vote, a timeout, a proposal and an envelope, and the
// signatures of the validator key of seed 0303...03, for the chain of
// section 7.3 (chain id "remit-local" and its genesis hash).
#include <gtest/gtest.h>

#include <map>

#include "ledger/crypto.h"
#include "ledger/strings.h"
#include "node/consensus/envelope_auth.h"
#include "node/consensus/signing.h"

namespace remit {
namespace {

Hash32 Filled(uint8_t byte) {
  Hash32 hash;
  hash.fill(byte);
  return hash;
}

SigningDomain Domain() {
  SigningDomain domain;
  domain.chain_id = "remit-local";
  const auto genesis_hash = ToArray<kHashBytes>(
      *FromHex("9978b9f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c"), "genesis hash");
  domain.genesis_hash = *genesis_hash;
  return domain;
}

SigningKey Validator() {
  Seed seed;
  seed.fill(3);
  return SigningKey::FromSeed(seed);
}

struct Vector {
  std::string name;
  std::string signing_bytes;
};

std::vector<Vector> Vectors() {
  const SigningDomain domain = Domain();
  v1::VoteData vote_data;
  vote_data.set_block_hash(ToString(Filled(0x11)));
  vote_data.set_round(2);
  vote_data.set_height(2);
  vote_data.set_parent_hash(ToString(Filled(0x22)));
  vote_data.set_parent_round(1);
  vote_data.set_state_hash(ToString(Filled(0x33)));
  return {{"vote", VoteSigningBytes(domain, vote_data)},
          {"timeout", TimeoutSigningBytes(domain, 3, 1)},
          {"proposal", ProposalSigningBytes(domain, Filled(0x11))},
          {"envelope", EnvelopeSigningBytes(domain, 0, 1'767'220'001'000, Filled(0x44))}};
}

TEST(ConsensusVectorsTest, SigningBytesAndSignaturesMatchTheDocs) {
  // From tests/node/vectors/gen_consensus_vectors.py (written from the
  // document, not from this code): name -> {signing bytes, signature}.
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"vote",
       {"72656d69742d766f74652d76320b72656d69742d6c6f63616c9978b9f6af6ed9"
        "44547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c11111111111111"
        "1111111111111111111111111111111111111111111111111100000000000000"
        "0200000000000000022222222222222222222222222222222222222222222222"
        "2222222222222222220000000000000001333333333333333333333333333333"
        "3333333333333333333333333333333333",
        "ab805d73ce6c052bd0462d884acdfed9a1bd5abc5186fbc0dde0ee20f87a63f8"
        "42b7e583c881b33693f793c0d26e3861a85ab28972dec7b1569cb26d1e87b502"}},
      {"timeout",
       {"72656d69742d74696d656f75742d76320b72656d69742d6c6f63616c9978b9f6"
        "af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c00000000"
        "000000030000000000000001",
        "7b8c59ff25b90bab3172145e68dad524fa03fb544babe72a1b18ba81edca0e42"
        "aea7877c800ae0cab6a396deabd6522b7c051ff1e696556219d8d040f44d700a"}},
      {"proposal",
       {"72656d69742d70726f706f73616c2d76320b72656d69742d6c6f63616c9978b9"
        "f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c111111"
        "1111111111111111111111111111111111111111111111111111111111",
        "5b2f95254ea88a8b117ef6cfa5205209382f60085cd2439c6009805ba5888e87"
        "ccf28b7c35b1310d7b2fc84bf60d130aafc55ab069a599b3889b6a79b0344700"}},
      {"envelope",
       {"72656d69742d656e76656c6f70652d76320b72656d69742d6c6f63616c9978b9"
        "f6af6ed944547c2788edc8482c6092b9a9fdf44b8a1f6ad5635b8b9d6c000000"
        "000000019b768538e84444444444444444444444444444444444444444444444"
        "444444444444444444",
        "9033fef08b8f2d760d19b07c53968627b30d0719940876cf1bb847ce14901c66"
        "c938ea29ef25be66342f5c098c798caaee7ffbf5a4af8d780531e40e8254d701"}},
  };
  const SigningKey key = Validator();
  for (const Vector& vector : Vectors()) {
    SCOPED_TRACE(vector.name);
    ASSERT_TRUE(expected.contains(vector.name));
    EXPECT_EQ(ToHex(vector.signing_bytes), expected.at(vector.name).first);
    EXPECT_EQ(ToHex(ToString(key.Sign(vector.signing_bytes))), expected.at(vector.name).second);
  }
}

}  // namespace
}  // namespace remit
