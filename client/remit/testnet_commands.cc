// remit testnet up|status|down|kill|restart|logs --dir DIR: a local testnet
// of remitd processes (client/testnet/testnet.h).
#include <memory>
#include <optional>
#include <vector>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/sdk/client.h"
#include "client/testnet/process.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

constexpr uint64_t kStatusCallTimeoutMs = 2'000;
constexpr uint32_t kLogTailLines = 20;
constexpr uint32_t kLogLinesDefault = 50;

struct TestnetArgs {
  std::string dir;
  uint32_t nodes = 0;
  uint32_t base_port = 0;
  uint32_t index = 0;
  uint32_t lines = kLogLinesDefault;
  uint64_t ready_timeout_ms = testnet::kReadyTimeoutMsDefault;
  uint64_t grace_ms = testnet::kStopGraceMsDefault;
  bool tls = false;
  std::string rates_file;
  std::optional<uint32_t> spread_bps;
  bool no_market = false;
};

// Errors of the testnet library that the user fixes by changing arguments.
absl::Status Classify(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return BadInput(status);
    default:
      return status;
  }
}

// After a failed `up`: the end of the log of every node that is not running.
void PrintDeadNodeLogs(const std::string& dir, Output& output) {
  absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(dir);
  if (!manifest.ok()) return;
  for (const testnet::TestnetNode& node : manifest->nodes) {
    if (testnet::FindNodeProcess(*manifest, node.index).alive) continue;
    const std::string log = testnet::NodeLogPath(manifest->dir, node.index);
    std::string tail = testnet::TailFile(log, kLogTailLines);
    // Only the last run matters: start at its marker (node_control.cc).
    const size_t last_start = tail.rfind(testnet::kStartMarker);
    if (last_start != std::string::npos) tail = tail.substr(last_start);
    if (tail.empty()) continue;
    output.Diagnostic(StrCat("--- node ", node.index, " is not running; last lines of ", log, ":\n",
                             tail, "---"));
  }
}

std::string JoinEndpoints(const std::vector<std::string>& endpoints) {
  std::string joined;
  for (const std::string& endpoint : endpoints) joined += (joined.empty() ? "" : ",") + endpoint;
  return joined;
}

nlohmann::json NodeJson(const testnet::TestnetManifest& manifest,
                        const testnet::NodeProcess& process) {
  return {{"index", process.index},
          {"endpoint", manifest.nodes[process.index].endpoint},
          {"pid", process.pid},
          {"alive", process.alive}};
}

absl::Status RunUp(const TestnetArgs& args, Output& output) {
  const testnet::UpOptions options{.nodes = args.nodes,
                                   .base_port = args.base_port,
                                   .ready_timeout_ms = args.ready_timeout_ms,
                                   .genesis_time_unix_ms = 0,
                                   .remitd_path = "",
                                   .only_node = std::nullopt,
                                   .fault_injection = false,
                                   .tls = args.tls,
                                   .market = {.enabled = !args.no_market,
                                              .rates_file = args.rates_file,
                                              .spread_bps = args.spread_bps}};
  absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(args.dir, options);
  if (!report.ok()) {
    PrintDeadNodeLogs(args.dir, output);
    return Classify(report.status());
  }
  const testnet::TestnetManifest& manifest = report->manifest;
  nlohmann::json nodes = nlohmann::json::array();
  std::string human =
      StrCat("testnet ", manifest.dir, " (chain ", manifest.chain_id, ", ", manifest.nodes.size(),
             manifest.nodes.size() == 1 ? " node)" : " nodes)",
             report->created ? ": created" : ": existing");
  for (const testnet::NodeProcess& process : report->nodes) {
    const bool started = std::find(report->started.begin(), report->started.end(), process.index) !=
                         report->started.end();
    nlohmann::json node = NodeJson(manifest, process);
    node["started"] = started;
    nodes.push_back(node);
    human += StrCat("\nnode ", process.index, "  ", manifest.nodes[process.index].endpoint,
                    "  pid ", process.pid, started ? "  started" : "  already running");
  }
  const std::vector<std::string> endpoints = testnet::ManifestEndpoints(manifest);
  if (manifest.tls) human += StrCat("\nTLS with CA ", testnet::ManifestTlsCaFile(manifest));
  human += StrCat("\nfaucet ", manifest.faucet_address, "\nendpoints ", JoinEndpoints(endpoints),
                  "\ntry: remit faucet ADDRESS 10 USD --testnet ", manifest.dir);
  output.Emit({{"dir", manifest.dir},
               {"created", report->created},
               {"chain_id", manifest.chain_id},
               {"faucet_address", manifest.faucet_address},
               {"faucet_key", testnet::FaucetKeyPath(manifest.dir)},
               {"endpoints", endpoints},
               {"tls_ca_file", testnet::ManifestTlsCaFile(manifest)},
               {"nodes", nodes}},
              human);
  return absl::OkStatus();
}

