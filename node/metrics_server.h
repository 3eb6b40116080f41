// MetricsServer: serves a MetricsRegistry as GET /metrics (Prometheus text
// format) over plain HTTP on its own address, apart from the gRPC ports, so
// that a scraper needs no gRPC and the page can stay on loopback
// (node.toml `metrics_listen`; off when unset). Anything but GET /metrics
// is 404. cpp-httplib runs the listener and a few handler threads.
//
// Thread safety: Start and Stop from one thread.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "node/metrics.h"

namespace httplib {
class Server;
}

namespace remit {

class MetricsServer {
 public:
  // Listens on `listen` ("host:port"; port 0 picks a free one) and serves
  // `registry`, which must outlive the server. INVALID_ARGUMENT for a
  // malformed address, UNAVAILABLE if it cannot be bound.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(const std::string& listen,
                                                              const MetricsRegistry& registry);
  ~MetricsServer();  // Stop()

  int port() const { return port_; }
  void Stop();

 private:
  MetricsServer() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace remit
