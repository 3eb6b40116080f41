#include "client/bench/bench_run.h"

#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>

#include "client/bench/bench_accounts.h"
#include "client/bench/cpu_usage.h"
#include "client/bench/kill_recovery.h"
#include "client/bench/leader_fault.h"
#include "client/bench/load_recorder.h"
#include "client/bench/load_runner.h"
#include "client/bench/parallel.h"
#include "client/bench/spawned_testnet.h"
#include "client/bench/stage_sampler.h"
#include "client/bench/transfer_plan.h"
#include "client/testnet/manifest.h"
#include "client/testnet/node_control.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Extra validity of pre-signed transfers beyond the run itself.
constexpr uint64_t kTransferTtlMarginMs = 10 * 60 * 1000;
constexpr uint64_t kSettleTimeoutMsMin = 60'000;
constexpr uint64_t kFundingNoteEvery = 100'000;

struct Target {
  std::unique_ptr<SpawnedTestnet> spawned;
  std::string testnet_dir;  // empty with --node
  std::vector<std::string> endpoints;
  std::string issuer_key_path;
  std::string tls_ca_file;  // empty: plaintext
};

absl::StatusOr<Target> ResolveTarget(const BenchOptions& options, const BenchHooks& hooks) {
  Target target;
  target.testnet_dir = options.testnet_dir;
  if (options.spawn != 0) {
    hooks.note(StrCat("starting a testnet of ", options.spawn, " validators"));
    ASSIGN_OR_RETURN(target.spawned, SpawnedTestnet::Start(options.spawn, options.spawn_base_port));
    target.testnet_dir = target.spawned->dir();
  }
  if (!target.testnet_dir.empty()) {
    absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(target.testnet_dir);
    if (!manifest.ok()) return absl::InvalidArgumentError(manifest.status().message());
    target.testnet_dir = manifest->dir;
    target.endpoints = testnet::ManifestEndpoints(*manifest);
    target.issuer_key_path = testnet::FaucetKeyPath(manifest->dir);
    target.tls_ca_file = testnet::ManifestTlsCaFile(*manifest);
  } else {
    target.endpoints = options.nodes;
  }
  if (!options.tls_ca_file.empty()) target.tls_ca_file = options.tls_ca_file;
  if (!options.issuer_key_path.empty()) target.issuer_key_path = options.issuer_key_path;
  return target;
}

absl::StatusOr<SigningKey> LoadIssuer(const std::string& path, const Genesis& genesis,
                                      const std::string& asset_code) {
  const AssetInfo* asset = genesis.FindAsset(asset_code);
  if (asset == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("--asset ", asset_code, " is not an asset of chain ", genesis.chain_id));
  }
  absl::StatusOr<SigningKey> key = ReadKeyFile(path);
  if (!key.ok()) {
    return absl::InvalidArgumentError(StrCat("issuer key ", path, ": ", key.status().message()));
  }
  if (key->public_key() != asset->issuer) {
    return absl::InvalidArgumentError(StrCat("the key in ", path, " is not the issuer of ",
                                             asset_code, " on this chain; pass --issuer-key"));
  }
  return key;
}

// CPU of this process and of the validators, sampled at the measured
// window's start and end.
class CpuSampler {
 public:
  explicit CpuSampler(std::string testnet_dir) : testnet_dir_(std::move(testnet_dir)) {}

  void Sample(uint64_t now_us) {
    Snapshot snapshot{
        .at_us = now_us, .client_us = ProcessCpuUs(::getpid()).value_or(0), .nodes_us = {}};
    if (!testnet_dir_.empty()) {
      if (absl::StatusOr<testnet::TestnetManifest> manifest = testnet::ReadManifest(testnet_dir_);
          manifest.ok()) {
        for (const testnet::TestnetNode& node : manifest->nodes) {
          const testnet::NodeProcess process = testnet::FindNodeProcess(*manifest, node.index);
          snapshot.nodes_us.push_back(process.alive ? ProcessCpuUs(process.pid).value_or(0) : 0);
        }
      }
    }
    (first_ ? last_ : first_) = snapshot;
  }

  std::optional<CpuReport> Report() const {
    if (!first_ || !last_ || last_->at_us <= first_->at_us) return std::nullopt;
    const double span_us = static_cast<double>(last_->at_us - first_->at_us);
    CpuReport report;
    report.client_percent = Percent(first_->client_us, last_->client_us, span_us);
    if (first_->nodes_us.size() == last_->nodes_us.size()) {
      for (size_t i = 0; i < first_->nodes_us.size(); ++i) {
        report.node_percent.push_back(Percent(first_->nodes_us[i], last_->nodes_us[i], span_us));
      }
    }
    return report;
  }

