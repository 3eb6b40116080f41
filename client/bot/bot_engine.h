// BotEngine: the chat wallet (docs/BOT.md is its contract). It maps an
// authenticated chat identity to an account, parses commands, settles
// through a LedgerPort, words the replies and keeps its state in a BotStore.
// It does no I/O of its own: transports hand it messages and send what it
// returns; the wall clock comes in with each message.
//
// Safety:
// - Each message id is recorded (per sender) with the signed transfer before
//   submission, in one synced write with the sender's next sequence. A
//   message id seen before never pays again: a finished one gets its reply
//   again; one whose outcome is unknown re-sends the same signed bytes
//   (the ledger answers ALREADY_EXISTS with the original receipt); the same
//   id with a different text is not executed, and the reply says so.
// - Recover() schedules every transfer recorded but not known final, after a
//   crash, for an immediate re-send. RetryPending() re-sends those whose
//   outcome is still unknown (the ledger was unreachable), with exponential
//   back-off, and words the outcome for the sender when it is final.
// - PruneMessageIds() forgets finished message ids beyond an age and a count
//   (EngineOptions); an unfinished one is never forgotten. A message
//   redelivered after its id was forgotten counts as new.
// - One confirmation rule for every payment out of a wallet (pay, accept,
//   and any later kind): above the threshold, or delayed in an offline
//   queue, it waits for `yes <code>` (PayOrAsk).
// - A contact name never rebinds: a short name that could mean two
//   identities is refused, naming both; every reply names the full identity.
// - A payment request stays open until paid, declined or expired, and the
//   requester is told of each.
// - Money commands only in one-to-one chats; per-user rate limits.
// - No secret reaches a reply, a Status or a log.
//
// Thread-safe. Calls for one identity run one at a time (a per-user lock,
// taken in call order); calls for different identities run alongside: the
// engine's state lock is never held across a ledger call, so one user's
// settlement that waits for the ledger never delays another user's reply.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/bot/bot_store.h"
#include "client/bot/command.h"
#include "client/bot/key_vault.h"
#include "client/bot/ledger_port.h"
#include "client/bot/rate_limiter.h"
#include "client/bot/user_locks.h"
#include "ledger/crypto.h"
#include "ledger/genesis.h"

