// BotEngine: cross-currency payments (docs/BOT.md, "Cross-currency").
//
// A payment crosses currencies in two cases: the payer names an asset they
// do not hold enough of (`pay mom 500 PHP` from USD: strict receive, exactly
// 500.00 PHP delivered for at most the quoted USD plus the slippage
// margin), or pays in their own currency someone whose `currency` setting
// is another (strict send: exactly the amount sent, at least the quoted
// delivery minus the margin). `convert` is a strict send to oneself. Each
// shows the quote and waits for `yes <code>`: the bound is what the payer
// agrees to, and a rate that moves past it ends OVER_SEND_MAX or
// UNDER_DELIVER_MIN with nothing moved.
#include <algorithm>
#include <cctype>
#include <limits>

#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

__extension__ typedef unsigned __int128 Uint128;
constexpr uint64_t kBpsOne = 10'000;
constexpr uint64_t kAmountMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

int64_t BalanceOf(const v1::Account& account, const std::string& asset) {
  for (const v1::AssetBalance& balance : account.balances()) {
    if (balance.asset() == asset) return balance.balance_minor();
  }
  return 0;
}

// ceil(amount x bps / 10000), with 128-bit intermediates.
uint64_t MarginOf(uint64_t amount, uint32_t bps) {
  const Uint128 product = static_cast<Uint128>(amount) * bps;
  return static_cast<uint64_t>((product + kBpsOne - 1) / kBpsOne);
}

}  // namespace

absl::StatusOr<FxQuote> BotEngine::AskQuote(const FxQuoteRequest& request, Lock& lock) {
  lock.unlock();
  absl::StatusOr<FxQuote> quote = ledger_->Quote(request);
  lock.lock();
  return quote;
}

absl::Status BotEngine::QuoteReceive(PaymentInfo& payment, const std::string& send_asset,
                                     Lock& lock) {
  const AssetInfo* send = genesis_.FindAsset(send_asset);
  REMIT_CHECK(send != nullptr);
  ASSIGN_OR_RETURN(const FxQuote quote, AskQuote({.send_asset = send_asset,
                                                  .deliver_asset = payment.asset,
                                                  .strict_receive = true,
                                                  .amount_minor = payment.amount_minor},
                                                 lock));
  if (quote.outcome != v1::SETTLED) {
    return absl::FailedPreconditionError(StrCat("nobody offers enough ", payment.asset, " for ",
                                                send_asset, " to deliver ", PaymentAmount(payment),
                                                " right now (", OutcomeName(quote.outcome), ")."));
  }
  const uint64_t margin = MarginOf(quote.sent_minor, options_.fx_slippage_bps);
  if (quote.sent_minor > kAmountMax - margin) {
    return absl::OutOfRangeError(StrCat("that would cost more than this ledger can count."));
  }
  payment.fx = FxMode::kStrictReceive;
  payment.send_asset = send_asset;
  payment.send_decimals = send->decimals;
  payment.send_minor = quote.sent_minor;
  payment.send_max_minor = quote.sent_minor + margin;
  return absl::OkStatus();
}

absl::Status BotEngine::QuoteSend(PaymentInfo& payment, const std::string& deliver_asset,
                                  Lock& lock) {
  const AssetInfo* deliver = genesis_.FindAsset(deliver_asset);
  REMIT_CHECK(deliver != nullptr);
  ASSIGN_OR_RETURN(const FxQuote quote, AskQuote({.send_asset = payment.asset,
                                                  .deliver_asset = deliver_asset,
                                                  .strict_receive = false,
                                                  .amount_minor = payment.amount_minor},
                                                 lock));
  if (quote.outcome != v1::SETTLED || quote.delivered_minor == 0) {
    return absl::FailedPreconditionError(StrCat("nobody offers ", deliver_asset, " for ",
                                                PaymentAmount(payment), " right now (",
                                                OutcomeName(quote.outcome), ")."));
  }
  const uint64_t margin = MarginOf(quote.delivered_minor, options_.fx_slippage_bps);
  payment.fx = FxMode::kStrictSend;
  payment.send_asset = payment.asset;
  payment.send_decimals = payment.decimals;
  payment.send_minor = payment.amount_minor;
  payment.asset = deliver_asset;
  payment.decimals = deliver->decimals;
  payment.amount_minor = quote.delivered_minor;
  payment.deliver_min_minor = std::max<uint64_t>(1, quote.delivered_minor - margin);
  return absl::OkStatus();
}

std::string BotEngine::PlanPayment(PaymentInfo payment, const Recipient& recipient,
                                   Context& context) {
  const UserRecord& user = *context.user;
  Lock& lock = *context.lock;
  if (payment.asset != user.currency) {
    lock.unlock();
    const absl::StatusOr<v1::Account> account = ledger_->GetAccount(user.account);
    lock.lock();
    if (account.ok() &&
        BalanceOf(*account, payment.asset) < static_cast<int64_t>(payment.amount_minor)) {
      const absl::Status quoted = QuoteReceive(payment, user.currency, lock);
      // A ledger without quotes: the payment goes as asked (and the ledger
      // says whether the payer has the asset).
      if (!quoted.ok() && !absl::IsUnimplemented(quoted)) {
        return StrCat("Nothing was paid: ", quoted.message());
      }
    }
  } else if (!recipient.identity.empty()) {
    const absl::StatusOr<std::optional<UserRecord>> payee = store_->GetUser(recipient.identity);
    if (payee.ok() && payee->has_value() && (*payee)->currency != payment.asset) {
      // No rate into the payee's currency: paid as asked, in the payer's.
      (void)QuoteSend(payment, (*payee)->currency, lock);
    }
  }
  return PayOrAsk(payment, context);
}

