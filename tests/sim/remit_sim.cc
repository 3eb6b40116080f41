// remit-sim: runs the deterministic cluster simulation.
//
//   remit-sim --seed 7 --validators 4 --loss 0.1 --crashes --byzantine 1
//   remit-sim --sweep 10000 --first-seed 1     # every fault mix, seed by seed
//
// Prints the invariants checked and what was committed; exits 1 on any
// violation, printing the command that reproduces it.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <string>

#include "tests/sim/byzantine.h"
#include "tests/sim/simulation.h"

namespace {

// A sweep draws each run's validator count and fault mix from its seed.
remit::sim::SimOptions SweepOptions(uint64_t seed) {
  remit::sim::SimOptions options;
  options.seed = seed;
  constexpr uint32_t kSizes[] = {1, 4, 4, 4, 5, 7};
  options.validators = kSizes[seed % 6];
  const uint32_t faults_max = (options.validators - 1) / 3;
  options.loss = static_cast<double>((seed / 6) % 4) * 0.05;
  options.duplicate = static_cast<double>((seed / 24) % 2) * 0.1;
  options.delay_ms_max = 5 + (seed / 48) % 3 * 20;
  options.partitions = (seed / 144) % 2 == 1;
  options.crashes = faults_max > 0 && (seed / 288) % 2 == 1;
  // Byzantine validators take the fault budget crashes leave (all f without
  // crashes; f - 1 beside crashes, so n = 7 mixes both).
  options.byzantine = (seed / 576) % 2 == 1 ? faults_max - (options.crashes ? 1 : 0) : 0;
  // Every other block of seeds: long outages and tiny fetches, so restarted
  // validators catch up through SyncRequest chunks.
  const bool far_behind = (seed / 1152) % 2 == 1;
  options.outage_ms_max = far_behind ? 2'500 : 1'500;
  options.fetch_blocks_max = far_behind ? 1 + static_cast<uint32_t>(seed % 4) : 256;
  // The newer faults and Byzantine modes, each from bits of the seed of
  // their own (independent of the mix above): clock skew and steps back,
  // leaders restarted right after proposing, and which Byzantine modes run
  // (all of them in one run of four, else a random nonempty set).
  const uint64_t mix = seed * 0x9E3779B97F4A7C15ull >> 32;
  options.clock_skew_ms_max = mix % 3 == 0 ? 0 : 250 * (mix % 3);
  options.clock_steps = (mix >> 2) % 2 == 1;
  options.restart_after_propose = faults_max > 0 && (mix >> 3) % 3 == 0 ? 0.05 : 0.0;
  options.byzantine_modes =
      (mix >> 5) % 4 == 0 ? remit::sim::kByzantineAllModes
                          : static_cast<uint32_t>(1 + (mix >> 7) % remit::sim::kByzantineAllModes);
  options.faulty_ms = 3'000;
  options.healed_ms = 2'000;
  options.drain_ms = remit::sim::LivenessDrainMs(options.validators);
  options.submit_interval_ms = 20;
  return options;
}

// What a sweep did in all, for its summary.
struct Totals {
  uint64_t signatures_swapped = 0;
  uint64_t sequences_reordered = 0;
  uint64_t qc_variants = 0;
  uint64_t floods = 0;
  std::map<std::string, uint64_t> settled_by_kind;

