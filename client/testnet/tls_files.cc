#include "client/testnet/tls_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <vector>

#include "client/testnet/manifest.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::testnet {
namespace {

constexpr char kDays[] = "3650";
constexpr int kExitNotFound = 127;

std::string TlsDir(const std::string& dir) { return dir + "/tls"; }
std::string OpensslLogPath(const std::string& dir) { return TlsDir(dir) + "/openssl.log"; }

// Runs `openssl args...` with its output appended to `log_path`; waits.
absl::Status RunOpenssl(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return absl::InternalError(StrCat("cannot open ", log_path));
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    ::execvp("openssl", raw.data());
    ::_exit(kExitNotFound);
  }
  ::close(log);
  if (pid < 0) return absl::InternalError("cannot fork to run openssl");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError("cannot wait for openssl");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNotFound) {
    return absl::NotFoundError(
        "'openssl' is not installed; run scripts/install-deps (or apt-get install openssl)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(StrCat("openssl ", args[0], " failed; see ", log_path));
  }
  return absl::OkStatus();
}

absl::Status WriteNodeCertificate(const std::string& dir, uint32_t index) {
  const std::string csr = NodeDir(dir, index) + "/tls.csr";
  const std::string extensions = NodeDir(dir, index) + "/tls.ext";
  {
    std::ofstream out(extensions, std::ios::trunc);
    out << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        << "basicConstraints=critical,CA:FALSE\n"
        << "keyUsage=critical,digitalSignature\n"
        << "extendedKeyUsage=serverAuth\n";
    if (!out) return absl::InternalError(StrCat("cannot write ", extensions));
  }
  const std::string log = OpensslLogPath(dir);
  RETURN_IF_ERROR(
      RunOpenssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-keyout", NodeTlsKeyPath(dir, index), "-out", csr, "-subj",
                  StrCat("/CN=remit testnet node ", index)},
                 log));
  RETURN_IF_ERROR(RunOpenssl({"x509", "-req", "-in", csr, "-CA", TlsCaPath(dir), "-CAkey",
                              TlsCaKeyPath(dir), "-set_serial", std::to_string(index + 1), "-days",
                              kDays, "-extfile", extensions, "-out", NodeTlsCertPath(dir, index)},
                             log));
  std::error_code error;
  std::filesystem::remove(csr, error);
  std::filesystem::remove(extensions, error);
  if (::chmod(NodeTlsKeyPath(dir, index).c_str(), 0600) != 0) {
    return absl::InternalError(StrCat("cannot chmod 0600 ", NodeTlsKeyPath(dir, index)));
  }
  return absl::OkStatus();
}

}  // namespace

std::string TlsCaPath(const std::string& dir) { return TlsDir(dir) + "/ca.crt"; }
std::string TlsCaKeyPath(const std::string& dir) { return TlsDir(dir) + "/ca.key"; }
std::string NodeTlsCertPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/tls.crt";
}
std::string NodeTlsKeyPath(const std::string& dir, uint32_t index) {
  return NodeDir(dir, index) + "/tls.key";
}

absl::Status WriteTestnetTls(const std::string& dir, uint32_t nodes) {
  REMIT_CHECK(nodes >= 1);
  std::error_code error;
  std::filesystem::create_directories(TlsDir(dir), error);
  if (error)
    return absl::InternalError(StrCat("cannot create ", TlsDir(dir), ": ", error.message()));
  RETURN_IF_ERROR(
      RunOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-keyout", TlsCaKeyPath(dir), "-out", TlsCaPath(dir), "-days", kDays,
                  "-subj", "/CN=remit testnet CA"},
                 OpensslLogPath(dir)));
  if (::chmod(TlsCaKeyPath(dir).c_str(), 0600) != 0) {
    return absl::InternalError(StrCat("cannot chmod 0600 ", TlsCaKeyPath(dir)));
  }
  for (uint32_t index = 0; index < nodes; ++index) {
    RETURN_IF_ERROR(WriteNodeCertificate(dir, index));
  }
  return absl::OkStatus();
}

}  // namespace remit::testnet
