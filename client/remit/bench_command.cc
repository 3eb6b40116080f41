// remit bench: load-tests settlement against a testnet (--testnet DIR), given
// validators (--node), or a testnet of its own (--spawn N); or, with
// --crypto, measures this machine's Ed25519 verification rate and the
// settlement limit it sets (client/README.md, "Load testing"). The work is
// in client/bench/. A --testnet of `remit testnet up --tls` is loaded over
// TLS with its own CA; --node targets take --tls-ca FILE.
//
// Output: the human report on stdout; --json FILE writes the JSON report
// there too, and --json alone (or --json -) prints only the JSON on stdout.
// A progress line goes to stderr, only when it is a terminal. Exit codes: 0
// a run that settled something; 1 the nodes failed (or nothing settled);
// 2 bad arguments, nothing was sent.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>

#include "client/bench/bench_options.h"
#include "client/bench/bench_report.h"
#include "client/bench/bench_run.h"
#include "client/bench/crypto_rate.h"
#include "client/bench/parallel.h"
#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/sdk/endpoint.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

// Set by SIGINT / SIGTERM during a run: the load ends early, and a spawned
// testnet is still stopped and removed.
std::atomic<bool> interrupted{false};

void OnInterrupt(int /*signal*/) { interrupted.store(true); }

