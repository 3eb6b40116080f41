// BotEngine: claimable payments to someone without a wallet (docs/BOT.md,
// "Paying someone without a wallet"; the ledger side is docs/CLAIMS.md).
//
//   pay carol@example.org 5 USD  ->  "no wallet yet, held N days"  ->  yes <code>
//     -> create_claim (the claim code sealed in the vault, recorded with the
//        signed bytes) -> carol is told
//   carol's next message -> her wallet -> claim, signed by her key (message
//     id "claim-<claim id>": signed once, re-sent only as the same bytes)
//   the expiry passes unclaimed -> reclaim for the payer (message id
//     "reclaim-<claim id>-<n>": a new one only after a final CLAIM_NOT_EXPIRED)
//
// Every step goes through Execute like a payment: recorded before it is
// sent, retried with the same bytes while its outcome is unknown, finished
// by FinishClaimStep, which moves the HeldClaim along in the same write.
#include <sodium.h>

#include <cctype>

#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/check.h"
#include "ledger/claim_code.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::bot {
namespace {

std::string JoinFrom(const std::vector<std::string>& words, size_t first) {
  std::string out;
  for (size_t i = first; i < words.size(); ++i) out += (out.empty() ? "" : " ") + words[i];
  return out;
}

// local@domain, each part non-empty, no resource, no second '@'.
bool IsBareIdentity(const std::string& who) {
  const size_t at = who.find('@');
  return at != std::string::npos && at > 0 && at + 1 < who.size() &&
         who.find('@', at + 1) == std::string::npos && who.find('/') == std::string::npos;
}

std::string ClaimMessageId(const std::string& claim_id) { return "claim-" + ToHex(claim_id); }

std::string ReclaimMessageId(const HeldClaim& claim) {
  return StrCat("reclaim-", ToHex(claim.claim_id), "-", claim.reclaim_attempts);
}

PaymentInfo StepOf(const HeldClaim& claim, PaymentKind kind, const AccountId& signer) {
  return PaymentInfo{.kind = kind,
                     // For the words of the reply: who sent it (claim) or who it was for.
                     .recipient = kind == PaymentKind::kClaim ? claim.payer : claim.recipient,
                     .to = signer,
                     .asset = claim.asset,
                     .amount_minor = claim.amount_minor,
                     .decimals = claim.decimals,
                     .note = claim.note,
                     .request_code = "",
                     .requester = "",
                     .claim_id = claim.claim_id,
                     .sealed_code = kind == PaymentKind::kClaim ? claim.sealed_code : "",
                     .claim_expires_ms = claim.expires_ms};
}

v1::Operation OperationHeader(const Genesis& genesis, const Hash32& genesis_hash,
                              const SigningKey& key, uint64_t sequence, uint64_t now_ms,
                              const std::string& memo) {
  v1::Operation op;
  op.set_chain_id(genesis.chain_id);
  op.set_genesis_hash(ToString(genesis_hash));
  op.set_signer(ToString(key.public_key()));
  op.set_sequence(sequence);
  op.set_expiry_unix_ms(now_ms + sdk::kTransferTtlMsDefault);
  op.set_memo(memo);
  return op;
}

}  // namespace

std::string BotEngine::PayClaimable(const Command& command, const std::string& who,
                                    Context& context) {
  std::string identity = who;
  for (char& c : identity) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!IsBareIdentity(identity)) {
    return StrCat("'", who, "' is not a chat address like bob@example.org. Nothing was paid.");
  }
  const UserRecord& user = *context.user;
  absl::StatusOr<ChatAmount> amount = ParseChatAmount(command.rest, user.currency, genesis_);
  if (!amount.ok()) return StrCat("Nothing was paid: ", amount.status().message());
  PaymentInfo payment{.kind = PaymentKind::kCreateClaim,
                      .recipient = identity,
                      .to = user.account,
                      .asset = amount->asset,
                      .amount_minor = amount->amount_minor,
                      .decimals = amount->decimals,
                      .note = JoinFrom(command.rest, amount->tokens_used),
                      .request_code = "",
                      .requester = "",
                      .claim_expires_ms = context.message->now_ms + options_.claim_ttl_ms};
  if (payment.note.size() > kMemoBytesMax || !IsValidUtf8(payment.note)) {
    return StrCat("Nothing was paid: the note is longer than ", kMemoBytesMax, " bytes.");
  }
  return PayOrAsk(payment, context);
}

absl::Status BotEngine::PrepareCreateClaim(PaymentInfo& payment, uint64_t now_ms) {
  // From the confirmation on, not from the question: a short time to live
  // still holds the money that long.
  payment.claim_expires_ms = now_ms + options_.claim_ttl_ms;
  std::string code(kBotClaimCodeBytes, '\0');
  randombytes_buf(code.data(), code.size());
  payment.sealed_code = vault_->SealSecret(code);
  sodium_memzero(code.data(), code.size());
  return absl::OkStatus();
}

