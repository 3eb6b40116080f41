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
// "Paid ... : SETTLED in 3.1 ms (block 7, receipt 1a2b...)", or why not.
std::string PaymentReceiptText(const PaymentInfo& payment, const v1::Receipt& receipt,
                               uint64_t elapsed_us, bool duplicate);

}  // namespace remit::bot
