// Consensus safety data in one small file, replaced atomically: written to a
// temporary file, fsynced, renamed over the old one, and the directory
// fsynced, so that after a crash the file holds the last saved data whole.
#pragma once

#include <string>

#include "node/consensus/safety_storage.h"

namespace remit {

class FileSafetyStorage final : public SafetyStorage {
 public:
  explicit FileSafetyStorage(std::string path) : path_(std::move(path)) {}

  // Aborts on a file that exists but does not parse: guessing could let the
  // validator sign twice in one round.
  v1::SafetyData Load() override;
  void Save(const v1::SafetyData& data) override;

 private:
  const std::string path_;
};

}  // namespace remit
