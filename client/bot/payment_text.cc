#include "client/bot/payment_text.h"

#include <time.h>

#include <cstdint>

#include "client/bot/chat_amount.h"
#include "ledger/amount.h"
#include "ledger/strings.h"
#include "ledger/types.h"

namespace remit::bot {

std::string PaymentAmount(const PaymentInfo& payment) {
  return FormatChatAmount(payment.amount_minor, payment.asset, payment.decimals);
}

std::string NoteSuffix(const std::string& note) {
  return note.empty() ? std::string() : StrCat(" for \"", note, "\"");
}

std::string DescribePayment(const PaymentInfo& payment) {
  return StrCat(payment.recipient, " ", PaymentAmount(payment), NoteSuffix(payment.note));
}

std::string OutcomeName(v1::Outcome outcome) { return v1::Outcome_Name(outcome); }

std::string ShortId(const std::string& transfer_id) { return ToHex(transfer_id).substr(0, 16); }

std::string FormatUtc(uint64_t unix_ms) {
  const auto seconds = static_cast<time_t>(unix_ms / 1000);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[32];
  const size_t size = strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &utc);
  return std::string(text, size);
}

std::string DurationText(uint64_t ms) {
  constexpr uint64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                     kDay = 24 * kHour;
  const auto unit = [](uint64_t count, std::string_view name) {
    return StrCat(count, " ", name, count == 1 ? "" : "s");
  };
  if (ms % kDay == 0) return unit(ms / kDay, "day");
  if (ms % kHour == 0) return unit(ms / kHour, "hour");
  if (ms % kMinute == 0) return unit(ms / kMinute, "minute");
  return unit((ms + kSecond - 1) / kSecond, "second");
}

std::string RateText(uint64_t sent_minor, const std::string& send_asset, uint32_t send_decimals,
                     uint64_t delivered_minor, const std::string& deliver_asset,
                     uint32_t deliver_decimals) {
  if (sent_minor == 0) return "no rate";
  __extension__ typedef unsigned __int128 Uint128;
  Uint128 per_unit = delivered_minor;
  for (uint32_t i = 0; i < send_decimals; ++i) per_unit *= 10;
  per_unit /= sent_minor;
  const uint64_t shown = per_unit > INT64_MAX ? INT64_MAX : static_cast<uint64_t>(per_unit);
  return StrCat("1 ", send_asset, " = ",
                FormatAmount(static_cast<int64_t>(shown), deliver_decimals), " ", deliver_asset);
}

std::string FxTerms(const PaymentInfo& payment, uint32_t slippage_bps) {
  const std::string rate = RateText(payment.send_minor, payment.send_asset, payment.send_decimals,
                                    payment.amount_minor, payment.asset, payment.decimals);
  const std::string margin =
      StrCat(slippage_bps / 100, ".", slippage_bps % 100 < 10 ? "0" : "", slippage_bps % 100, "%");
  switch (payment.fx) {
    case FxMode::kNone:
      return "";
    case FxMode::kStrictReceive:
      return StrCat(
          " It costs about ",
          FormatChatAmount(payment.send_minor, payment.send_asset, payment.send_decimals), " (",
          rate, "); I will sign at most ",
          FormatChatAmount(payment.send_max_minor, payment.send_asset, payment.send_decimals), " (",
          margin, " for the rate moving), and if it costs more nothing is paid.");
    case FxMode::kStrictSend:
      return StrCat(" You send exactly ",
                    FormatChatAmount(payment.send_minor, payment.send_asset, payment.send_decimals),
                    " (", rate, "); I will sign for at least ",
                    FormatChatAmount(payment.deliver_min_minor, payment.asset, payment.decimals),
                    " delivered (", margin, " for the rate moving), and if less nothing is paid.");
  }
  return "";
}

std::string PaymentReceiptText(const PaymentInfo& payment, const v1::Receipt& receipt,
                               uint64_t elapsed_us, bool duplicate) {
  const std::string time = StrCat(elapsed_us / 1000, ".", (elapsed_us % 1000) / 100, " ms");
  const std::string where =
      StrCat("block ", receipt.height(), ", receipt ", ShortId(receipt.transfer_id()));
  const std::string again = duplicate ? " (already final before; paid once)" : "";
  if (receipt.outcome() == v1::SETTLED) {
    const std::string done = StrCat(": SETTLED in ", time, again, " (", where, ")");
    switch (payment.kind) {
      case PaymentKind::kCreateClaim:
        return StrCat("Holding ", PaymentAmount(payment), " for ", payment.recipient,
                      NoteSuffix(payment.note), done);
      case PaymentKind::kClaim:
        return StrCat("You received ", PaymentAmount(payment), " from ", payment.recipient,
                      NoteSuffix(payment.note), done);
      case PaymentKind::kReclaim:
        return StrCat("Returned to you: the ", PaymentAmount(payment), " you sent ",
                      payment.recipient, NoteSuffix(payment.note), ", not claimed in time", done);
      default:
        break;
    }
    const std::string verb = payment.kind == PaymentKind::kFaucet ? "Faucet sent you" : "Paid";
    const std::string what =
        payment.kind == PaymentKind::kFaucet ? PaymentAmount(payment) : DescribePayment(payment);
    return StrCat(verb, " ", what, ": SETTLED in ", time, again, " (", where, ")");
  }
  const bool claim_step =
      payment.kind == PaymentKind::kClaim || payment.kind == PaymentKind::kReclaim;
  return StrCat(claim_step ? "Not done: " : "Not paid: ", DescribePayment(payment), ": ",
                OutcomeName(receipt.outcome()),
                receipt.outcome() == v1::INSUFFICIENT_FUNDS ? " (send 'balance')" : "",
                ", final in ", time, again, " (", where, ")");
}

}  // namespace remit::bot
