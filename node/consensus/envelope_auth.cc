#include "node/consensus/envelope_auth.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "ledger/check.h"
#include "ledger/encoding.h"
#include "ledger/strings.h"

namespace remit {
namespace {

constexpr std::string_view kEnvelopeDomain = "remit-envelope-v2";

std::string DeterministicBytes(const v1::ConsensusMessage& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    REMIT_CHECK(message.SerializeToCodedStream(&coded));
  }
  return bytes;
}

}  // namespace

Hash32 EnvelopeMessagesHash(const v1::ConsensusEnvelope& envelope) {
  Blake2bHasher hasher;
  std::string length;
  for (const v1::ConsensusMessage& message : envelope.messages()) {
    const std::string bytes = DeterministicBytes(message);
    length.clear();
    PutU64(length, bytes.size());
    hasher.Update(length);
    hasher.Update(bytes);
  }
  return hasher.Finish();
}

std::string EnvelopeSigningBytes(const SigningDomain& domain, uint32_t from, uint64_t sent_unix_ms,
                                 const Hash32& messages_hash) {
  std::string out(kEnvelopeDomain);
  PutDomain(out, domain);
  PutU32(out, from);
  PutU64(out, sent_unix_ms);
  out.append(AsBytes(messages_hash));
  return out;
}

void SignEnvelope(const SigningDomain& domain, const SigningKey& key, uint64_t now_unix_ms,
                  v1::ConsensusEnvelope& envelope) {
  envelope.set_sent_unix_ms(now_unix_ms);
  const Signature signature = key.Sign(
      EnvelopeSigningBytes(domain, envelope.from(), now_unix_ms, EnvelopeMessagesHash(envelope)));
  envelope.set_signature(ToString(signature));
  REMIT_CHECK(envelope.signature().size() == kSignatureBytes);
}

absl::Status CheckEnvelopeSender(const v1::ConsensusEnvelope& envelope,
                                 const ValidatorSet& validators, uint32_t self,
                                 uint64_t now_unix_ms, uint64_t skew_ms_max) {
  if (envelope.from() >= validators.size() || envelope.from() == self) {
    return absl::UnauthenticatedError(StrCat("validator index ", envelope.from(),
                                             " is not another validator of this chain; only "
                                             "genesis validators may call the validator API"));
  }
  const uint64_t sent = envelope.sent_unix_ms();
  const uint64_t skew_ms = sent > now_unix_ms ? sent - now_unix_ms : now_unix_ms - sent;
  if (skew_ms > skew_ms_max) {
    return absl::UnauthenticatedError(StrCat(
        "envelope from validator ", envelope.from(), " was sent at ", sent, " ms, ", skew_ms,
        " ms from this validator's clock (", now_unix_ms, " ms); beyond envelope_skew_ms_max (",
        skew_ms_max, " ms) it is refused as a replay: check both clocks (NTP)"));
  }
  return absl::OkStatus();
}

absl::Status VerifyEnvelopeSignature(const v1::ConsensusEnvelope& envelope,
                                     const ValidatorSet& validators, const SigningDomain& domain) {
  REMIT_CHECK(envelope.from() < validators.size());
  auto signature = ToArray<kSignatureBytes>(envelope.signature(), "envelope signature");
  if (!signature.ok()) {
    return absl::UnauthenticatedError(
        StrCat("envelope from validator ", envelope.from(), " carries no valid signature (",
               envelope.signature().size(), " bytes, expected ", kSignatureBytes, ")"));
  }
  const std::string signed_bytes = EnvelopeSigningBytes(
      domain, envelope.from(), envelope.sent_unix_ms(), EnvelopeMessagesHash(envelope));
  if (!VerifySignature(validators.key(envelope.from()), signed_bytes, *signature)) {
    return absl::UnauthenticatedError(StrCat(
        "envelope signature does not verify with validator ", envelope.from(),
        "'s genesis key: forged, altered on the way, or signed for another chain (another chain "
        "id or genesis)"));
  }
  return absl::OkStatus();
}

absl::Status AuthenticateEnvelope(const v1::ConsensusEnvelope& envelope,
                                  const ValidatorSet& validators, const SigningDomain& domain,
                                  uint32_t self, uint64_t now_unix_ms, uint64_t skew_ms_max) {
  RETURN_IF_ERROR(CheckEnvelopeSender(envelope, validators, self, now_unix_ms, skew_ms_max));
  return VerifyEnvelopeSignature(envelope, validators, domain);
}

}  // namespace remit
