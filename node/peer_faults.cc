#include "node/peer_faults.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <fstream>

namespace remit {

PeerFaults::PeerFaults(std::string path) : path_(std::move(path)) {
  cut_mask_ = ReadMask();
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "remit-faults");
    Poll();
  });
}

PeerFaults::~PeerFaults() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t PeerFaults::ReadMask() const {
  std::ifstream in(path_);
  uint64_t mask = 0;
  int64_t peer = 0;
  while (in >> peer) {
    if (peer >= 0 && peer < 64) mask |= uint64_t{1} << peer;
  }
  return mask;
}

void PeerFaults::Poll() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(kPollMs), [this] { return stopping_; })) {
    const uint64_t mask = ReadMask();
    if (mask != cut_mask_.exchange(mask)) {
      spdlog::warn("fault injection: cut off from peers (bit mask) {:#x}", mask);
    }
  }
}

}  // namespace remit