 private:
  struct Snapshot {
    uint64_t at_us = 0;
    uint64_t client_us = 0;
    std::vector<uint64_t> nodes_us;
  };
  // A restarted validator's counter starts again at 0: count what it used.
  static double Percent(uint64_t before_us, uint64_t after_us, double span_us) {
    const uint64_t used_us = after_us >= before_us ? after_us - before_us : after_us;
    return 100.0 * static_cast<double>(used_us) / span_us;
  }

  const std::string testnet_dir_;
  std::optional<Snapshot> first_;
  std::optional<Snapshot> last_;
};

std::string ProgressLine(uint64_t now_us, uint64_t warmup_us, const LoadRecorder::Progress& p) {
  return fmt::format("{:>7.1f} s{} offered {:>6}/s  settled {:>6}/s  p99 {}  errors {}",
                     static_cast<double>(now_us) / 1e6, now_us < warmup_us ? " warmup" : "",
                     p.offered_last_s, p.settled_last_s,
                     p.p99_us == 0 ? std::string("-") : FormatUsAsMs(p.p99_us), p.errors);
}

LeaderKillReport KillReport(const LeaderFaultResult& fault, const LoadRecorder& recorder,
                            uint64_t warmup_us, uint64_t end_us) {
  LeaderKillReport report;
  report.node_index = fault.node_index;
  report.killed_at_s = static_cast<double>(fault.killed_at_us) / 1e6;
  if (fault.restarted_at_us)
    report.restarted_at_s = static_cast<double>(*fault.restarted_at_us) / 1e6;
  report.restart_error = fault.error;
  if (!fault.killed || fault.killed_at_us >= end_us) return report;
  const KillRecovery recovery =
      AnalyseKillRecovery(recorder.SettledSlots(), LoadRecorder::kSlotUs,
                          std::min(warmup_us, fault.killed_at_us), fault.killed_at_us, end_us);
  report.baseline_tps = recovery.baseline_tps;
  report.dip_tps = recovery.dip_tps;
  if (recovery.recovery_us) report.recovery_s = static_cast<double>(*recovery.recovery_us) / 1e6;
  return report;
}

}  // namespace

