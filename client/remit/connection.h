// Which nodes a client command talks to: --node HOST:PORT (repeatable or a
// comma list), or --testnet DIR (its manifest's endpoints), else $REMIT_NODE,
// else 127.0.0.1:7100. Every call fails over between the endpoints.
// TLS: --tls-ca FILE trusts that CA and speaks only TLS; a TLS testnet's
// manifest names its CA, so --testnet DIR needs no flag.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/sdk/client.h"

namespace remit::cli {

inline constexpr char kDefaultEndpoint[] = "127.0.0.1:7100";
inline constexpr char kNodeEnv[] = "REMIT_NODE";

struct ConnectionFlags {
  std::vector<std::string> nodes;
  std::string testnet_dir;
  uint64_t timeout_ms = sdk::kCallTimeoutMsDefault;
  std::string tls_ca_file;
};

// Adds --node, --testnet, --timeout-ms and --tls-ca to `command`.
void AddConnectionFlags(CLI::App* command, ConnectionFlags* flags);

// The endpoints the flags name. Errors are bad input (exit 2): both --node
// and --testnet, a malformed endpoint, a directory that is not a testnet.
absl::StatusOr<std::vector<std::string>> ResolveEndpoints(const ConnectionFlags& flags);

// A client for ResolveEndpoints(flags). Does not contact any node yet.
absl::StatusOr<std::unique_ptr<sdk::RemitClient>> Connect(const ConnectionFlags& flags);

}  // namespace remit::cli
