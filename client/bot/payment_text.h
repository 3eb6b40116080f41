// How the bot words payments: every reply names the resolved recipient, the
// exact amount with its currency, the note, the outcome and the time taken.
#pragma once

#include <cstdint>
#include <string>

#include "client/bot/bot_store.h"
#include "remit/v1/types.pb.h"

namespace remit::bot {

// `bob@example.org 0.50 USD for "coffee"`
std::string DescribePayment(const PaymentInfo& payment);
// `0.50 USD`
std::string PaymentAmount(const PaymentInfo& payment);
// ` for "coffee"`, or "" without a note.
std::string NoteSuffix(const std::string& note);
// "SETTLED", "INSUFFICIENT_FUNDS", ...
std::string OutcomeName(v1::Outcome outcome);
// The first 16 hex digits of a transfer id: enough to find it, short to read.
std::string ShortId(const std::string& transfer_id);
// "2026-12-21 14:05 UTC"
std::string FormatUtc(uint64_t unix_ms);
// "14 days", "3 hours", "90 seconds"
std::string DurationText(uint64_t ms);
// "1 USD = 57.67 PHP": what one unit of the send asset buys at these amounts.
std::string RateText(uint64_t sent_minor, const std::string& send_asset, uint32_t send_decimals,
                     uint64_t delivered_minor, const std::string& deliver_asset,
                     uint32_t deliver_decimals);
// For a cross-currency payment: what it costs or delivers, the rate and the
// bound it signs (" It costs about ..."); "" for any other.
std::string FxTerms(const PaymentInfo& payment, uint32_t slippage_bps);
// "Paid ... : SETTLED in 3.1 ms (block 7, receipt 1a2b...)", or why not.
std::string PaymentReceiptText(const PaymentInfo& payment, const v1::Receipt& receipt,
                               uint64_t elapsed_us, bool duplicate);

}  // namespace remit::bot