namespace remit::bot {

inline constexpr uint64_t kConfirmAboveMajorDefault = 20;  // 20.00 of any currency
inline constexpr uint64_t kConfirmationTtlMsDefault = 5 * 60 * 1000;
inline constexpr uint32_t kCommandsPerMinuteMaxDefault = 30;
inline constexpr uint32_t kPaymentsPerMinuteMaxDefault = 10;
inline constexpr uint32_t kFaucetPerDayMaxDefault = 3;
inline constexpr uint64_t kFaucetAmountMajorDefault = 10;
inline constexpr uint64_t kRequestTtlMsDefault = kRequestTtlMsLegacy;  // 7 days
inline constexpr size_t kIdentityBytesMax = 256;
inline constexpr size_t kMessageIdBytesMax = 128;
inline constexpr size_t kToldIdsMax = 10'000;
// Identities one contact name may stand for that the bot keeps (a name with
// two is already refused as ambiguous), and users it offers for an
// unknown name.
inline constexpr size_t kIdentitiesPerNameMax = 4;
// Re-sending transfers whose outcome is unknown: the first retry after the
// minimum, each later one after twice the wait before, up to the maximum.
inline constexpr uint64_t kRetryBackoffMsMinDefault = 1'000;
inline constexpr uint64_t kRetryBackoffMsMaxDefault = 60'000;
// Transfers one RetryPending call re-sends at most (each may wait for the
// ledger's deadline while it is unreachable).
inline constexpr size_t kRetryBatchMax = 8;
// Unfinished transfers scheduled for retry at most; more wait for the next
// start or a redelivery of their message.
inline constexpr size_t kRetryScheduledMax = 10'000;
// Finished message ids are kept this long and at most this many.
inline constexpr uint64_t kMessageIdsMaxAgeMsDefault = 30ull * 24 * 60 * 60 * 1000;
inline constexpr uint64_t kMessageIdsMaxDefault = 100'000;
// Records one PruneMessageIds call deletes at most.
inline constexpr uint64_t kPruneBatchMax = 10'000;
// Requests one ExpireRequests call closes at most.
inline constexpr size_t kExpireBatchMax = 1'000;
// A claimable payment to someone without a wallet is held this long before
// it returns to the payer (docs/BOT.md).
inline constexpr uint64_t kClaimTtlMsDefault = 14ull * 24 * 60 * 60 * 1000;
// Claims one ExpireClaims call reclaims at most (each is a ledger call), and
// claims one message from their recipient claims at most.
inline constexpr size_t kReclaimBatchMax = 8;
inline constexpr size_t kClaimsPerMessageMax = 16;
// Claims balance and history list at most, and claims of one payer balance
// reads at most to find those still held.
inline constexpr size_t kClaimsListedMax = 20;
inline constexpr size_t kClaimsScannedMax = 1'000;
// A cross-currency payment signs its bound this far past the quote (in
// 1/10000): strict receive's send_max above the quoted cost, strict send's
// deliver_min below the quoted delivery.
inline constexpr uint32_t kFxSlippageBpsDefault = 100;
inline constexpr uint32_t kFxSlippageBpsMax = 5'000;
// Random bytes in a claim code the bot makes (ledger/claim_code.h).
inline constexpr size_t kBotClaimCodeBytes = 32;

struct EngineOptions {
  std::string default_currency = "USD";
  // Payments of more than this many whole units need `yes <code>`.
  uint64_t confirm_above_major = kConfirmAboveMajorDefault;
  uint64_t confirmation_ttl_ms = kConfirmationTtlMsDefault;
  uint32_t commands_per_minute_max = kCommandsPerMinuteMaxDefault;
  uint32_t payments_per_minute_max = kPaymentsPerMinuteMaxDefault;
  uint32_t faucet_per_day_max = kFaucetPerDayMaxDefault;
  uint64_t faucet_amount_major = kFaucetAmountMajorDefault;
  uint64_t request_ttl_ms = kRequestTtlMsDefault;
  uint64_t retry_backoff_ms_min = kRetryBackoffMsMinDefault;
  uint64_t retry_backoff_ms_max = kRetryBackoffMsMaxDefault;
  uint64_t message_ids_max_age_ms = kMessageIdsMaxAgeMsDefault;
  uint64_t message_ids_max = kMessageIdsMaxDefault;
  uint64_t claim_ttl_ms = kClaimTtlMsDefault;
  uint32_t fx_slippage_bps = kFxSlippageBpsDefault;  // at most kFxSlippageBpsMax
  // Testnets only: the key that issues every asset. nullopt: no `faucet`.
  std::optional<SigningKey> faucet_key = std::nullopt;
};

struct InboundMessage {
  std::string from;        // server-authenticated identity: bare JID or terminal name
  std::string message_id;  // the transport's id; empty if it has none
  std::string text;
  // False for anything but a one-to-one chat message (a group chat, an
  // XMPP message of type normal or headline): no money command runs, and
  // text that is not a command gets no answer.
  bool one_to_one = true;
  bool delayed = false;  // delivered from an offline queue
  uint64_t now_ms = 0;   // wall clock, Unix ms
};

struct OutboundMessage {
  std::string to;
  std::string text;
};

class BotEngine {
 public:
  // Reads genesis through `ledger`. The pointers must outlive the engine.
  // INVALID_ARGUMENT if the default currency is not an asset of the chain or
  // a limit in `options` is zero or out of order.
  static absl::StatusOr<std::unique_ptr<BotEngine>> Create(BotStore* store, const KeyVault* vault,
                                                           LedgerPort* ledger,
                                                           EngineOptions options);

