// Authentication of the envelopes validators send each other
// (`remit.v1.Consensus/Deliver`). Proposals, votes and timeouts carry their
// own signatures, but block and sync requests, fetch answers and transfer
// gossip do not: the envelope's signature is what keeps everyone but the
// genesis validators off the validator API. The sender signs once per
// envelope, however many messages it holds:
//
//   envelope      = "remit-envelope-v2" || u8 len(chain_id) || chain_id ||
//                   genesis_hash[32] || u32 from || u64 sent_unix_ms ||
//                   messages_hash[32]
//   messages_hash = BLAKE2b-256 of, for each message in order,
//                   u64 len(bytes) || bytes
//                   (bytes: the message's deterministic protobuf serialization)
//
// Integers big-endian. The receiver hashes its own serialization of the
// messages it parsed, so both ends must encode alike (the same remitd).
//
// Replay bound: an envelope is accepted only within `skew_ms_max` of its
// `sent_unix_ms` by the receiver's clock. Within that window a captured
// envelope can be delivered again; consensus ignores duplicate messages,
// so a replay costs the receiver its checks and nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "ledger/crypto.h"
#include "ledger/types.h"
#include "node/consensus/signing.h"
#include "node/consensus/validator_set.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

Hash32 EnvelopeMessagesHash(const v1::ConsensusEnvelope& envelope);

std::string EnvelopeSigningBytes(const SigningDomain& domain, uint32_t from, uint64_t sent_unix_ms,
                                 const Hash32& messages_hash);

// Sets `from`'s send time to `now_unix_ms` and signs the envelope with `key`
// (the key of validator `envelope.from()`). Call after the last message is
// added: changing the messages afterwards breaks the signature.
void SignEnvelope(const SigningDomain& domain, const SigningKey& key, uint64_t now_unix_ms,
                  v1::ConsensusEnvelope& envelope);

// The checks that need no cryptography, done first: `from` is a validator of
// `validators` other than `self`, and `sent_unix_ms` is within
// `skew_ms_max` of `now_unix_ms` either way. UNAUTHENTICATED saying which
// failed otherwise.
absl::Status CheckEnvelopeSender(const v1::ConsensusEnvelope& envelope,
                                 const ValidatorSet& validators, uint32_t self,
                                 uint64_t now_unix_ms, uint64_t skew_ms_max);

// The signature, by the key genesis gives `from`, over the envelope's
// signing bytes. Precondition: CheckEnvelopeSender passed. UNAUTHENTICATED
// for a missing, malformed or wrong signature (forged, or the messages or
// send time changed after signing).
absl::Status VerifyEnvelopeSignature(const v1::ConsensusEnvelope& envelope,
                                     const ValidatorSet& validators, const SigningDomain& domain);

// CheckEnvelopeSender, then VerifyEnvelopeSignature.
absl::Status AuthenticateEnvelope(const v1::ConsensusEnvelope& envelope,
                                  const ValidatorSet& validators, const SigningDomain& domain,
                                  uint32_t self, uint64_t now_unix_ms, uint64_t skew_ms_max);

}  // namespace remit
