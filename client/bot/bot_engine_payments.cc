// BotEngine: the payment path. Every payment out of a wallet goes
//
//   PayOrAsk (the one confirmation rule)  ->  Execute  ->  Settle  ->  Finish
//              `yes <code>` -> Confirm ----^
//
// Execute prepares what the kind of payment needs (PrepareKind), signs it
// (SignPayment) and records it with the message id before anything is sent;
// Settle submits it with the state lock released; Finish words the outcome
// and applies what it means for the kind (FinishKind). The faucet pays into
// a wallet, not out of one: it skips the confirmation rule.
#include <sodium.h>

#include <chrono>

#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bot {
namespace {

constexpr uint64_t kDayMs = 24 * 60 * 60 * 1000;

std::string JoinFrom(const std::vector<std::string>& words, size_t first) {
  std::string out;
  for (size_t i = first; i < words.size(); ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

// A message id for a message that came without one, so that its transfer
// still has a record to recover from.
std::string LocalMessageId() {
  std::array<uint8_t, 8> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return "local-" + ToHex(bytes);
}

uint64_t Scale(uint32_t decimals) {
  uint64_t scale = 1;
  for (uint32_t i = 0; i < decimals; ++i) scale *= 10;
  return scale;
}

}  // namespace

std::string BotEngine::Pay(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  absl::StatusOr<Recipient> recipient = Resolve(user, command.who);
  if (absl::IsNotFound(recipient.status()) && command.who.find('@') != std::string::npos) {
    return PayClaimable(command, command.who, context);  // an identity the bot has never seen
  }
  if (!recipient.ok()) return StrCat(recipient.status().message(), " Nothing was paid.");
  if (recipient->account == user.account) return "You cannot pay yourself. Nothing was paid.";
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return StrCat("Nothing was paid: ", amount.status().message());
  PaymentInfo payment{.kind = PaymentKind::kPay,
                      .recipient = recipient->label,
                      .to = recipient->account,
                      .asset = amount->asset,
                      .amount_minor = amount->amount_minor,
                      .decimals = amount->decimals,
                      .note = JoinFrom(command.rest, amount->tokens_used),
                      .request_code = "",
                      .requester = ""};
  if (payment.note.size() > kMemoBytesMax || !IsValidUtf8(payment.note)) {
    return StrCat("Nothing was paid: the note is longer than ", kMemoBytesMax, " bytes.");
  }
  return PlanPayment(std::move(payment), *recipient, context);
}

std::string BotEngine::ConfirmationReason(const PaymentInfo& payment,
                                          const InboundMessage& message) const {
  REMIT_CHECK(payment.kind != PaymentKind::kFaucet && payment.kind != PaymentKind::kClaim &&
              payment.kind != PaymentKind::kReclaim);
  if (message.delayed) return "This message was delayed. ";
  if (payment.kind == PaymentKind::kCreateClaim) {
    return StrCat(payment.recipient, " has no wallet yet: I will hold ", PaymentAmount(payment),
                  " for them for ", DurationText(options_.claim_ttl_ms),
                  " and give it back to you if they have not claimed it by ",
                  FormatUtc(payment.claim_expires_ms), ". ");
  }
  // A cross-currency payment signs a bound the payer must see first.
  if (payment.fx != FxMode::kNone) return "That is a cross-currency payment. ";
  if (payment.amount_minor > options_.confirm_above_major * Scale(payment.decimals)) {
    return StrCat("That is more than ", options_.confirm_above_major, " ", payment.asset, ". ");
  }
  return "";
}

std::string BotEngine::PayOrAsk(const PaymentInfo& payment, Context& context) {
  const std::string reason = ConfirmationReason(payment, *context.message);
  if (!reason.empty()) return AskConfirmation(payment, reason, context);
  BotStore::Batch batch;
  return Execute(payment, batch, context);
}

std::string BotEngine::AskConfirmation(const PaymentInfo& payment, const std::string& reason,
                                       Context& context) {
  absl::StatusOr<std::string> code = NewCode("");
  if (!code.ok()) return "Sorry, try again.";
  BotStore::Batch batch;
  batch.PutConfirmation(Confirmation{.identity = context.user->identity,
                                     .code = *code,
                                     .message_id = context.message->message_id,
                                     .created_ms = context.message->now_ms,
                                     .payment = payment});
  const absl::Status status = store_->Write(batch);
  if (!status.ok()) return StrCat("Sorry, I could not save that: ", status.message());
  const std::string request =
      payment.request_code.empty() ? "" : StrCat(" (request ", payment.request_code, ")");
  return StrCat(reason, "Pay ", DescribePayment(payment), request, "?",
                FxTerms(payment, options_.fx_slippage_bps), " Reply 'yes ", *code, "' within ",
                options_.confirmation_ttl_ms / 60'000, " minutes to pay, or 'cancel'.");
}

std::string BotEngine::Confirm(const std::string& code, Context& context) {
  if (context.message->delayed) {
    return "That confirmation was delayed on its way to me; send it again now to pay.";
  }
  absl::StatusOr<std::optional<Confirmation>> pending =
      store_->GetConfirmation(context.user->identity);
  if (!pending.ok()) return StrCat("Sorry: ", pending.status().message());
  if (!pending->has_value()) return "Nothing is waiting for a confirmation.";
  const Confirmation confirmation = **pending;
  if (confirmation.code != code) {
    return StrCat("That code does not match; reply 'yes ",
                  "<code>' with the code I sent, or 'cancel'.");
  }
  BotStore::Batch batch;
  batch.DeleteConfirmation(context.user->identity);
  if (context.message->now_ms > confirmation.created_ms + options_.confirmation_ttl_ms) {
    (void)store_->Write(batch);
    return StrCat("That confirmation expired; nothing was paid. Send the payment again.");
  }
  return Execute(confirmation.payment, batch, context);
}

std::string BotEngine::Cancel(Context& context) {
  absl::StatusOr<std::optional<Confirmation>> pending =
      store_->GetConfirmation(context.user->identity);
  if (!pending.ok()) return StrCat("Sorry: ", pending.status().message());
  if (!pending->has_value()) return "Nothing to cancel.";
  BotStore::Batch batch;
  batch.DeleteConfirmation(context.user->identity);
  const absl::Status status = store_->Write(batch);
  if (!status.ok()) return StrCat("Sorry: ", status.message());
  return StrCat("Cancelled: ", DescribePayment((*pending)->payment), " was not paid.");
}

absl::Status BotEngine::SyncSequence(UserRecord& user, Lock& lock) {
  if (synced_.contains(user.identity)) return absl::OkStatus();
  lock.unlock();
  const absl::StatusOr<uint64_t> next = ledger_->NextSequence(user.account);
  lock.lock();
  RETURN_IF_ERROR(next.status());
  uint64_t floor = *next;
  ASSIGN_OR_RETURN(const std::vector<MessageRecord> pending,
                   store_->PendingMessagesOf(user.identity));
  for (const MessageRecord& record : pending) {
    const OpHeader header = HeaderOf(*record.transfer);
    // Its own transfers still on their way keep their sequences.
    if (header.signer == AsBytes(user.account)) floor = std::max(floor, header.sequence + 1);
  }
  if (floor != user.next_sequence) {
    user.next_sequence = floor;
    BotStore::Batch batch;
    batch.PutUser(user);
    RETURN_IF_ERROR(store_->Write(batch));
  }
  synced_.insert(user.identity);
  return absl::OkStatus();
}

std::string BotEngine::Execute(const PaymentInfo& asked, BotStore::Batch& batch, Context& context) {
  REMIT_CHECK(asked.kind != PaymentKind::kFaucet);
  UserRecord& user = *context.user;
  const InboundMessage& message = *context.message;
  const absl::Status synced = SyncSequence(user, *context.lock);
  if (!synced.ok()) {
    return StrCat("Nothing was paid: the ledger is not reachable (", synced.message(),
                  "). Try again in a moment.");
  }
  absl::StatusOr<SigningKey> key = vault_->Open(user.sealed_key, user.account);
  if (!key.ok())
    return StrCat("Nothing was paid: your key does not open (", key.status().message(), ")");
  const std::string message_id = message.message_id.empty() ? LocalMessageId() : message.message_id;
  PaymentInfo payment = asked;
  if (absl::Status prepared =
          PrepareKind(payment, user.identity, message_id, message.now_ms, batch);
      !prepared.ok()) {
    return std::string(prepared.message());
  }
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      SignPayment(*key, payment, user.next_sequence, message.now_ms);
  if (!signed_transfer.ok())
    return StrCat("Nothing was paid: ", signed_transfer.status().message());
  if (absl::Status marked = MarkClaimSigned(payment, *signed_transfer, user, message.now_ms, batch);
      !marked.ok()) {
    return StrCat("Nothing was done: ", marked.message());
  }
  user.next_sequence += 1;
  if (payment.kind == PaymentKind::kPay || payment.kind == PaymentKind::kAccept) {
    LearnContacts(user, payment, batch);
  }
  absl::StatusOr<MessageRecord> record =
      RecordSigned(user, message_id, *signed_transfer, payment, MessageTextDigest(message.text),
                   batch, message.now_ms);
  if (!record.ok()) {
    user.next_sequence -= 1;
    return StrCat("Nothing was paid: I could not record it (", record.status().message(), ")");
  }
  if (payment.kind != PaymentKind::kPay) {
    if (told_ids_.size() >= kToldIdsMax) told_ids_.clear();
    told_ids_.insert(ToString(OperationId(*signed_transfer)));
  }
  return Settle(*record, message.now_ms, *context.lock);
}

absl::Status BotEngine::PrepareKind(PaymentInfo& payment, const std::string& payer,
                                    const std::string& message_id, uint64_t now_ms,
                                    BotStore::Batch& batch) {
  switch (payment.kind) {
    case PaymentKind::kAccept:
      return PrepareAccept(payment, payer, message_id, now_ms, batch);
    case PaymentKind::kCreateClaim:
      return PrepareCreateClaim(payment, now_ms);
    default:
      return absl::OkStatus();
  }
}

std::string BotEngine::FinishKind(const MessageRecord& record, const v1::Receipt* receipt,
                                  BotStore::Batch& batch) {
  switch (record.payment.kind) {
    case PaymentKind::kAccept:
      return FinishAccept(record, receipt, batch);
    case PaymentKind::kCreateClaim:
    case PaymentKind::kClaim:
    case PaymentKind::kReclaim:
      return FinishClaimStep(record, receipt, batch);
    case PaymentKind::kPay:
      return FinishFx(record.payment, receipt);
    case PaymentKind::kFaucet:
      return "";
  }
  REMIT_CHECK(false);
  return "";
}

absl::StatusOr<v1::SignedTransfer> BotEngine::SignPayment(const SigningKey& key,
                                                          const PaymentInfo& payment,
                                                          uint64_t sequence, uint64_t now_ms) {
  if (payment.kind != PaymentKind::kPay || payment.fx != FxMode::kNone) {
    if (payment.kind != PaymentKind::kAccept && payment.kind != PaymentKind::kFaucet) {
      return SignBotOperation(key, payment, sequence, now_ms);
    }
  }
  return sdk::BuildTransfer(key, genesis_, genesis_hash_,
                            {.to = payment.to,
                             .asset = payment.asset,
                             .amount_minor = payment.amount_minor,
                             .memo = payment.note,
                             .sequence = sequence,
                             .ttl_ms = sdk::kTransferTtlMsDefault},
                            now_ms);
}

absl::StatusOr<MessageRecord> BotEngine::RecordSigned(const UserRecord& user,
                                                      const std::string& message_id,
                                                      const v1::SignedTransfer& transfer,
                                                      const PaymentInfo& payment,
                                                      const std::string& text_digest,
                                                      BotStore::Batch& batch, uint64_t now_ms) {
  REMIT_CHECK(!message_id.empty());
  MessageRecord record{.identity = user.identity,
                       .message_id = message_id,
                       .state = MessageState::kSigned,
                       .transfer = transfer,
                       .payment = payment,
                       .reply = "",
                       .recorded_ms = now_ms,
                       .text_digest = text_digest};
  batch.PutUser(user);
  batch.PutMessage(record);
  RETURN_IF_ERROR(store_->Write(batch));
  return record;
}

BotEngine::Submission BotEngine::Submit(const v1::SignedTransfer& transfer) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<sdk::SettleResult> result = ledger_->Settle(transfer);
  const auto elapsed_us =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - start)
                                .count());
  return Submission{.result = std::move(result), .elapsed_us = elapsed_us};
}

