#include "client/remit/connection.h"

#include <cstdlib>

#include "client/remit/cli_error.h"
#include "client/sdk/endpoint.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

constexpr uint64_t kTimeoutMsMax = 3'600'000;

}  // namespace

void AddConnectionFlags(CLI::App* command, ConnectionFlags* flags) {
  command
      ->add_option("--node", flags->nodes,
                   "validator endpoint HOST:PORT; repeat it or give a comma list for fail-over")
      ->type_name("HOST:PORT")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--testnet", flags->testnet_dir,
                      "use the nodes of the local testnet in this directory");
  command->add_option("--timeout-ms", flags->timeout_ms, "deadline of each call to a node")
      ->capture_default_str();
  command->add_option("--tls-ca", flags->tls_ca_file,
                      "connect over TLS, trusting the CA in this PEM file (a TLS testnet's "
                      "--testnet DIR needs no flag)");
}

absl::StatusOr<std::vector<std::string>> ResolveEndpoints(const ConnectionFlags& flags) {
  if (!flags.nodes.empty() && !flags.testnet_dir.empty()) {
    return BadInputError("give either --node or --testnet, not both");
  }
  if (flags.timeout_ms == 0 || flags.timeout_ms > kTimeoutMsMax) {
    return BadInputError(
        StrCat("--timeout-ms ", flags.timeout_ms, " is outside 1..", kTimeoutMsMax));
  }
  if (!flags.testnet_dir.empty()) {
    absl::StatusOr<std::vector<std::string>> endpoints =
        testnet::TestnetEndpoints(flags.testnet_dir);
    if (!endpoints.ok()) return BadInput(endpoints.status());
    return endpoints;
  }
  std::vector<std::string> values = flags.nodes;
  std::string source = "--node";
  if (values.empty()) {
    const char* env = std::getenv(kNodeEnv);
    values.push_back(env != nullptr && *env != '\0' ? env : kDefaultEndpoint);
    source = env != nullptr && *env != '\0' ? StrCat("$", kNodeEnv) : "the default endpoint";
  }
  absl::StatusOr<std::vector<std::string>> endpoints = sdk::ParseEndpoints(values);
  if (!endpoints.ok()) {
    return BadInputError(StrCat(source, ": ", endpoints.status().message()));
  }
  return endpoints;
}

absl::StatusOr<std::unique_ptr<sdk::RemitClient>> Connect(const ConnectionFlags& flags) {
  ASSIGN_OR_RETURN(std::vector<std::string> endpoints, ResolveEndpoints(flags));
  REMIT_CHECK(!endpoints.empty());
  sdk::ClientOptions options;
  options.endpoints = std::move(endpoints);
  options.call_timeout_ms = flags.timeout_ms;
  options.settle_timeout_ms = std::max(flags.timeout_ms, sdk::kSettleTimeoutMsDefault);
  options.tls_ca_file = flags.tls_ca_file;
  if (options.tls_ca_file.empty() && !flags.testnet_dir.empty()) {
    absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(flags.testnet_dir);
    if (!manifest.ok()) return BadInput(manifest.status());
    options.tls_ca_file = testnet::ManifestTlsCaFile(*manifest);
  }
  absl::StatusOr<std::unique_ptr<sdk::RemitClient>> client = sdk::RemitClient::Create(options);
  if (!client.ok()) return BadInput(client.status());
  return client;
}

}  // namespace remit::cli
