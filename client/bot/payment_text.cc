#include "client/bot/payment_text.h"

#include "client/bot/chat_amount.h"
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

std::string PaymentReceiptText(const PaymentInfo& payment, const v1::Receipt& receipt,
                               uint64_t elapsed_us, bool duplicate) {
  const std::string time = StrCat(elapsed_us / 1000, ".", (elapsed_us % 1000) / 100, " ms");
  const std::string where =
      StrCat("block ", receipt.height(), ", receipt ", ShortId(receipt.transfer_id()));
  const std::string again = duplicate ? " (already final before; paid once)" : "";
  if (receipt.outcome() == v1::SETTLED) {
    const std::string verb = payment.kind == PaymentKind::kFaucet ? "Faucet sent you" : "Paid";
    const std::string what =
        payment.kind == PaymentKind::kFaucet ? PaymentAmount(payment) : DescribePayment(payment);
    return StrCat(verb, " ", what, ": SETTLED in ", time, again, " (", where, ")");
  }
  return StrCat("Not paid: ", DescribePayment(payment), ": ", OutcomeName(receipt.outcome()),
                receipt.outcome() == v1::INSUFFICIENT_FUNDS ? " (send 'balance')" : "",
                ", final in ", time, again, " (", where, ")");
}

}  // namespace remit::bot
