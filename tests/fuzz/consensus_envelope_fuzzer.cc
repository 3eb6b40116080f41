// Fuzzes what a peer actually sends a validator: a ConsensusEnvelope (the
// Consensus.Deliver request), several messages in order from one sender, so
// that sequences reach the core (a proposal then votes on it, a fetch
// answer then its QC, timeouts that add up to a TC). Same harness and
// invariants as consensus_fuzzer.cc, whose control byte this target shares,
// except that the sender is the envelope's `from`:
//   - the envelope is refused, as node/consensus_service.cc refuses it,
//     when `from` is not another validator or it holds too many messages;
//   - with bit 0 (or 1) every message is signed as `from` (one Byzantine
//     validator, within the fault model, unless bit 1 forges a quorum);
//   - after each message the clock moves by bits 2-3 and OnTick runs.
#include <cstdint>

#include "node/consensus_service.h"
#include "tests/fuzz/consensus_harness.h"
#include "tests/fuzz/quiet_logs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remit::fuzz;
  QuietLogs();
  if (size == 0) return 0;
  const uint8_t control = data[0];
  remit::v1::ConsensusEnvelope envelope;
  if (!envelope.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  const uint32_t from = envelope.from();
  if (from == kSelf || from >= kValidators) return 0;  // PERMISSION_DENIED
  if (static_cast<uint32_t>(envelope.messages_size()) > remit::kEnvelopeMessagesMax) return 0;
  FuzzedValidator validator;
  for (remit::v1::ConsensusMessage& message : *envelope.mutable_messages()) {
    validator.Prepare(control, from, message);
    validator.Deliver(from, std::move(message));
    validator.Tick(AdvanceMs(control));
  }
  validator.Tick(AdvanceMs(0));
  validator.CheckInvariants();
  return 0;
}
