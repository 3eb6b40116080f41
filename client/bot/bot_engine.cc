#include "client/bot/bot_engine.h"

#include <sodium.h>

#include <cctype>

#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

constexpr uint64_t kMinuteMs = 60'000;
constexpr uint32_t kCodeAttemptsMax = 16;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string ErrorText(const absl::Status& status) { return std::string(status.message()); }

}  // namespace

absl::StatusOr<std::unique_ptr<BotEngine>> BotEngine::Create(BotStore* store, const KeyVault* vault,
                                                             LedgerPort* ledger,
                                                             EngineOptions options) {
  REMIT_CHECK(store != nullptr && vault != nullptr && ledger != nullptr);
  if (options.retry_backoff_ms_min == 0 ||
      options.retry_backoff_ms_max < options.retry_backoff_ms_min) {
    return absl::InvalidArgumentError("the retry back-off needs 0 < min <= max");
  }
  if (options.message_ids_max_age_ms == 0 || options.message_ids_max == 0) {
    return absl::InvalidArgumentError("message ids must be kept for some time and number");
  }
  ASSIGN_OR_RETURN(Genesis genesis, ledger->GetGenesis());
  if (genesis.FindAsset(options.default_currency) == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("default currency ", options.default_currency, " is not an asset of this chain"));
  }
  return std::unique_ptr<BotEngine>(
      new BotEngine(store, vault, ledger, std::move(options), std::move(genesis)));
}

BotEngine::BotEngine(BotStore* store, const KeyVault* vault, LedgerPort* ledger,
                     EngineOptions options, Genesis genesis)
    : store_(store),
      vault_(vault),
      ledger_(ledger),
      options_(std::move(options)),
      genesis_(std::move(genesis)),
      commands_limiter_(options_.commands_per_minute_max, kMinuteMs),
      payments_limiter_(options_.payments_per_minute_max, kMinuteMs) {}

std::vector<OutboundMessage> BotEngine::Recover(uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<OutboundMessage> replies;
  absl::StatusOr<std::vector<MessageRecord>> pending = store_->PendingMessages();
  REMIT_CHECK(pending.ok());  // the store is ours: a broken one is not an expected failure
  for (MessageRecord& record : *pending) {
    REMIT_CHECK(record.state == MessageState::kSigned);
    replies.push_back({record.identity, Settle(record, now_ms)});
  }
  return replies;
}

std::vector<OutboundMessage> BotEngine::RetryPending(uint64_t now_ms) {
  std::vector<MessageRecord> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = retries_.begin(); it != retries_.end() && due.size() < kRetryBatchMax;) {
      if (it->second.due_ms > now_ms) {
        ++it;
        continue;
      }
      absl::StatusOr<std::optional<MessageRecord>> record =
          store_->GetMessage(it->first.first, it->first.second);
      if (record.ok() && record->has_value() && (*record)->state == MessageState::kSigned) {
        // Not due again while this attempt is out.
        it->second.due_ms = now_ms + Backoff(it->second.attempts);
        due.push_back(std::move(**record));
        ++it;
      } else {
        it = retries_.erase(it);  // finished meanwhile (a redelivery), or unreadable
      }
    }
  }
  std::vector<OutboundMessage> replies;
  for (MessageRecord& pending : due) {
    REMIT_CHECK(pending.transfer.has_value());
    const Submission submission = Submit(*pending.transfer);  // the engine stays free meanwhile
    std::lock_guard<std::mutex> lock(mutex_);
    absl::StatusOr<std::optional<MessageRecord>> record =
        store_->GetMessage(pending.identity, pending.message_id);
    if (!record.ok() || !record->has_value() || (*record)->state != MessageState::kSigned) {
      continue;  // answered by a redelivery while the ledger answered us
    }
    bool final_outcome = false;
    const std::string text = Finish(**record, submission, now_ms, &final_outcome);
    if (final_outcome) {
      replies.push_back({pending.identity, StrCat("Update on your earlier payment: ", text)});
      continue;
    }
    auto it = retries_.find({pending.identity, pending.message_id});
    if (it == retries_.end()) continue;
    it->second.attempts += 1;
    it->second.due_ms = now_ms + Backoff(it->second.attempts);
  }
  return replies;
}

