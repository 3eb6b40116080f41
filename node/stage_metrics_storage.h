// StageSafetyStorage: the validator's SafetyStorage with StageMetrics told
// of each block the save writes: a block saved without its certificate was
// just executed, before this validator's proposal or vote on it leaves
// ("proposed"); one saved with it is certified. Everything else is the
// wrapped storage's (node/consensus/safety_storage.h): the save is durable
// before Save returns, and StageMetrics is told only after that.
#pragma once

#include "node/consensus/safety_storage.h"
#include "node/stage_metrics.h"

namespace remit {

class StageSafetyStorage final : public SafetyStorage {
 public:
  // Both must outlive this object.
  StageSafetyStorage(SafetyStorage& storage, StageMetrics& stages)
      : storage_(storage), stages_(stages) {}

  v1::SafetyData Load() override { return storage_.Load(); }
  void Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) override;

 private:
  SafetyStorage& storage_;
  StageMetrics& stages_;
};

}  // namespace remit
