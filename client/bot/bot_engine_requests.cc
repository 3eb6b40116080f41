// BotEngine: payment requests (request, accept, decline, expiry).
//
// A request stays open until it is paid, declined or expires
// (EngineOptions::request_ttl_ms), and its requester is told of each. An
// accept is a payment like any other: it goes through the one confirmation
// rule (PayOrAsk), marks the request as being paid in the same write as its
// signed transfer (so a second accept cannot pay it again), and only a
// settled transfer closes the request; one that fails leaves it open.
#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bot {
namespace {

constexpr size_t kOpenRequestsPerPayerMax = 20;

std::string RequestText(const PaymentRequest& request) {
  return StrCat(FormatChatAmount(request.amount_minor, request.asset, request.decimals),
                NoteSuffix(request.note), " (request ", request.code, ")");
}

std::string ReceiptWhere(const v1::Receipt& receipt) {
  return StrCat("block ", receipt.height(), ", receipt ", ShortId(receipt.transfer_id()));
}

bool CodeMatches(const PaymentRequest& request, const std::string& code) {
  return code.empty() || request.code == code || "r" + request.code.substr(1) == code;
}

}  // namespace

std::string BotEngine::Request(const Command& command, Context& context) {
  const UserRecord& user = *context.user;
  const std::string& from = user.identity;
  absl::StatusOr<Recipient> payer = Resolve(user, command.who);
  if (!payer.ok()) return StrCat(payer.status().message(), " No request was sent.");
  if (payer->identity.empty()) {
    return "I can only send requests to people who chat with me, not to a bare address.";
  }
  if (payer->account == user.account) return "You cannot ask yourself for money.";
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return StrCat("No request sent: ", amount.status().message());
  std::string note;
  for (size_t i = amount->tokens_used; i < command.rest.size(); ++i) {
    note += (note.empty() ? "" : " ") + command.rest[i];
  }
  if (note.size() > kMemoBytesMax || !IsValidUtf8(note)) {
    return StrCat("No request sent: the note is longer than ", kMemoBytesMax, " bytes.");
  }
  absl::StatusOr<std::vector<PaymentRequest>> open = store_->RequestsFor(payer->identity);
  if (!open.ok()) return StrCat("Sorry: ", open.status().message());
  if (open->size() >= kOpenRequestsPerPayerMax) {
    return StrCat(payer->identity, " has too many open requests already (",
                  kOpenRequestsPerPayerMax, "); no request was sent.");
  }
  std::string code;
  for (uint32_t attempt = 0; attempt < 16 && code.empty(); ++attempt) {
    absl::StatusOr<std::string> candidate = NewCode("R");
    if (!candidate.ok()) break;
    absl::StatusOr<std::optional<PaymentRequest>> taken =
        store_->GetRequest(payer->identity, *candidate);
    if (taken.ok() && !taken->has_value()) code = *candidate;
  }
  if (code.empty()) return "Sorry, try again.";
  const uint64_t now_ms = context.message->now_ms;
  const PaymentRequest request{.code = code,
                               .requester = from,
                               .payer = payer->identity,
                               .asset = amount->asset,
                               .amount_minor = amount->amount_minor,
                               .decimals = amount->decimals,
                               .note = note,
                               .created_ms = now_ms,
                               .expires_ms = now_ms + options_.request_ttl_ms,
                               .paying_message_id = ""};
  BotStore::Batch batch;
  batch.PutRequest(request);
  const absl::Status written = store_->Write(batch);
  if (!written.ok()) return StrCat("Sorry: ", written.message());
  Notify(payer->identity, StrCat(from, " asks you for ", RequestText(request), ". Reply 'accept ",
                                 request.code, "' to pay or 'decline ", request.code, "'."));
  return StrCat("Asked ", payer->identity, " for ", RequestText(request),
                ". I will tell you when they pay, decline, or the request expires.");
}

