// What every `remit` command that signs an operation (docs/FX.md,
// docs/CLAIMS.md) does once its local arguments are checked: fetch genesis
// and the signer's next sequence, build and sign, settle, and turn the
// final receipt into output and an exit code. Also the figures their output
// shares: the rate between two amounts, and the fills of a receipt or quote.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "client/remit/connection.h"
#include "client/remit/output.h"
#include "client/sdk/client.h"
#include "client/sdk/operation_builder.h"
#include "ledger/genesis.h"

namespace remit::cli {

uint64_t NowUnixMs();

// A connection and the chain it talks to.
struct OperationRun {
  std::unique_ptr<sdk::RemitClient> client;
  Genesis genesis;
  Hash32 genesis_hash{};
};
// Connects and fetches genesis (a node failure is exit 1).
absl::StatusOr<OperationRun> StartOperation(const ConnectionFlags& flags);

using OperationBuild =
    std::function<absl::StatusOr<v1::SignedTransfer>(const sdk::OperationContext& context)>;

struct SettledOperation {
  v1::SignedTransfer signed_transfer;
  sdk::SettleResult result;
  double latency_ms = 0;
};
// Fetches the signer's next sequence, builds with `build` (its refusal is
// bad input: nothing was sent), settles and waits for the final receipt.
absl::StatusOr<SettledOperation> SignAndSettleOperation(OperationRun& run, const SigningKey& key,
                                                        const std::string& memo,
                                                        const OperationBuild& build);

// The receipt's fields, latency, endpoint, and for operations that move
// money the sent and delivered amounts (decimal strings), fills and claim id.
nlohmann::json OperationJson(const Genesis& genesis, const SettledOperation& settled);

// OK for SETTLED; otherwise "<kind> is final but was not settled: OUTCOME;
// hint" with exit code 3 (kExitNotSettled).
absl::Status SettledOrNotSettled(const SettledOperation& settled);

// "58.2500 PHP per USD": what one major unit of the send asset buys, to 4
// decimals (rounded down); "-" if either amount is zero or it does not fit.
std::string RateText(const Genesis& genesis, const std::string& send_asset, uint64_t send_minor,
                     const std::string& deliver_asset, uint64_t deliver_minor);
// The same rate as a decimal string, for --json.
std::string RateDecimal(const Genesis& genesis, const std::string& send_asset, uint64_t send_minor,
                        const std::string& deliver_asset, uint64_t deliver_minor);

// offer_id, owner, sold and bought assets and amounts (decimal strings).
nlohmann::json FillsJson(const Genesis& genesis,
                         const google::protobuf::RepeatedPtrField<v1::Fill>& fills);

}  // namespace remit::cli
