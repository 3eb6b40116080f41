#include "node/config.h"

#include <toml++/toml.h>

#include <filesystem>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit {
namespace {

absl::Status Invalid(const std::string& path, std::string_view what) {
  return absl::InvalidArgumentError(StrCat(path, ": ", what));
}

absl::StatusOr<std::string> PathEntry(const toml::table& table, const std::string& path,
                                      std::string_view key) {
  const auto value = table[key].value<std::string>();
  if (!value || value->empty()) return Invalid(path, StrCat("needs a string '", key, "'"));
  std::filesystem::path entry(*value);
  if (entry.is_relative()) entry = std::filesystem::path(path).parent_path() / entry;
  return entry.lexically_normal().string();
}

absl::Status LoadLimits(const toml::table& table, const std::string& path, NodeLimits& limits) {
  const std::pair<std::string_view, uint32_t*> entries[] = {
      {"inbox_events_max", &limits.inbox_events_max},
      {"inbox_envelopes_max", &limits.inbox_envelopes_max},
      {"mempool_transfers_max", &limits.mempool_transfers_max},
      {"mempool_sender_transfers_max", &limits.mempool_sender_transfers_max},
      {"sequence_window", &limits.sequence_window},
      {"block_transfers_max", &limits.block_transfers_max},
      {"settle_batch_transfers_max", &limits.settle_batch_transfers_max},
      {"watchers_max", &limits.watchers_max},
      {"watch_queue_events_max", &limits.watch_queue_events_max},
      {"request_bytes_max", &limits.request_bytes_max},
      {"settle_wait_ms_max", &limits.settle_wait_ms_max},
      {"verify_threads", &limits.verify_threads},
      {"verify_queue_jobs_max", &limits.verify_queue_jobs_max},
      {"envelope_skew_ms_max", &limits.envelope_skew_ms_max},
      {"calls_max", &limits.calls_max},
      {"connection_streams_max", &limits.connection_streams_max},
  };
  for (const auto& [key, node] : table) {
    const auto known = std::find_if(std::begin(entries), std::end(entries),
                                    [&](const auto& entry) { return entry.first == key.str(); });
    if (known == std::end(entries)) return Invalid(path, StrCat("unknown limit '", key.str(), "'"));
    const auto value = node.value<int64_t>();
    if (!value || *value <= 0 || *value > UINT32_MAX) {
      return Invalid(path, StrCat("limit '", key.str(), "' must be a positive integer"));
    }
    *known->second = static_cast<uint32_t>(*value);
  }
  return absl::OkStatus();
}

absl::Status LoadConsensus(const toml::table& table, const std::string& path,
                           ConsensusOptions& options) {
  for (const auto& [key, node] : table) {
    const auto value = node.value<int64_t>();
    if (!value || *value <= 0) {
      return Invalid(path, StrCat("consensus '", key.str(), "' must be a positive integer"));
    }
    const auto number = static_cast<uint64_t>(*value);
    if (key.str() == "round_timeout_ms") {
      options.round_timeout_ms = number;
    } else if (key.str() == "round_timeout_ms_max") {
      options.round_timeout_ms_max = number;
    } else if (key.str() == "block_transfers_max") {
      options.block_transfers_max = static_cast<uint32_t>(std::min<uint64_t>(number, 10'000));
    } else if (key.str() == "fetch_blocks_max") {
      options.fetch_blocks_max = static_cast<uint32_t>(std::min<uint64_t>(number, 100'000));
    } else if (key.str() == "fetch_bytes_max") {
      options.fetch_bytes_max = number;
    } else if (key.str() == "leader_exclude_rounds" || key.str() == "leader_window_rounds") {
      // Every validator must elect alike: these are chain parameters now.
      return Invalid(path, StrCat("consensus option '", key.str(),
                                  "' moved to genesis.json (every validator must use the same "
                                  "value); remove it from node.toml"));
    } else {
      return Invalid(path, StrCat("unknown consensus option '", key.str(), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status LoadTls(const toml::table& table, const std::string& path, NodeTlsConfig& tls) {
  for (const auto& [key, node] : table) {
    if (key.str() != "cert_file" && key.str() != "key_file" && key.str() != "ca_file") {
      return Invalid(path, StrCat("unknown tls option '", key.str(),
                                  "'; [tls] takes cert_file, key_file and ca_file"));
    }
  }
  ASSIGN_OR_RETURN(tls.cert_file, PathEntry(table, path, "cert_file"));
  ASSIGN_OR_RETURN(tls.key_file, PathEntry(table, path, "key_file"));
  ASSIGN_OR_RETURN(tls.ca_file, PathEntry(table, path, "ca_file"));
  return absl::OkStatus();
}

// metrics_listen serves an unauthenticated page: loopback only.
absl::Status CheckMetricsListen(const std::string& listen, const std::string& path) {
  const size_t colon = listen.rfind(':');
  const std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (!host.starts_with("127.") && host != "localhost" && host != "::1") {
    return Invalid(path, StrCat("metrics_listen '", listen,
                                "' must be a loopback address such as \"127.0.0.1:9100\" "
                                "(the page is served without authentication)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NodeConfig> LoadNodeConfig(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    return Invalid(path, StrCat("cannot parse: ", error.description()));
  }
  NodeConfig config;
  ASSIGN_OR_RETURN(config.data_dir, PathEntry(table, path, "data_dir"));
  ASSIGN_OR_RETURN(config.genesis_path, PathEntry(table, path, "genesis"));
  ASSIGN_OR_RETURN(config.key_file, PathEntry(table, path, "key_file"));
  const auto listen = table["listen"].value<std::string>();
  if (!listen) return Invalid(path, "needs a string 'listen' such as \"127.0.0.1:7100\"");
  config.listen = *listen;
  config.log_level = table["log_level"].value_or(std::string("info"));
  if (table.contains("fault_file")) {
    ASSIGN_OR_RETURN(config.fault_file, PathEntry(table, path, "fault_file"));
  }
  if (table.contains("metrics_listen")) {
    const auto metrics = table["metrics_listen"].value<std::string>();
    if (!metrics)
      return Invalid(path, "'metrics_listen' must be a string such as \"127.0.0.1:9100\"");
    RETURN_IF_ERROR(CheckMetricsListen(*metrics, path));
    config.metrics_listen = *metrics;
  }
  for (const auto& [key, node] : table) {
    static constexpr std::string_view kKnown[] = {
        "data_dir",  "genesis",   "key_file",   "listen", "limits",
        "consensus", "log_level", "fault_file", "tls",    "metrics_listen"};
    if (std::find(std::begin(kKnown), std::end(kKnown), key.str()) == std::end(kKnown)) {
      return Invalid(path, StrCat("unknown key '", key.str(), "'"));
    }
  }
  if (const toml::table* limits = table["limits"].as_table()) {
    RETURN_IF_ERROR(LoadLimits(*limits, path, config.limits));
  }
  if (const toml::table* consensus = table["consensus"].as_table()) {
    RETURN_IF_ERROR(LoadConsensus(*consensus, path, config.consensus));
  }
  if (table.contains("tls")) {
    const toml::table* tls = table["tls"].as_table();
    if (tls == nullptr) return Invalid(path, "'tls' must be a table: [tls]");
    RETURN_IF_ERROR(LoadTls(*tls, path, config.tls));
  }
  return config;
}

}  // namespace remit
