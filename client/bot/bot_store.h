// BotStore: the chat bot's own state in RocksDB. Every value is a JSON object
// (binary fields in lower-case hex); keys are a one-letter table name and
// fields separated by US (0x1f):
//
//   u US identity                 -> UserRecord
//   a US address-hex              -> identity       (index of u)
//   m US identity US message-id   -> MessageRecord  (every message processed)
//   p US identity US message-id   -> ""             (MessageRecord still kSigned)
//   t US time-hex US identity US message-id -> ""   (MessageRecord kDone, by
//                                  recorded_ms as 16 hex digits: oldest first)
//   c US identity                 -> Confirmation   (at most one per user)
//   r US payer US code            -> PaymentRequest
//   x US time-hex US payer US code -> ""            (an open request, by
//                                  expires_ms: soonest first)
//   k US owner US name US identity -> ""            (contacts: every identity
//                                  the short name could mean to its owner)
//   h US claim-id-hex             -> HeldClaim      (a claimable payment)
//   w US recipient US claim-id-hex -> ""            (a claim waiting for its
//                                  recipient: kOpen or kClaiming)
//   e US time-hex US claim-id-hex -> ""             (a kOpen claim, by
//                                  expires_ms: soonest first)
//   o US payer US claim-id-hex    -> ""             (every claim of a payer)
//   v                             -> "4"            (layout version; 1 had no
//                                  t, 2 had k US owner US name -> identity
//                                  and no x, 3 had no h, w, e, o)
//
// Writes go through a Batch applied atomically with sync = true, so a signed
// transfer, its message id and the sender's next sequence are durable together
// before the transfer is submitted. Thread-safe (RocksDB is).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace rocksdb {
class DB;
class WriteBatch;
}  // namespace rocksdb

