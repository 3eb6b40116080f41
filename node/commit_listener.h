// Told of every committed block, on the event loop's thread, after the block
// is durable. Implementations must not block.
#pragma once

#include "ledger/state.h"

namespace remit {

class CommitListener {
 public:
  virtual ~CommitListener() = default;
  virtual void OnCommitted(const BlockEffects& effects) = 0;
};

}  // namespace remit
