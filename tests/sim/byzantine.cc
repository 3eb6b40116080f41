#include "tests/sim/byzantine.h"

#include <string>
#include <utility>

#include "ledger/block.h"
#include "ledger/operation.h"
#include "node/consensus/signing.h"

namespace remit::sim {
namespace {
constexpr size_t kReplayBufferMax = 64;
constexpr double kFloodChance = 0.05;
}  // namespace

Byzantine::Byzantine(const Genesis& genesis, const SigningKey& key, uint32_t index, uint64_t seed,
                     uint32_t modes)
    : domain_(SigningDomain::Of(genesis)),
      key_(key),
      index_(index),
      validators_(static_cast<uint32_t>(genesis.validators.size())),
      modes_(modes),
      rng_(seed) {}

void Byzantine::Resign(v1::Vote& vote) {
  vote.set_signature(ToString(key_.Sign(VoteSigningBytes(domain_, vote.vote_data()))));
}

void Byzantine::Reseal(v1::Proposal& proposal) {
  v1::Block& block = *proposal.mutable_block();
  block.mutable_header()->set_payload_hash(ToString(ComputePayloadHash(block)));
  const Hash32 hash = ComputeBlockHash(block.header());
  proposal.set_signature(ToString(key_.Sign(ProposalSigningBytes(domain_, hash))));
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

bool Byzantine::SwapSignature(v1::Proposal& proposal) {
  v1::Block& block = *proposal.mutable_block();
  if (block.transfers_size() == 0) return false;
  const int victim = static_cast<int>(rng_() % static_cast<uint64_t>(block.transfers_size()));
  v1::SignedTransfer& entry = *block.mutable_transfers(victim);
  const uint64_t how = rng_() % 3;
  if (how == 0) {
    entry.set_signature(std::string(kSignatureBytes, '\0'));
  } else if (how == 1 || block.transfers_size() == 1) {
    // A valid signature over the right bytes, by the wrong key.
    entry.set_signature(ToString(key_.Sign(SigningBytesOf(entry))));
  } else {
    entry.set_signature(block.transfers((victim + 1) % block.transfers_size()).signature());
  }
  Reseal(proposal);
  ++counters_.signatures_swapped;
  return true;
}

bool Byzantine::ReorderSequences(v1::Proposal& proposal) {
  v1::Block& block = *proposal.mutable_block();
  for (int i = 0; i < block.transfers_size(); ++i) {
    const OpHeader first = HeaderOf(block.transfers(i));
    for (int j = i + 1; j < block.transfers_size(); ++j) {
      const OpHeader later = HeaderOf(block.transfers(j));
      if (later.signer != first.signer || later.sequence <= first.sequence) continue;
      block.mutable_transfers()->SwapElements(i, j);
      Reseal(proposal);
      ++counters_.sequences_reordered;
      return true;
    }
  }
  return false;
}

void Byzantine::QcVariant(v1::QuorumCert& qc, uint32_t to) {
  const int signers = qc.signers_size();
  if (signers == 0) return;  // the genesis QC
  ++counters_.qc_variants;
  const uint32_t quorum = 2 * ((validators_ - 1) / 3) + 1;
  switch ((to + qc.vote_data().round()) % 3) {
    case 0:
      if (static_cast<uint32_t>(signers) > quorum) {
        // Still a valid QC, but not the signer set the block's header names.
        qc.mutable_signers()->RemoveLast();
        qc.mutable_signatures()->RemoveLast();
        return;
      }
      [[fallthrough]];
    case 1:
      qc.add_signers(qc.signers(signers - 1));  // a signer listed twice
      qc.add_signatures(qc.signatures(signers - 1));
      return;
    default:
      if (signers < 2) return;
      qc.mutable_signers()->SwapElements(0, 1);  // out of order
      qc.mutable_signatures()->SwapElements(0, 1);
      return;
  }
}

void Byzantine::Flood(const v1::ConsensusMessage& message, const ConsensusCore& core,
                      std::vector<v1::ConsensusMessage>& out) {
  ++counters_.floods;
  if (message.has_proposal()) {
    // Many validly signed blocks for one round.
    for (uint32_t i = 0; i < kFloodBurst; ++i) {
      v1::ConsensusMessage variant = message;
      v1::BlockHeader& header = *variant.mutable_proposal()->mutable_block()->mutable_header();
      header.set_timestamp_unix_ms(header.timestamp_unix_ms() + 2 + i);
      Reseal(*variant.mutable_proposal());
      out.push_back(std::move(variant));
    }
  } else if (message.has_vote()) {
    // Votes for many rounds ahead, each for a block nobody proposed.
    for (uint32_t i = 0; i < kFloodBurst; ++i) {
      v1::ConsensusMessage vote = ConflictingVote(message.vote());
      v1::VoteData& data = *vote.mutable_vote()->mutable_vote_data();
      data.set_round(core.round() + 1 + i);
      Resign(*vote.mutable_vote());
      out.push_back(std::move(vote));
    }
  } else {
    // SyncRequests for the whole chain, as fast as it can send them.
    for (uint32_t i = 0; i < kFloodBurst; ++i) {
      v1::ConsensusMessage request;
      request.mutable_sync_request()->set_from_height(0);
      request.mutable_sync_request()->set_count(UINT32_MAX);
      out.push_back(std::move(request));
    }
  }
}

void Byzantine::Classic(const v1::ConsensusMessage& message,
                        std::vector<v1::ConsensusMessage>& out) {
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
    if (block.transfers_size() > 0 && block.transfers(0).has_transfer()) {
      v1::Transfer& transfer = *block.mutable_transfers(0)->mutable_transfer();
      transfer.set_amount_minor(transfer.amount_minor() + 1);
      block.mutable_header()->set_payload_hash(ToString(ComputePayloadHash(block)));
      out.front() = std::move(tampered);  // sent instead of the honest answer
    }
  }
  if (!sent_.empty() && Chance(0.2)) {
    out.push_back(sent_[std::uniform_int_distribution<size_t>(0, sent_.size() - 1)(rng_)]);
  }
}

std::vector<v1::ConsensusMessage> Byzantine::Mutate(const v1::ConsensusMessage& message,
                                                    std::optional<uint32_t> /*to*/,
                                                    const ConsensusCore& core) {
  std::vector<v1::ConsensusMessage> out{message};
  if (message.has_proposal()) {
    // Sent instead of the honest block: a second block of the round would
    // only be dropped as equivocation.
    v1::Proposal& proposal = *out.front().mutable_proposal();
    const bool reordered =
        Has(kByzantineReorderSequences) && Chance(0.5) && ReorderSequences(proposal);
    if (!reordered && Has(kByzantineSwapSignature) && Chance(0.3)) (void)SwapSignature(proposal);
  }
  if (Has(kByzantineClassic)) Classic(message, out);
  if (Has(kByzantineFlood) && Chance(kFloodChance)) Flood(message, core, out);
  sent_.push_back(message);
  if (sent_.size() > kReplayBufferMax) sent_.pop_front();
  return out;
}

v1::ConsensusMessage Byzantine::ForPeer(const v1::ConsensusMessage& message, uint32_t to) {
  if (!message.has_proposal() || to % 2 == 0) return message;
  v1::ConsensusMessage variant = message;
  v1::Proposal& proposal = *variant.mutable_proposal();
  const bool qc_variant = Has(kByzantineQcVariants) &&
                          (!Has(kByzantineClassic) || proposal.block().header().round() % 2 == 0);
  if (qc_variant) {
    QcVariant(*proposal.mutable_qc(), to);
    return variant;
  }
  if (!Has(kByzantineClassic)) return message;
  // Equivocation: odd peers get a different, validly signed block.
  v1::BlockHeader& header = *proposal.mutable_block()->mutable_header();
  header.set_timestamp_unix_ms(header.timestamp_unix_ms() + 1);
  Reseal(proposal);
  return variant;
}

}  // namespace remit::sim
