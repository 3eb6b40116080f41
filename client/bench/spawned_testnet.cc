#include "client/bench/spawned_testnet.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "client/testnet/port.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

constexpr uint64_t kStopGraceMs = 5'000;

absl::StatusOr<uint32_t> FreeBasePort(uint32_t nodes) {
  const uint32_t offset = static_cast<uint32_t>(::getpid()) * 16 % kSpawnPortSpan;
  for (uint32_t tried = 0; tried < kSpawnPortSpan; tried += nodes) {
    const uint32_t base = kSpawnPortFirst + (offset + tried) % (kSpawnPortSpan - nodes);
    bool free = true;
    for (uint32_t i = 0; i < nodes && free; ++i) free = testnet::IsPortFree(base + i);
    if (free) return base;
  }
  return absl::FailedPreconditionError(StrCat("no ", nodes, " free ports in ", kSpawnPortFirst,
                                              "..", kSpawnPortFirst + kSpawnPortSpan,
                                              "; pass --spawn-base-port"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SpawnedTestnet>> SpawnedTestnet::Start(uint32_t nodes,
                                                                      uint32_t base_port) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/remit-bench-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(StrCat("cannot create a temporary directory ", pattern));
  }
  // From here on the destructor cleans up, whatever happens.
  std::unique_ptr<SpawnedTestnet> spawned(new SpawnedTestnet(pattern));
  testnet::UpOptions options;
  options.nodes = nodes;
  if (base_port != 0) {
    options.base_port = base_port;
  } else {
    ASSIGN_OR_RETURN(options.base_port, FreeBasePort(nodes));
  }
  RETURN_IF_ERROR(testnet::TestnetUp(spawned->dir_, options).status());
  return spawned;
}

SpawnedTestnet::~SpawnedTestnet() {
  (void)testnet::TestnetDown(dir_, kStopGraceMs);
  std::error_code error;
  std::filesystem::remove_all(dir_, error);
}

}  // namespace remit::bench