absl::StatusOr<v1::SignedTransfer> BotEngine::SignBotOperation(const SigningKey& key,
                                                               const PaymentInfo& payment,
                                                               uint64_t sequence, uint64_t now_ms) {
  v1::Operation op = OperationHeader(genesis_, genesis_hash_, key, sequence, now_ms,
                                     payment.kind == PaymentKind::kPay ? payment.note : "");
  switch (payment.kind) {
    case PaymentKind::kPay:
      if (payment.fx == FxMode::kStrictReceive) {
        v1::StrictReceive& body = *op.mutable_strict_receive();
        body.set_to(ToString(payment.to));
        body.set_send_asset(payment.send_asset);
        body.set_send_max_minor(payment.send_max_minor);
        body.set_deliver_asset(payment.asset);
        body.set_deliver_amount_minor(payment.amount_minor);
      } else {
        REMIT_CHECK(payment.fx == FxMode::kStrictSend);
        v1::StrictSend& body = *op.mutable_strict_send();
        body.set_to(ToString(payment.to));
        body.set_send_asset(payment.send_asset);
        body.set_send_amount_minor(payment.send_minor);
        body.set_deliver_asset(payment.asset);
        body.set_deliver_min_minor(payment.deliver_min_minor);
      }
      break;
    case PaymentKind::kCreateClaim: {
      ASSIGN_OR_RETURN(const std::string code, vault_->OpenSecret(payment.sealed_code));
      ASSIGN_OR_RETURN(const SigningKey claim_key, ClaimKeyFromCode(code));
      v1::CreateClaim& body = *op.mutable_create_claim();
      body.set_asset(payment.asset);
      body.set_amount_minor(payment.amount_minor);
      body.set_claim_key(ToString(claim_key.public_key()));
      body.set_claim_expiry_unix_ms(payment.claim_expires_ms);
      break;
    }
    case PaymentKind::kClaim: {
      ASSIGN_OR_RETURN(const std::string code, vault_->OpenSecret(payment.sealed_code));
      ASSIGN_OR_RETURN(const SigningKey claim_key, ClaimKeyFromCode(code));
      ASSIGN_OR_RETURN(const Hash32 claim_id, ToArray<kHashBytes>(payment.claim_id, "claim id"));
      const Signature proof = SignClaimProof(claim_key, genesis_hash_, claim_id, key.public_key());
      v1::Claim& body = *op.mutable_claim();
      body.set_claim_id(payment.claim_id);
      body.set_proof(ToString(proof));
      break;
    }
    case PaymentKind::kReclaim:
      op.mutable_reclaim()->set_claim_id(payment.claim_id);
      break;
    default:
      REMIT_CHECK(false);
  }
  RETURN_IF_ERROR(CheckOperationFields(op, genesis_.chain_id, genesis_hash_));
  return remit::SignOperation(op, key);
}

absl::Status BotEngine::MarkClaimSigned(PaymentInfo& payment,
                                        const v1::SignedTransfer& signed_transfer,
                                        const UserRecord& user, uint64_t now_ms,
                                        BotStore::Batch& batch) {
  if (payment.kind == PaymentKind::kCreateClaim) {
    payment.claim_id = ToString(OperationId(signed_transfer));
    batch.PutClaim(HeldClaim{.claim_id = payment.claim_id,
                             .payer = user.identity,
                             .recipient = payment.recipient,
                             .asset = payment.asset,
                             .amount_minor = payment.amount_minor,
                             .decimals = payment.decimals,
                             .note = payment.note,
                             .sealed_code = payment.sealed_code,
                             .created_ms = now_ms,
                             .expires_ms = payment.claim_expires_ms,
                             .state = ClaimState::kCreating,
                             .reclaim_attempts = 0});
    return absl::OkStatus();
  }
  if (payment.kind != PaymentKind::kClaim && payment.kind != PaymentKind::kReclaim) {
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<HeldClaim> claim, store_->GetClaim(payment.claim_id));
  if (!claim.has_value()) return absl::NotFoundError("that claim is not in my records");
  claim->state =
      payment.kind == PaymentKind::kClaim ? ClaimState::kClaiming : ClaimState::kReturning;
  batch.PutClaim(*claim);
  return absl::OkStatus();
}

