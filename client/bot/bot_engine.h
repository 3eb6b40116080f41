// BotEngine: the chat wallet (DESIGN §5, "Chat commands" is its contract). It
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
//   crash, before new messages are handled.
// - Amounts above the threshold, and any money command that was delayed in an
//   offline queue, wait for `yes <code>`.
// - Money commands only in one-to-one chats; per-user rate limits.
// - No secret reaches a reply, a Status or a log.
//
// Thread-safe: one mutex serialises every public call.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
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

struct EngineOptions {
  std::string default_currency = "USD";
  // Payments of more than this many whole units need `yes <code>`.
  uint64_t confirm_above_major = kConfirmAboveMajorDefault;
  uint64_t confirmation_ttl_ms = kConfirmationTtlMsDefault;
  uint32_t commands_per_minute_max = kCommandsPerMinuteMaxDefault;
  uint32_t payments_per_minute_max = kPaymentsPerMinuteMaxDefault;
  uint32_t faucet_per_day_max = kFaucetPerDayMaxDefault;
  uint64_t faucet_amount_major = kFaucetAmountMajorDefault;
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
  // INVALID_ARGUMENT if the default currency is not an asset of the chain.
  static absl::StatusOr<std::unique_ptr<BotEngine>> Create(BotStore* store, const KeyVault* vault,
                                                           LedgerPort* ledger,
                                                           EngineOptions options);

  // Re-sends every recorded transfer whose outcome is unknown (same bytes)
  // and returns the replies owed to their senders.
  std::vector<OutboundMessage> Recover(uint64_t now_ms);
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
  std::string Settle(MessageRecord& record);
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
};

}  // namespace remit::bot
