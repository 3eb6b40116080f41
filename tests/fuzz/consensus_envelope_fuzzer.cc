// Fuzzes what a peer actually sends a validator: a ConsensusEnvelope (the
// Consensus.Deliver request), several messages in order from one sender, so
// that sequences reach the core (a proposal then votes on it, a fetch
// answer then its QC, timeouts that add up to a TC). Same harness and
// invariants as consensus_fuzzer.cc, whose control byte this target shares,
// except that the sender is the envelope's `from`:
//   - the envelope is authenticated first, as node/consensus_service.cc
//     does (node/consensus/envelope_auth.h), by the validator's clock and
//     remitd's default skew window; bit 4 (below) picks an honest signature
//     or an attack on it;
//   - it is refused, as the service refuses it, when it holds too many
//     messages;
//   - with bit 0 (or 1) every message is signed as `from` (one Byzantine
//     validator, within the fault model, unless bit 1 forges a quorum); the
//     envelope is signed over the messages as fuzzed, and those fix-ups stand
//     for what that sender would have signed;
//   - after each message the clock moves by bits 2-3 and OnTick runs.
// Envelope authentication, bits 4-6:
//   bit 4 clear  signed by validator `from`'s key at the validator's time,
//                as its transport signs: accepted unless `from` is no other
//                validator, and then the messages go on;
//   bit 4 set    an attack, by bits 5-6: 0 the envelope as fuzzed (its own
//                send time and signature: unsigned or forged), 1 signed by
//                the next validator's key, 2 signed and then a message
//                added, 3 signed with a send time beyond the skew window
//                (a replay). Each must be refused with UNAUTHENTICATED, and
//                nothing reaches the core.
#include <cstdint>

#include "ledger/check.h"
#include "node/consensus/envelope_auth.h"
#include "node/consensus_service.h"
#include "node/limits.h"
#include "tests/fuzz/consensus_harness.h"
#include "tests/fuzz/quiet_logs.h"

namespace remit::fuzz {
namespace {

constexpr uint8_t kEnvelopeAttack = 0x10;
const uint64_t kSkewMsMax = NodeLimits{}.envelope_skew_ms_max;

// The fuzzed chain's signing domain, computed once.
const SigningDomain& ChainDomain() {
  static const SigningDomain domain = SigningDomain::Of(FuzzChain::Get().genesis);
  return domain;
}

// Signs `envelope` as bits 4-6 ask. Returns false for an attack, which the
// receiver must refuse.
bool SignAsControlled(uint8_t control, uint64_t now_unix_ms, v1::ConsensusEnvelope& envelope) {
  const FuzzChain& chain = FuzzChain::Get();
  const SigningKey& own = chain.validators[envelope.from() % kValidators];
  const SigningKey& other = chain.validators[(envelope.from() + 1) % kValidators];
  const SigningDomain& domain = ChainDomain();
  if (!(control & kEnvelopeAttack)) {
    SignEnvelope(domain, own, now_unix_ms, envelope);
    return true;
  }
  switch ((control >> 5) & 3) {
    case 0:
      break;
    case 1:
      SignEnvelope(domain, other, now_unix_ms, envelope);
      break;
    case 2:
      SignEnvelope(domain, own, now_unix_ms, envelope);
      envelope.add_messages()->mutable_sync_request()->set_from_height(1);
      break;
    default:
      SignEnvelope(domain, own, now_unix_ms - kSkewMsMax - 1 - envelope.sent_unix_ms() % 1000,
                   envelope);
      break;
  }
  return false;
}

}  // namespace
}  // namespace remit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remit::fuzz;
  QuietLogs();
  if (size == 0) return 0;
  const uint8_t control = data[0];
  remit::v1::ConsensusEnvelope envelope;
  if (!envelope.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  FuzzedValidator validator;
  const FuzzChain& chain = FuzzChain::Get();
  const remit::ValidatorSet validators(chain.genesis);
  const uint64_t now_unix_ms = validator.NowUnixMs();
  const bool honest = SignAsControlled(control, now_unix_ms, envelope);
  // Over the wire: the receiver hashes its own serialization of what it parsed.
  const std::string wire = envelope.SerializeAsString();
  REMIT_CHECK(envelope.ParseFromString(wire));
  const absl::Status authentic = remit::AuthenticateEnvelope(envelope, validators, ChainDomain(),
                                                             kSelf, now_unix_ms, kSkewMsMax);
  const uint32_t from = envelope.from();
  const bool other_validator = from != kSelf && from < kValidators;
  // An honest signature passes exactly when the sender is another
  // validator; no attack passes.
  REMIT_CHECK(authentic.ok() == (honest && other_validator));
  if (!authentic.ok()) {
    REMIT_CHECK(authentic.code() == absl::StatusCode::kUnauthenticated);
    return 0;
  }
  if (static_cast<uint32_t>(envelope.messages_size()) > remit::kEnvelopeMessagesMax) return 0;
  for (remit::v1::ConsensusMessage& message : *envelope.mutable_messages()) {
    validator.Prepare(control, from, message);
    validator.Deliver(from, std::move(message));
    validator.Tick(AdvanceMs(control));
  }
  validator.Tick(AdvanceMs(0));
  validator.CheckInvariants();
  return 0;
}
