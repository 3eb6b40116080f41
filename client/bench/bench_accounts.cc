#include "client/bench/bench_accounts.h"

#include <chrono>
#include <thread>

#include "client/bench/parallel.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bench {
namespace {

constexpr uint64_t kRetryPauseMs = 200;

uint64_t NowUnixMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// Signs issuer -> accounts[indexes[i]] with sequences first, first + 1, ...
absl::StatusOr<std::vector<v1::SignedTransfer>> SignChunk(
    const Genesis& genesis, const SigningKey& issuer, const std::vector<AccountId>& accounts,
    const std::vector<uint64_t>& indexes, uint64_t first_sequence, const FundingPlan& plan) {
  std::vector<v1::SignedTransfer> signed_transfers(indexes.size());
  std::vector<absl::Status> errors(plan.threads);
  std::atomic<uint32_t> next_error{0};
  const uint64_t now_ms = NowUnixMs();
  const Hash32 genesis_hash = GenesisHash(genesis);
  ParallelFor(indexes.size(), plan.threads, [&](uint64_t begin, uint64_t end) {
    for (uint64_t i = begin; i < end; ++i) {
      const sdk::TransferRequest request{.to = accounts[indexes[i]],
                                         .asset = plan.asset,
                                         .amount_minor = plan.amount_minor,
                                         .memo = "bench funding",
                                         .sequence = first_sequence + i,
                                         .ttl_ms = sdk::kTransferTtlMsDefault};
      absl::StatusOr<v1::SignedTransfer> built =
          sdk::BuildTransfer(issuer, genesis, genesis_hash, request, now_ms);
      if (!built.ok()) {
        errors[next_error.fetch_add(1) % errors.size()] = built.status();
        return;
      }
      signed_transfers[i] = *std::move(built);
    }
  });
  for (const absl::Status& error : errors) RETURN_IF_ERROR(error);
  return signed_transfers;
}

// One funding call's outcome: the indexes still unpaid and whether the
// issuer's sequence needs a resync.
struct ChunkResult {
  std::vector<uint64_t> unpaid;
  bool resync = false;
  absl::Status last_error;
};

absl::StatusOr<ChunkResult> SendChunk(sdk::RemitClient& client,
                                      const std::vector<v1::SignedTransfer>& signed_transfers,
                                      const std::vector<uint64_t>& indexes) {
  ChunkResult result;
  absl::StatusOr<std::vector<v1::BatchResult>> results = client.SettleBatch(signed_transfers);
  if (!results.ok()) {
    result.unpaid = indexes;
    result.last_error = results.status();
    return result;
  }
  for (size_t i = 0; i < results->size(); ++i) {
    const v1::BatchResult& one = (*results)[i];
    const bool final =
        one.status_code() == 0 ||
        (one.status_code() == static_cast<int32_t>(absl::StatusCode::kAlreadyExists) &&
         !one.receipt().transfer_id().empty());
    if (final && one.receipt().outcome() != v1::SETTLED) {
      return absl::FailedPreconditionError(StrCat("funding transfer was final but ",
                                                  v1::Outcome_Name(one.receipt().outcome()),
                                                  "; is --issuer-key the issuer of the asset?"));
    }
    if (final) continue;
    result.unpaid.push_back(indexes[i]);
    result.last_error =
        absl::Status(static_cast<absl::StatusCode>(one.status_code()), one.status_message());
    if (one.status_code() == static_cast<int32_t>(absl::StatusCode::kFailedPrecondition)) {
      result.resync = true;
    }
  }
  return result;
}

}  // namespace

std::vector<SigningKey> GenerateKeys(uint32_t count, uint32_t threads) {
  InitCrypto();
  Seed run_seed;
  randombytes_buf(run_seed.data(), run_seed.size());
  std::vector<std::vector<SigningKey>> parts(threads);
  std::vector<uint64_t> part_begin(threads, 0);
  std::atomic<uint32_t> next_part{0};
  ParallelFor(count, threads, [&](uint64_t begin, uint64_t end) {
    const uint32_t part = next_part.fetch_add(1);
    part_begin[part] = begin;
    parts[part].reserve(end - begin);
    for (uint64_t i = begin; i < end; ++i) {
      std::string material(reinterpret_cast<const char*>(run_seed.data()), run_seed.size());
      material += StrCat("/bench-account/", i);
      parts[part].push_back(SigningKey::FromSeed(Blake2b256(material)));
    }
  });
  std::vector<uint32_t> order(threads);
  for (uint32_t i = 0; i < threads; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return part_begin[a] < part_begin[b]; });
  std::vector<SigningKey> keys;
  keys.reserve(count);
  for (uint32_t part : order) {
    for (const SigningKey& key : parts[part]) keys.push_back(key);
  }
  REMIT_CHECK(keys.size() == count);
  return keys;
}

absl::Status FundAccounts(sdk::RemitClient& client, const Genesis& genesis,
                          const SigningKey& issuer, sdk::SequenceManager& sequences,
                          const std::vector<AccountId>& accounts, const FundingPlan& plan) {
  REMIT_CHECK(plan.batch_max > 0 && plan.threads > 0);
  const uint64_t chunk_max = std::min<uint64_t>(plan.batch_max, kFundingInFlightMax);
  for (uint64_t begin = 0; begin < accounts.size(); begin += chunk_max) {
    std::vector<uint64_t> unpaid;
    for (uint64_t i = begin; i < std::min<uint64_t>(accounts.size(), begin + chunk_max); ++i) {
      unpaid.push_back(i);
    }
    absl::Status last_error;
    for (uint32_t attempt = 1; !unpaid.empty(); ++attempt) {
      if (attempt > kFundingAttemptsMax) {
        return absl::Status(last_error.code(),
                            StrCat("funding the bench accounts failed after ", kFundingAttemptsMax,
                                   " attempts: ", last_error.message()));
      }
      ASSIGN_OR_RETURN(const sdk::SequenceLease lease,
                       sequences.Reserve(issuer.public_key(), unpaid.size()));
      ASSIGN_OR_RETURN(const std::vector<v1::SignedTransfer> signed_transfers,
                       SignChunk(genesis, issuer, accounts, unpaid, lease.first, plan));
      ASSIGN_OR_RETURN(ChunkResult result, SendChunk(client, signed_transfers, unpaid));
      sequences.Complete(issuer.public_key(), lease.epoch, unpaid.size());
      if (result.resync || !result.unpaid.empty()) {
        // Some sequences may be used, others not: start again from the
        // node's next sequence and sign the unpaid rest anew.
        RETURN_IF_ERROR(sequences.Resync(issuer.public_key(), lease.epoch).status());
        std::this_thread::sleep_for(std::chrono::milliseconds(kRetryPauseMs));
      }
      unpaid = std::move(result.unpaid);
      last_error = result.last_error;
    }
    if (plan.on_progress) {
      plan.on_progress(std::min<uint64_t>(accounts.size(), begin + chunk_max));
    }
  }
  return absl::OkStatus();
}

}  // namespace remit::bench
