#include "client/testnet/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "ledger/check.h"
#include "ledger/strings.h"

extern char** environ;

namespace remit::testnet {
namespace {

constexpr uint64_t kPollIntervalMs = 20;
// How long a SIGKILLed process may take to disappear.
constexpr uint64_t kKillWaitMs = 5'000;
constexpr size_t kArgvMax = 64;

absl::Status SpawnError(std::string_view program, std::string_view what, int error) {
  return absl::UnavailableError(
      StrCat("cannot start ", program, ": ", what, ": ", std::strerror(error)));
}

// Owns the posix_spawn attribute objects for one spawn.
class SpawnSetup {
 public:
  SpawnSetup() {
    REMIT_CHECK(posix_spawn_file_actions_init(&actions_) == 0);
    REMIT_CHECK(posix_spawnattr_init(&attributes_) == 0);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  int Configure(const std::string& log_path) {
    int error = posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (error == 0) {
      error = posix_spawn_file_actions_addopen(&actions_, STDOUT_FILENO, log_path.c_str(),
                                               O_WRONLY | O_CREAT | O_APPEND, 0644);
    }
    if (error == 0)
      error = posix_spawn_file_actions_adddup2(&actions_, STDOUT_FILENO, STDERR_FILENO);
    sigset_t defaults;
    sigset_t empty;
    sigfillset(&defaults);
    sigemptyset(&empty);
    if (error == 0) error = posix_spawnattr_setsigdefault(&attributes_, &defaults);
    if (error == 0) error = posix_spawnattr_setsigmask(&attributes_, &empty);
    const short flags = POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (error == 0) error = posix_spawnattr_setflags(&attributes_, flags);
    return error;
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attributes_;
};

// The state letter from /proc/PID/stat ('R', 'S', 'Z', ...), or 0 if gone.
char ProcessState(pid_t pid) {
  std::ifstream in(StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return 0;
  return stat[close + 2];
}

}  // namespace

absl::StatusOr<pid_t> SpawnDetached(const std::vector<std::string>& argv,
                                    const std::string& log_path) {
  REMIT_CHECK(!argv.empty());
  REMIT_CHECK(argv.size() <= kArgvMax);
  SpawnSetup setup;
  if (int error = setup.Configure(log_path); error != 0) {
    return SpawnError(argv[0], "cannot set up the process", error);
  }
  std::vector<char*> pointers;
  for (const std::string& arg : argv) pointers.push_back(const_cast<char*>(arg.c_str()));
  pointers.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0].c_str(), setup.actions(), setup.attributes(),
                                pointers.data(), environ);
  if (error != 0) return SpawnError(argv[0], StrCat("log ", log_path), error);
  REMIT_CHECK(pid > 0);
  return pid;
}

bool IsProcessAlive(pid_t pid) {
  REMIT_CHECK(pid > 0);
  int status = 0;
  const pid_t waited = ::waitpid(pid, &status, WNOHANG);
  if (waited == pid) return false;  // our child, exited: reaped now
  if (waited == 0) return true;     // our child, running
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  const char state = ProcessState(pid);
  return state != 0 && state != 'Z' && state != 'X';
}

std::vector<std::string> ProcessCommandLine(pid_t pid) {
  std::ifstream in(StrCat("/proc/", pid, "/cmdline"));
  std::vector<std::string> argv;
  std::string arg;
  while (std::getline(in, arg, '\0')) argv.push_back(arg);
  return argv;
}

bool WaitForExit(pid_t pid, uint64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (IsProcessAlive(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollIntervalMs));
  }
  return true;
}

absl::StatusOr<bool> StopProcess(pid_t pid, uint64_t grace_ms) {
  REMIT_CHECK(pid > 0);
  if (::kill(pid, SIGTERM) != 0 && errno == ESRCH) return false;
  if (WaitForExit(pid, grace_ms)) return false;
  RETURN_IF_ERROR(KillProcess(pid));
  return true;
}

absl::Status KillProcess(pid_t pid) {
  REMIT_CHECK(pid > 0);
  if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
    return absl::UnavailableError(StrCat("cannot kill process ", pid, ": ", std::strerror(errno)));
  }
  if (!WaitForExit(pid, kKillWaitMs)) {
    return absl::UnavailableError(
        StrCat("process ", pid, " survived SIGKILL for ", kKillWaitMs, " ms"));
  }
  return absl::OkStatus();
}

absl::StatusOr<pid_t> ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("no pid file ", path));
  std::string text;
  std::getline(in, text);
  int32_t pid = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (error != std::errc() || end != text.data() + text.size() || pid <= 0) {
    return absl::InvalidArgumentError(StrCat("pid file ", path, " does not hold a pid"));
  }
  return static_cast<pid_t>(pid);
}

absl::Status WritePidFile(const std::string& path, pid_t pid) {
  REMIT_CHECK(pid > 0);
  std::ofstream out(path, std::ios::trunc);
  out << pid << "\n";
  out.flush();
  if (!out) return absl::InternalError(StrCat("cannot write pid file ", path));
  return absl::OkStatus();
}

std::string TailFile(const std::string& path, uint32_t lines) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  const std::streamoff size = in.tellg();
  const std::streamoff start = size > static_cast<std::streamoff>(kTailBytesMax)
                                   ? size - static_cast<std::streamoff>(kTailBytesMax)
                                   : 0;
  in.seekg(start);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (lines == 0) return text;
  size_t position = text.size();
  if (position > 0 && text[position - 1] == '\n') --position;
  for (uint32_t found = 0; position > 0; --position) {
    if (text[position - 1] == '\n' && ++found == lines) break;
  }
  return text.substr(position);
}

}  // namespace remit::testnet