size_t BotEngine::RetriesScheduled() {
  std::lock_guard<std::mutex> lock(mutex_);
  return retries_.size();
}

absl::StatusOr<uint64_t> BotEngine::PruneMessageIds(uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t max_age_ms = options_.message_ids_max_age_ms;
  return store_->PruneMessages(
      PruneLimits{.before_ms = now_ms > max_age_ms ? now_ms - max_age_ms : 0,
                  .count_max = options_.message_ids_max,
                  .batch_max = kPruneBatchMax});
}

std::vector<OutboundMessage> BotEngine::HandleMessage(const InboundMessage& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  InboundMessage normalized = message;
  normalized.from = Lower(message.from);
  REMIT_CHECK(!normalized.from.empty());
  REMIT_CHECK(normalized.from.size() <= kIdentityBytesMax);
  if (normalized.message_id.size() > kMessageIdBytesMax) normalized.message_id.clear();
  return HandleLocked(normalized);
}

std::vector<OutboundMessage> BotEngine::HandleLocked(const InboundMessage& message) {
  const std::string& from = message.from;
  if (!message.message_id.empty()) {
    absl::StatusOr<std::optional<MessageRecord>> seen =
        store_->GetMessage(from, message.message_id);
    if (!seen.ok())
      return {{from, StrCat("Sorry, I cannot read my records: ", ErrorText(seen.status()))}};
    if (seen->has_value() && (*seen)->state == MessageState::kDone) return {{from, (*seen)->reply}};
    if (seen->has_value()) return {{from, Settle(**seen, message.now_ms)}};
  }
  if (!commands_limiter_.Allow(from, message.now_ms)) {
    return {{from, "Too many messages; wait a minute and try again."}};
  }
  absl::StatusOr<Command> command = ParseCommand(message.text);
  if (!command.ok()) return {{from, ErrorText(command.status())}};
  const bool money = IsMoneyCommand(command->kind);
  if (money && !message.one_to_one) {
    return {{from, "Money commands work only in a one-to-one chat with me."}};
  }
  if (money && !payments_limiter_.Allow(from, message.now_ms)) {
    return {{from, "Too many payment commands; wait a minute and try again."}};
  }
  bool created = false;
  absl::StatusOr<UserRecord> user = LoadOrCreateUser(from, &created);
  if (!user.ok())
    return {{from, StrCat("Sorry, I cannot open your wallet: ", ErrorText(user.status()))}};
  std::string welcome =
      created ? StrCat("Welcome! Your new wallet is ", EncodeAddress(user->account), ".\n") : "";
  Context context{.message = &message, .user = &*user, .welcome = &welcome};
  std::vector<OutboundMessage> replies = Dispatch(*command, context);
  REMIT_CHECK(!replies.empty());
  if (money) RecordReplyIfNew(message, replies[0].text);
  REMIT_CHECK(replies[0].to == from);
  replies[0].text = welcome + replies[0].text;
  return replies;
}

std::vector<OutboundMessage> BotEngine::Dispatch(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  const std::string& from = user.identity;
  std::string reply;
  switch (command.kind) {
    case CommandKind::kHelp:
      return {{from, HelpText(options_.faucet_key.has_value())}};
    case CommandKind::kBalance:
      return {{from, Balance(user)}};
    case CommandKind::kHistory:
      return {{from, History(user, command.count)}};
    case CommandKind::kAddress:
      return {{from, StrCat("Your address: ", EncodeAddress(user.account))}};
    case CommandKind::kCurrency:
      return {{from, Currency(user, command.code)}};
    case CommandKind::kPay:
      reply = Pay(command, context);
      break;
    case CommandKind::kYes:
      reply = Confirm(command.code, context);
      break;
    case CommandKind::kCancel:
      reply = Cancel(context);
      break;
    case CommandKind::kFaucet:
      reply = Faucet(context);
      break;
    case CommandKind::kRequest:
      return Request(command, context);
    case CommandKind::kAccept:
    case CommandKind::kDecline:
      return Answer(command, context);
  }
  return {{from, reply}};
}