namespace remit::bot {

struct UserRecord {
  std::string identity;  // bare JID or terminal name, lower case
  AccountId account{};
  std::string sealed_key;  // KeyVault::Seal
  std::string currency;
  uint64_t next_sequence = 0;
  uint32_t faucet_count = 0;  // faucet payouts in the current window
  uint64_t faucet_window_start_ms = 0;
};

// The ways money leaves a wallet or reaches one through the bot. Stored by
// name ("pay", "accept", "faucet", "create_claim", "claim", "reclaim").
// A kPay with an FxMode other than kNone is a cross-currency payment (or a
// conversion, paid to the payer's own account).
enum class PaymentKind { kPay, kAccept, kFaucet, kCreateClaim, kClaim, kReclaim };
std::string_view PaymentKindName(PaymentKind kind);

// How a cross-currency payment is signed (docs/FX.md): strict receive
// delivers exactly `amount_minor` of `asset` for at most `send_max_minor` of
// `send_asset`; strict send sends exactly `send_minor` of `send_asset` for
// at least `deliver_min_minor` of `asset`. Stored by name ("", "receive",
// "send").
enum class FxMode { kNone, kStrictReceive, kStrictSend };

// What a payment is for, enough to sign it, to word the reply after a
// restart and to finish what it settles (an accepted request).
struct PaymentInfo {
  PaymentKind kind = PaymentKind::kPay;
  std::string recipient;  // identity, or the address when paid to one
  AccountId to{};
  std::string asset;
  uint64_t amount_minor = 0;
  uint32_t decimals = 0;
  std::string note;
  std::string request_code;  // kAccept: the request paid
  std::string requester;     // kAccept: who asked (the recipient's identity)
  // Cross-currency (kPay): what leaves the payer. `asset` and `amount_minor`
  // are what reaches the recipient (quoted, for strict send).
  FxMode fx = FxMode::kNone;
  std::string send_asset = "";
  uint32_t send_decimals = 0;
  uint64_t send_minor = 0;         // quoted (strict receive) or exact (strict send)
  uint64_t send_max_minor = 0;     // strict receive: the bound signed
  uint64_t deliver_min_minor = 0;  // strict send: the bound signed
  // kCreateClaim, kClaim, kReclaim: the claim (raw 32 bytes once signed).
  std::string claim_id = "";
  // kCreateClaim: the claim code sealed by KeyVault::SealSecret, and the
  // last instant it can be claimed.
  std::string sealed_code = "";
  uint64_t claim_expires_ms = 0;
};

// A claimable payment made through the bot (docs/BOT.md, "Paying someone
// without a wallet"). Stored by number.
enum class ClaimState {
  kCreating = 1,   // its create_claim is signed, outcome unknown
  kOpen = 2,       // held on the ledger, waiting for its recipient
  kClaiming = 3,   // its claim is signed, outcome unknown
  kClaimed = 4,    // paid to its recipient
  kReturning = 5,  // its reclaim is signed, outcome unknown
  kReturned = 6,   // returned to the payer
  kFailed = 7,     // its create_claim did not settle: nothing was held
};

struct HeldClaim {
  std::string claim_id;   // 32 bytes: the create_claim's id
  std::string payer;      // identity
  std::string recipient;  // identity (a bare JID) that has no wallet yet
  std::string asset;
  uint64_t amount_minor = 0;
  uint32_t decimals = 0;
  std::string note;
  std::string sealed_code;  // KeyVault::SealSecret of the claim code
  uint64_t created_ms = 0;
  uint64_t expires_ms = 0;  // the claim's last valid instant (ledger time)
  ClaimState state = ClaimState::kCreating;
  uint32_t reclaim_attempts = 0;  // reclaims signed so far (one ends CLAIM_NOT_EXPIRED: another)
};

enum class MessageState { kSigned = 1, kDone = 2 };

struct MessageRecord {
  std::string identity;
  std::string message_id;
  MessageState state = MessageState::kDone;
  std::optional<v1::SignedTransfer> transfer;  // when the message paid
  PaymentInfo payment;
  std::string reply;         // kDone: what the user was told
  uint64_t recorded_ms = 0;  // when the message was first recorded (0: before v2)
  std::string text_digest;   // hex BLAKE2b-256 of the text; empty before v3
};

// MessageRecord::text_digest of a message's text.
std::string MessageTextDigest(std::string_view text);

// What PruneMessages may drop: finished records older than `before_ms`, and
// the oldest finished ones beyond `count_max`; at most `batch_max` per call.
struct PruneLimits {
  uint64_t before_ms = 0;
  uint64_t count_max = 0;
  uint64_t batch_max = 0;
};

struct Confirmation {
  std::string identity;
  std::string code;
  std::string message_id;  // the message that asked to pay
  uint64_t created_ms = 0;
  PaymentInfo payment;
};

struct PaymentRequest {
  std::string code;
  std::string requester;  // who gets paid
  std::string payer;
  std::string asset;
  uint64_t amount_minor = 0;
  uint32_t decimals = 0;
  std::string note;
  uint64_t created_ms = 0;
  uint64_t expires_ms = 0;
  // The payer's message whose transfer pays this request, while its outcome
  // is unknown; empty while nothing is paying it.
  std::string paying_message_id;
};

// Requests written before v3 had no expiry: they expire this long after
// they were made.
inline constexpr uint64_t kRequestTtlMsLegacy = 7ull * 24 * 60 * 60 * 1000;

class BotStore {
 public:
  class Batch {
   public:
    Batch();
    ~Batch();
    void PutUser(const UserRecord& user);
    void PutMessage(const MessageRecord& message);
    void PutConfirmation(const Confirmation& confirmation);
    void DeleteConfirmation(const std::string& identity);
    // Also indexes it by its expiry, which never changes once it is made.
    void PutRequest(const PaymentRequest& request);
    // Deletes it and its index entry.
    void DeleteRequest(const PaymentRequest& request);
    // Adds `identity` to what `owner` may mean by `name`; idempotent.
    void AddContact(const std::string& owner, const std::string& name, const std::string& identity);
    // Also keeps its index entries (w, e, o) as its state says.
    void PutClaim(const HeldClaim& claim);

   private:
    friend class BotStore;
    std::unique_ptr<rocksdb::WriteBatch> batch_;
  };

