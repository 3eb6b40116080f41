// This machine's Ed25519 verification rate, the bound on settlement
// (docs/ARCHITECTURE.md §6): every validator verifies every transfer's signature, so n
// validators sharing this machine settle at most (all cores' verifications
// per second) / n transfers per second.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace remit::bench {

struct CryptoRate {
  uint32_t threads = 0;  // one per hardware thread
  uint64_t verifications = 0;
  double seconds = 0;
  double verify_per_s = 0;           // all threads together
  double verify_per_s_per_core = 0;  // verify_per_s / threads
};

// Verifies signatures (ledger's VerifySignature, libsodium) on `threads`
// threads for about duration_us. Precondition (checked): threads >= 1,
// duration_us > 0.
CryptoRate MeasureVerifyRate(uint32_t threads, uint64_t duration_us);

// The settlement limit for n validators on this machine.
double SettlementLimitTps(const CryptoRate& rate, uint32_t validators);

nlohmann::json CryptoRateToJson(const CryptoRate& rate);
std::string CryptoRateToText(const CryptoRate& rate);

}  // namespace remit::bench
