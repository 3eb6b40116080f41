// CPU time of processes, to show how a run's CPU splits between the load
// generator and the validators (Linux: /proc/PID/stat).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace remit::bench {

// User plus system CPU time the process has used so far, in microseconds;
// nullopt if it is gone or unreadable.
std::optional<uint64_t> ProcessCpuUs(pid_t pid);

}  // namespace remit::bench
