// BotEngine: pay, yes/cancel, faucet; signing, recording and settling.
#include <sodium.h>

#include <chrono>

#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bot {
namespace {

constexpr uint64_t kDayMs = 24 * 60 * 60 * 1000;

std::string LocalPart(const std::string& identity) {
  return identity.substr(0, identity.find('@'));
}

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

absl::StatusOr<BotEngine::Recipient> BotEngine::Resolve(const UserRecord& user,
                                                        const std::string& who) {
  Recipient recipient;
  if (who.starts_with("@")) {
    return absl::InvalidArgumentError(
        StrCat("I never pay display names like '", who,
               "': use their chat address (bob@example.org), a contact, or an rmt1 address."));
  }
  if (who.starts_with(kAddressPrefix) || who.starts_with("RMT1")) {
    ASSIGN_OR_RETURN(recipient.account, DecodeAddress(who));
    ASSIGN_OR_RETURN(std::optional<std::string> identity, store_->IdentityOf(recipient.account));
    recipient.identity = identity.value_or("");
    recipient.label = identity.has_value() ? *identity : EncodeAddress(recipient.account);
  } else {
    std::string name = who;
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSIGN_OR_RETURN(std::optional<UserRecord> target, store_->GetUser(name));
    if (!target.has_value()) {
      ASSIGN_OR_RETURN(std::optional<std::string> contact, store_->GetContact(user.identity, name));
      if (contact.has_value()) {
        ASSIGN_OR_RETURN(target, store_->GetUser(*contact));
      }
    }
    if (!target.has_value()) {
      return absl::NotFoundError(StrCat(
          "I do not know '", who, "'. Nothing was paid. Pay a chat address that has talked to me ",
          "(bob@example.org) or an rmt1 address; ask them to send me 'help' first."));
    }
    recipient = {
        .identity = target->identity, .account = target->account, .label = target->identity};
  }
  if (recipient.account == user.account) {
    return absl::InvalidArgumentError("You cannot pay yourself. Nothing was paid.");
  }
  return recipient;
}

std::string BotEngine::Pay(const Command& command, Context& context) {
  UserRecord& user = *context.user;
  absl::StatusOr<Recipient> recipient = Resolve(user, command.who);
  if (!recipient.ok()) return std::string(recipient.status().message());
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return StrCat("Nothing was paid: ", amount.status().message());
  PaymentInfo payment{.kind = "pay",
                      .recipient = recipient->label,
                      .to = recipient->account,
                      .asset = amount->asset,
                      .amount_minor = amount->amount_minor,
                      .decimals = amount->decimals,
                      .note = JoinFrom(command.rest, amount->tokens_used),
                      .request_code = ""};
  if (payment.note.size() > kMemoBytesMax || !IsValidUtf8(payment.note)) {
    return StrCat("Nothing was paid: the note is longer than ", kMemoBytesMax, " bytes.");
  }
  if (context.message->delayed || NeedsConfirmation(payment)) {
    return AskConfirmation(payment, context);
  }
  BotStore::Batch batch;
  return Execute(user, context.message->message_id, payment, batch, context.message->now_ms);
}

std::string BotEngine::AskConfirmation(const PaymentInfo& payment, Context& context) {
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
  const std::string why = context.message->delayed ? "This message was delayed. " : "";
  return StrCat(why, "Pay ", DescribePayment(payment), "? Reply 'yes ", *code, "' within ",
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
  const Confirmation& confirmation = **pending;
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
  return Execute(*context.user, context.message->message_id, confirmation.payment, batch,
                 context.message->now_ms);
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

absl::Status BotEngine::SyncSequence(UserRecord& user) {
  if (synced_.contains(user.identity)) return absl::OkStatus();
  ASSIGN_OR_RETURN(const v1::Account account, ledger_->GetAccount(user.account));
  if (account.next_sequence() != user.next_sequence) {
    user.next_sequence = account.next_sequence();
    BotStore::Batch batch;
    batch.PutUser(user);
    RETURN_IF_ERROR(store_->Write(batch));
  }
  synced_.insert(user.identity);
  return absl::OkStatus();
}

std::string BotEngine::Execute(UserRecord& user, const std::string& message_id,
                               const PaymentInfo& payment, BotStore::Batch& batch,
                               uint64_t now_ms) {
  const absl::Status synced = SyncSequence(user);
  if (!synced.ok())
    return StrCat("Nothing was paid: I cannot reach the ledger (", synced.message(), ")");
  absl::StatusOr<SigningKey> key = vault_->Open(user.sealed_key, user.account);
  if (!key.ok())
    return StrCat("Nothing was paid: your key does not open (", key.status().message(), ")");
  const sdk::TransferRequest request{.to = payment.to,
                                     .asset = payment.asset,
                                     .amount_minor = payment.amount_minor,
                                     .memo = payment.note,
                                     .sequence = user.next_sequence,
                                     .ttl_ms = sdk::kTransferTtlMsDefault};
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      sdk::BuildTransfer(*key, genesis_, request, now_ms);
  if (!signed_transfer.ok())
    return StrCat("Nothing was paid: ", signed_transfer.status().message());
  user.next_sequence += 1;
  absl::StatusOr<std::optional<UserRecord>> recipient = store_->GetUser(payment.recipient);
  if (recipient.ok() && recipient->has_value()) {
    batch.PutContact(user.identity, LocalPart(payment.recipient), payment.recipient);
    batch.PutContact(payment.recipient, LocalPart(user.identity), user.identity);
  }
  absl::StatusOr<MessageRecord> record =
      RecordSigned(user, message_id, *signed_transfer, payment, batch, now_ms);
  if (!record.ok()) {
    user.next_sequence -= 1;
    return StrCat("Nothing was paid: I could not record it (", record.status().message(), ")");
  }
  return Settle(*record, now_ms);
}

absl::StatusOr<MessageRecord> BotEngine::RecordSigned(const UserRecord& user,
                                                      const std::string& message_id,
                                                      const v1::SignedTransfer& transfer,
                                                      const PaymentInfo& payment,
                                                      BotStore::Batch& batch, uint64_t now_ms) {
  MessageRecord record{.identity = user.identity,
                       .message_id = message_id.empty() ? LocalMessageId() : message_id,
                       .state = MessageState::kSigned,
                       .transfer = transfer,
                       .payment = payment,
                       .reply = "",
                       .recorded_ms = now_ms};
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

std::string BotEngine::Settle(MessageRecord& record, uint64_t now_ms) {
  REMIT_CHECK(record.transfer.has_value());
  bool final_outcome = false;
  return Finish(record, Submit(*record.transfer), now_ms, &final_outcome);
}

std::string BotEngine::Finish(MessageRecord& record, const Submission& submission, uint64_t now_ms,
                              bool* final_outcome) {
  REMIT_CHECK(record.state == MessageState::kSigned);
  REMIT_CHECK(record.transfer.has_value());
  const absl::StatusOr<sdk::SettleResult>& result = submission.result;
  const absl::StatusCode code = result.status().code();
  const MessageKey key{record.identity, record.message_id};
  *final_outcome = true;
  if (result.ok()) {
    record.reply = PaymentReceiptText(record.payment, result->receipt, submission.elapsed_us,
                                      result->duplicate);
  } else if (code == absl::StatusCode::kFailedPrecondition ||
             code == absl::StatusCode::kInvalidArgument) {
    // Refused before ordering: the sequence was not consumed, nothing was paid.
    record.reply =
        StrCat("Not paid: ", DescribePayment(record.payment), ": the ledger refused it (",
               result.status().message(), "). Nothing was paid; send it again.");
    synced_.erase(record.identity);
  } else {
    *final_outcome = false;
    if (!retries_.contains(key) && retries_.size() < kRetryScheduledMax) {
      retries_[key] = Retry{.attempts = 0, .due_ms = now_ms + Backoff(0)};
    }
    return StrCat("The ledger has not answered yet (", result.status().message(),
                  "). Your payment ", DescribePayment(record.payment),
                  " is recorded; I keep re-sending it with the same signature, so it can never be "
                  "paid twice, and will tell you when it settles.");
  }
  retries_.erase(key);
  record.state = MessageState::kDone;
  BotStore::Batch batch;
  batch.PutMessage(record);
  const absl::Status written = store_->Write(batch);
  if (!written.ok()) return StrCat(record.reply, " (not recorded: ", written.message(), ")");
  return record.reply;
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
  PaymentInfo payment{.kind = "faucet",
                      .recipient = user.identity,
                      .to = user.account,
                      .asset = asset->code,
                      .amount_minor = options_.faucet_amount_major * Scale(asset->decimals),
                      .decimals = asset->decimals,
                      .note = "faucet",
                      .request_code = ""};
  return FaucetPay(user, context.message->message_id, payment, now_ms);
}

std::string BotEngine::FaucetPay(UserRecord& user, const std::string& message_id,
                                 const PaymentInfo& payment, uint64_t now_ms) {
  const SigningKey& faucet = *options_.faucet_key;
  absl::StatusOr<v1::Account> account = ledger_->GetAccount(faucet.public_key());
  if (!account.ok())
    return StrCat("The faucet cannot reach the ledger (", account.status().message(), ")");
  absl::StatusOr<v1::SignedTransfer> signed_transfer =
      sdk::BuildTransfer(faucet, genesis_,
                         {.to = payment.to,
                          .asset = payment.asset,
                          .amount_minor = payment.amount_minor,
                          .memo = payment.note,
                          .sequence = account->next_sequence(),
                          .ttl_ms = sdk::kTransferTtlMsDefault},
                         now_ms);
  if (!signed_transfer.ok())
    return StrCat("The faucet failed: ", signed_transfer.status().message());
  BotStore::Batch batch;
  absl::StatusOr<MessageRecord> record =
      RecordSigned(user, message_id, *signed_transfer, payment, batch, now_ms);
  if (!record.ok()) return StrCat("The faucet failed: ", record.status().message());
  if (told_ids_.size() >= kToldIdsMax) told_ids_.clear();
  told_ids_.insert(ToString(ComputeTransferId(signed_transfer->transfer())));
  return Settle(*record, now_ms);
}

absl::Status BotEngine::EnsureFunded(const std::string& identity, uint64_t target_major,
                                     uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool created = false;
  ASSIGN_OR_RETURN(UserRecord user, LoadOrCreateUser(identity, &created));
  if (!options_.faucet_key.has_value() || target_major == 0) return absl::OkStatus();
  const AssetInfo* asset = genesis_.FindAsset(user.currency);
  REMIT_CHECK(asset != nullptr);
  ASSIGN_OR_RETURN(const v1::Account account, ledger_->GetAccount(user.account));
  int64_t balance = 0;
  for (const v1::AssetBalance& entry : account.balances()) {
    if (entry.asset() == asset->code) balance = entry.balance_minor();
  }
  const auto target = static_cast<int64_t>(target_major * Scale(asset->decimals));
  if (balance >= target) return absl::OkStatus();
  const PaymentInfo payment{.kind = "faucet",
                            .recipient = user.identity,
                            .to = user.account,
                            .asset = asset->code,
                            .amount_minor = static_cast<uint64_t>(target - balance),
                            .decimals = asset->decimals,
                            .note = "demo funds",
                            .request_code = ""};
  const std::string reply = FaucetPay(user, "", payment, now_ms);
  if (!reply.starts_with("Faucet sent you")) return absl::UnavailableError(reply);
  return absl::OkStatus();
}

}  // namespace remit::bot