  void Add(const remit::sim::SimReport& report) {
    signatures_swapped += report.signatures_swapped;
    sequences_reordered += report.sequences_reordered;
    qc_variants += report.qc_variants;
    floods += report.floods;
    for (const auto& [kind, n] : report.settled_by_kind) settled_by_kind[kind] += n;
  }
  void Print() const {
    std::printf(
        "byzantine: %lu signatures swapped, %lu sequences reordered, %lu QC variants, %lu "
        "floods\nsettled:",
        signatures_swapped, sequences_reordered, qc_variants, floods);
    for (const auto& [kind, n] : settled_by_kind) std::printf(" %s %lu", kind.c_str(), n);
    std::printf("\n");
  }
};

bool RunOne(const remit::sim::SimOptions& options, bool verbose, Totals& totals) {
  const remit::sim::SimReport report = remit::sim::RunSimulation(options);
  totals.Add(report);
  if (verbose) {
    Totals one;
    one.Add(report);
    one.Print();
  }
  if (verbose || !report.violations.empty()) {
    std::printf(
        "seed %lu, %u validators: height %lu, %lu transfers final, %lu receipts checked, %lu "
        "messages (%lu dropped), %lu faults, %lu byzantine messages, %lu refused by honest "
        "validators, %lu sync requests\n",
        options.seed, options.validators, report.height_max, report.transfers_final,
        report.receipts_checked, report.messages_sent, report.messages_dropped,
        report.faults_injected, report.byzantine_messages, report.honest_dropped,
        report.sync_requests);
    std::printf(
        "checked after every commit: one block per height, equal state hashes, every asset "
        "sums to zero, the basket reserve, each claim ends at most once, every entry's "
        "signature verifies; after every event: no honest double signing, one leader per "
        "round, bounded votes and mempool, serving rate limits; at the end: every receipt in "
        "every honest history, liveness, catch-up\n");
  }
  for (const std::string& violation : report.violations) {
    std::printf("VIOLATION: %s\n", violation.c_str());
  }
  if (!report.violations.empty()) {
    std::printf("reproduce with: %s\n", remit::sim::ReproCommand(options).c_str());
  }
  return report.violations.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"remit-sim: deterministic simulation of a Remit cluster"};
  remit::sim::SimOptions options;
  uint64_t sweep = 0;
  uint64_t first_seed = 1;
  app.add_option("--seed", options.seed, "random seed");
  app.add_option("--validators", options.validators, "number of validators")
      ->check(CLI::Range(1, 64));
  app.add_option("--faulty-ms", options.faulty_ms, "simulated ms with faults");
  app.add_option("--healed-ms", options.healed_ms, "simulated ms after healing, with load");
  app.add_option("--drain-ms", options.drain_ms, "simulated ms without load at the end");
  app.add_option("--submit-interval-ms", options.submit_interval_ms, "ms between client sends")
      ->check(CLI::Range(1, 10'000));
  app.add_option("--loss", options.loss, "message loss probability")->check(CLI::Range(0.0, 0.9));
  app.add_option("--duplicate", options.duplicate, "message duplication probability")
      ->check(CLI::Range(0.0, 0.9));
  app.add_option("--delay-ms-max", options.delay_ms_max, "largest message delay");
  app.add_flag("--partitions", options.partitions, "partition the network now and then");
  app.add_flag("--crashes", options.crashes, "crash and restart validators (at most f)");
  app.add_option("--outage-ms-max", options.outage_ms_max, "longest outage of a crashed validator");
  app.add_option("--fetch-blocks-max", options.fetch_blocks_max,
                 "blocks per fetch; a validator further behind catches up by sync requests")
      ->check(CLI::Range(1, 100'000));
  app.add_option("--byzantine", options.byzantine, "Byzantine validators (at most f)");
  app.add_option("--byzantine-modes", options.byzantine_modes,
                 "what they do, a bit set: 1 classic, 2 swapped signatures, 4 reordered "
                 "sequences, 8 per-peer QC variants, 16 floods")
      ->check(CLI::Range(1u, remit::sim::kByzantineAllModes));
  app.add_option("--clock-skew-ms-max", options.clock_skew_ms_max,
                 "each validator's wall clock is off by up to this much")
      ->check(CLI::Range(0, 2'000));
  app.add_flag("--clock-steps", options.clock_steps, "wall clocks step back now and then");
  app.add_option("--restart-after-propose", options.restart_after_propose,
                 "chance an honest leader restarts right after proposing")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--client-pipeline-max", options.client_pipeline_max,
                 "operations a client has in flight at once")
      ->check(CLI::Range(1, 16));
  app.add_option("--sweep", sweep, "run this many seeds, each with a fault mix of its own");
  app.add_option("--first-seed", first_seed, "first seed of a sweep");
  CLI11_PARSE(app, argc, argv);
  if (options.byzantine > (options.validators - 1) / 3) {
    std::fprintf(stderr, "remit-sim: --byzantine %u exceeds f = %u for %u validators\n",
                 options.byzantine, (options.validators - 1) / 3, options.validators);
    return 2;
  }
  Totals totals;
  if (sweep == 0) return RunOne(options, true, totals) ? 0 : 1;
  uint64_t failed = 0;
  for (uint64_t seed = first_seed; seed < first_seed + sweep; ++seed) {
    if (!RunOne(SweepOptions(seed), false, totals)) ++failed;
    if ((seed - first_seed + 1) % 100 == 0) {
      std::printf("%lu seeds run, %lu failed\n", seed - first_seed + 1, failed);
      std::fflush(stdout);
    }
  }
  totals.Print();
  std::printf("sweep: %lu seeds from %lu, %lu failed\n", sweep, first_seed, failed);
  return failed == 0 ? 0 : 1;
}