void BotEngine::RecordReplyIfNew(const InboundMessage& message, const std::string& reply) {
  if (message.message_id.empty()) return;
  absl::StatusOr<std::optional<MessageRecord>> seen =
      store_->GetMessage(message.from, message.message_id);
  if (!seen.ok() || seen->has_value()) return;  // a payment recorded its own
  BotStore::Batch batch;
  batch.PutMessage(MessageRecord{.identity = message.from,
                                 .message_id = message.message_id,
                                 .state = MessageState::kDone,
                                 .transfer = std::nullopt,
                                 .payment = {},
                                 .reply = reply,
                                 .recorded_ms = message.now_ms});
  // Losing this record only loses the reply's replay; nothing was paid.
  (void)store_->Write(batch);
}

absl::StatusOr<UserRecord> BotEngine::LoadOrCreateUser(const std::string& identity, bool* created) {
  *created = false;
  ASSIGN_OR_RETURN(std::optional<UserRecord> existing, store_->GetUser(identity));
  if (existing.has_value()) return *existing;
  const SigningKey key = SigningKey::Generate();
  UserRecord user{.identity = identity,
                  .account = key.public_key(),
                  .sealed_key = vault_->Seal(key),
                  .currency = options_.default_currency,
                  .next_sequence = 0,
                  .faucet_count = 0,
                  .faucet_window_start_ms = 0};
  BotStore::Batch batch;
  batch.PutUser(user);
  RETURN_IF_ERROR(store_->Write(batch));
  synced_.insert(identity);  // a fresh key has no transfers yet
  *created = true;
  return user;
}

absl::StatusOr<std::string> BotEngine::NewCode(std::string_view prefix) {
  for (uint32_t attempt = 0; attempt < kCodeAttemptsMax; ++attempt) {
    const std::string code = StrCat(prefix, 1000 + randombytes_uniform(9000));
    if (code != prefix) return code;
  }
  return absl::InternalError("cannot make a code");
}

bool BotEngine::NeedsConfirmation(const PaymentInfo& payment) const {
  uint64_t scale = 1;
  for (uint32_t i = 0; i < payment.decimals; ++i) scale *= 10;
  return payment.amount_minor > options_.confirm_above_major * scale;
}

std::vector<OutboundMessage> BotEngine::OnTransferFinal(const v1::TransferRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  const v1::Transfer& transfer = record.signed_transfer().transfer();
  if (record.receipt().outcome() != v1::SETTLED) return {};
  if (told_ids_.erase(record.receipt().transfer_id()) > 0) return {};
  absl::StatusOr<AccountId> to = ToArray<kPublicKeyBytes>(transfer.to(), "to");
  absl::StatusOr<AccountId> from = ToArray<kPublicKeyBytes>(transfer.from(), "from");
  if (!to.ok() || !from.ok()) return {};
  absl::StatusOr<std::optional<std::string>> recipient = store_->IdentityOf(*to);
  if (!recipient.ok() || !recipient->has_value()) return {};
  const AssetInfo* asset = genesis_.FindAsset(transfer.asset());
  if (asset == nullptr) return {};
  const std::string amount =
      FormatChatAmount(transfer.amount_minor(), asset->code, asset->decimals);
  return {{**recipient, StrCat(LabelOf(*from), " paid you ", amount, NoteSuffix(transfer.memo()),
                               " (block ", record.receipt().height(), ", receipt ",
                               ShortId(record.receipt().transfer_id()), ")")}};
}

}  // namespace remit::bot
