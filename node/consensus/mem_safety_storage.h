// Safety storage in memory, for the simulator and fuzzers: what Save gets
// survives a simulated crash of the core that uses it, as synced data does.
#pragma once

#include <map>

#include "ledger/block.h"
#include "node/consensus/safety_storage.h"

namespace remit {

class MemSafetyStorage final : public SafetyStorage {
 public:
  v1::SafetyData Load() override {
    v1::SafetyData data = data_;
    for (const auto& [hash, block] : blocks_) *data.add_tree() = block;
    return data;
  }
  void Save(const v1::SafetyData& data, const SavedBlocksChange& blocks) override {
    data_ = data;
    data_.clear_tree();
    for (const Hash32& hash : blocks.erase) blocks_.erase(hash);
    for (const v1::CertifiedBlock& block : blocks.put) {
      blocks_[ComputeBlockHash(block.block().header())] = block;
    }
  }
  size_t blocks() const { return blocks_.size(); }

 private:
  v1::SafetyData data_;
  std::map<Hash32, v1::CertifiedBlock> blocks_;
};

}  // namespace remit
