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
//   k US owner US alias           -> identity       (contacts)
//   v                             -> "2"            (layout version; 1 had no t)
//
// Writes go through a Batch applied atomically with sync = true, so a signed
// transfer, its message id and the sender's next sequence are durable together
// before the transfer is submitted. Thread-safe (RocksDB is).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
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

// What a payment is for, enough to word the reply after a restart.
struct PaymentInfo {
  std::string kind;       // "pay", "faucet", "accept"
  std::string recipient;  // identity, or the address when paid to one
  AccountId to{};
  std::string asset;
  uint64_t amount_minor = 0;
  uint32_t decimals = 0;
  std::string note;
  std::string request_code;  // "accept": the request paid
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
};

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
};

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
    void PutRequest(const PaymentRequest& request);
    void DeleteRequest(const std::string& payer, const std::string& code);
    void PutContact(const std::string& owner, const std::string& alias,
                    const std::string& identity);

   private:
    friend class BotStore;
    std::unique_ptr<rocksdb::WriteBatch> batch_;
  };

  // Opens or creates the database in `dir`, bringing a version-1 layout up
  // to date (its finished messages are indexed as recorded at time 0, the
  // oldest). INTERNAL with RocksDB's message.
  static absl::StatusOr<std::unique_ptr<BotStore>> Open(const std::string& dir);
  ~BotStore();

  // Applies the batch atomically and durably (sync = true).
  absl::Status Write(Batch& batch);

  // nullopt when absent; DATA_LOSS for a record that does not decode.
  absl::StatusOr<std::optional<UserRecord>> GetUser(const std::string& identity);
  absl::StatusOr<std::optional<std::string>> IdentityOf(const AccountId& account);
  absl::StatusOr<std::optional<MessageRecord>> GetMessage(const std::string& identity,
                                                          const std::string& message_id);
  // Every message still kSigned (signed, maybe submitted, outcome unknown).
  absl::StatusOr<std::vector<MessageRecord>> PendingMessages();
  // Deletes finished message records as `limits` allow, oldest first, in one
  // synced batch, and returns how many. A record still kSigned is never
  // deleted: it is not in the index.
  absl::StatusOr<uint64_t> PruneMessages(const PruneLimits& limits);
  // How many finished message records are kept (for tests and logs).
  absl::StatusOr<uint64_t> FinishedMessageCount();
  absl::StatusOr<std::optional<Confirmation>> GetConfirmation(const std::string& identity);
  // The requests `payer` has not answered, oldest code first.
  absl::StatusOr<std::vector<PaymentRequest>> RequestsFor(const std::string& payer);
  absl::StatusOr<std::optional<std::string>> GetContact(const std::string& owner,
                                                        const std::string& alias);

 private:
  explicit BotStore(std::unique_ptr<rocksdb::DB> db);
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  absl::Status Upgrade();

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace remit::bot
