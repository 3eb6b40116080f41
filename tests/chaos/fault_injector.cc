#include "tests/chaos/fault_injector.h"

#include <signal.h>

#include <fstream>

#include "client/testnet/node_control.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::chaos {

FaultInjector::FaultInjector(testnet::TestnetManifest manifest, const FaultOptions& options)
    : manifest_(std::move(manifest)), options_(options), rng_(options.seed) {
  REMIT_CHECK(manifest_.nodes.size() >= 4);  // one fault at a time stays within f
  REMIT_CHECK(options_.gap_ms_min <= options_.gap_ms_max);
  REMIT_CHECK(options_.fault_ms_min <= options_.fault_ms_max);
}

FaultInjector::~FaultInjector() { Stop(); }

void FaultInjector::Start() {
  REMIT_CHECK(!thread_.joinable());
  thread_ = std::thread([this] { Run(); });
}

void FaultInjector::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

FaultCounts FaultInjector::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

std::vector<std::string> FaultInjector::problems() const {
  std::lock_guard lock(mu_);
  return problems_;
}

bool FaultInjector::Sleep(uint64_t ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

uint64_t FaultInjector::Uniform(uint64_t low, uint64_t high) {
  return std::uniform_int_distribution<uint64_t>(low, high)(rng_);
}

void FaultInjector::Problem(std::string what) {
  std::lock_guard lock(mu_);
  problems_.push_back(std::move(what));
}

void FaultInjector::CheckAlive() {
  for (const testnet::TestnetNode& node : manifest_.nodes) {
    if (!testnet::FindNodeProcess(manifest_, node.index).alive) {
      Problem(StrCat("validator ", node.index, " died without being killed; see ",
                     testnet::NodeLogPath(manifest_.dir, node.index)));
    }
  }
}

void FaultInjector::Run() {
  while (Sleep(Uniform(options_.gap_ms_min, options_.gap_ms_max))) {
    CheckAlive();
    const auto kind = static_cast<Kind>(Uniform(0, 2));
    const auto victim = static_cast<uint32_t>(Uniform(0, manifest_.nodes.size() - 1));
    Inject(kind, victim);
    Sleep(Uniform(options_.fault_ms_min, options_.fault_ms_max));  // heal even when stopping
    Heal(kind, victim);
  }
}

void FaultInjector::Inject(Kind kind, uint32_t victim) {
  switch (kind) {
    case Kind::kKill: {
      const auto stopped = testnet::TestnetStopNode(manifest_.dir, victim, /*kill=*/true, 0);
      if (!stopped.ok())
        Problem(StrCat("kill of validator ", victim, ": ", stopped.status().ToString()));
      break;
    }
    case Kind::kPause: {
      const testnet::NodeProcess process = testnet::FindNodeProcess(manifest_, victim);
      if (process.alive) ::kill(process.pid, SIGSTOP);
      break;
    }
    case Kind::kPartition:
      WriteCuts(victim, true);
      break;
  }
  std::lock_guard lock(mu_);
  ++(kind == Kind::kKill    ? counts_.kills
     : kind == Kind::kPause ? counts_.pauses
                            : counts_.partitions);
}

void FaultInjector::Heal(Kind kind, uint32_t victim) {
  switch (kind) {
    case Kind::kKill: {
      const auto up = testnet::TestnetUp(manifest_.dir, {.only_node = victim});
      if (!up.ok()) Problem(StrCat("restart of validator ", victim, ": ", up.status().ToString()));
      break;
    }
    case Kind::kPause: {
      const testnet::NodeProcess process = testnet::FindNodeProcess(manifest_, victim);
      if (process.alive) ::kill(process.pid, SIGCONT);
      break;
    }
    case Kind::kPartition:
      WriteCuts(victim, false);
      break;
  }
}

void FaultInjector::WriteCuts(uint32_t victim, bool cut) {
  for (const testnet::TestnetNode& node : manifest_.nodes) {
    std::ofstream out(testnet::NodeFaultPath(manifest_.dir, node.index), std::ios::trunc);
    if (!cut) continue;
    if (node.index == victim) {
      for (const testnet::TestnetNode& other : manifest_.nodes) {
        if (other.index != victim) out << other.index << '\n';
      }
    } else {
      out << victim << '\n';
    }
  }
}

}  // namespace remit::chaos