// One node's process and, if it answers, its GetStatus.
struct NodeView {
  testnet::NodeProcess process;
  std::optional<v1::GetStatusResponse> status;
  std::string error;  // why an alive node did not answer
};

NodeView ViewNode(const testnet::TestnetManifest& manifest, uint32_t index) {
  NodeView view{.process = testnet::FindNodeProcess(manifest, index), .status = {}, .error = ""};
  if (!view.process.alive) return view;
  absl::StatusOr<std::unique_ptr<sdk::RemitClient>> client =
      sdk::RemitClient::Create({.endpoints = {manifest.nodes[index].endpoint},
                                .call_timeout_ms = kStatusCallTimeoutMs,
                                .tls_ca_file = testnet::ManifestTlsCaFile(manifest)});
  if (!client.ok()) {  // the testnet's CA file is gone or damaged
    view.error = std::string(client.status().message());
    return view;
  }
  absl::StatusOr<v1::GetStatusResponse> status = (*client)->GetStatus();
  if (status.ok()) {
    view.status = *std::move(status);
  } else {
    view.error = std::string(status.status().message());
  }
  return view;
}

// The current leader: as named by the answering nodes in the highest round
// (rounds only advance on certificates, so that view is the newest). Empty if
// none answered.
std::string CurrentLeaderKey(const std::vector<NodeView>& views) {
  const v1::GetStatusResponse* newest = nullptr;
  for (const NodeView& view : views) {
    if (view.status && (newest == nullptr || view.status->round() > newest->round())) {
      newest = &*view.status;
    }
  }
  return newest == nullptr ? "" : newest->leader();
}

// Node `index`'s public key: from genesis.json, else as the node reports it.
std::string ValidatorKey(const absl::StatusOr<Genesis>& genesis, const NodeView& view,
                         uint32_t index) {
  if (genesis.ok() && index < genesis->validators.size()) {
    const AccountId& key = genesis->validators[index].public_key;
    return std::string(key.begin(), key.end());
  }
  return view.status ? view.status->validator() : "";
}

nlohmann::json NodeStatusJson(const testnet::TestnetManifest& manifest, const NodeView& view,
                              bool leader, std::string* human) {
  const uint32_t index = view.process.index;
  nlohmann::json json = NodeJson(manifest, view.process);
  json["height"] = nullptr;
  json["round"] = nullptr;
  json["leader"] = leader;
  json["state_hash"] = nullptr;
  *human += StrCat("\nnode ", index, "  ", manifest.nodes[index].endpoint, "  pid ",
                   view.process.pid, view.process.alive ? "  alive" : "  not running");
  if (!view.status) {
    if (!view.error.empty()) {
      json["error"] = view.error;
      *human += StrCat("  not answering: ", view.error);
    }
    if (leader) *human += "  leader";
    return json;
  }
  const v1::GetStatusResponse& status = *view.status;
  json["height"] = status.height();
  json["round"] = status.round();
  json["state_hash"] = ToHex(status.state_hash());
  json["transfers_committed"] = status.transfers_committed();
  json["peers_connected"] = status.peers_connected();
  *human += StrCat("  height ", status.height(), "  round ", status.round(),
                   leader ? "  leader" : "", "  state ", ToHex(status.state_hash()));
  return json;
}

