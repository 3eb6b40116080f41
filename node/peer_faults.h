// Fault injection for chaos tests: per-peer drop rules read from a file, so
// that a test can cut a validator off from some of its peers (a partition)
// without touching the network. Enabled only by `fault_file` in node.toml.
//
// The file holds the indexes of the peers to cut off, separated by
// whitespace; a missing or empty file cuts none. It is read every
// kPollMs; messages to a cut peer are dropped and envelopes from it are
// refused, as a broken link would lose them. Peers 0..63.
//
// Thread safety: Cut may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace remit {

class PeerFaults {
 public:
  static constexpr uint64_t kPollMs = 100;

  explicit PeerFaults(std::string path);  // starts polling
  ~PeerFaults();

  bool Cut(uint32_t peer) const {
    return peer < 64 && (cut_mask_.load(std::memory_order_relaxed) >> peer & 1) != 0;
  }

 private:
  void Poll();
  uint64_t ReadMask() const;

  const std::string path_;
  std::atomic<uint64_t> cut_mask_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace remit
