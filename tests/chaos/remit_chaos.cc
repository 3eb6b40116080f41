// remit-chaos: the chaos test as a command, for runs as long as asked.
//
//   remit-chaos                                  # 60 s, 4 validators, 300 transfers/s
//   remit-chaos --duration 1800 --rate 500       # the 30-minute run
//
// Prints what it checked and found; exits 1 on any violation, 2 on bad
// arguments, 3 if the test could not run (e.g. remitd missing).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "ledger/strings.h"
#include "tests/chaos/chaos.h"

int main(int argc, char** argv) {
  CLI::App app{"remit-chaos: a 4-validator testnet under load and faults, then a history check"};
  remit::chaos::ChaosOptions options;
  app.add_option("--duration", options.duration_s, "seconds of load with faults")
      ->check(CLI::Range(5.0, 24.0 * 3600));
  app.add_option("--rate", options.rate, "transfers/s offered")->check(CLI::Range(1, 20'000));
  app.add_option("--accounts", options.accounts, "accounts sending and receiving")
      ->check(CLI::Range(2, 100'000));
  app.add_option("--validators", options.validators, "validators (faults hit one at a time)")
      ->check(CLI::Range(4, 16));
  app.add_option("--seed", options.seed, "seed of the fault schedule");
  app.add_option("--dir", options.dir, "testnet directory to create (default: a temporary one)");
  app.add_option("--base-port", options.base_port, "first port of the testnet");
  app.add_option("--fault-ms-max", options.faults.fault_ms_max, "longest fault");
  app.add_option("--gap-ms-max", options.faults.gap_ms_max, "longest quiet gap between faults");
  CLI11_PARSE(app, argc, argv);

  const auto report = remit::chaos::RunChaos(options, [](const std::string& line) {
    std::fprintf(stderr, "remit-chaos: %s\n", line.c_str());
  });
  if (!report.ok()) {
    std::fprintf(stderr, "remit-chaos: could not run: %s\n",
                 std::string(report.status().message()).c_str());
    return 3;
  }
  std::printf(
      "chaos: %u validators, %.0f s at %lu/s: %lu offered, %lu settled, %lu rejected, %lu given "
      "up\n"
      "faults: %lu (kill -9 %lu, SIGSTOP %lu, partition %lu)\n"
      "checked: every validator at height %lu with one state hash; %lu receipts x validators "
      "found with the same outcome (%lu history records read); sums zero; no sequence "
      "consumed twice; no validator died on its own\n",
      options.validators, options.duration_s, options.rate, report->offered, report->settled,
      report->rejected, report->gave_up, report->faults.total(), report->faults.kills,
      report->faults.pauses, report->faults.partitions, report->height, report->receipts_checked,
      report->records_seen);
  for (const std::string& violation : report->violations) {
    std::printf("VIOLATION: %s\n", violation.c_str());
  }
  std::printf("%zu violations\n", report->violations.size());
  return report->violations.empty() ? 0 : 1;
}