absl::Status RunStatus(const TestnetArgs& args, Output& output) {
  absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(args.dir);
  if (!manifest.ok()) return BadInput(manifest.status());
  std::vector<NodeView> views;
  for (const testnet::TestnetNode& node : manifest->nodes) {
    views.push_back(ViewNode(*manifest, node.index));
  }
  const absl::StatusOr<Genesis> genesis = testnet::ReadTestnetGenesis(manifest->dir);
  const std::string leader_key = CurrentLeaderKey(views);
  nlohmann::json nodes = nlohmann::json::array();
  std::string human = StrCat("testnet ", manifest->dir, " (chain ", manifest->chain_id, ")");
  for (const NodeView& view : views) {
    const bool leader =
        !leader_key.empty() && ValidatorKey(genesis, view, view.process.index) == leader_key;
    nodes.push_back(NodeStatusJson(*manifest, view, leader, &human));
  }
  output.Emit({{"dir", manifest->dir},
               {"chain_id", manifest->chain_id},
               {"faucet_address", manifest->faucet_address},
               {"nodes", nodes}},
              human);
  return absl::OkStatus();
}

std::string StopLine(const testnet::StopReport& report, std::string_view verb) {
  if (!report.was_running) return StrCat("node ", report.index, ": not running");
  return StrCat("node ", report.index, ": ", verb, " (pid ", report.pid, ")",
                report.killed && verb != "killed" ? " with SIGKILL after the grace period" : "");
}

nlohmann::json StopJson(const testnet::StopReport& report) {
  return {{"index", report.index},
          {"pid", report.pid},
          {"was_running", report.was_running},
          {"killed", report.killed}};
}

absl::Status RunDown(const TestnetArgs& args, Output& output) {
  absl::StatusOr<std::vector<testnet::StopReport>> reports =
      testnet::TestnetDown(args.dir, args.grace_ms);
  if (!reports.ok()) return Classify(reports.status());
  nlohmann::json nodes = nlohmann::json::array();
  std::string human;
  for (const testnet::StopReport& report : *reports) {
    nodes.push_back(StopJson(report));
    human += StrCat(human.empty() ? "" : "\n", StopLine(report, "stopped"));
  }
  output.Emit({{"nodes", nodes}},
              human + "\ndata kept; 'remit testnet up --dir " + args.dir + "' starts it again");
  return absl::OkStatus();
}

absl::Status RunKill(const TestnetArgs& args, Output& output) {
  absl::StatusOr<testnet::StopReport> report =
      testnet::TestnetStopNode(args.dir, args.index, /*kill=*/true, args.grace_ms);
  if (!report.ok()) return Classify(report.status());
  output.Emit(StopJson(*report), StopLine(*report, "killed"));
  return absl::OkStatus();
}

absl::Status RunRestart(const TestnetArgs& args, Output& output) {
  absl::StatusOr<testnet::StopReport> stopped =
      testnet::TestnetStopNode(args.dir, args.index, /*kill=*/false, args.grace_ms);
  if (!stopped.ok()) return Classify(stopped.status());
  output.Note(StopLine(*stopped, "stopped"));
  testnet::UpOptions options;
  options.ready_timeout_ms = args.ready_timeout_ms;
  options.only_node = args.index;
  absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(args.dir, options);
  if (!report.ok()) {
    PrintDeadNodeLogs(args.dir, output);
    return Classify(report.status());
  }
  const testnet::NodeProcess& process = report->nodes[args.index];
  output.Emit(NodeJson(report->manifest, process),
              StrCat("node ", args.index, ": running (pid ", process.pid, ") on ",
                     report->manifest.nodes[args.index].endpoint));
  return absl::OkStatus();
}

