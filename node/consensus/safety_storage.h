// Where a validator keeps its consensus safety data. Save must be durable
// (fsync) when it returns: a vote or timeout leaves the node only after the
// data that forbids contradicting it is on disk.
#pragma once

#include "remit/v1/consensus.pb.h"

namespace remit {

class SafetyStorage {
 public:
  virtual ~SafetyStorage() = default;
  // All zero for a validator that never voted.
  virtual v1::SafetyData Load() = 0;
  // Aborts if the data cannot be made durable: signing without it could
  // let a restarted validator equivocate.
  virtual void Save(const v1::SafetyData& data) = 0;
};

}  // namespace remit
