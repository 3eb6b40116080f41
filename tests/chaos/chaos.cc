#include "tests/chaos/chaos.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include "client/bench/bench_accounts.h"
#include "client/bench/bench_options.h"
#include "client/bench/load_recorder.h"
#include "client/bench/load_runner.h"
#include "client/bench/parallel.h"
#include "client/bench/transfer_plan.h"
#include "client/sdk/client.h"
#include "client/sdk/sequence_manager.h"
#include "client/testnet/port.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"
#include "tests/chaos/history_check.h"

namespace remit::chaos {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kAsset[] = "USD";
constexpr uint64_t kCallTimeoutMs = 5'000;
constexpr uint64_t kTickUs = 2'000;
constexpr uint32_t kBatchMax = 500;
constexpr uint64_t kInFlightPerAccountMax = 64;
constexpr uint64_t kFundingMarginMinor = 100;
constexpr uint64_t kTtlMarginMs = 30 * 60 * 1000;

// A temporary directory for a testnet, removed with it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& given) : path_(given), owned_(given.empty()) {
    if (!owned_) return;
    std::string pattern = std::filesystem::temp_directory_path().string() + "/remit-chaos-XXXXXX";
    REMIT_CHECK(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern + "/testnet";
  }
  ~ScratchDir() {
    if (!owned_) return;
    (void)testnet::TestnetDown(path_, 2'000);
    std::error_code error;
    std::filesystem::remove_all(std::filesystem::path(path_).parent_path(), error);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool owned_;
};

// Receipts clients received, by transfer id.
class ReceiptLog {
 public:
  void Add(const v1::Receipt& receipt) {
    const auto id = ToArray<kHashBytes>(receipt.transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    std::lock_guard lock(mu_);
    receipts_[*id] = receipt;
  }
  std::map<TransferId, v1::Receipt> Take() {
    std::lock_guard lock(mu_);
    return std::move(receipts_);
  }

 private:
  std::mutex mu_;
  std::map<TransferId, v1::Receipt> receipts_;
};

}  // namespace

absl::StatusOr<ChaosReport> RunChaos(const ChaosOptions& options,
                                     const std::function<void(const std::string&)>& note) {
  REMIT_CHECK(options.validators >= 4);
  REMIT_CHECK(options.accounts >= 2);
  ScratchDir dir(options.dir);
  testnet::UpOptions up;
  up.nodes = options.validators;
  up.base_port = options.base_port;
  up.fault_injection = true;
  // Plain transfers only: the history check sums balances, which do not
  // show what a market maker's genesis offers hold.
  up.market.enabled = false;
  note(StrCat("starting ", options.validators, " validators in ", dir.path()));
  ASSIGN_OR_RETURN(const testnet::UpReport started, testnet::TestnetUp(dir.path(), up));
  const std::vector<std::string> endpoints = testnet::ManifestEndpoints(started.manifest);
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client,
                   sdk::RemitClient::Create({.endpoints = endpoints,
                                             .call_timeout_ms = kCallTimeoutMs,
                                             .settle_timeout_ms = 60'000}));
  ASSIGN_OR_RETURN(const Genesis genesis, client->GetGenesis());
  ASSIGN_OR_RETURN(const SigningKey issuer,
                   ReadKeyFile(testnet::FaucetKeyPath(started.manifest.dir)));

  const uint32_t threads = bench::ThreadsFor(0);
  const auto count = static_cast<uint64_t>(static_cast<double>(options.rate) * options.duration_s);
  const std::vector<SigningKey> keys = bench::GenerateKeys(options.accounts, threads);
  std::vector<AccountId> accounts;
  for (const SigningKey& key : keys) accounts.push_back(key.public_key());
  auto fetch_next = [&client](const AccountId& account) -> absl::StatusOr<uint64_t> {
    ASSIGN_OR_RETURN(const v1::Account found, client->GetAccount(account));
    return found.next_sequence();
  };
  note(StrCat("funding ", options.accounts, " accounts"));
  sdk::SequenceManager issuer_sequences(fetch_next);
  RETURN_IF_ERROR(bench::FundAccounts(
      *client, genesis, issuer, issuer_sequences, accounts,
      {.asset = kAsset,
       .amount_minor =
           bench::TransfersOfAccount(count, options.accounts, 0) * bench::kBenchAmountMinor +
           kFundingMarginMinor,
       .batch_max = kBatchMax,
       .threads = threads,
       .on_progress = nullptr}));
  note(StrCat("signing ", count, " transfers"));
  sdk::SequenceManager sequences(fetch_next);
  for (const AccountId& account : accounts) sequences.Seed(account, 0);
  const uint64_t run_us = bench::SecondsToUs(options.duration_s);
  const uint64_t drain_us = 6 * kCallTimeoutMs * 1000;
  ASSIGN_OR_RETURN(
      const bench::TransferPlan plan,
      bench::PresignTransfers(keys, genesis, kAsset, count,
                              (run_us + drain_us) / 1000 + kTtlMarginMs, threads, sequences));

  ReceiptLog receipts;
  bench::LoadRecorder recorder(0, run_us);
  const bench::LoadOptions load{
      .endpoints = endpoints,
      .rate = options.rate,
      .concurrency = 0,
      .warmup_us = 0,
      .duration_us = run_us,
      .drain_us = drain_us,
      .batch_max = kBatchMax,
      .tick_us = kTickUs,
      .call_timeout_ms = kCallTimeoutMs,
      .in_flight_max = uint64_t{options.accounts} * kInFlightPerAccountMax,
      .attempts_max = bench::kAttemptsMaxDefault,
      .on_receipt = [&receipts](uint64_t, const v1::Receipt& receipt) { receipts.Add(receipt); }};
  FaultOptions fault_options = options.faults;
  fault_options.seed = options.seed;
  FaultInjector faults(started.manifest, fault_options);
  note(StrCat("load started: ", options.rate, " transfers/s for ", options.duration_s,
              " s, with faults"));
  bench::LoadRunner runner(load, plan, sequences, *client, recorder);
  faults.Start();
  bool faults_stopped = false;
  runner.Run(Clock::now(), [&](uint64_t now_us) {
    // Faults end with the offered load; the drain lets retries finish.
    if (!faults_stopped && now_us >= run_us) {
      faults.Stop();
      faults_stopped = true;
      note("load ended; faults healed; draining retries");
    }
  });
  faults.Stop();

  ChaosReport report;
  report.dir = dir.path();
  report.faults = faults.counts();
  bench::BenchReport load_report;
  recorder.Fill(&load_report);
  report.offered = load_report.offered;
  report.gave_up = load_report.failed + runner.unfinished();
  report.violations = faults.problems();

  HistoryCheckInput check;
  check.endpoints = endpoints;
  check.accounts = accounts;
  check.accounts.push_back(issuer.public_key());
  check.receipts = receipts.Take();
  check.asset = kAsset;
  for (const auto& [id, receipt] : check.receipts) {
    ++(receipt.outcome() == v1::SETTLED ? report.settled : report.rejected);
  }
  note(StrCat("checking ", check.receipts.size(), " receipts against every validator"));
  ASSIGN_OR_RETURN(const HistoryCheckResult checked, CheckHistory(check));
  report.height = checked.height;
  report.receipts_checked = checked.receipts_checked;
  report.records_seen = checked.records_seen;
  report.violations.insert(report.violations.end(), checked.violations.begin(),
                           checked.violations.end());
  for (const testnet::TestnetNode& node : started.manifest.nodes) {
    if (!testnet::FindNodeProcess(started.manifest, node.index).alive) {
      report.violations.push_back(StrCat("validator ", node.index, " is not running at the end"));
    }
  }
  return report;
}

}  // namespace remit::chaos