std::string BotEngine::Answer(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  const uint64_t now_ms = context.message->now_ms;
  absl::StatusOr<std::vector<PaymentRequest>> open = store_->RequestsFor(user.identity);
  if (!open.ok()) return StrCat("Sorry: ", open.status().message());
  std::vector<PaymentRequest> matching;
  BotStore::Batch batch;
  std::vector<OutboundMessage> closed;
  for (const PaymentRequest& request : *open) {
    if (request.paying_message_id.empty() && request.expires_ms <= now_ms) {
      closed.push_back(CloseExpired(request, batch));
    } else if (CodeMatches(request, command.code)) {
      matching.push_back(request);
    }
  }
  if (!closed.empty() && store_->Write(batch).ok()) {
    for (OutboundMessage& notice : closed) Notify(notice.to, std::move(notice.text));
  }  // else they close at the next expiry scan
  if (matching.empty()) return "You have no open payment request with that code.";
  if (matching.size() > 1) {
    std::string list = "You have several open requests; name one:";
    for (const PaymentRequest& request : matching) {
      list += StrCat("\n  ", request.requester, " ", RequestText(request));
    }
    return list;
  }
  const PaymentRequest& request = matching[0];
  if (!request.paying_message_id.empty()) {
    return StrCat("Your payment for ", RequestText(request),
                  " is already on its way; I will tell you when it is final.");
  }
  if (command.kind == CommandKind::kDecline) {
    batch.DeleteRequest(request);
    const absl::Status written = store_->Write(batch);
    if (!written.ok()) return StrCat("Sorry: ", written.message());
    Notify(request.requester,
           StrCat(user.identity, " declined your request for ", RequestText(request)));
    return StrCat("Declined ", request.requester, "'s request for ", RequestText(request));
  }
  absl::StatusOr<std::optional<UserRecord>> requester = store_->GetUser(request.requester);
  if (!requester.ok() || !requester->has_value()) return "That requester is gone.";
  const PaymentInfo payment{.kind = PaymentKind::kAccept,
                            .recipient = request.requester,
                            .to = (*requester)->account,
                            .asset = request.asset,
                            .amount_minor = request.amount_minor,
                            .decimals = request.decimals,
                            .note = request.note,
                            .request_code = request.code,
                            .requester = request.requester};
  return PayOrAsk(payment, context);
}

absl::Status BotEngine::PrepareAccept(const PaymentInfo& payment, const std::string& payer,
                                      const std::string& message_id, uint64_t now_ms,
                                      BotStore::Batch& batch) {
  REMIT_CHECK(payment.kind == PaymentKind::kAccept);
  ASSIGN_OR_RETURN(std::optional<PaymentRequest> request,
                   store_->GetRequest(payer, payment.request_code));
  if (!request.has_value()) {
    return absl::NotFoundError(StrCat("Request ", payment.request_code,
                                      " is no longer open (paid, declined or expired); nothing "
                                      "was paid."));
  }
  if (!request->paying_message_id.empty()) {
    return absl::AlreadyExistsError(StrCat("Your payment for ", RequestText(*request),
                                           " is already on its way; nothing more was paid."));
  }
  if (request->expires_ms <= now_ms) {
    OutboundMessage notice = CloseExpired(*request, batch);
    if (store_->Write(batch).ok()) Notify(notice.to, std::move(notice.text));
    return absl::DeadlineExceededError(
        StrCat("Request ", request->code, " expired; nothing was paid."));
  }
  request->paying_message_id = message_id;
  batch.PutRequest(*request);
  return absl::OkStatus();
}

std::string BotEngine::FinishAccept(const MessageRecord& record, const v1::Receipt* receipt,
                                    BotStore::Batch& batch) {
  const PaymentInfo& payment = record.payment;
  REMIT_CHECK(payment.kind == PaymentKind::kAccept);
  absl::StatusOr<std::optional<PaymentRequest>> request =
      store_->GetRequest(record.identity, payment.request_code);
  if (!request.ok() || !request->has_value() ||
      (*request)->paying_message_id != record.message_id) {
    return "";  // not this payment's to finish
  }
  if (receipt != nullptr && receipt->outcome() == v1::SETTLED) {
    batch.DeleteRequest(**request);
    Notify(payment.requester, StrCat(record.identity, " paid your request ", RequestText(**request),
                                     ": SETTLED (", ReceiptWhere(*receipt), ")"));
    return "";
  }
  (*request)->paying_message_id.clear();
  batch.PutRequest(**request);
  return StrCat(" Request ", payment.request_code, " from ", payment.requester,
                " is still open: 'accept ", payment.request_code, "' to try again or 'decline ",
                payment.request_code, "'.");
}

OutboundMessage BotEngine::CloseExpired(const PaymentRequest& request, BotStore::Batch& batch) {
  REMIT_CHECK(request.paying_message_id.empty());
  batch.DeleteRequest(request);
  return {request.requester, StrCat("Your request to ", request.payer, " for ",
                                    RequestText(request), " expired unpaid.")};
}

std::vector<OutboundMessage> BotEngine::ExpireRequests(uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> due =
      store_->ExpiredRequests(now_ms, kExpireBatchMax);
  if (!due.ok()) return TakeNotices();
  BotStore::Batch batch;
  std::vector<OutboundMessage> closed;
  for (const auto& [payer, code] : *due) {
    absl::StatusOr<std::optional<PaymentRequest>> request = store_->GetRequest(payer, code);
    if (!request.ok() || !request->has_value()) continue;
    if (!(*request)->paying_message_id.empty()) continue;  // its payment decides
    closed.push_back(CloseExpired(**request, batch));
  }
  if (closed.empty() || !store_->Write(batch).ok()) closed.clear();  // told once closed
  for (OutboundMessage& notice : TakeNotices()) closed.push_back(std::move(notice));
  return closed;
}

}  // namespace remit::bot
