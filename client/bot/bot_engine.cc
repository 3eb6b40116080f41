#include "client/bot/bot_engine.h"

#include <sodium.h>

#include <cctype>

#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

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
  if (options.claim_ttl_ms == 0 || options.fx_slippage_bps > kFxSlippageBpsMax) {
    return absl::InvalidArgumentError(StrCat(
        "claims need a time to live above 0 and the slippage at most ", kFxSlippageBpsMax, " bps"));
  }
  if (options.request_ttl_ms == 0 || options.confirmation_ttl_ms == 0) {
    return absl::InvalidArgumentError("requests and confirmations need a time to live above 0");
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
      genesis_hash_(GenesisHash(genesis_)),
      commands_limiter_(options_.commands_per_minute_max, kMinuteMs),
      payments_limiter_(options_.payments_per_minute_max, kMinuteMs) {}

size_t BotEngine::Recover(uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  absl::StatusOr<std::vector<MessageRecord>> pending = store_->PendingMessages();
  REMIT_CHECK(pending.ok());  // the store is ours: a broken one is not an expected failure
  for (const MessageRecord& record : *pending) {
    REMIT_CHECK(record.state == MessageState::kSigned);
    REMIT_CHECK(record.transfer.has_value());
    if (record.payment.kind != PaymentKind::kPay) {
      // Its recipient hears from FinishKind or the reply, not from Watch.
      told_ids_.insert(ToString(OperationId(*record.transfer)));
    }
    ScheduleRetry({record.identity, record.message_id}, now_ms);
  }
  return pending->size();
}

std::vector<OutboundMessage> BotEngine::RetryPending(uint64_t now_ms) {
  std::vector<MessageRecord> due;
  Lock lock(mutex_);
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
  std::vector<OutboundMessage> replies;
  for (const MessageRecord& pending : due) {
    REMIT_CHECK(pending.transfer.has_value());
    lock.unlock();
    const Submission submission = Submit(*pending.transfer);  // the engine stays free meanwhile
    lock.lock();
    const MessageKey key{pending.identity, pending.message_id};
    Outcome outcome = Outcome::kUnknown;
    const std::string text = Finish(key, submission, now_ms, &outcome);
    if (outcome == Outcome::kFinal) {
      replies.push_back({pending.identity, StrCat("Update on your earlier payment: ", text)});
    } else if (auto it = retries_.find(key); outcome == Outcome::kUnknown && it != retries_.end()) {
      it->second.attempts += 1;
      it->second.due_ms = now_ms + Backoff(it->second.attempts);
    }
  }
  for (OutboundMessage& notice : TakeNotices()) replies.push_back(std::move(notice));
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
  InboundMessage normalized = message;
  normalized.from = Lower(message.from);
  REMIT_CHECK(!normalized.from.empty());
  REMIT_CHECK(normalized.from.size() <= kIdentityBytesMax);
  if (normalized.message_id.size() > kMessageIdBytesMax) normalized.message_id.clear();
  const UserLocks::Guard user_lock = user_locks_.Lock(normalized.from);
  Lock lock(mutex_);
  std::vector<OutboundMessage> replies = HandleLocked(normalized, lock);
  for (OutboundMessage& notice : TakeNotices()) replies.push_back(std::move(notice));
  return replies;
}

std::vector<OutboundMessage> BotEngine::HandleLocked(const InboundMessage& message, Lock& lock) {
  const std::string& from = message.from;
  if (std::optional<std::string> seen = AnswerSeen(message, lock); seen.has_value()) {
    return {{from, *seen}};
  }
  if (!commands_limiter_.Allow(from, message.now_ms)) {
    return {{from, "Too many messages; wait a minute and try again."}};
  }
  // Any message from someone money waits for claims it, command or not.
  const std::string claimed = message.one_to_one ? ClaimOnFirstMessage(message, lock) : "";
  absl::StatusOr<Command> command = ParseCommand(message.text);
  if (!command.ok()) {
    if (!message.one_to_one) return {};  // not a command: no chatter outside a chat
    return {{from, claimed + ErrorText(command.status())}};
  }
  const bool money = IsMoneyCommand(command->kind);
  if (money && !message.one_to_one) {
    return {{from,
             "Money commands work only in a one-to-one chat with me (an XMPP 'chat' message); "
             "nothing was done. Open a chat with me and send it there."}};
  }
  if (money && !payments_limiter_.Allow(from, message.now_ms)) {
    return {{from, claimed + "Too many payment commands; wait a minute and try again."}};
  }
  bool created = false;
  absl::StatusOr<UserRecord> user = LoadOrCreateUser(from, &created);
  if (!user.ok())
    return {{from, StrCat("Sorry, I cannot open your wallet: ", ErrorText(user.status()))}};
  const std::string welcome =
      created ? StrCat("Welcome! Your new wallet is ", EncodeAddress(user->account), ".\n") : "";
  Context context{.message = &message, .user = &*user, .lock = &lock};
  const std::string reply = Dispatch(*command, context);
  if (money) RecordReplyIfNew(message, reply);
  return {{from, claimed + welcome + reply}};
}

std::string BotEngine::ClaimOnFirstMessage(const InboundMessage& message, Lock& lock) {
  absl::StatusOr<std::vector<HeldClaim>> waiting = store_->ClaimsWaitingFor(message.from, 1);
  if (!waiting.ok() || waiting->empty()) return "";
  bool created = false;
  absl::StatusOr<UserRecord> user = LoadOrCreateUser(message.from, &created);
  if (!user.ok()) return "";
  Context context{.message = &message, .user = &*user, .lock = &lock};
  const std::string claimed = ClaimWaiting(context);
  const std::string welcome =
      created ? StrCat("Welcome! Your new wallet is ", EncodeAddress(user->account), ".\n") : "";
  return welcome + claimed;
}

std::optional<std::string> BotEngine::AnswerSeen(const InboundMessage& message, Lock& lock) {
  if (message.message_id.empty()) return std::nullopt;
  absl::StatusOr<std::optional<MessageRecord>> seen =
      store_->GetMessage(message.from, message.message_id);
  if (!seen.ok()) return StrCat("Sorry, I cannot read my records: ", ErrorText(seen.status()));
  if (!seen->has_value()) return std::nullopt;
  const MessageRecord& record = **seen;
  if (!record.text_digest.empty() && record.text_digest != MessageTextDigest(message.text)) {
    return StrCat(
        "I already handled a message with this id (", message.message_id,
        ") and did not run this new text. Nothing more was done. Send it as a new message. ",
        "What I answered then: ", record.state == MessageState::kDone ? record.reply : "(pending)");
  }
  if (record.state == MessageState::kDone) return record.reply;
  return Settle(record, message.now_ms, lock);
}

std::string BotEngine::Dispatch(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  switch (command.kind) {
    case CommandKind::kHelp:
      return HelpText(options_.faucet_key.has_value());
    case CommandKind::kBalance:
      return Balance(user, *context.lock);
    case CommandKind::kHistory:
      return History(user, command.count, *context.lock);
    case CommandKind::kAddress:
      return StrCat("Your address: ", EncodeAddress(user.account));
    case CommandKind::kCurrency:
      return Currency(user, command.code);
    case CommandKind::kPay:
      return Pay(command, context);
    case CommandKind::kYes:
      return Confirm(command.code, context);
    case CommandKind::kCancel:
      return Cancel(context);
    case CommandKind::kFaucet:
      return Faucet(context);
    case CommandKind::kRequest:
      return Request(command, context);
    case CommandKind::kAccept:
    case CommandKind::kDecline:
      return Answer(command, context);
    case CommandKind::kConvert:
      return Convert(command, context);
    case CommandKind::kRates:
      return Rates(user, *context.lock);
  }
  REMIT_CHECK(false);
  return "";
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
                                 .recorded_ms = message.now_ms,
                                 .text_digest = MessageTextDigest(message.text)});
  // Losing this record only loses the reply's replay; nothing was paid.
  (void)store_->Write(batch);
}