absl::StatusOr<BenchReport> RunBench(const BenchOptions& options, const BenchHooks& given_hooks) {
  REMIT_CHECK(ValidateBenchOptions(options).ok() && !options.crypto);
  const BenchHooks hooks{
      .progress = given_hooks.progress ? given_hooks.progress : [](const std::string&) {},
      .note = given_hooks.note ? given_hooks.note : [](const std::string&) {},
      .interrupted = given_hooks.interrupted ? given_hooks.interrupted : [] { return false; }};
  ASSIGN_OR_RETURN(Target target, ResolveTarget(options, hooks));
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client,
                   sdk::RemitClient::Create(
                       {.endpoints = target.endpoints,
                        .call_timeout_ms = options.call_timeout_ms,
                        .settle_timeout_ms = std::max(options.call_timeout_ms, kSettleTimeoutMsMin),
                        .tls_ca_file = target.tls_ca_file}));
  ASSIGN_OR_RETURN(const std::shared_ptr<grpc::ChannelCredentials> credentials,
                   sdk::ChannelCredentialsFor(target.tls_ca_file));
  ASSIGN_OR_RETURN(const Genesis genesis, client->GetGenesis());
  ASSIGN_OR_RETURN(const SigningKey issuer,
                   LoadIssuer(target.issuer_key_path, genesis, options.asset));
  const uint32_t threads = ThreadsFor(options.signing_threads);
  const uint64_t count = TransfersToPresign(options);
  const uint64_t fund_minor =
      TransfersOfAccount(count, options.accounts, 0) * kBenchAmountMinor + kFundingMarginMinor;
  if (fund_minor > genesis.FindAsset(options.asset)->transfer_max_minor) {
    return absl::InvalidArgumentError(StrCat("each account needs ", fund_minor,
                                             " minor units, above the "
                                             "per-transfer limit; raise --accounts"));
  }

  hooks.note(StrCat("creating and funding ", options.accounts, " accounts"));
  auto started = Clock::now();
  const std::vector<SigningKey> keys = GenerateKeys(options.accounts, threads);
  std::vector<AccountId> accounts;
  for (const SigningKey& key : keys) accounts.push_back(key.public_key());
  auto fetch_next = [&client](const AccountId& account) -> absl::StatusOr<uint64_t> {
    ASSIGN_OR_RETURN(const v1::Account found, client->GetAccount(account));
    return found.next_sequence();
  };
  sdk::SequenceManager issuer_sequences(fetch_next);
  RETURN_IF_ERROR(FundAccounts(*client, genesis, issuer, issuer_sequences, accounts,
                               {.asset = options.asset,
                                .amount_minor = fund_minor,
                                .batch_max = kBatchTransfersMax,
                                .threads = threads,
                                .on_progress = [&hooks, &accounts](uint64_t funded) {
                                  // Every 100,000 accounts, for runs that take minutes.
                                  if (funded % kFundingNoteEvery == 0 && funded < accounts.size()) {
                                    hooks.note(
                                        StrCat("  funded ", funded, " of ", accounts.size()));
                                  }
                                }}));
  BenchReport report;
  report.funding_s = std::chrono::duration<double>(Clock::now() - started).count();

  hooks.note(StrCat("signing ", count, " transfers on ", threads, " threads"));
  started = Clock::now();
  // The bench's accounts lease every pre-signed sequence up front.
  sdk::SequenceManager sequences(fetch_next, kTransfersMax);
  for (const AccountId& account : accounts) sequences.Seed(account, 0);
  const uint64_t run_us = SecondsToUs(options.warmup_s + options.duration_s);
  const uint64_t drain_us = 2 * options.call_timeout_ms * 1000;
  ASSIGN_OR_RETURN(
      const TransferPlan plan,
      PresignTransfers(keys, genesis, options.asset, count,
                       (run_us + drain_us) / 1000 + kTransferTtlMarginMs, threads, sequences));
  report.signing_s = std::chrono::duration<double>(Clock::now() - started).count();
  report.transfers_presigned = count;

  const uint64_t warmup_us = SecondsToUs(options.warmup_s);
  LoadRecorder recorder(warmup_us, run_us);
  const LoadOptions load{
      .endpoints = target.endpoints,
      .rate = options.rate,
      .concurrency = options.concurrency,
      .warmup_us = warmup_us,
      .duration_us = run_us - warmup_us,
      .drain_us = drain_us,
      .batch_max = options.batch_max,
      .tick_us = uint64_t{options.tick_ms} * 1000,
      .call_timeout_ms = options.call_timeout_ms,
      .in_flight_max = options.concurrency != 0
                           ? options.concurrency
                           : std::min<uint64_t>(uint64_t{options.accounts} * kInFlightPerAccountMax,
                                                kConcurrencyMax),
      .attempts_max = kAttemptsMaxDefault,
      .on_receipt = nullptr,
      .credentials = credentials};
  hooks.note("load started");
  LoadRunner runner(load, plan, sequences, *client, recorder);
  CpuSampler cpu(target.testnet_dir);
  StageSampler stages(StageSampler::EndpointsOf(target.testnet_dir));
  bool sampled_start = false;
  bool sampled_end = false;
  uint64_t next_progress_us = 1'000'000;
  const Clock::time_point start = Clock::now();
  std::optional<LeaderFault> fault;
  if (options.kill_leader_at_s) {
    fault.emplace(target.testnet_dir, target.endpoints, start,
                  SecondsToUs(*options.kill_leader_at_s), SecondsToUs(options.restart_after_s));
  }
  runner.Run(start, [&](uint64_t now_us) {
    if (hooks.interrupted()) runner.RequestStop();
    if (!sampled_start && now_us >= warmup_us) {
      cpu.Sample(now_us);
      stages.Start();
      sampled_start = true;
    }
    if (!sampled_end && now_us >= run_us) cpu.Sample(now_us), sampled_end = true;
    if (now_us >= next_progress_us) {
      hooks.progress(ProgressLine(now_us, warmup_us, recorder.Snapshot(now_us)));
      next_progress_us += 1'000'000;
    }
  });

  recorder.Fill(&report);
  report.mode = options.rate != 0 ? "open" : "closed";
  report.rate = options.rate;
  report.concurrency = options.concurrency;
  report.validators = static_cast<uint32_t>(genesis.validators.size());
  report.accounts = options.accounts;
  report.unfinished = runner.unfinished();
  report.transfers_exhausted = runner.exhausted();
  report.cpu = cpu.Report();
  stages.Finish(report);
  if (fault) {
    report.leader_kill = KillReport(fault->Finish(), recorder, warmup_us, run_us);
  }
  return report;
}

}  // namespace remit::bench
