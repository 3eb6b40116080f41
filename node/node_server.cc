#include "node/node_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"
#include "node/decode_error_interceptor.h"

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

// The safety store must be as old as the ledger beside it: one created
// beside a ledger at genesis gets an (empty) record at once; one without a
// record beside a ledger past genesis was lost, and starting on it at
// last_voted_round 0 could sign a second vote in a round already voted in.
absl::Status CheckSafetyStore(const LedgerStore& store, RocksSafetyStorage& safety,
                              const std::string& data_dir) {
  if (safety.HasSafetyData()) return absl::OkStatus();
  if (store.committed_height() == 0) {
    safety.Save(v1::SafetyData(), SavedBlocksChange());
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(StrCat(
      data_dir, ".consensus holds no safety data, but the ledger in ", data_dir, " is at height ",
      store.committed_height(),
      ": the consensus store was lost (deleted, or not copied with the ledger). Without it this "
      "validator could vote twice in a round it already voted in. Restore ",
      data_dir,
      ".consensus from the same backup as the ledger; if it is lost for good, stop this "
      "validator until the chain has moved past the round it last logged, then remove both ",
      data_dir, " and ", data_dir,
      ".consensus and start again: it syncs from the other validators (docs/CONSENSUS.md)"));
}

absl::StatusOr<std::string> ReadPem(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(StrCat("cannot read ", what, " ", path, " ([tls] in node.toml)"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(StrCat(path, " is not a PEM ", what));
  }
  return text.str();
}

// What the server listens with and the peer transport dials with: TLS from
// [tls], or plaintext without it.
struct Credentials {
  std::shared_ptr<grpc::ServerCredentials> server;
  std::shared_ptr<grpc::ChannelCredentials> peers;
};

absl::StatusOr<Credentials> MakeCredentials(const NodeTlsConfig& tls) {
  if (!tls.enabled()) {
    return Credentials{grpc::InsecureServerCredentials(), grpc::InsecureChannelCredentials()};
  }
  ASSIGN_OR_RETURN(const std::string cert, ReadPem(tls.cert_file, "TLS certificate"));
  ASSIGN_OR_RETURN(const std::string key, ReadPem(tls.key_file, "TLS private key"));
  ASSIGN_OR_RETURN(const std::string ca, ReadPem(tls.ca_file, "TLS CA certificate"));
  grpc::SslServerCredentialsOptions server(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  server.pem_key_cert_pairs.push_back({key, cert});
  grpc::SslCredentialsOptions peers;
  peers.pem_root_certs = ca;
  return Credentials{grpc::SslServerCredentials(server), grpc::SslCredentials(peers)};
}

}  // namespace

absl::StatusOr<std::unique_ptr<NodeServer>> NodeServer::Start(const NodeConfig& config) {
  // A transfer reaches a validator several ways (client, gossip, proposal,
  // fetch): its signature is verified once.
  EnableVerificationMemo(true);
  // spdlog creates its registry on first use; create it here, before the
  // node's threads start, so that every thread that logs sees it made
  // (ThreadSanitizer reported the lazy creation racing with the first log).
  spdlog::default_logger_raw();
  ASSIGN_OR_RETURN(Genesis genesis, ReadGenesis(config.genesis_path));
  ASSIGN_OR_RETURN(SigningKey key, ReadKeyFile(config.key_file));
  if (genesis.ValidatorIndex(key.public_key()) < 0) {
    return absl::FailedPreconditionError(StrCat("key ", config.key_file, " (",
                                                EncodeAddress(key.public_key()),
                                                ") is not a validator in ", config.genesis_path));
  }
  StoreOptions store_options;
  store_options.path = config.data_dir;
  ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, LedgerStore::Open(store_options, genesis));
  if (store->committed_height() > 0) {
    ASSIGN_OR_RETURN(const v1::CommittedBlock head, store->GetBlock(store->committed_height()));
    if (!head.has_qc()) {
      return absl::FailedPreconditionError(
          StrCat(config.data_dir,
                 " was written by a remitd without replication; remove the "
                 "data directory (or the testnet) and start again"));
    }
  }
  // Safety data lives beside the ledger: DATA_DIR.consensus (a RocksDB);
  // DATA_DIR.safety is the single file older versions wrote.
  ASSIGN_OR_RETURN(
      std::unique_ptr<RocksSafetyStorage> safety,
      RocksSafetyStorage::Open(config.data_dir + ".consensus", config.data_dir + ".safety"));
  RETURN_IF_ERROR(CheckSafetyStore(*store, *safety, config.data_dir));
  ASSIGN_OR_RETURN(const Credentials credentials, MakeCredentials(config.tls));
  std::unique_ptr<NodeServer> node(new NodeServer(std::move(genesis), std::move(key),
                                                  std::move(store), std::move(safety), config,
                                                  credentials.peers));

  // Standard discovery on the public port (docs/API.md, "Health and
  // reflection"): grpc.health.v1.Health and the v1alpha reflection service,
  // so that stock tools and load balancers work. Both are process-wide
  // settings that a ServerBuilder reads when it is made.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, credentials.server, &node->port_);
  builder.RegisterService(&node->service_);
  builder.RegisterService(&node->consensus_service_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config.limits.request_bytes_max));
  // Undecodable requests get INVALID_ARGUMENT and a reason, not gRPC's bare UNIMPLEMENTED.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<DecodeErrorInterceptorFactory>(std::vector<std::string>{
      v1::Ledger::service_full_name(), v1::Consensus::service_full_name()}));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.AddChannelArgument(
      GRPC_ARG_MAX_CONCURRENT_STREAMS,
      static_cast<int>(std::min<uint32_t>(config.limits.connection_streams_max, INT32_MAX)));
  node->server_ = builder.BuildAndStart();
  if (node->server_ == nullptr || node->port_ == 0) {
    node->shut_down_ = true;
    return absl::UnavailableError(StrCat("cannot listen on ", config.listen,
                                         ": the address is taken or invalid; choose another "
                                         "'listen' address"));
  }
  grpc::HealthCheckServiceInterface* health = node->server_->GetHealthCheckService();
  REMIT_CHECK(health != nullptr);
  for (const char* service :
       {v1::Ledger::service_full_name(), v1::Consensus::service_full_name()}) {
    health->SetServingStatus(service, true);
  }
  if (!config.metrics_listen.empty()) {
    node->RegisterNodeMetrics();
    auto metrics = MetricsServer::Start(config.metrics_listen, node->metrics_);
    if (!metrics.ok()) return metrics.status();
    node->metrics_server_ = std::move(*metrics);
    spdlog::info("serving /metrics on {}:{}",
                 config.metrics_listen.substr(0, config.metrics_listen.rfind(':')),
                 node->metrics_server_->port());
  }
  node->validator_.Start();
  spdlog::info("validator {} of chain {} serving on port {} ({}) at height {}",
               EncodeAddress(node->key_.public_key()), node->genesis_.chain_id, node->port_,
               config.tls.enabled() ? "TLS" : "plaintext", node->store_->committed_height());
  return node;
}

