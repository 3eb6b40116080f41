// Signature checks of a consensus message done before it reaches the core,
// on a worker thread: every signature the core will verify (transfers in
// gossip, proposals and fetched blocks; proposals, votes, timeouts, QCs and
// TCs) is verified here, so that the core's own checks on the event loop are
// hits in the verification memo (ledger/crypto.h) and the loop does no
// signature work. Gossiped transfers whose signatures do not verify are
// removed (their chain binding is checked on admission).
//
// Results are advisory except for that removal: the core still checks
// everything, so a message that fails here fails there too. What the core
// would refuse unverified is not verified here either: transfers over the
// byte bound or with unknown fields, and certificate entries past the first
// signer that is not strictly increasing (a Byzantine validator could
// otherwise repeat one signer a thousand times to cost a thousand checks).
#pragma once

#include <cstdint>
#include <string_view>

#include "node/consensus/signing.h"
#include "node/consensus/validator_set.h"
#include "remit/v1/consensus.pb.h"

namespace remit {

// Returns how many gossiped transfers were removed.
uint32_t PrecheckMessage(v1::ConsensusMessage& message, const ValidatorSet& validators,
                         const SigningDomain& domain);

}  // namespace remit