std::string BotEngine::FinishClaimStep(const MessageRecord& record, const v1::Receipt* receipt,
                                       BotStore::Batch& batch) {
  const PaymentInfo& payment = record.payment;
  absl::StatusOr<std::optional<HeldClaim>> stored = store_->GetClaim(payment.claim_id);
  if (!stored.ok() || !stored->has_value()) return "";
  HeldClaim claim = **stored;
  const bool settled = receipt != nullptr && receipt->outcome() == v1::SETTLED;
  const std::string amount = PaymentAmount(payment);
  std::string text;
  switch (payment.kind) {
    case PaymentKind::kCreateClaim:
      claim.state = settled ? ClaimState::kOpen : ClaimState::kFailed;
      if (settled) {
        Notify(claim.recipient,
               StrCat(claim.payer, " sent you ", amount, NoteSuffix(claim.note),
                      ". You have no wallet here yet: reply anything to me and it is yours. ",
                      "If it is not claimed by ", FormatUtc(claim.expires_ms), " it goes back to ",
                      claim.payer, "."));
        text = StrCat(". I told ", claim.recipient, "; it returns to you if not claimed by ",
                      FormatUtc(claim.expires_ms), ".");
      }
      break;
    case PaymentKind::kClaim:
      claim.state = settled ? ClaimState::kClaimed : ClaimState::kOpen;
      if (settled) {
        Notify(claim.payer, StrCat(claim.recipient, " claimed the ", amount, " you sent them",
                                   NoteSuffix(claim.note), "."));
      }
      break;
    case PaymentKind::kReclaim:
      if (settled) {
        claim.state = ClaimState::kReturned;
      } else if (receipt != nullptr && receipt->outcome() == v1::ALREADY_CLAIMED) {
        claim.state = ClaimState::kClaimed;  // collected before its expiry
      } else {
        claim.state = ClaimState::kOpen;  // not yet past the expiry on the ledger: again later
        claim.reclaim_attempts += 1;
      }
      break;
    default:
      REMIT_CHECK(false);
  }
  batch.PutClaim(claim);
  return text;
}

std::string BotEngine::ExecuteInternal(UserRecord& user, const std::string& message_id,
                                       const PaymentInfo& payment, uint64_t now_ms, Lock& lock) {
  absl::StatusOr<std::optional<MessageRecord>> seen = store_->GetMessage(user.identity, message_id);
  if (!seen.ok() || seen->has_value()) return "";  // signed once already: retries re-send it
  const InboundMessage message{.from = user.identity,
                               .message_id = message_id,
                               .text = "",
                               .one_to_one = true,
                               .delayed = false,
                               .now_ms = now_ms};
  Context context{.message = &message, .user = &user, .lock = &lock};
  BotStore::Batch batch;
  std::string reply = Execute(payment, batch, context);
  seen = store_->GetMessage(user.identity, message_id);
  // Still unknown: the retry tells the outcome.
  if (seen.ok() && seen->has_value() && (*seen)->state == MessageState::kSigned) return "";
  return reply;
}

std::string BotEngine::ClaimWaiting(Context& context) {
  UserRecord& user = *context.user;
  const uint64_t now_ms = context.message->now_ms;
  absl::StatusOr<std::vector<HeldClaim>> waiting =
      store_->ClaimsWaitingFor(user.identity, kClaimsPerMessageMax);
  if (!waiting.ok()) return "";
  std::string text;
  for (const HeldClaim& claim : *waiting) {
    // In flight already, or past its expiry (it goes back to the payer).
    if (claim.state != ClaimState::kOpen || now_ms > claim.expires_ms) continue;
    const std::string reply =
        ExecuteInternal(user, ClaimMessageId(claim.claim_id),
                        StepOf(claim, PaymentKind::kClaim, user.account), now_ms, *context.lock);
    if (!reply.empty()) text += reply + "\n";
  }
  return text;
}

std::string BotEngine::Reclaim(const HeldClaim& claim, uint64_t now_ms, Lock& lock) {
  absl::StatusOr<std::optional<UserRecord>> payer = store_->GetUser(claim.payer);
  if (!payer.ok() || !payer->has_value()) return "";
  UserRecord user = **payer;
  std::string text =
      ExecuteInternal(user, ReclaimMessageId(claim),
                      StepOf(claim, PaymentKind::kReclaim, user.account), now_ms, lock);
  // Told only once it has ended: a reclaim the ledger found early
  // (CLAIM_NOT_EXPIRED, its clock behind ours) is tried again later.
  absl::StatusOr<std::optional<HeldClaim>> after = store_->GetClaim(claim.claim_id);
  if (!after.ok() || !after->has_value()) return "";
  if ((*after)->state == ClaimState::kClaimed) {
    return StrCat((*after)->recipient, " claimed the ",
                  FormatChatAmount(claim.amount_minor, claim.asset, claim.decimals),
                  " you sent them", NoteSuffix(claim.note), ".");
  }
  return (*after)->state == ClaimState::kReturned ? text : "";
}

std::vector<OutboundMessage> BotEngine::ExpireClaims(uint64_t now_ms) {
  std::vector<HeldClaim> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    absl::StatusOr<std::vector<HeldClaim>> expired =
        store_->ExpiredClaims(now_ms, kReclaimBatchMax);
    if (expired.ok()) due = std::move(*expired);
  }
  std::vector<OutboundMessage> told;
  for (const HeldClaim& claim : due) {
    const UserLocks::Guard user_lock = user_locks_.Lock(claim.payer);
    Lock lock(mutex_);
    absl::StatusOr<std::optional<HeldClaim>> now = store_->GetClaim(claim.claim_id);
    if (!now.ok() || !now->has_value() || (*now)->state != ClaimState::kOpen) continue;
    std::string text = Reclaim(**now, now_ms, lock);
    if (!text.empty()) told.push_back({claim.payer, std::move(text)});
    for (OutboundMessage& notice : TakeNotices()) told.push_back(std::move(notice));
  }
  return told;
}

}  // namespace remit::bot