absl::Status RunLogs(const TestnetArgs& args, Output& output) {
  absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(args.dir);
  if (!manifest.ok()) return BadInput(manifest.status());
  if (args.index >= manifest->nodes.size()) {
    return BadInputError(StrCat("node ", args.index, " does not exist; ", args.dir,
                                " has nodes 0..", manifest->nodes.size() - 1));
  }
  output.Raw(testnet::TailFile(testnet::NodeLogPath(manifest->dir, args.index), args.lines));
  return absl::OkStatus();
}

// Registers `testnet NAME` with --dir; `run` becomes the action.
CLI::App* AddTestnetCommand(CLI::App* parent, CliContext& context, const std::string& name,
                            const std::string& description,
                            const std::shared_ptr<TestnetArgs>& args,
                            absl::Status (*run)(const TestnetArgs&, Output&)) {
  CLI::App* command = parent->add_subcommand(name, description);
  command->add_option("--dir", args->dir, "the testnet directory")->required();
  AddJsonFlag(command, context);
  command->callback([&context, args, run] {
    context.action = [&context, args, run] { return run(*args, *context.output); };
  });
  return command;
}

}  // namespace

void AddTestnetCommands(CLI::App& app, CliContext& context) {
  CLI::App* testnet = app.add_subcommand("testnet", "run a local testnet of remitd processes");
  testnet->require_subcommand(1);
  auto args = std::make_shared<TestnetArgs>();

  CLI::App* up =
      AddTestnetCommand(testnet, context, "up",
                        "create the testnet if needed and start its stopped nodes", args, RunUp);
  up->add_option("--nodes", args->nodes, "validators in a new testnet (default 1)");
  up->add_option("--base-port", args->base_port,
                 "node I listens on 127.0.0.1:BASE+I (default 7100)");
  up->add_option("--timeout-ms", args->ready_timeout_ms, "how long to wait for the nodes")
      ->capture_default_str();
  up->add_option("--rates", args->rates_file,
                 "a new testnet's market maker rates (default: the built-in table; "
                 "written to DIR/rates.toml)");
  up->add_option("--spread-bps", args->spread_bps,
                 "a new testnet's market maker spread, in 1/10000 (default 100)");
  up->add_flag("--no-market", args->no_market, "a new testnet without market maker, hub or basket");
  up->add_flag("--tls", args->tls,
               "a new testnet serves only TLS, with its own CA (DIR/tls/ca.crt, made with "
               "openssl); --testnet DIR commands trust it");

  AddTestnetCommand(testnet, context, "status",
                    "show each node's process, height, round, leader and state", args, RunStatus);
  AddTestnetCommand(testnet, context, "down", "stop every node (SIGTERM, then SIGKILL); keep data",
                    args, RunDown)
      ->add_option("--timeout-ms", args->grace_ms, "grace period before SIGKILL")
      ->capture_default_str();
  AddTestnetCommand(testnet, context, "kill", "kill -9 node I", args, RunKill)
      ->add_option("I", args->index, "the node's index")
      ->required();
  CLI::App* restart = AddTestnetCommand(testnet, context, "restart",
                                        "stop node I and start it again", args, RunRestart);
  restart->add_option("I", args->index, "the node's index")->required();
  restart->add_option("--timeout-ms", args->ready_timeout_ms, "how long to wait for the node")
      ->capture_default_str();
  CLI::App* logs =
      AddTestnetCommand(testnet, context, "logs", "print the end of node I's log", args, RunLogs);
  logs->add_option("I", args->index, "the node's index")->required();
  logs->add_option("--lines", args->lines, "lines to print (0: up to 64 KiB)")
      ->capture_default_str();
}

}  // namespace remit::cli