// Catches SIGINT and SIGTERM while alive; restores the old handlers after.
class InterruptScope {
 public:
  InterruptScope() {
    interrupted.store(false);
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptScope() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct BenchArgs {
  bench::BenchOptions options;
  std::vector<std::string> nodes;  // as typed
  std::vector<std::string> json;   // --json [FILE]
  double kill_leader_at_s = -1;
};

// Writes `json` to the --json destination; "-" is stdout.
absl::Status EmitReport(const std::string& json_path, const nlohmann::json& json,
                        const std::string& human, Output& output) {
  if (json_path == "-") {
    *output.json_flag() = true;
    output.Emit(json, human);
    return absl::OkStatus();
  }
  if (!json_path.empty()) {
    std::ofstream file(json_path, std::ios::trunc);
    file << json.dump(2) << "\n";
    if (!file) return absl::InternalError(StrCat("cannot write the JSON report to ", json_path));
  }
  output.Emit(json, human);
  return absl::OkStatus();
}

absl::Status RunCrypto(const BenchArgs& args, Output& output) {
  const bench::CryptoRate rate =
      bench::MeasureVerifyRate(bench::ThreadsFor(args.options.signing_threads),
                               bench::SecondsToUs(args.options.crypto_seconds));
  return EmitReport(args.options.json_path, bench::CryptoRateToJson(rate),
                    bench::CryptoRateToText(rate), output);
}

absl::Status RunBenchCommand(BenchArgs& args, Output& output) {
  bench::BenchOptions& options = args.options;
  if (!args.nodes.empty()) {
    absl::StatusOr<std::vector<std::string>> endpoints = sdk::ParseEndpoints(args.nodes);
    if (!endpoints.ok()) return BadInput(endpoints.status());
    options.nodes = *endpoints;
  }
  if (args.kill_leader_at_s >= 0) options.kill_leader_at_s = args.kill_leader_at_s;
  if (!args.json.empty()) options.json_path = args.json.front();
  if (absl::Status valid = bench::ValidateBenchOptions(options); !valid.ok()) {
    return BadInput(valid);
  }
  if (options.crypto) return RunCrypto(args, output);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bool progress_shown = false;
  bench::BenchHooks hooks;
  hooks.note = [&output](const std::string& line) { output.Note(line); };
  hooks.progress = [tty, &progress_shown](const std::string& line) {
    if (!tty) return;
    std::cerr << "\r" << line << "\x1b[K" << std::flush;
    progress_shown = true;
  };
  hooks.interrupted = [] { return interrupted.load(); };
  absl::StatusOr<bench::BenchReport> report;
  {
    const InterruptScope scope;
    report = bench::RunBench(options, hooks);
  }
  if (progress_shown) std::cerr << "\n";
  if (!report.ok()) {
    if (report.status().code() == absl::StatusCode::kInvalidArgument) {
      return BadInput(report.status());
    }
    return NodeError(report.status(), "running the benchmark");
  }
  RETURN_IF_ERROR(EmitReport(options.json_path, bench::BenchReportToJson(*report),
                             bench::BenchReportToText(*report), output));
  if (interrupted.load()) {
    return WithExitCode(absl::CancelledError("interrupted; the report covers the run until then"),
                        kExitInterrupted);
  }
  if (report->settled == 0) {
    return absl::UnavailableError(
        "nothing settled in the measured window; check the nodes with 'remit testnet status'");
  }
  return absl::OkStatus();
}

void AddTargetFlags(CLI::App* command, BenchArgs& args) {
  bench::BenchOptions& o = args.options;
  command->add_option("--testnet", o.testnet_dir, "load the local testnet in this directory");
  command
      ->add_option("--node", args.nodes,
                   "load these validators (HOST:PORT, repeat or comma list); needs --issuer-key")
      ->type_name("HOST:PORT")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--spawn", o.spawn,
                      "start a testnet of N validators in a temporary directory, remove it after");
  command->add_option("--spawn-base-port", o.spawn_base_port,
                      "first port of the --spawn testnet (default: a free range from 17000)");
  command->add_option("--tls-ca", o.tls_ca_file,
                      "speak TLS to --node targets, trusting only this CA (a testnet's own CA "
                      "is used without it)");
  command->add_option("--issuer-key", o.issuer_key_path,
                      "key file of the asset's issuer (default: the testnet's faucet.key)");
  command->add_option("--asset", o.asset, "asset to pay in")->capture_default_str();
}

void AddLoadFlags(CLI::App* command, BenchArgs& args) {
  bench::BenchOptions& o = args.options;
  command->add_option("--accounts", o.accounts, "accounts to create, fund and pay between")
      ->capture_default_str();
  command->add_option("--rate", o.rate, "open loop: transfers/s offered on a fixed schedule");
  command->add_option("--concurrency", o.concurrency, "closed loop: transfers kept in flight");
  command->add_option("--duration", o.duration_s, "measured seconds")->capture_default_str();
  command->add_option("--warmup", o.warmup_s, "seconds of load before measuring")
      ->capture_default_str();
  command->add_option("--kill-leader-at", args.kill_leader_at_s,
                      "kill -9 the leader this many seconds after the load starts");
  command
      ->add_option("--restart-after", o.restart_after_s,
                   "restart the killed leader this many seconds later")
      ->capture_default_str();
  command->add_option("--batch-max", o.batch_max, "transfers per SettleBatch call")
      ->capture_default_str();
  command->add_option("--tick-ms", o.tick_ms, "how often the sender sends what is due")
      ->capture_default_str();
  command->add_option("--timeout-ms", o.call_timeout_ms, "deadline of each SettleBatch call")
      ->capture_default_str();
  command->add_option("--transfers", o.transfers,
                      "transfers to pre-sign (default: what the run needs; closed loop: 20000/s)");
  command->add_option("--signing-threads", o.signing_threads,
                      "threads for signing and --crypto (default: one per core)");
}

}  // namespace

void AddBenchCommand(CLI::App& app, CliContext& context) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* command = app.add_subcommand(
      "bench", "load-test settlement: funded accounts, pre-signed transfers, a latency report");
  AddTargetFlags(command, *args);
  AddLoadFlags(command, *args);
  command->add_flag("--crypto", args->options.crypto,
                    "measure Ed25519 verification on all cores and the settlement limit");
  command->add_option("--crypto-seconds", args->options.crypto_seconds, "how long --crypto runs")
      ->capture_default_str();
  command
      ->add_option("--json", args->json,
                   "also write the report as one JSON object to FILE; alone or '-': JSON on stdout")
      ->type_name("[FILE]")
      ->expected(0, 1);
  command->callback([&context, args, command] {
    // --json with no FILE leaves the list empty.
    if (command->count("--json") > 0 && (args->json.empty() || args->json.front().empty())) {
      args->json = {"-"};
    }
    context.action = [&context, args] { return RunBenchCommand(*args, *context.output); };
  });
}

}  // namespace remit::cli
