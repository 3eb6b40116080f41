// How transfers and receipts look on the command line: one human line, or a
// JSON object with hex ids, rmt1 addresses and decimal amounts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/genesis.h"
#include "remit/v1/types.pb.h"

namespace remit::cli {

// "0.50" for 50 minor units of a 2-decimal asset; the minor units as digits
// for an asset missing from genesis.
std::string DecimalAmount(const Genesis& genesis, const std::string& asset, uint64_t amount_minor);

// "0.50 USD"; an asset missing from genesis shows its minor units.
std::string AmountText(const Genesis& genesis, const std::string& asset, uint64_t amount_minor);

// Outcome name, e.g. "SETTLED".
std::string OutcomeName(v1::Outcome outcome);

// transfer_id, outcome, height, position, block_hash, block_time_unix_ms.
nlohmann::json ReceiptToJson(const v1::Receipt& receipt);

// The receipt's fields plus from, to, asset, amount (decimal text),
// amount_minor, sequence, expiry_unix_ms and memo.
nlohmann::json RecordToJson(const Genesis& genesis, const v1::TransferRecord& record);

// "SETTLED 0.50 USD rmt1from -> rmt1to height 3 id 1f2e... memo \"lunch\"".
std::string RecordToLine(const Genesis& genesis, const v1::TransferRecord& record);

}  // namespace remit::cli