std::string BotEngine::Convert(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return StrCat("Nothing was converted: ", amount.status().message());
  std::string target = command.code;
  for (char& c : target) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (genesis_.FindAsset(target) == nullptr) {
    return StrCat("Nothing was converted: this network has no currency ", command.code, ".");
  }
  if (target == amount->asset) return "Nothing was converted: that is the same currency.";
  PaymentInfo payment{.kind = PaymentKind::kPay,
                      .recipient = user.identity,
                      .to = user.account,
                      .asset = amount->asset,
                      .amount_minor = amount->amount_minor,
                      .decimals = amount->decimals,
                      .note = "convert",
                      .request_code = "",
                      .requester = ""};
  const absl::Status quoted = QuoteSend(payment, target, *context.lock);
  if (!quoted.ok()) return StrCat("Nothing was converted: ", quoted.message());
  return PayOrAsk(payment, context);
}

std::string BotEngine::Rates(const UserRecord& user, Lock& lock) {
  const AssetInfo* base = genesis_.FindAsset(user.currency);
  REMIT_CHECK(base != nullptr);
  uint64_t unit = 1;
  for (uint32_t i = 0; i < base->decimals; ++i) unit *= 10;
  std::string lines;
  for (const AssetInfo& asset : genesis_.assets) {
    if (asset.code == base->code) continue;
    const absl::StatusOr<FxQuote> quote = AskQuote({.send_asset = base->code,
                                                    .deliver_asset = asset.code,
                                                    .strict_receive = false,
                                                    .amount_minor = unit},
                                                   lock);
    if (!quote.ok())
      return StrCat("I cannot get rates right now (", quote.status().message(), ").");
    lines += "\n";
    lines += quote->outcome == v1::SETTLED
                 ? RateText(quote->sent_minor, base->code, base->decimals, quote->delivered_minor,
                            asset.code, asset.decimals)
                 : StrCat(asset.code, ": no offers right now");
  }
  if (lines.empty()) return "This network has only one currency.";
  return StrCat("What 1 ", base->code, " buys now (before the ", options_.fx_slippage_bps / 100,
                "% margin a payment signs):", lines);
}

std::optional<uint64_t> BotEngine::TotalIn(const std::string& currency, const v1::Account& account,
                                           Lock& lock) {
  uint64_t total = 0;
  for (const v1::AssetBalance& balance : account.balances()) {
    if (balance.balance_minor() <= 0) continue;
    uint64_t worth = static_cast<uint64_t>(balance.balance_minor());
    if (balance.asset() != currency) {
      const absl::StatusOr<FxQuote> quote = AskQuote({.send_asset = balance.asset(),
                                                      .deliver_asset = currency,
                                                      .strict_receive = false,
                                                      .amount_minor = worth},
                                                     lock);
      if (!quote.ok() || quote->outcome != v1::SETTLED) return std::nullopt;
      worth = quote->delivered_minor;
    }
    if (worth > kAmountMax - total) return std::nullopt;
    total += worth;
  }
  return total;
}

std::string BotEngine::FinishFx(const PaymentInfo& payment, const v1::Receipt* receipt) {
  if (payment.fx == FxMode::kNone || receipt == nullptr) return "";
  const std::string sent_max =
      FormatChatAmount(payment.send_max_minor, payment.send_asset, payment.send_decimals);
  const std::string deliver_min =
      FormatChatAmount(payment.deliver_min_minor, payment.asset, payment.decimals);
  switch (receipt->outcome()) {
    case v1::SETTLED:
      return StrCat(
          ". It cost ",
          FormatChatAmount(receipt->sent_minor(), payment.send_asset, payment.send_decimals),
          " and delivered ",
          FormatChatAmount(receipt->delivered_minor(), payment.asset, payment.decimals), " (",
          RateText(receipt->sent_minor(), payment.send_asset, payment.send_decimals,
                   receipt->delivered_minor(), payment.asset, payment.decimals),
          ").");
    case v1::OVER_SEND_MAX:
      return StrCat(". The rate moved: it would have cost more than the ", sent_max,
                    " you agreed to, so nothing was paid. Send it again for a new quote.");
    case v1::UNDER_DELIVER_MIN:
      return StrCat(". The rate moved: it would have delivered less than the ", deliver_min,
                    " you agreed to, so nothing was paid. Send it again for a new quote.");
    case v1::NO_LIQUIDITY:
      return ". Nobody offered enough at the time; nothing was paid.";
    default:
      return "";
  }
}

}  // namespace remit::bot
