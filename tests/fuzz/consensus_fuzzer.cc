// Fuzzes consensus messages through the node's machine and its consensus
// core (node/node_machine.h, node/consensus/core.h), as validator 0 of a 4-validator chain with
// history (consensus_cluster.h): a message comes in from the validators the
// transport would let speak, through the consensus service's precheck
// (node/consensus/precheck.h), then the clock moves and OnTick runs.
// Gossiped transfers take the node's admission path (NodeMachine).
// Proves for every input:
//   - nothing crashes and no REMIT_CHECK trips, in the core, the block tree,
//     execution or the committed ledger;
//   - hostile input never makes validator 0 unsafe: its votes have strictly
//     increasing rounds above what it voted before the input, none follows
//     its own timeout of that round, and it signs at most one proposal per
//     round, as itself; everything it sends goes to another validator;
//   - committed state stays consistent: every asset sums to zero.
//
// Input: byte 0 is a control byte, the rest a serialized ConsensusMessage.
//   bit 0    Byzantine sender: the message is signed by the validator it
//            claims to come from (proposal: the round's leader as validator
//            0's leader election sees it; vote, timeout: the signer) when
//            that is validator 1, 2 or 3, and sent by it alone.
//            Placeholders in blocks are filled first: a 1-byte transfer
//            `from`/`to` names a user key, a 1-byte transfer signature is
//            replaced by the user's, a 1-byte proposer names a validator;
//            then the payload hash is recomputed. One Byzantine
//            validator is within the fault model (f = 1): any crash or
//            unsafe vote is a bug.
//   bit 1    Forged quorum: every QC and TC is re-signed by the signers it
//            lists, and each fetched block's QC is pointed at the block.
//            Beyond the fault model (it needs 3 keys); kept because it
//            reaches commit and catch-up paths, but a finding that needs it
//            is weighed as such.
//   bits 2-3 how far the clock moves before OnTick: 5 ms, 120 ms, 1 s, 30 s.
//   bit 4    deliver from the claimed sender only; otherwise from each of
//            validators 1..3 and from index 4, which is not a validator.
//   bits 5-7 the sender of messages that claim none (requests, responses,
//            sync info, transfers): validator 1 + (bits % 3).
// Messages are never delivered as from validator 0 itself: the transport
// (node/consensus_service.cc) refuses that.
#include <cstdint>
#include <vector>

#include "tests/fuzz/consensus_harness.h"
#include "tests/fuzz/quiet_logs.h"

namespace remit::fuzz {
namespace {

void Run(uint8_t control, v1::ConsensusMessage message) {
  FuzzedValidator validator;
  const uint32_t fallback = 1 + (control >> 5) % (kValidators - 1);
  uint32_t claimed = validator.ClaimedSender(message, fallback);
  if (claimed == kSelf) claimed = fallback;
  validator.Prepare(control, claimed, message);
  std::vector<uint32_t> senders;
  if (control & (kByzantine | kClaimedSenderOnly)) {
    senders.push_back(claimed);
  } else {
    for (uint32_t from = 1; from <= kNotAValidator; ++from) senders.push_back(from);
  }
  for (uint32_t from : senders) validator.Deliver(from, message);
  validator.Tick(AdvanceMs(control));
  validator.Tick(AdvanceMs(0));
  validator.CheckInvariants();
}

}  // namespace
}  // namespace remit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  remit::fuzz::QuietLogs();
  if (size == 0) return 0;
  remit::v1::ConsensusMessage message;
  if (!message.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  remit::fuzz::Run(data[0], std::move(message));
  return 0;
}
