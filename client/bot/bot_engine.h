// BotEngine: the chat wallet (docs/BOT.md; "Chat commands" there is its contract). It
// maps an authenticated chat identity to an account, parses commands, settles
// through a LedgerPort, words the replies and keeps its state in a BotStore.
// It does no I/O of its own: transports hand it messages and send what it
// returns; the wall clock comes in with each message.
//
// Safety:
// - Each message id is recorded (per sender) with the signed transfer before
//   submission, in one synced write with the sender's next sequence. A
//   message id seen before never pays again: a finished one gets its reply
//   again; one whose outcome is unknown re-sends the same signed bytes
//   (the ledger answers ALREADY_EXISTS with the original receipt).
// - Recover() re-sends every transfer recorded but not known final, after a
//   crash, before new messages are handled. While running, RetryPending()
//   re-sends those whose outcome is still unknown (the ledger was
//   unavailable), with exponential back-off, and words the outcome for the
//   sender when it is final.
// - PruneMessageIds() forgets finished message ids beyond an age and a count
//   (EngineOptions); an unfinished one is never forgotten. A message
//   redelivered after its id was forgotten counts as new.
// - Amounts above the threshold, and any money command that was delayed in an
//   offline queue, wait for `yes <code>`.
// - Money commands only in one-to-one chats; per-user rate limits.
// - No secret reaches a reply, a Status or a log.
//
// Thread-safe: one mutex serialises every public call.
#pragma once

#include <chrono>
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
#include "ledger/crypto.h"
#include "ledger/genesis.h"

namespace remit::bot {

inline constexpr uint64_t kConfirmAboveMajorDefault = 20;  // 20.00 of any currency
inline constexpr uint64_t kConfirmationTtlMsDefault = 5 * 60 * 1000;
inline constexpr uint32_t kCommandsPerMinuteMaxDefault = 30;
inline constexpr uint32_t kPaymentsPerMinuteMaxDefault = 10;
inline constexpr uint32_t kFaucetPerDayMaxDefault = 3;
inline constexpr uint64_t kFaucetAmountMajorDefault = 10;
inline constexpr size_t kIdentityBytesMax = 256;
inline constexpr size_t kMessageIdBytesMax = 128;
inline constexpr size_t kToldIdsMax = 10'000;
// Re-sending transfers whose outcome is unknown: the first retry after the
// minimum, each later one after twice the wait before, up to the maximum.
inline constexpr uint64_t kRetryBackoffMsMinDefault = 1'000;
inline constexpr uint64_t kRetryBackoffMsMaxDefault = 60'000;
// Transfers one RetryPending call re-sends at most (each may wait for the
// SDK's Settle deadline while the ledger is down).
inline constexpr size_t kRetryBatchMax = 8;
// Unfinished transfers scheduled for retry at most; more wait for the next
// start or a redelivery of their message.
inline constexpr size_t kRetryScheduledMax = 10'000;
// Finished message ids are kept this long and at most this many.
inline constexpr uint64_t kMessageIdsMaxAgeMsDefault = 30ull * 24 * 60 * 60 * 1000;
inline constexpr uint64_t kMessageIdsMaxDefault = 100'000;
// Records one PruneMessageIds call deletes at most.
inline constexpr uint64_t kPruneBatchMax = 10'000;

struct EngineOptions {
  std::string default_currency = "USD";
  // Payments of more than this many whole units need `yes <code>`.
  uint64_t confirm_above_major = kConfirmAboveMajorDefault;
  uint64_t confirmation_ttl_ms = kConfirmationTtlMsDefault;
  uint32_t commands_per_minute_max = kCommandsPerMinuteMaxDefault;
  uint32_t payments_per_minute_max = kPaymentsPerMinuteMaxDefault;
  uint32_t faucet_per_day_max = kFaucetPerDayMaxDefault;
  uint64_t faucet_amount_major = kFaucetAmountMajorDefault;
  uint64_t retry_backoff_ms_min = kRetryBackoffMsMinDefault;
  uint64_t retry_backoff_ms_max = kRetryBackoffMsMaxDefault;
  uint64_t message_ids_max_age_ms = kMessageIdsMaxAgeMsDefault;
  uint64_t message_ids_max = kMessageIdsMaxDefault;
  // Testnets only: the key that issues every asset. nullopt: no `faucet`.
  std::optional<SigningKey> faucet_key = std::nullopt;
};

struct InboundMessage {
  std::string from;        // server-authenticated identity: bare JID or terminal name
  std::string message_id;  // the transport's id; empty if it has none
  std::string text;
  bool one_to_one = true;  // false for group chats
  bool delayed = false;    // delivered from an offline queue
  uint64_t now_ms = 0;     // wall clock, Unix ms
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

