#include "node/metrics_server.h"

#include <httplib.h>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

// Handler threads: a scrape is rare and cheap.
constexpr size_t kMetricsThreads = 2;

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen, const MetricsRegistry& registry) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        StrCat("metrics_listen '", listen, "' is not host:port (e.g. 127.0.0.1:9100)"));
  }
  const std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1 || port < 0 || port > 65535) throw std::out_of_range("");
  } catch (const std::exception&) {
    return absl::InvalidArgumentError(
        StrCat("metrics_listen '", listen, "' has no valid port (0..65535)"));
  }
  std::unique_ptr<MetricsServer> server(new MetricsServer());
  server->server_ = std::make_unique<httplib::Server>();
  // httplib's default also sets SO_REUSEPORT, which lets a second process
  // bind the same port and share the scrapes: reuse the address only.
  server->server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->server_->new_task_queue = [] { return new httplib::ThreadPool(kMetricsThreads); };
  server->server_->Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->port_ = port == 0 ? server->server_->bind_to_any_port(host)
                            : (server->server_->bind_to_port(host, port) ? port : -1);
  if (server->port_ <= 0) {
    return absl::UnavailableError(StrCat("cannot serve metrics on ", listen,
                                         ": the address is taken or invalid; choose another "
                                         "'metrics_listen'"));
  }
  server->thread_ = std::thread([raw = server->server_.get()] { raw->listen_after_bind(); });
  // Stop() before the listener runs would not reach it: wait until it does.
  while (!server->server_->is_running()) std::this_thread::yield();
  return server;
}

MetricsServer::~MetricsServer() { Stop(); }

void MetricsServer::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

}  // namespace remit
