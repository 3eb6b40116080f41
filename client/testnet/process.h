// Background processes for a local testnet: start detached, check liveness,
// stop. POSIX only (Linux: liveness reads /proc).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::testnet {

// Most bytes TailFile reads from the end of a file.
inline constexpr uint64_t kTailBytesMax = 64 * 1024;

// Starts argv[0] (a path) with `argv` in a new session, so that it outlives
// the caller and ignores the caller's terminal: stdin from /dev/null, stdout
// and stderr appended to `log_path`, default signal dispositions, no signals
// blocked, no inherited descriptors beyond those three (callers open theirs
// O_CLOEXEC). Returns its pid; UNAVAILABLE if it could not be started.
absl::StatusOr<pid_t> SpawnDetached(const std::vector<std::string>& argv,
                                    const std::string& log_path);

// True if `pid` is a running process. A zombie counts as dead; a child of
// the caller that exited is reaped.
bool IsProcessAlive(pid_t pid);

// The process's argv, or empty if it is gone or unreadable.
std::vector<std::string> ProcessCommandLine(pid_t pid);

// Waits until `pid` is dead, polling, for at most timeout_ms. True if dead.
bool WaitForExit(pid_t pid, uint64_t timeout_ms);

// SIGTERM, then SIGKILL if still alive after grace_ms, then waits.
// Returns true if SIGKILL was needed. UNAVAILABLE if it survives even that.
absl::StatusOr<bool> StopProcess(pid_t pid, uint64_t grace_ms);
// SIGKILL and wait until gone. UNAVAILABLE if it does not die.
absl::Status KillProcess(pid_t pid);

// The pid written by WritePidFile; NOT_FOUND if the file is missing,
// INVALID_ARGUMENT if it does not hold a positive number.
absl::StatusOr<pid_t> ReadPidFile(const std::string& path);
absl::Status WritePidFile(const std::string& path, pid_t pid);

// The last `lines` lines of a text file (at most kTailBytesMax bytes), or ""
// if it cannot be read.
std::string TailFile(const std::string& path, uint32_t lines);

}  // namespace remit::testnet
