#include "node/node_server.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"

namespace remit {
namespace {

absl::StatusOr<Genesis> ReadGenesis(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read genesis file ", path));
  std::stringstream text;
  text << in.rdbuf();
  auto genesis = ParseGenesis(text.str());
  if (!genesis.ok()) {
    return absl::InvalidArgumentError(StrCat(path, ": ", genesis.status().message()));
  }
  return genesis;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeServer>> NodeServer::Start(const NodeConfig& config) {
  ASSIGN_OR_RETURN(Genesis genesis, ReadGenesis(config.genesis_path));
  ASSIGN_OR_RETURN(SigningKey key, ReadKeyFile(config.key_file));
  if (genesis.ValidatorIndex(key.public_key()) < 0) {
    return absl::FailedPreconditionError(StrCat("key ", config.key_file, " (",
                                                EncodeAddress(key.public_key()),
                                                ") is not a validator in ", config.genesis_path));
  }
  if (genesis.validators.size() > 1) {
    // Each validator would order blocks on its own and the copies would
    // diverge; refuse until replicated consensus is in place.
    return absl::UnimplementedError(StrCat(config.genesis_path, " names ",
                                           genesis.validators.size(),
                                           " validators, but this remitd runs a single validator "
                                           "only; use a genesis with one validator"));
  }
  StoreOptions store_options;
  store_options.path = config.data_dir;
  ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, LedgerStore::Open(store_options, genesis));
  std::unique_ptr<NodeServer> node(
      new NodeServer(std::move(genesis), std::move(key), std::move(store), config.limits));

  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, grpc::InsecureServerCredentials(), &node->port_);
  builder.RegisterService(&node->service_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.limits.request_bytes_max));
  node->server_ = builder.BuildAndStart();
  if (node->server_ == nullptr || node->port_ == 0) {
    node->shut_down_ = true;
    return absl::UnavailableError(StrCat("cannot listen on ", config.listen,
                                         ": the address is taken or invalid; choose another "
                                         "'listen' address"));
  }
  node->validator_.Start();
  spdlog::info("validator {} of chain {} serving on port {} at height {}",
               EncodeAddress(node->key_.public_key()), node->genesis_.chain_id, node->port_,
               node->store_->committed_height());
  return node;
}

NodeServer::NodeServer(Genesis genesis, SigningKey key, std::unique_ptr<LedgerStore> store,
                       const NodeLimits& limits)
    : genesis_(std::move(genesis)),
      key_(std::move(key)),
      store_(std::move(store)),
      watch_hub_(limits.watchers_max, limits.watch_queue_events_max),
      validator_(genesis_, key_, *store_, clock_, limits),
      service_(genesis_, key_.public_key(), *store_, validator_, watch_hub_, clock_, limits) {
  validator_.AddListener(&watch_hub_);
}

NodeServer::~NodeServer() { Shutdown(); }

void NodeServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  validator_.Stop();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
}

}  // namespace remit