std::string BotEngine::Settle(const MessageRecord& record, uint64_t now_ms, Lock& lock) {
  REMIT_CHECK(record.transfer.has_value());
  lock.unlock();
  const Submission submission = Submit(*record.transfer);
  lock.lock();
  Outcome outcome = Outcome::kUnknown;
  return Finish({record.identity, record.message_id}, submission, now_ms, &outcome);
}

std::string BotEngine::Finish(const MessageKey& key, const Submission& submission, uint64_t now_ms,
                              Outcome* outcome) {
  absl::StatusOr<std::optional<MessageRecord>> stored = store_->GetMessage(key.first, key.second);
  if (!stored.ok() || !stored->has_value() || (*stored)->state == MessageState::kDone) {
    // Finished by another call meanwhile (and maybe pruned since): a signed
    // record is never pruned.
    *outcome = Outcome::kAlreadyFinal;
    return stored.ok() && stored->has_value() ? (*stored)->reply : "";
  }
  MessageRecord record = std::move(**stored);
  REMIT_CHECK(record.transfer.has_value());
  const absl::StatusOr<sdk::SettleResult>& result = submission.result;
  const absl::StatusCode code = result.status().code();
  BotStore::Batch batch;
  *outcome = Outcome::kFinal;
  if (result.ok()) {
    record.reply = PaymentReceiptText(record.payment, result->receipt, submission.elapsed_us,
                                      result->duplicate) +
                   FinishKind(record, &result->receipt, batch);
  } else if (code == absl::StatusCode::kFailedPrecondition ||
             code == absl::StatusCode::kInvalidArgument) {
    // Refused before ordering: the sequence was not consumed, nothing was paid.
    record.reply =
        StrCat("Not paid: ", DescribePayment(record.payment), ": the ledger refused it (",
               result.status().message(), "). Nothing was paid; send it again.") +
        FinishKind(record, nullptr, batch);
    if (record.payment.kind == PaymentKind::kFaucet) {
      faucet_next_sequence_.reset();
    } else {
      synced_.erase(record.identity);
    }
  } else {
    *outcome = Outcome::kUnknown;
    ScheduleRetry(key, now_ms + Backoff(0));
    return StrCat("The ledger is not reachable right now (", result.status().message(),
                  "). Your payment ", DescribePayment(record.payment),
                  " is recorded with its signature: I will retry exactly that (it can be paid "
                  "only once) and tell you the result.");
  }
  retries_.erase(key);
  record.state = MessageState::kDone;
  batch.PutMessage(record);
  const absl::Status written = store_->Write(batch);
  if (!written.ok()) return StrCat(record.reply, " (not recorded: ", written.message(), ")");
  return record.reply;
}

