// LocalProsody: a private Prosody XMPP server on loopback for tests and
// `remit demo --xmpp` (docs/BOT.md, "Prosody"). Everything lives in one directory:
//
//   DIR/prosody.cfg.lua   the config: loopback only, one c2s port, no s2s,
//                         no HTTP; STARTTLS required on the c2s port;
//                         Nagle's algorithm off (network_settings), so a
//                         relayed chat message is not held for an ACK
//   DIR/certs/HOST.crt    a self-signed certificate for each virtual HOST (CN
//   DIR/certs/HOST.key    and subjectAltName), made once with `openssl`; the
//                         key is 0600 in a 0700 directory, unencrypted
//                         because Prosody reads it unattended (a loopback
//                         demo key)
//   DIR/data/             accounts and offline messages
//   DIR/prosody.log       the server's log
//   DIR/prosody.pid       its pid
//
// Started as root, Prosody would switch to the `prosody` user, who cannot
// reach a directory below a 0700 one such as /root or a mkdtemp directory;
// so as root the config keeps it root (prosody_user = "root",
// run_as_root = true). It listens on 127.0.0.1 only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace remit::bot {

inline constexpr uint64_t kProsodyReadyTimeoutMsDefault = 10'000;
inline constexpr uint64_t kProsodyStopGraceMsDefault = 3'000;
// The self-signed certificate's lifetime; a certificate within a day of its
// end is made again.
inline constexpr uint32_t kProsodyCertificateDays = 3650;
inline constexpr uint32_t kProsodyCertificateRenewSeconds = 24 * 60 * 60;

class LocalProsody {
 public:
  // Writes the config (replacing an old one) for `host`, and for each of
  // `other_hosts` as a virtual host of its own, on 127.0.0.1:c2s_port, and
  // makes each host's certificate unless a valid one is there. UNAVAILABLE
  // if `openssl` fails (is it installed? scripts/install-deps).
  static absl::StatusOr<LocalProsody> Create(const std::string& dir, const std::string& host,
                                             uint32_t c2s_port,
                                             const std::vector<std::string>& other_hosts = {});

  // prosodyctl register; replaces the password of an existing user.
  absl::Status Register(const std::string& user, const std::string& password) const;
  // Starts `prosody -F` in the background and waits until the port listens.
  // FAILED_PRECONDITION if the port is taken; UNAVAILABLE (with the end of
  // the log) if it did not come up.
  absl::Status Start(uint64_t ready_timeout_ms = kProsodyReadyTimeoutMsDefault);
  // SIGTERM, then SIGKILL. OK if not running.
  absl::Status Stop();
  // Stops the Prosody whose pid DIR/prosody.pid records, if it runs; true
  // if one was running. For `remit demo --stop`, which has no instance.
  static absl::StatusOr<bool> StopRecorded(const std::string& dir);
  // True if a Prosody recorded in DIR/prosody.pid is running.
  bool Running() const;
  // The certificate's fingerprint with `digest` ("sha256", "sha1") as
  // openssl prints it ("AB:CD:..."), for people to compare with what their
  // client shows.
  absl::StatusOr<std::string> CertificateFingerprint(const std::string& digest) const;

  const std::string& config_path() const { return config_path_; }
  const std::string& certificate_path() const { return certificate_path_; }
  uint32_t port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  LocalProsody(std::string dir, const std::string& host, uint32_t port);
  // Makes DIR/certs/HOST.crt and .key unless valid ones are there.
  absl::Status MakeCertificate(const std::string& host) const;

  std::string dir_;
  std::string config_path_;
  std::string certificate_path_;  // of the first host
  uint32_t port_;
  pid_t pid_ = 0;
};

}  // namespace remit::bot
