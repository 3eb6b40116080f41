// BotEngine: payment requests (request, accept, decline).
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

}  // namespace

std::vector<OutboundMessage> BotEngine::Request(const Command& command, Context& context) {
  const UserRecord& user = *context.user;
  const std::string& from = user.identity;
  absl::StatusOr<Recipient> payer = Resolve(user, command.who);
  if (!payer.ok()) return {{from, std::string(payer.status().message())}};
  if (payer->identity.empty()) {
    return {{from, "I can only send requests to people who chat with me, not to a bare address."}};
  }
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return {{from, StrCat("No request sent: ", amount.status().message())}};
  std::string note;
  for (size_t i = amount->tokens_used; i < command.rest.size(); ++i) {
    note += (note.empty() ? "" : " ") + command.rest[i];
  }
  if (note.size() > kMemoBytesMax || !IsValidUtf8(note)) {
    return {{from, StrCat("No request sent: the note is longer than ", kMemoBytesMax, " bytes.")}};
  }
  absl::StatusOr<std::vector<PaymentRequest>> open = store_->RequestsFor(payer->identity);
  if (!open.ok()) return {{from, StrCat("Sorry: ", open.status().message())}};
  if (open->size() >= kOpenRequestsPerPayerMax) {
    return {{from, StrCat(payer->identity, " has too many open requests already.")}};
  }
  absl::StatusOr<std::string> code = NewCode("R");
  if (!code.ok()) return {{from, "Sorry, try again."}};
  const PaymentRequest request{.code = *code,
                               .requester = from,
                               .payer = payer->identity,
                               .asset = amount->asset,
                               .amount_minor = amount->amount_minor,
                               .decimals = amount->decimals,
                               .note = note,
                               .created_ms = context.message->now_ms};
  BotStore::Batch batch;
  batch.PutRequest(request);
  const absl::Status written = store_->Write(batch);
  if (!written.ok()) return {{from, StrCat("Sorry: ", written.message())}};
  return {{from, StrCat("Asked ", payer->identity, " for ", RequestText(request),
                        ". I will tell you when they pay.")},
          {payer->identity, StrCat(from, " asks you for ", RequestText(request), ". Reply 'accept ",
                                   request.code, "' to pay or 'decline ", request.code, "'.")}};
}

std::vector<OutboundMessage> BotEngine::Answer(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  const std::string& from = user.identity;
  const bool accept = command.kind == CommandKind::kAccept;
  absl::StatusOr<std::vector<PaymentRequest>> open = store_->RequestsFor(from);
  if (!open.ok()) return {{from, StrCat("Sorry: ", open.status().message())}};
  std::vector<PaymentRequest> matching;
  for (const PaymentRequest& request : *open) {
    if (command.code.empty() || request.code == command.code ||
        "r" + request.code.substr(1) == command.code) {
      matching.push_back(request);
    }
  }
  if (matching.empty()) return {{from, "You have no open payment request with that code."}};
  if (matching.size() > 1) {
    std::string list = "You have several open requests; name one:";
    for (const PaymentRequest& request : matching) {
      list += StrCat("\n  ", request.requester, " ", RequestText(request));
    }
    return {{from, list}};
  }
  const PaymentRequest& request = matching[0];
  BotStore::Batch batch;
  batch.DeleteRequest(from, request.code);
  if (!accept) {
    const absl::Status written = store_->Write(batch);
    if (!written.ok()) return {{from, StrCat("Sorry: ", written.message())}};
    return {{from, StrCat("Declined ", request.requester, "'s request for ", RequestText(request))},
            {request.requester, StrCat(from, " declined your request for ", RequestText(request))}};
  }
  absl::StatusOr<std::optional<UserRecord>> requester = store_->GetUser(request.requester);
  if (!requester.ok() || !requester->has_value()) return {{from, "That requester is gone."}};
  const PaymentInfo payment{.kind = "accept",
                            .recipient = request.requester,
                            .to = (*requester)->account,
                            .asset = request.asset,
                            .amount_minor = request.amount_minor,
                            .decimals = request.decimals,
                            .note = request.note,
                            .request_code = request.code};
  if (context.message->delayed) {
    (void)store_->Write(batch);
    return {{from, AskConfirmation(payment, context)}};
  }
  return {
      {from, Execute(user, context.message->message_id, payment, batch, context.message->now_ms)}};
}

}  // namespace remit::bot