  // Re-sends every recorded transfer whose outcome is unknown (same bytes)
  // and returns the replies owed to their senders.
  std::vector<OutboundMessage> Recover(uint64_t now_ms);
  // Re-sends (same bytes) the unfinished transfers whose retry is due at
  // `now_ms`, at most kRetryBatchMax, without holding the engine while the
  // ledger answers. Returns a message to the sender of each one that became
  // final. One that is still unknown waits twice as long next time.
  std::vector<OutboundMessage> RetryPending(uint64_t now_ms);
  // Transfers waiting for a retry (for tests and logs).
  size_t RetriesScheduled();
  // Deletes finished message ids recorded before now_ms minus the maximum
  // age, and the oldest beyond the maximum count (at most kPruneBatchMax per
  // call). Returns how many were deleted.
  absl::StatusOr<uint64_t> PruneMessageIds(uint64_t now_ms);
  // The replies to one message: to its sender, and maybe to another user.
  std::vector<OutboundMessage> HandleMessage(const InboundMessage& message);
  // A transfer became final on the ledger (Watch): tells its recipient, if
  // the recipient is a user of this bot and the transfer settled.
  std::vector<OutboundMessage> OnTransferFinal(const v1::TransferRecord& record);
  // Creates `identity` if new and, on testnets, tops its balance up from the
  // faucet to `target_major` of its currency. For demos.
  absl::Status EnsureFunded(const std::string& identity, uint64_t target_major, uint64_t now_ms);

  const Genesis& genesis() const { return genesis_; }

 private:
  BotEngine(BotStore* store, const KeyVault* vault, LedgerPort* ledger, EngineOptions options,
            Genesis genesis);

  struct Context {
    const InboundMessage* message;
    UserRecord* user;
    std::string* welcome;
  };
  struct Submission {
    absl::StatusOr<sdk::SettleResult> result;
    uint64_t elapsed_us = 0;
  };
  struct Retry {
    uint32_t attempts = 0;  // retries made so far
    uint64_t due_ms = 0;
  };
  using MessageKey = std::pair<std::string, std::string>;  // identity, message id
  struct Recipient {
    std::string identity;  // empty when paid to a bare address
    AccountId account{};
    std::string label;
  };

  std::vector<OutboundMessage> HandleLocked(const InboundMessage& message);
  absl::StatusOr<UserRecord> LoadOrCreateUser(const std::string& identity, bool* created);
  std::vector<OutboundMessage> Dispatch(const Command& command, Context& context);
  // Records `reply` as the final answer to a money message that has an id
  // and no record yet, so that a redelivery answers the same and does nothing.
  void RecordReplyIfNew(const InboundMessage& message, const std::string& reply);

  // Queries (bot_engine_queries.cc).
  std::string Balance(const UserRecord& user);
  std::string History(const UserRecord& user, uint32_t count);
  std::string Currency(UserRecord& user, const std::string& code);
  std::string LabelOf(const AccountId& account);

  // Payments (bot_engine_payments.cc).
  absl::StatusOr<Recipient> Resolve(const UserRecord& user, const std::string& who);
  std::string Pay(const Command& command, Context& context);
  std::string AskConfirmation(const PaymentInfo& payment, Context& context);
  std::string Confirm(const std::string& code, Context& context);
  std::string Cancel(Context& context);
  std::string Faucet(Context& context);
  // Signs, records and settles; `batch` carries the caller's own changes.
  std::string Execute(UserRecord& user, const std::string& message_id, const PaymentInfo& payment,
                      BotStore::Batch& batch, uint64_t now_ms);
  // Pays `payment` from the faucet, at the faucet's current sequence.
  std::string FaucetPay(UserRecord& user, const std::string& message_id, const PaymentInfo& payment,
                        uint64_t now_ms);
  // Records the signed `transfer` for `message_id` (a local id if empty)
  // and `user` as it is now, together with `batch`, in one synced write.
  absl::StatusOr<MessageRecord> RecordSigned(const UserRecord& user, const std::string& message_id,
                                             const v1::SignedTransfer& transfer,
                                             const PaymentInfo& payment, BotStore::Batch& batch,
                                             uint64_t now_ms);
  // Submit (the ledger call, no engine state) and Finish (words the outcome,
  // records it if final, schedules a retry if not) make up Settle.
  Submission Submit(const v1::SignedTransfer& transfer);
  std::string Finish(MessageRecord& record, const Submission& submission, uint64_t now_ms,
                     bool* final_outcome);
  std::string Settle(MessageRecord& record, uint64_t now_ms);
  uint64_t Backoff(uint32_t attempts) const;
  absl::Status SyncSequence(UserRecord& user);

  // Requests (bot_engine_requests.cc).
  std::vector<OutboundMessage> Request(const Command& command, Context& context);
  std::vector<OutboundMessage> Answer(const Command& command, Context& context);

  absl::StatusOr<std::string> NewCode(std::string_view prefix);
  bool NeedsConfirmation(const PaymentInfo& payment) const;

  BotStore* store_;
  const KeyVault* vault_;
  LedgerPort* ledger_;
  const EngineOptions options_;
  const Genesis genesis_;
  std::mutex mutex_;
  RateLimiter commands_limiter_;
  RateLimiter payments_limiter_;
  std::set<std::string> synced_;  // users whose sequence was checked against the ledger
  // Faucet payouts whose recipient asked for them and gets the reply: no
  // second notice from the Watch stream. Bounded by kToldIdsMax.
  std::set<std::string> told_ids_;
  // Unfinished transfers and when to re-send them. Bounded by kRetryScheduledMax.
  std::map<MessageKey, Retry> retries_;
};

}  // namespace remit::bot