void BotEngine::Notify(const std::string& to, std::string text) {
  notices_.push_back({to, std::move(text)});
}

std::vector<OutboundMessage> BotEngine::TakeNotices() { return std::exchange(notices_, {}); }

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

std::vector<OutboundMessage> BotEngine::OnTransferFinal(const v1::TransferRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (record.receipt().outcome() != v1::SETTLED) return {};
  if (told_ids_.erase(record.receipt().transfer_id()) > 0) return {};
  const v1::SignedTransfer& signed_transfer = record.signed_transfer();
  std::string to_bytes;
  std::string asset_code;
  uint64_t amount_minor = 0;
  switch (KindOf(signed_transfer)) {
    case OpKind::kTransfer:
      to_bytes = signed_transfer.transfer().to();
      asset_code = signed_transfer.transfer().asset();
      amount_minor = signed_transfer.transfer().amount_minor();
      break;
    case OpKind::kStrictSend:
      to_bytes = signed_transfer.operation().strict_send().to();
      break;
    case OpKind::kStrictReceive:
      to_bytes = signed_transfer.operation().strict_receive().to();
      break;
    default:
      return {};  // offers, the basket, claims: FinishKind tells whom they concern
  }
  if (KindOf(signed_transfer) != OpKind::kTransfer) {
    asset_code = record.receipt().delivered_asset();
    amount_minor = record.receipt().delivered_minor();
  }
  const OpHeader header = HeaderOf(signed_transfer);
  absl::StatusOr<AccountId> to = ToArray<kPublicKeyBytes>(to_bytes, "to");
  absl::StatusOr<AccountId> from = ToArray<kPublicKeyBytes>(header.signer, "from");
  if (!to.ok() || !from.ok() || *to == *from) return {};  // a conversion tells nobody else
  absl::StatusOr<std::optional<std::string>> recipient = store_->IdentityOf(*to);
  if (!recipient.ok() || !recipient->has_value()) return {};
  const AssetInfo* asset = genesis_.FindAsset(asset_code);
  if (asset == nullptr) return {};
  const std::string amount = FormatChatAmount(amount_minor, asset->code, asset->decimals);
  return {{**recipient,
           StrCat(LabelOf(*from), " paid you ", amount, NoteSuffix(std::string(header.memo)),
                  " (block ", record.receipt().height(), ", receipt ",
                  ShortId(record.receipt().transfer_id()), ")")}};
}

}  // namespace remit::bot