namespace {

uint32_t VerifyThreads(const NodeLimits& limits) {
  if (limits.verify_threads > 0) return limits.verify_threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::unique_ptr<PeerTransport> MakeTransport(
    const Genesis& genesis, const SigningKey& key, const Clock& clock,
    const std::shared_ptr<grpc::ChannelCredentials>& credentials, const PeerFaults* faults) {
  if (genesis.validators.size() == 1) return nullptr;
  std::vector<std::string> endpoints;
  for (const ValidatorInfo& validator : genesis.validators) endpoints.push_back(validator.endpoint);
  return std::make_unique<PeerTransport>(
      static_cast<uint32_t>(genesis.ValidatorIndex(key.public_key())), key,
      SigningDomain::Of(genesis), clock, endpoints, credentials, PeerTransportOptions(), faults);
}

}  // namespace

NodeServer::NodeServer(Genesis genesis, SigningKey key, std::unique_ptr<LedgerStore> store,
                       std::unique_ptr<RocksSafetyStorage> safety, const NodeConfig& config,
                       const std::shared_ptr<grpc::ChannelCredentials>& peer_credentials)
    : genesis_(std::move(genesis)),
      key_(std::move(key)),
      store_(std::move(store)),
      safety_(std::move(safety)),
      faults_(config.fault_file.empty() ? nullptr
                                        : std::make_unique<PeerFaults>(config.fault_file)),
      transport_(MakeTransport(genesis_, key_, clock_, peer_credentials, faults_.get())),
      stages_(config.metrics_listen.empty() ? nullptr
                                            : std::make_unique<StageMetrics>(metrics_, clock_)),
      stage_safety_(stages_ == nullptr ? nullptr
                                       : std::make_unique<StageSafetyStorage>(*safety_, *stages_)),
      watch_hub_(config.limits.watchers_max, config.limits.watch_queue_events_max),
      validator_(genesis_, key_, *store_, clock_, config.limits, config.consensus,
                 stage_safety_ != nullptr ? static_cast<SafetyStorage&>(*stage_safety_) : *safety_,
                 transport_.get()),
      bulk_workers_(VerifyThreads(config.limits), config.limits.verify_queue_jobs_max),
      consensus_workers_(VerifyThreads(config.limits), config.limits.verify_queue_jobs_max),
      service_(genesis_, key_.public_key(), *store_, validator_, bulk_workers_, watch_hub_, clock_,
               config.limits),
      consensus_service_(validator_, consensus_workers_, bulk_workers_, genesis_,
                         static_cast<uint32_t>(genesis_.ValidatorIndex(key_.public_key())), clock_,
                         config.limits.envelope_skew_ms_max, faults_.get()) {
  validator_.AddListener(&watch_hub_);
  validator_.SetStageMetrics(stages_.get());
}

void NodeServer::RegisterNodeMetrics() {
  metrics_.AddGauge("remit_height", "Height of the last committed block.", {},
                    [this] { return static_cast<double>(store_->committed_height()); });
  metrics_.AddGauge("remit_round", "Consensus round this validator is in.", {},
                    [this] { return static_cast<double>(validator_.Snapshot().round); });
  metrics_.AddGauge("remit_mempool_transfers", "Transfers waiting in the mempool.", {},
                    [this] { return static_cast<double>(validator_.Snapshot().mempool_size); });
  metrics_.AddGauge("remit_peers_connected", "Other validators this one is connected to.", {},
                    [this] { return static_cast<double>(validator_.Snapshot().peers_connected); });
  metrics_.AddCounterFunction(
      "remit_envelopes_refused_total",
      "Consensus envelopes refused as unauthenticated (not from a validator, bad signature, "
      "or outside the clock skew).",
      {}, [this] { return consensus_service_.envelopes_refused(); });
  metrics_.AddCounterFunction(
      "remit_peer_messages_dropped_total",
      "Validators' messages dropped because the event loop's inbox was full.", {},
      [this] { return consensus_service_.messages_dropped(); });
  metrics_.AddCounterFunction("remit_gossip_transfers_dropped_total",
                              "Gossiped transfers dropped for failing their checks.", {},
                              [this] { return consensus_service_.transfers_dropped(); });
}

NodeServer::~NodeServer() { Shutdown(); }

void NodeServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (metrics_server_ != nullptr) metrics_server_->Stop();  // its gauges read the validator
  validator_.Stop();
  // Queued requests now meet a stopped validator and finish.
  bulk_workers_.Stop();
  consensus_workers_.Stop();
  transport_.reset();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server_->Wait();
  }
}

}  // namespace remit
