#include "client/bench/crypto_rate.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/strings.h"

namespace remit::bench {
namespace {

// Signed messages about as long as a transfer's signing bytes.
constexpr size_t kMessageBytes = 160;
constexpr uint32_t kSamples = 16;
// Validator counts the text and JSON show the limit for.
constexpr uint32_t kShownValidators[] = {1, 4};

struct Sample {
  AccountId key;
  std::string message;
  Signature signature;
};

std::vector<Sample> MakeSamples() {
  std::vector<Sample> samples;
  for (uint32_t i = 0; i < kSamples; ++i) {
    const SigningKey key = SigningKey::Generate();
    std::string message(kMessageBytes, static_cast<char>('a' + i));
    samples.push_back({key.public_key(), message, key.Sign(message)});
  }
  return samples;
}

}  // namespace

CryptoRate MeasureVerifyRate(uint32_t threads, uint64_t duration_us) {
  REMIT_CHECK(threads >= 1 && duration_us > 0);
  InitCrypto();
  const std::vector<Sample> samples = MakeSamples();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> workers;
  const auto start = std::chrono::steady_clock::now();
  for (uint32_t t = 0; t < threads; ++t) {
    workers.emplace_back([&samples, &stop, &total] {
      uint64_t done = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        const Sample& sample = samples[done % samples.size()];
        REMIT_CHECK(VerifySignature(sample.key, sample.message, sample.signature));
        ++done;
      }
      total.fetch_add(done);
    });
  }
  std::this_thread::sleep_for(std::chrono::microseconds(duration_us));
  stop.store(true);
  for (std::thread& worker : workers) worker.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CryptoRate rate;
  rate.threads = threads;
  rate.verifications = total.load();
  rate.seconds = seconds;
  rate.verify_per_s = static_cast<double>(rate.verifications) / seconds;
  rate.verify_per_s_per_core = rate.verify_per_s / threads;
  return rate;
}

double SettlementLimitTps(const CryptoRate& rate, uint32_t validators) {
  REMIT_CHECK(validators >= 1);
  return rate.verify_per_s / validators;
}

nlohmann::json CryptoRateToJson(const CryptoRate& rate) {
  nlohmann::json limits = nlohmann::json::object();
  for (uint32_t n : kShownValidators) limits[std::to_string(n)] = SettlementLimitTps(rate, n);
  return {{"threads", rate.threads},
          {"verifications", rate.verifications},
          {"seconds", rate.seconds},
          {"verify_per_s", rate.verify_per_s},
          {"verify_per_s_per_core", rate.verify_per_s_per_core},
          {"verify_us", 1e6 / rate.verify_per_s_per_core},
          {"limit_tps", limits}};
}

std::string CryptoRateToText(const CryptoRate& rate) {
  std::string text = fmt::format(
      "Ed25519 verification: {:.0f}/s on {} threads ({:.0f}/s per core, {:.1f} us each)",
      rate.verify_per_s, rate.threads, rate.verify_per_s_per_core,
      1e6 / rate.verify_per_s_per_core);
  text += "\nsettlement limit (cores x rate / validators):";
  for (uint32_t n : kShownValidators) {
    text += fmt::format("\n  {} validator{}: {:.0f} transfers/s", n, n == 1 ? "" : "s",
                        SettlementLimitTps(rate, n));
  }
  return text;
}

}  // namespace remit::bench