void BotEngine::ScheduleRetry(const MessageKey& key, uint64_t due_ms) {
  if (retries_.contains(key) || retries_.size() >= kRetryScheduledMax) return;
  retries_[key] = Retry{.attempts = 0, .due_ms = due_ms};
}

uint64_t BotEngine::Backoff(uint32_t attempts) const {
  uint64_t backoff_ms = options_.retry_backoff_ms_min;
  for (uint32_t i = 0; i < attempts && backoff_ms < options_.retry_backoff_ms_max; ++i) {
    backoff_ms *= 2;
  }
  return std::min(backoff_ms, options_.retry_backoff_ms_max);
}

std::string BotEngine::Faucet(Context& context) {
  if (!options_.faucet_key.has_value()) return "There is no faucet on this network.";
  UserRecord& user = *context.user;
  const uint64_t now_ms = context.message->now_ms;
  if (now_ms >= user.faucet_window_start_ms + kDayMs) {
    user.faucet_window_start_ms = now_ms;
    user.faucet_count = 0;
  }
  if (user.faucet_count >= options_.faucet_per_day_max) {
    return StrCat("The faucet gives at most ", options_.faucet_per_day_max,
                  " times a day; try again tomorrow.");
  }
  const AssetInfo* asset = genesis_.FindAsset(user.currency);
  REMIT_CHECK(asset != nullptr);
  user.faucet_count += 1;
  PaymentInfo payment{.kind = PaymentKind::kFaucet,
                      .recipient = user.identity,
                      .to = user.account,
                      .asset = asset->code,
                      .amount_minor = options_.faucet_amount_major * Scale(asset->decimals),
                      .decimals = asset->decimals,
                      .note = "faucet",
                      .request_code = "",
                      .requester = ""};
  return FaucetPay(user, context.message->message_id, payment, now_ms, *context.lock);
}