  // Schedules every recorded transfer whose outcome is unknown for a re-send
  // (same bytes) at `now_ms`, for RetryPending. Returns how many.
  size_t Recover(uint64_t now_ms);
  // Re-sends (same bytes) the unfinished transfers whose retry is due at
  // `now_ms`, at most kRetryBatchMax, without holding the engine while the
  // ledger answers. Returns a message to the sender of each one that became
  // final (and to anyone else its outcome concerns). One that is still
  // unknown waits twice as long next time.
  std::vector<OutboundMessage> RetryPending(uint64_t now_ms);
  // Transfers waiting for a retry (for tests and logs).
  size_t RetriesScheduled();
  // Deletes finished message ids recorded before now_ms minus the maximum
  // age, and the oldest beyond the maximum count (at most kPruneBatchMax per
  // call). Returns how many were deleted.
  absl::StatusOr<uint64_t> PruneMessageIds(uint64_t now_ms);
  // Closes payment requests that expired by `now_ms` and nothing is paying
  // (at most kExpireBatchMax) and tells their requesters.
  std::vector<OutboundMessage> ExpireRequests(uint64_t now_ms);
  // Reclaims, for their payers, the claimable payments that expired
  // unclaimed before `now_ms` (at most kReclaimBatchMax), and returns what
  // tells each payer. A reclaim whose outcome is unknown is retried with the
  // same bytes (RetryPending).
  std::vector<OutboundMessage> ExpireClaims(uint64_t now_ms);
  // The replies to one message: to its sender first (unless the message
  // deserves none), and maybe to others.
  std::vector<OutboundMessage> HandleMessage(const InboundMessage& message);
  // A transfer became final on the ledger (Watch): tells its recipient, if
  // the recipient is a user of this bot and the transfer settled.
  std::vector<OutboundMessage> OnTransferFinal(const v1::TransferRecord& record);
  // Creates `identity` if new and, on testnets, tops its balance up from the
  // faucet to `target_major` of its currency. For demos.
  absl::Status EnsureFunded(const std::string& identity, uint64_t target_major, uint64_t now_ms);
  // Sets an existing user's currency (as `currency CODE` would). For demos.
  // NOT_FOUND for an unknown user, INVALID_ARGUMENT for an unknown asset.
  absl::Status SetCurrency(const std::string& identity, const std::string& code);

  const Genesis& genesis() const { return genesis_; }

 private:
  using Lock = std::unique_lock<std::mutex>;

  BotEngine(BotStore* store, const KeyVault* vault, LedgerPort* ledger, EngineOptions options,
            Genesis genesis);

  // One message being handled: its sender's record, and the state lock,
  // which ledger calls release meanwhile.
  struct Context {
    const InboundMessage* message;
    UserRecord* user;
    Lock* lock;
  };
  struct Submission {
    absl::StatusOr<sdk::SettleResult> result;
    uint64_t elapsed_us = 0;
  };
  struct Retry {
    uint32_t attempts = 0;  // retries made so far
    uint64_t due_ms = 0;
  };
  // What Finish found.
  enum class Outcome {
    kFinal,         // this call made the record final
    kUnknown,       // still unknown: a retry is scheduled
    kAlreadyFinal,  // another call had made it final
  };
  using MessageKey = std::pair<std::string, std::string>;  // identity, message id
  struct Recipient {
    std::string identity;  // empty when paid to a bare address
    AccountId account{};
    std::string label;
  };

  std::vector<OutboundMessage> HandleLocked(const InboundMessage& message, Lock& lock);
  // If claims wait for the message's sender: their wallet (made now if new)
  // claims them; returns what tells them, or "".
  std::string ClaimOnFirstMessage(const InboundMessage& message, Lock& lock);
  // The reply to a message id seen before, or nullopt if it is new.
  std::optional<std::string> AnswerSeen(const InboundMessage& message, Lock& lock);
  absl::StatusOr<UserRecord> LoadOrCreateUser(const std::string& identity, bool* created);
  std::string Dispatch(const Command& command, Context& context);
  // Records `reply` as the final answer to a money message that has an id
  // and no record yet, so that a redelivery answers the same and does nothing.
  void RecordReplyIfNew(const InboundMessage& message, const std::string& reply);
  // Queues a message to someone other than the sender of the call at hand;
  // every public call returns what is queued (TakeNotices).
  void Notify(const std::string& to, std::string text);
  std::vector<OutboundMessage> TakeNotices();

  // Queries (bot_engine_queries.cc).
  std::string Balance(const UserRecord& user, Lock& lock);
  // "Held for others: ..." for the payer's claims still held, or "".
  std::string HeldForOthers(const UserRecord& user);
  // "Claims: ..." lines for history, or "".
  std::string ClaimsHistory(const UserRecord& user);
  std::string History(const UserRecord& user, uint32_t count, Lock& lock);
  std::string HistoryLine(const AccountId& self, const v1::TransferRecord& record);
  std::string Currency(UserRecord& user, const std::string& code);
  std::string LabelOf(const AccountId& account);

