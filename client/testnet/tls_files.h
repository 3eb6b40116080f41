// TLS material of a testnet made with `remit testnet up --tls`, written with
// the `openssl` command (OpenSSL 3):
//
//   DIR/tls/ca.key, DIR/tls/ca.crt   the testnet's own CA (P-256, self-signed)
//   DIR/nodeI/tls.key, tls.crt       node I's server certificate, signed by
//                                    the CA, for IP 127.0.0.1 and localhost
//   DIR/tls/openssl.log              what openssl said
//
// Private keys are 0600. Clients trust DIR/tls/ca.crt only (the manifest
// records that the testnet uses TLS; `--testnet DIR` picks the CA up).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace remit::testnet {

std::string TlsCaPath(const std::string& dir);
std::string TlsCaKeyPath(const std::string& dir);
std::string NodeTlsCertPath(const std::string& dir, uint32_t index);
std::string NodeTlsKeyPath(const std::string& dir, uint32_t index);

// Writes the CA and a certificate for each of nodes 0..nodes-1 (whose
// directories exist). NOT_FOUND if openssl is not installed (run
// scripts/install-deps); INTERNAL naming the step and the log otherwise.
absl::Status WriteTestnetTls(const std::string& dir, uint32_t nodes);

}  // namespace remit::testnet