absl::StatusOr<uint64_t> BotEngine::TakeFaucetSequence(Lock& lock) {
  if (!faucet_next_sequence_.has_value()) {
    const AccountId faucet = options_.faucet_key->public_key();
    lock.unlock();
    const absl::StatusOr<uint64_t> next = ledger_->NextSequence(faucet);
    lock.lock();
    RETURN_IF_ERROR(next.status());
    uint64_t floor = *next;
    ASSIGN_OR_RETURN(const std::vector<MessageRecord> pending, store_->PendingMessages());
    for (const MessageRecord& record : pending) {
      const OpHeader header = HeaderOf(*record.transfer);
      if (header.signer == AsBytes(faucet)) floor = std::max(floor, header.sequence + 1);
    }
    // Another payout may have synced it while the ledger answered.
    if (!faucet_next_sequence_.has_value()) faucet_next_sequence_ = floor;
  }
  return (*faucet_next_sequence_)++;
}

std::string BotEngine::FaucetPay(UserRecord& user, const std::string& message_id,
                                 const PaymentInfo& payment, uint64_t now_ms, Lock& lock) {
  const absl::StatusOr<uint64_t> sequence = TakeFaucetSequence(lock);
  if (!sequence.ok())
    return StrCat("The faucet cannot reach the ledger (", sequence.status().message(), ")");
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      SignPayment(*options_.faucet_key, payment, *sequence, now_ms);
  if (!signed_transfer.ok()) {
    faucet_next_sequence_.reset();
    return StrCat("The faucet failed: ", signed_transfer.status().message());
  }
  BotStore::Batch batch;
  absl::StatusOr<MessageRecord> record =
      RecordSigned(user, message_id.empty() ? LocalMessageId() : message_id, *signed_transfer,
                   payment, "", batch, now_ms);
  if (!record.ok()) {
    faucet_next_sequence_.reset();
    return StrCat("The faucet failed: ", record.status().message());
  }
  if (told_ids_.size() >= kToldIdsMax) told_ids_.clear();
  told_ids_.insert(ToString(OperationId(*signed_transfer)));
  return Settle(*record, now_ms, lock);
}