  // Cross-currency (bot_engine_fx.cc). PlanPayment decides how `payment`
  // reaches `recipient`: plainly, strict receive from the payer's currency
  // (the payer lacks the asset named), or strict send into the recipient's
  // currency; then PayOrAsk.
  std::string PlanPayment(PaymentInfo payment, const Recipient& recipient, Context& context);
  std::string Convert(const Command& command, Context& context);
  std::string Rates(const UserRecord& user, Lock& lock);
  // The quote, asked with `lock` released.
  absl::StatusOr<FxQuote> AskQuote(const FxQuoteRequest& request, Lock& lock);
  // Fills in a strict receive of `payment` from `send_asset`, or says why not.
  absl::Status QuoteReceive(PaymentInfo& payment, const std::string& send_asset, Lock& lock);
  absl::Status QuoteSend(PaymentInfo& payment, const std::string& deliver_asset, Lock& lock);
  // What balances are worth in `currency` at today's rates; nullopt if any
  // has no quote.
  std::optional<uint64_t> TotalIn(const std::string& currency, const v1::Account& account,
                                  Lock& lock);
  std::string FinishFx(const PaymentInfo& payment, const v1::Receipt* receipt);

  // Claimable payments (bot_engine_claims.cc).
  std::string PayClaimable(const Command& command, const std::string& who, Context& context);
  // Claims, for the sender of the message at hand, every claim waiting for
  // their identity; returns what tells them (and queues the payers' notices).
  std::string ClaimWaiting(Context& context);
  // Signs, records and settles the bot's own operation (a claim or a
  // reclaim) for `user` under `message_id`, unless that id is recorded.
  std::string ExecuteInternal(UserRecord& user, const std::string& message_id,
                              const PaymentInfo& payment, uint64_t now_ms, Lock& lock);
  std::string Reclaim(const HeldClaim& claim, uint64_t now_ms, Lock& lock);
  // Prepares a create_claim: its expiry, and a fresh claim code, sealed.
  absl::Status PrepareCreateClaim(PaymentInfo& payment, uint64_t now_ms);
  absl::StatusOr<v1::SignedTransfer> SignBotOperation(const SigningKey& key,
                                                      const PaymentInfo& payment, uint64_t sequence,
                                                      uint64_t now_ms);
  // A claim step just signed: its HeldClaim's new state goes into `batch`
  // with the signed bytes (a create_claim's claim id into `payment`).
  absl::Status MarkClaimSigned(PaymentInfo& payment, const v1::SignedTransfer& signed_transfer,
                               const UserRecord& user, uint64_t now_ms, BotStore::Batch& batch);
  // What a claim step's final outcome means for its HeldClaim.
  std::string FinishClaimStep(const MessageRecord& record, const v1::Receipt* receipt,
                              BotStore::Batch& batch);

  // Recipients and contacts (bot_engine_recipients.cc).
  absl::StatusOr<Recipient> Resolve(const UserRecord& user, const std::string& who);
  absl::StatusOr<Recipient> ResolveName(const UserRecord& user, const std::string& name);
  // Adds to `batch` what each side of a payment between two users may call
  // the other from now on.
  void LearnContacts(const UserRecord& user, const PaymentInfo& payment, BotStore::Batch& batch);

