// LocalProsody: a private Prosody XMPP server on loopback for tests and
// `remit demo --xmpp` (DESIGN §8). Everything lives in one directory:
//
//   DIR/prosody.cfg.lua   the config: loopback only, one c2s port, no s2s,
//                         no HTTP, no TLS required (SCRAM without TLS)
//   DIR/data/             accounts and offline messages
//   DIR/certs/            empty: no certificate, so no TLS is offered
//   DIR/prosody.log       the server's log
//   DIR/prosody.pid       its pid
//
// Started as root, Prosody would switch to the `prosody` user, who cannot
// reach a root-owned directory; so as root the config keeps it root
// (prosody_user = "root", run_as_root = true). Loopback only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace remit::bot {

inline constexpr uint64_t kProsodyReadyTimeoutMsDefault = 10'000;
inline constexpr uint64_t kProsodyStopGraceMsDefault = 3'000;

class LocalProsody {
 public:
  // Writes the config (replacing an old one) for `host` on 127.0.0.1:c2s_port.
  static absl::StatusOr<LocalProsody> Create(const std::string& dir, const std::string& host,
                                             uint32_t c2s_port);

  // prosodyctl register; replaces the password of an existing user.
  absl::Status Register(const std::string& user, const std::string& password) const;
  // Starts `prosody -F` in the background and waits until the port listens.
  // FAILED_PRECONDITION if the port is taken; UNAVAILABLE (with the end of
  // the log) if it did not come up.
  absl::Status Start(uint64_t ready_timeout_ms = kProsodyReadyTimeoutMsDefault);
  // SIGTERM, then SIGKILL. OK if not running.
  absl::Status Stop();
  // True if a Prosody recorded in DIR/prosody.pid is running.
  bool Running() const;

  const std::string& config_path() const { return config_path_; }
  uint32_t port() const { return port_; }
  pid_t pid() const { return pid_; }

 private:
  LocalProsody(std::string dir, uint32_t port);

  std::string dir_;
  std::string config_path_;
  uint32_t port_;
  pid_t pid_ = 0;
};

}  // namespace remit::bot