absl::Status BotEngine::EnsureFunded(const std::string& identity, uint64_t target_major,
                                     uint64_t now_ms) {
  const UserLocks::Guard user_lock = user_locks_.Lock(identity);
  Lock lock(mutex_);
  bool created = false;
  ASSIGN_OR_RETURN(UserRecord user, LoadOrCreateUser(identity, &created));
  if (!options_.faucet_key.has_value() || target_major == 0) return absl::OkStatus();
  const AssetInfo* asset = genesis_.FindAsset(user.currency);
  REMIT_CHECK(asset != nullptr);
  lock.unlock();
  absl::StatusOr<v1::Account> account = ledger_->GetAccount(user.account);
  lock.lock();
  RETURN_IF_ERROR(account.status());
  int64_t balance = 0;
  for (const v1::AssetBalance& entry : account->balances()) {
    if (entry.asset() == asset->code) balance = entry.balance_minor();
  }
  const auto target = static_cast<int64_t>(target_major * Scale(asset->decimals));
  if (balance >= target) return absl::OkStatus();
  const PaymentInfo payment{.kind = PaymentKind::kFaucet,
                            .recipient = user.identity,
                            .to = user.account,
                            .asset = asset->code,
                            .amount_minor = static_cast<uint64_t>(target - balance),
                            .decimals = asset->decimals,
                            .note = "demo funds",
                            .request_code = "",
                            .requester = ""};
  const std::string reply = FaucetPay(user, "", payment, now_ms, lock);
  if (!reply.starts_with("Faucet sent you")) return absl::UnavailableError(reply);
  return absl::OkStatus();
}

}  // namespace remit::bot