  // The payment path (bot_engine_payments.cc): PayOrAsk, the one
  // confirmation rule, then Execute (prepare what the kind needs, sign,
  // record), Settle (submit, unlocked) and Finish (word the outcome and
  // apply what it means for the kind). A new kind of payment plugs into
  // PrepareKind, SignPayment and FinishKind.
  std::string Pay(const Command& command, Context& context);
  std::string PayOrAsk(const PaymentInfo& payment, Context& context);
  // Why `payment`, sent in `message`, must wait for `yes <code>`: "" if it
  // may pay at once.
  std::string ConfirmationReason(const PaymentInfo& payment, const InboundMessage& message) const;
  std::string AskConfirmation(const PaymentInfo& payment, const std::string& reason,
                              Context& context);
  std::string Confirm(const std::string& code, Context& context);
  std::string Cancel(Context& context);
  std::string Faucet(Context& context);
  // Prepares, signs, records and settles `payment` for `context`'s message;
  // `batch` carries the caller's own changes.
  std::string Execute(const PaymentInfo& payment, BotStore::Batch& batch, Context& context);
  // What the kind must check and change in the same write as the signed
  // transfer (an accepted request: still open, now being paid); an error
  // is the reply, and nothing is signed.
  absl::Status PrepareKind(PaymentInfo& payment, const std::string& payer,
                           const std::string& message_id, uint64_t now_ms, BotStore::Batch& batch);
  absl::Status PrepareAccept(const PaymentInfo& payment, const std::string& payer,
                             const std::string& message_id, uint64_t now_ms,
                             BotStore::Batch& batch);
  std::string FinishAccept(const MessageRecord& record, const v1::Receipt* receipt,
                           BotStore::Batch& batch);
  absl::StatusOr<v1::SignedTransfer> SignPayment(const SigningKey& key, const PaymentInfo& payment,
                                                 uint64_t sequence, uint64_t now_ms);
  // What a final outcome means for the kind (`receipt` null: refused before
  // ordering): its changes go into `batch`, notices to others are queued,
  // and the returned text ends the sender's reply.
  std::string FinishKind(const MessageRecord& record, const v1::Receipt* receipt,
                         BotStore::Batch& batch);
  // Pays `payment` from the faucet, at the faucet's next sequence.
  std::string FaucetPay(UserRecord& user, const std::string& message_id, const PaymentInfo& payment,
                        uint64_t now_ms, Lock& lock);
  // Records the signed `transfer` for `message_id` (a local id if empty)
  // and `user` as it is now, together with `batch`, in one synced write.
  absl::StatusOr<MessageRecord> RecordSigned(const UserRecord& user, const std::string& message_id,
                                             const v1::SignedTransfer& transfer,
                                             const PaymentInfo& payment,
                                             const std::string& text_digest, BotStore::Batch& batch,
                                             uint64_t now_ms);
  // Submit (the ledger call, no engine state) and Finish (re-reads the
  // record, words the outcome, records it if final, schedules a retry if
  // not) make up Settle, which releases `lock` while the ledger answers.
  Submission Submit(const v1::SignedTransfer& transfer);
  std::string Finish(const MessageKey& key, const Submission& submission, uint64_t now_ms,
                     Outcome* outcome);
  std::string Settle(const MessageRecord& record, uint64_t now_ms, Lock& lock);
  void ScheduleRetry(const MessageKey& key, uint64_t due_ms);
  uint64_t Backoff(uint32_t attempts) const;
  // Makes user.next_sequence the account's next one: the highest any node
  // reports, or above the user's own unfinished transfers.
  absl::Status SyncSequence(UserRecord& user, Lock& lock);
  absl::StatusOr<uint64_t> TakeFaucetSequence(Lock& lock);

  // Requests (bot_engine_requests.cc).
  std::string Request(const Command& command, Context& context);
  std::string Answer(const Command& command, Context& context);
  // Adds to `batch` the closing of an expired request; returns the notice
  // for its requester, to send once the batch is written.
  OutboundMessage CloseExpired(const PaymentRequest& request, BotStore::Batch& batch);

  absl::StatusOr<std::string> NewCode(std::string_view prefix);

  BotStore* store_;
  const KeyVault* vault_;
  LedgerPort* ledger_;
  const EngineOptions options_;
  const Genesis genesis_;
  UserLocks user_locks_;  // taken before mutex_, never while holding it
  // The state lock: guards everything below and every store change; never
  // held across a ledger call.
  const Hash32 genesis_hash_;  // GenesisHash(genesis_), computed once
  std::mutex mutex_;
  RateLimiter commands_limiter_;
  RateLimiter payments_limiter_;
  std::set<std::string> synced_;  // users whose sequence was checked against the ledger
  std::optional<uint64_t> faucet_next_sequence_;  // nullopt: ask the ledger
  // Transfers whose recipient gets a reply of their own (a faucet payout,
  // an accepted request): no second notice from the Watch stream. Bounded
  // by kToldIdsMax.
  std::set<std::string> told_ids_;
  // Unfinished transfers and when to re-send them. Bounded by kRetryScheduledMax.
  std::map<MessageKey, Retry> retries_;
  std::vector<OutboundMessage> notices_;  // Notify()'s queue
};

}  // namespace remit::bot
