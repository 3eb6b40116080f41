#include "client/bot/local_prosody.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "client/testnet/port.h"
#include "client/testnet/process.h"
#include "ledger/check.h"
#include "ledger/strings.h"

extern char** environ;

namespace remit::bot {
namespace {

constexpr uint64_t kPollMs = 50;
constexpr uint32_t kLogTailLines = 15;

std::string CertificatePath(const std::string& dir, const std::string& host) {
  return StrCat(dir, "/certs/", host, ".crt");
}
std::string KeyPath(const std::string& dir, const std::string& host) {
  return StrCat(dir, "/certs/", host, ".key");
}

std::string Config(const std::string& dir, const std::vector<std::string>& hosts, uint32_t port) {
  std::string config =
      StrCat("-- Written by remit (client/bot/local_prosody.cc): a private server on loopback.\n",
             "pidfile = \"", dir, "/prosody.pid\"\n", "data_path = \"", dir, "/data\"\n",
             "certificates = \"", dir, "/certs\"\n", "daemonize = false\n",
             "interfaces = { \"127.0.0.1\" }\n", "local_interfaces = { \"127.0.0.1\" }\n",
             "c2s_ports = { ", port, " }\n", "c2s_direct_tls_ports = { }\n", "s2s_ports = { }\n",
             "http_ports = { }\n", "https_ports = { }\n", "c2s_require_encryption = true\n",
             "network_settings = { nagle = false }\n", "authentication = \"internal_hashed\"\n",
             "modules_enabled = { \"roster\"; \"saslauth\"; \"tls\"; \"disco\"; \"ping\"; "
             "\"offline\"; \"posix\"; \"private\"; \"vcard_legacy\" }\n",
             "modules_disabled = { \"s2s\" }\n", "log = { info = \"", dir, "/prosody.log\" }\n");
  if (::geteuid() == 0)
    config += "prosody_user = \"root\"\nprosody_group = \"root\"\nrun_as_root = true\n";
  for (const std::string& host : hosts) {
    config += StrCat("VirtualHost \"", host, "\"\n", "  ssl = { certificate = \"",
                     CertificatePath(dir, host), "\"; key = \"", KeyPath(dir, host), "\"; }\n");
  }
  return config;
}

bool ValidHost(const std::string& host) {
  return !host.empty() && host.find_first_of("/\"\\ ") == std::string::npos;
}

// Runs argv to completion, its standard output to `stdout_path` (or
// /dev/null); its exit code, or -1.
int RunAndWait(const std::vector<std::string>& args, const std::string& stdout_path = "/dev/null") {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

absl::StatusOr<LocalProsody> LocalProsody::Create(const std::string& dir, const std::string& host,
                                                  uint32_t c2s_port,
                                                  const std::vector<std::string>& other_hosts) {
  REMIT_CHECK(c2s_port > 0 && c2s_port <= 65535);
  std::vector<std::string> hosts = {host};
  hosts.insert(hosts.end(), other_hosts.begin(), other_hosts.end());
  for (const std::string& each : hosts) REMIT_CHECK(ValidHost(each));
  std::error_code error;
  std::filesystem::create_directories(dir + "/data", error);
  if (!error) std::filesystem::create_directories(dir + "/certs", error);
  if (error) return absl::InternalError(StrCat("cannot create ", dir, ": ", error.message()));
  // The key is written here: nobody else may look into the directory.
  std::filesystem::permissions(dir + "/certs", std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  if (error) return absl::InternalError(StrCat("cannot restrict ", dir, "/certs"));
  LocalProsody prosody(dir, host, c2s_port);
  for (const std::string& each : hosts) RETURN_IF_ERROR(prosody.MakeCertificate(each));
  std::ofstream out(prosody.config_path_, std::ios::trunc);
  out << Config(dir, hosts, c2s_port);
  if (!out.flush()) return absl::InternalError(StrCat("cannot write ", prosody.config_path_));
  return prosody;
}

LocalProsody::LocalProsody(std::string dir, const std::string& host, uint32_t port)
    : dir_(std::move(dir)),
      config_path_(dir_ + "/prosody.cfg.lua"),
      certificate_path_(CertificatePath(dir_, host)),
      port_(port) {}

absl::Status LocalProsody::MakeCertificate(const std::string& host) const {
  const std::string certificate = CertificatePath(dir_, host);
  const std::string key = KeyPath(dir_, host);
  const bool valid = std::filesystem::exists(key) &&
                     RunAndWait({"openssl", "x509", "-in", certificate, "-noout", "-checkend",
                                 StrCat(kProsodyCertificateRenewSeconds)}) == 0;
  if (valid) return absl::OkStatus();
  const int rc = RunAndWait(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-sha256", "-days", StrCat(kProsodyCertificateDays), "-subj", StrCat("/CN=", host),
       "-addext", StrCat("subjectAltName=DNS:", host), "-keyout", key, "-out", certificate});
  if (rc != 0) {
    return absl::UnavailableError(StrCat("openssl could not make a certificate for ", host,
                                         " (exit ", rc,
                                         "); is openssl installed? (scripts/install-deps)"));
  }
  std::error_code error;
  std::filesystem::permissions(
      key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace, error);
  if (error) return absl::InternalError(StrCat("cannot restrict ", key));
  return absl::OkStatus();
}

absl::StatusOr<std::string> LocalProsody::CertificateFingerprint(const std::string& digest) const {
  REMIT_CHECK(digest == "sha256" || digest == "sha1");
  const std::string out_path = StrCat(dir_, "/certs/fingerprint-", digest, ".txt");
  const int rc = RunAndWait(
      {"openssl", "x509", "-in", certificate_path_, "-noout", "-fingerprint", "-" + digest},
      out_path);
  std::ifstream in(out_path);
  std::string line;
  std::getline(in, line);
  const size_t equals = line.find('=');
  if (rc != 0 || equals == std::string::npos) {
    return absl::UnavailableError(StrCat("openssl cannot read ", certificate_path_));
  }
  return line.substr(equals + 1);
}

absl::Status LocalProsody::Register(const std::string& user, const std::string& password) const {
  const size_t at = user.find('@');
  if (at == std::string::npos) return absl::InvalidArgumentError("user must be NAME@HOST");
  const int rc = RunAndWait({"prosodyctl", "--config", config_path_, "register", user.substr(0, at),
                             user.substr(at + 1), password});
  if (rc != 0) {
    return absl::UnavailableError(StrCat("prosodyctl register ", user, " failed (exit ", rc,
                                         "); is prosody installed? (scripts/install-deps)"));
  }
  return absl::OkStatus();
}

absl::Status LocalProsody::Start(uint64_t ready_timeout_ms) {
  if (!testnet::IsPortFree(port_)) {
    return absl::FailedPreconditionError(StrCat("port ", port_, " is taken"));
  }
  ASSIGN_OR_RETURN(pid_,
                   testnet::SpawnDetached({"/usr/bin/prosody", "--config", config_path_, "-F"},
                                          dir_ + "/prosody.out"));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(ready_timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!testnet::IsProcessAlive(pid_)) break;
    if (!testnet::IsPortFree(port_)) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
  return absl::UnavailableError(StrCat("prosody did not start on port ", port_, "; its log:\n",
                                       testnet::TailFile(dir_ + "/prosody.log", kLogTailLines),
                                       testnet::TailFile(dir_ + "/prosody.out", kLogTailLines)));
}

absl::Status LocalProsody::Stop() {
  if (pid_ == 0) {
    absl::StatusOr<pid_t> recorded = testnet::ReadPidFile(dir_ + "/prosody.pid");
    if (!recorded.ok()) return absl::OkStatus();
    pid_ = *recorded;
  }
  if (!testnet::IsProcessAlive(pid_)) return absl::OkStatus();
  absl::StatusOr<bool> killed = testnet::StopProcess(pid_, kProsodyStopGraceMsDefault);
  pid_ = 0;
  return killed.status();
}

absl::StatusOr<bool> LocalProsody::StopRecorded(const std::string& dir) {
  absl::StatusOr<pid_t> recorded = testnet::ReadPidFile(dir + "/prosody.pid");
  if (!recorded.ok() || !testnet::IsProcessAlive(*recorded)) return false;
  // Only the Prosody of this directory: a recycled pid is someone else's.
  bool ours = false;
  for (const std::string& arg : testnet::ProcessCommandLine(*recorded)) {
    ours = ours || arg == dir + "/prosody.cfg.lua";
  }
  if (!ours) return false;
  RETURN_IF_ERROR(testnet::StopProcess(*recorded, kProsodyStopGraceMsDefault).status());
  return true;
}

bool LocalProsody::Running() const {
  absl::StatusOr<pid_t> recorded = testnet::ReadPidFile(dir_ + "/prosody.pid");
  return recorded.ok() && testnet::IsProcessAlive(*recorded);
}

}  // namespace remit::bot