  // Opens or creates the database in `dir`, bringing an older layout up to
  // date: version 1's finished messages are indexed as recorded at time 0
  // (the oldest); version 2's contacts become one-identity sets and its
  // requests are indexed by expiry (kRequestTtlMsLegacy after they were
  // made); version 3 gains the (empty) claim tables. FAILED_PRECONDITION for a newer layout;
  // INTERNAL with RocksDB's message.
  static absl::StatusOr<std::unique_ptr<BotStore>> Open(const std::string& dir);
  ~BotStore();

  // Applies the batch atomically and durably (sync = true).
  absl::Status Write(Batch& batch);

  // nullopt when absent; DATA_LOSS for a record that does not decode.
  absl::StatusOr<std::optional<UserRecord>> GetUser(const std::string& identity);
  absl::StatusOr<std::optional<std::string>> IdentityOf(const AccountId& account);
  // Users whose identity is `local_part`@something, at most `max`, in order.
  absl::StatusOr<std::vector<std::string>> UsersNamed(std::string_view local_part, size_t max);
  absl::StatusOr<std::optional<MessageRecord>> GetMessage(const std::string& identity,
                                                          const std::string& message_id);
  // Every message still kSigned (signed, maybe submitted, outcome unknown).
  absl::StatusOr<std::vector<MessageRecord>> PendingMessages();
  // Those of one identity.
  absl::StatusOr<std::vector<MessageRecord>> PendingMessagesOf(const std::string& identity);
  // Deletes finished message records as `limits` allow, oldest first, in one
  // synced batch, and returns how many. A record still kSigned is never
  // deleted: it is not in the index.
  absl::StatusOr<uint64_t> PruneMessages(const PruneLimits& limits);
  // How many finished message records are kept (for tests and logs).
  absl::StatusOr<uint64_t> FinishedMessageCount();
  absl::StatusOr<std::optional<Confirmation>> GetConfirmation(const std::string& identity);
  absl::StatusOr<std::optional<PaymentRequest>> GetRequest(const std::string& payer,
                                                           const std::string& code);
  // The requests `payer` has not answered, oldest code first.
  absl::StatusOr<std::vector<PaymentRequest>> RequestsFor(const std::string& payer);
  // (payer, code) of requests that expire at or before `now_ms`, soonest
  // first, at most `max`.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ExpiredRequests(uint64_t now_ms,
                                                                                   size_t max);
  absl::StatusOr<std::optional<HeldClaim>> GetClaim(const std::string& claim_id);
  // Claims waiting for `recipient` (kOpen or kClaiming), at most `max`.
  absl::StatusOr<std::vector<HeldClaim>> ClaimsWaitingFor(const std::string& recipient, size_t max);
  // kOpen claims whose expiry is before `now_ms`, soonest first, at most `max`.
  absl::StatusOr<std::vector<HeldClaim>> ExpiredClaims(uint64_t now_ms, size_t max);
  // Every claim `payer` made, at most `max`.
  absl::StatusOr<std::vector<HeldClaim>> ClaimsOf(const std::string& payer, size_t max);
  // Every identity `owner` may mean by `name`, in order, at most `max`.
  absl::StatusOr<std::vector<std::string>> ContactsNamed(const std::string& owner,
                                                         const std::string& name, size_t max);

 private:
  explicit BotStore(std::unique_ptr<rocksdb::DB> db);
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  // The record at `key` decoded by `from`; nullopt when absent, DATA_LOSS
  // if it does not decode.
  template <typename T, typename From>
  absl::StatusOr<std::optional<T>> GetRecord(const std::string& key, From from);
  // The keys (after `prefix`) and values of a prefix scan, at most `max`.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Scan(const std::string& prefix,
                                                                        size_t max);
  absl::Status Upgrade();
  absl::Status IndexFinishedMessages(Batch& batch);
  absl::Status UpgradeContactsAndRequests(Batch& batch);
  absl::StatusOr<std::vector<HeldClaim>> ClaimsIndexed(const std::string& prefix, size_t max);

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace remit::bot
