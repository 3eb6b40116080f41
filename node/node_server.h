// One running validator: its store, event loop, watch hub and gRPC server,
// wired from a NodeConfig. Used by remitd and by in-process tests.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/store.h"
#include "node/clock.h"
#include "node/config.h"
#include "node/consensus_service.h"
#include "node/ledger_service.h"
#include "node/metrics.h"
#include "node/metrics_server.h"
#include "node/peer_transport.h"
#include "node/rocks_safety_storage.h"
#include "node/stage_metrics.h"
#include "node/stage_metrics_storage.h"
#include "node/validator.h"
#include "node/watch_hub.h"
#include "node/worker_pool.h"

namespace remit {

class NodeServer {
 public:
  // Reads genesis and key, opens the store, starts the loop and listens.
  // UNAVAILABLE if the address cannot be bound (e.g. the port is taken);
  // other errors name the file at fault. `listen` may use port 0.
  static absl::StatusOr<std::unique_ptr<NodeServer>> Start(const NodeConfig& config);
  ~NodeServer();

  int port() const { return port_; }
  // The /metrics port; 0 without metrics_listen.
  int metrics_port() const { return metrics_server_ != nullptr ? metrics_server_->port() : 0; }
  const Genesis& genesis() const { return genesis_; }
  const ConsensusService& consensus_service() const { return consensus_service_; }
  // Completes waiting requests with UNAVAILABLE and stops serving.
  void Shutdown();

 private:
  NodeServer(Genesis genesis, SigningKey key, std::unique_ptr<LedgerStore> store,
             std::unique_ptr<RocksSafetyStorage> safety, const NodeConfig& config,
             const std::shared_ptr<grpc::ChannelCredentials>& peer_credentials);
  // Height, round, mempool, peers and refused envelopes, read per scrape.
  void RegisterNodeMetrics();

  Genesis genesis_;
  SigningKey key_;
  SystemClock clock_;
  std::unique_ptr<LedgerStore> store_;
  std::unique_ptr<RocksSafetyStorage> safety_;
  std::unique_ptr<PeerFaults> faults_;        // null unless fault_file is set
  std::unique_ptr<PeerTransport> transport_;  // null for a single validator
  // /metrics (docs/ARCHITECTURE.md, "Metrics"): all null without metrics_listen.
  MetricsRegistry metrics_;
  std::unique_ptr<StageMetrics> stages_;
  std::unique_ptr<StageSafetyStorage> stage_safety_;
  WatchHub watch_hub_;
  Validator validator_;
  // Signature checks: client requests and gossip (bulk), and the other
  // validators' protocol messages (consensus), which never queue behind bulk.
  WorkerPool bulk_workers_;
  WorkerPool consensus_workers_;
  LedgerService service_;
  ConsensusService consensus_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<MetricsServer> metrics_server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace remit
