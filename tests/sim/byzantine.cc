#include "tests/sim/byzantine.h"

#include "ledger/block.h"
#include "node/consensus/signing.h"

namespace remit::sim {
namespace {
constexpr size_t kReplayBufferMax = 64;
}  // namespace

Byzantine::Byzantine(const Genesis& genesis, const SigningKey& key, uint32_t index, uint64_t seed)
    : genesis_(genesis),
      domain_(SigningDomain::Of(genesis)),
      key_(key),
      index_(index),
      validators_(static_cast<uint32_t>(genesis.validators.size())),
      rng_(seed) {}

void Byzantine::Resign(v1::Vote& vote) {
  vote.set_signature(ToString(key_.Sign(VoteSigningBytes(domain_, vote.vote_data()))));
}

v1::ConsensusMessage Byzantine::ConflictingVote(const v1::Vote& vote) {
  v1::ConsensusMessage out;
  v1::Vote& conflicting = *out.mutable_vote();
  conflicting = vote;
  Hash32 random_hash;
  for (uint8_t& byte : random_hash) byte = static_cast<uint8_t>(rng_());
  if (Chance(0.5)) {
    conflicting.mutable_vote_data()->set_block_hash(ToString(random_hash));  // double vote
  } else {
    conflicting.mutable_vote_data()->set_state_hash(ToString(random_hash));  // a bad state
  }
  Resign(conflicting);
  return out;
}

std::vector<v1::ConsensusMessage> Byzantine::Mutate(const v1::ConsensusMessage& message,
                                                    std::optional<uint32_t> /*to*/,
                                                    const ConsensusCore& /*core*/) {
  std::vector<v1::ConsensusMessage> out{message};
  if (message.has_vote() && Chance(0.5)) out.push_back(ConflictingVote(message.vote()));
  if (Chance(0.1)) {
    // A forged signature: one flipped bit.
    v1::ConsensusMessage forged = message;
    std::string* signature = forged.has_vote()      ? forged.mutable_vote()->mutable_signature()
                             : forged.has_timeout() ? forged.mutable_timeout()->mutable_signature()
                             : forged.has_proposal()
                                 ? forged.mutable_proposal()->mutable_signature()
                                 : nullptr;
    if (signature != nullptr && !signature->empty()) {
      (*signature)[0] = static_cast<char>((*signature)[0] ^ 1);
      out.push_back(std::move(forged));
    }
  }
  if (Chance(0.1) && validators_ > 1) {
    // Claims to come from another validator.
    v1::ConsensusMessage impostor = message;
    const uint32_t other = (index_ + 1) % validators_;
    if (impostor.has_vote()) impostor.mutable_vote()->set_signer(other);
    if (impostor.has_timeout()) impostor.mutable_timeout()->set_signer(other);
    out.push_back(std::move(impostor));
  }
  if (message.has_block_response() && message.block_response().blocks_size() > 0 && Chance(0.5)) {
    // A fetched block with one transfer altered: its hash no longer matches its QC.
    v1::ConsensusMessage tampered = message;
    v1::Block& block = *tampered.mutable_block_response()->mutable_blocks(0)->mutable_block();
    if (block.transfers_size() > 0) {
      v1::Transfer& transfer = *block.mutable_transfers(0)->mutable_transfer();
      transfer.set_amount_minor(transfer.amount_minor() + 1);
      block.mutable_header()->set_payload_hash(ToString(ComputePayloadHash(block)));
      out.front() = std::move(tampered);  // sent instead of the honest answer
    }
  }
  if (!sent_.empty() && Chance(0.2)) {
    out.push_back(sent_[std::uniform_int_distribution<size_t>(0, sent_.size() - 1)(rng_)]);
  }
  sent_.push_back(message);
  if (sent_.size() > kReplayBufferMax) sent_.pop_front();
  return out;
}

v1::ConsensusMessage Byzantine::ForPeer(const v1::ConsensusMessage& message, uint32_t to) {
  if (!message.has_proposal() || to % 2 == 0) return message;
  // Equivocation: odd peers get a different, validly signed block.
  v1::ConsensusMessage variant = message;
  v1::Block& block = *variant.mutable_proposal()->mutable_block();
  block.mutable_header()->set_timestamp_unix_ms(block.header().timestamp_unix_ms() + 1);
  const Hash32 hash = ComputeBlockHash(block.header());
  variant.mutable_proposal()->set_signature(
      ToString(key_.Sign(ProposalSigningBytes(domain_, hash))));
  return variant;
}

}  // namespace remit::sim
