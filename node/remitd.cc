// remitd: one Remit validator. `remitd --config node.toml`.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "node/config.h"
#include "node/node_server.h"

int main(int argc, char** argv) {
  CLI::App app{"remitd: a Remit validator"};
  std::string config_path;
  app.add_option("--config", config_path, "node configuration (TOML)")->required();
  CLI11_PARSE(app, argc, argv);

  // Block the shutdown signals before any thread starts, then wait for one.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const auto config = remit::LoadNodeConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "remitd: %s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  const auto level = spdlog::level::from_str(config->log_level);
  spdlog::set_level(level);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  // Logs go to a file under a testnet and a validator may be killed -9: what
  // it said must already be there.
  spdlog::flush_on(spdlog::level::info);

  auto node = remit::NodeServer::Start(*config);
  if (!node.ok()) {
    std::fprintf(stderr, "remitd: %s\n", std::string(node.status().message()).c_str());
    return 1;
  }
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received signal {}; shutting down", received);
  (*node)->Shutdown();
  return 0;
}
