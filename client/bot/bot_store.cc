#include "client/bot/bot_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <nlohmann/json.hpp>

#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

using nlohmann::json;

constexpr char kSep = '\x1f';
constexpr char kLayoutVersion[] = "2";
constexpr size_t kTimeHexDigits = 16;

template <typename... Parts>
std::string Key(char table, const Parts&... parts) {
  std::string key(1, table);
  ((key += kSep, key += parts), ...);
  return key;
}

std::string Hex(std::string_view bytes) { return ToHex(bytes); }
std::string Unhex(const json& value) {
  absl::StatusOr<std::string> bytes = FromHex(value.get<std::string>());
  if (!bytes.ok()) throw std::runtime_error("bad hex");
  return *bytes;
}
AccountId UnhexAccount(const json& value) {
  absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(Unhex(value), "account");
  if (!account.ok()) throw std::runtime_error("bad account");
  return *account;
}

json PaymentJson(const PaymentInfo& p) {
  return {{"kind", p.kind},   {"recipient", p.recipient},       {"to", ToHex(p.to)},
          {"asset", p.asset}, {"amount_minor", p.amount_minor}, {"decimals", p.decimals},
          {"note", p.note},   {"request_code", p.request_code}};
}
PaymentInfo PaymentFrom(const json& j) {
  return PaymentInfo{.kind = j.at("kind"),
                     .recipient = j.at("recipient"),
                     .to = UnhexAccount(j.at("to")),
                     .asset = j.at("asset"),
                     .amount_minor = j.at("amount_minor"),
                     .decimals = j.at("decimals"),
                     .note = j.at("note"),
                     .request_code = j.at("request_code")};
}

json UserJson(const UserRecord& u) {
  return {{"identity", u.identity},
          {"account", ToHex(u.account)},
          {"sealed_key", Hex(u.sealed_key)},
          {"currency", u.currency},
          {"next_sequence", u.next_sequence},
          {"faucet_count", u.faucet_count},
          {"faucet_window_start_ms", u.faucet_window_start_ms}};
}
UserRecord UserFrom(const json& j) {
  return UserRecord{.identity = j.at("identity"),
                    .account = UnhexAccount(j.at("account")),
                    .sealed_key = Unhex(j.at("sealed_key")),
                    .currency = j.at("currency"),
                    .next_sequence = j.at("next_sequence"),
                    .faucet_count = j.at("faucet_count"),
                    .faucet_window_start_ms = j.at("faucet_window_start_ms")};
}

json MessageJson(const MessageRecord& m) {
  json j = {{"identity", m.identity},
            {"message_id", m.message_id},
            {"state", static_cast<int>(m.state)},
            {"payment", PaymentJson(m.payment)},
            {"reply", m.reply},
            {"recorded_ms", m.recorded_ms}};
  if (m.transfer.has_value()) j["transfer"] = Hex(m.transfer->SerializeAsString());
  return j;
}
MessageRecord MessageFrom(const json& j) {
  MessageRecord m{.identity = j.at("identity"),
                  .message_id = j.at("message_id"),
                  .state = static_cast<MessageState>(j.at("state").get<int>()),
                  .transfer = std::nullopt,
                  .payment = PaymentFrom(j.at("payment")),
                  .reply = j.at("reply"),
                  .recorded_ms = j.value("recorded_ms", uint64_t{0})};
  if (m.state != MessageState::kSigned && m.state != MessageState::kDone) {
    throw std::runtime_error("bad state");
  }
  if (j.contains("transfer")) {
    v1::SignedTransfer transfer;
    if (!transfer.ParseFromString(Unhex(j.at("transfer")))) throw std::runtime_error("transfer");
    m.transfer = transfer;
  }
  return m;
}

json ConfirmationJson(const Confirmation& c) {
  return {{"identity", c.identity},
          {"code", c.code},
          {"message_id", c.message_id},
          {"created_ms", c.created_ms},
          {"payment", PaymentJson(c.payment)}};
}
Confirmation ConfirmationFrom(const json& j) {
  return Confirmation{.identity = j.at("identity"),
                      .code = j.at("code"),
                      .message_id = j.at("message_id"),
                      .created_ms = j.at("created_ms"),
                      .payment = PaymentFrom(j.at("payment"))};
}

json RequestJson(const PaymentRequest& r) {
  return {{"code", r.code},   {"requester", r.requester},       {"payer", r.payer},
          {"asset", r.asset}, {"amount_minor", r.amount_minor}, {"decimals", r.decimals},
          {"note", r.note},   {"created_ms", r.created_ms}};
}
PaymentRequest RequestFrom(const json& j) {
  return PaymentRequest{.code = j.at("code"),
                        .requester = j.at("requester"),
                        .payer = j.at("payer"),
                        .asset = j.at("asset"),
                        .amount_minor = j.at("amount_minor"),
                        .decimals = j.at("decimals"),
                        .note = j.at("note"),
                        .created_ms = j.at("created_ms")};
}

// Decodes a stored value with `from`; DATA_LOSS naming the key if it fails.
template <typename T, typename From>
absl::StatusOr<T> Decode(const std::string& key, const std::string& value, From from) {
  try {
    return from(json::parse(value));
  } catch (const std::exception& e) {
    return absl::DataLossError(StrCat("bot store record ", key[0], " does not decode: ", e.what()));
  }
}

// The index key of a finished message: its time first, so that keys sort
// oldest first.
std::string DoneKey(const MessageRecord& message) {
  const std::string time = fmt::format("{:016x}", message.recorded_ms);
  REMIT_CHECK(time.size() == kTimeHexDigits);
  return Key('t', time, message.identity, message.message_id);
}

// identity and message id from a 't' key; nullopt if malformed.
std::optional<std::pair<std::string, std::string>> ParseDoneKey(std::string_view key) {
  const size_t prefix = 2 + kTimeHexDigits + 1;  // 't' US time US
  if (key.size() <= prefix) return std::nullopt;
  const std::string_view rest = key.substr(prefix);
  const size_t sep = rest.find(kSep);
  if (sep == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(rest.substr(0, sep)), std::string(rest.substr(sep + 1)));
}

absl::Status FromRocks(const rocksdb::Status& status) {
  return absl::InternalError(StrCat("bot store: ", status.ToString()));
}

}  // namespace

BotStore::Batch::Batch() : batch_(std::make_unique<rocksdb::WriteBatch>()) {}
BotStore::Batch::~Batch() = default;

void BotStore::Batch::PutUser(const UserRecord& user) {
  REMIT_CHECK(!user.identity.empty());
  REMIT_CHECK(!user.currency.empty());
  REMIT_CHECK(batch_->Put(Key('u', user.identity), UserJson(user).dump()).ok());
  REMIT_CHECK(batch_->Put(Key('a', ToHex(user.account)), user.identity).ok());
}

void BotStore::Batch::PutMessage(const MessageRecord& message) {
  REMIT_CHECK(!message.message_id.empty());
  REMIT_CHECK(message.state != MessageState::kSigned || message.transfer.has_value());
  const std::string pending = Key('p', message.identity, message.message_id);
  REMIT_CHECK(
      batch_->Put(Key('m', message.identity, message.message_id), MessageJson(message).dump())
          .ok());
  if (message.state == MessageState::kSigned) {
    REMIT_CHECK(batch_->Put(pending, "").ok());
  } else {
    REMIT_CHECK(batch_->Delete(pending).ok());
    REMIT_CHECK(batch_->Put(DoneKey(message), "").ok());
  }
}

void BotStore::Batch::PutConfirmation(const Confirmation& confirmation) {
  REMIT_CHECK(!confirmation.code.empty());
  REMIT_CHECK(
      batch_->Put(Key('c', confirmation.identity), ConfirmationJson(confirmation).dump()).ok());
}

void BotStore::Batch::DeleteConfirmation(const std::string& identity) {
  REMIT_CHECK(batch_->Delete(Key('c', identity)).ok());
}

void BotStore::Batch::PutRequest(const PaymentRequest& request) {
  REMIT_CHECK(request.amount_minor > 0);
  REMIT_CHECK(batch_->Put(Key('r', request.payer, request.code), RequestJson(request).dump()).ok());
}

void BotStore::Batch::DeleteRequest(const std::string& payer, const std::string& code) {
  REMIT_CHECK(batch_->Delete(Key('r', payer, code)).ok());
}

void BotStore::Batch::PutContact(const std::string& owner, const std::string& alias,
                                 const std::string& identity) {
  REMIT_CHECK(batch_->Put(Key('k', owner, alias), identity).ok());
}

absl::StatusOr<std::unique_ptr<BotStore>> BotStore::Open(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status = rocksdb::DB::Open(options, dir, &raw);
  if (!status.ok()) return FromRocks(status);
  std::unique_ptr<BotStore> store(new BotStore(std::unique_ptr<rocksdb::DB>(raw)));
  RETURN_IF_ERROR(store->Upgrade());
  return store;
}

absl::Status BotStore::Upgrade() {
  ASSIGN_OR_RETURN(const std::optional<std::string> version, Get(Key('v')));
  if (version == kLayoutVersion) return absl::OkStatus();
  if (version.has_value()) {
    return absl::FailedPreconditionError(
        StrCat("bot store layout ", *version, " is not ", kLayoutVersion, "; use a matching bot"));
  }
  Batch batch;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = Key('m') + kSep;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ASSIGN_OR_RETURN(
        const MessageRecord message,
        Decode<MessageRecord>(it->key().ToString(), it->value().ToString(), MessageFrom));
    if (message.state == MessageState::kDone) {
      REMIT_CHECK(batch.batch_->Put(DoneKey(message), "").ok());
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  REMIT_CHECK(batch.batch_->Put(Key('v'), kLayoutVersion).ok());
  return Write(batch);
}

BotStore::BotStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
BotStore::~BotStore() = default;

absl::Status BotStore::Write(Batch& batch) {
  rocksdb::WriteOptions options;
  options.sync = true;
  const rocksdb::Status status = db_->Write(options, batch.batch_.get());
  if (!status.ok()) return FromRocks(status);
  batch.batch_->Clear();
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> BotStore::Get(const std::string& key) {
  std::string value;
  const rocksdb::Status status = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (status.IsNotFound()) return std::optional<std::string>();
  if (!status.ok()) return FromRocks(status);
  return std::optional<std::string>(std::move(value));
}

absl::StatusOr<std::optional<UserRecord>> BotStore::GetUser(const std::string& identity) {
  const std::string key = Key('u', identity);
  ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
  if (!value.has_value()) return std::optional<UserRecord>();
  ASSIGN_OR_RETURN(UserRecord user, Decode<UserRecord>(key, *value, UserFrom));
  return std::optional<UserRecord>(std::move(user));
}

absl::StatusOr<std::optional<std::string>> BotStore::IdentityOf(const AccountId& account) {
  return Get(Key('a', ToHex(account)));
}

absl::StatusOr<std::optional<MessageRecord>> BotStore::GetMessage(const std::string& identity,
                                                                  const std::string& message_id) {
  const std::string key = Key('m', identity, message_id);
  ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
  if (!value.has_value()) return std::optional<MessageRecord>();
  ASSIGN_OR_RETURN(MessageRecord message, Decode<MessageRecord>(key, *value, MessageFrom));
  return std::optional<MessageRecord>(std::move(message));
}

absl::StatusOr<std::vector<MessageRecord>> BotStore::PendingMessages() {
  std::vector<MessageRecord> pending;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = Key('p');
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string rest = it->key().ToString().substr(prefix.size() + 1);
    const size_t sep = rest.find(kSep);
    if (sep == std::string::npos) return absl::DataLossError("bot store: malformed pending key");
    ASSIGN_OR_RETURN(std::optional<MessageRecord> message,
                     GetMessage(rest.substr(0, sep), rest.substr(sep + 1)));
    if (!message.has_value()) return absl::DataLossError("bot store: pending message missing");
    pending.push_back(std::move(*message));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return pending;
}

absl::StatusOr<uint64_t> BotStore::FinishedMessageCount() {
  uint64_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = Key('t') + kSep;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++count;
  if (!it->status().ok()) return FromRocks(it->status());
  return count;
}

absl::StatusOr<uint64_t> BotStore::PruneMessages(const PruneLimits& limits) {
  ASSIGN_OR_RETURN(const uint64_t count, FinishedMessageCount());
  const uint64_t over_count = count > limits.count_max ? count - limits.count_max : 0;
  const std::string before = Key('t', fmt::format("{:016x}", limits.before_ms));
  Batch batch;
  uint64_t visited = 0;
  uint64_t pruned = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = Key('t') + kSep;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && visited < limits.batch_max;
       it->Next()) {
    const std::string key = it->key().ToString();
    if (visited >= over_count && key.compare(before) >= 0) break;
    ++visited;
    const std::optional<std::pair<std::string, std::string>> ids = ParseDoneKey(key);
    if (!ids.has_value()) return absl::DataLossError("bot store: malformed message index key");
    ASSIGN_OR_RETURN(const std::optional<MessageRecord> message,
                     GetMessage(ids->first, ids->second));
    REMIT_CHECK(batch.batch_->Delete(key).ok());
    // Only the record this entry indexes, and only once it is finished; a
    // stale entry goes alone.
    if (message.has_value() && message->state == MessageState::kDone && DoneKey(*message) == key) {
      REMIT_CHECK(batch.batch_->Delete(Key('m', ids->first, ids->second)).ok());
      ++pruned;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status());
  if (visited > 0) RETURN_IF_ERROR(Write(batch));
  return pruned;
}

absl::StatusOr<std::optional<Confirmation>> BotStore::GetConfirmation(const std::string& identity) {
  const std::string key = Key('c', identity);
  ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
  if (!value.has_value()) return std::optional<Confirmation>();
  ASSIGN_OR_RETURN(Confirmation confirmation, Decode<Confirmation>(key, *value, ConfirmationFrom));
  return std::optional<Confirmation>(std::move(confirmation));
}

absl::StatusOr<std::vector<PaymentRequest>> BotStore::RequestsFor(const std::string& payer) {
  std::vector<PaymentRequest> requests;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const std::string prefix = Key('r', payer) + kSep;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ASSIGN_OR_RETURN(
        PaymentRequest request,
        Decode<PaymentRequest>(it->key().ToString(), it->value().ToString(), RequestFrom));
    requests.push_back(std::move(request));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return requests;
}

absl::StatusOr<std::optional<std::string>> BotStore::GetContact(const std::string& owner,
                                                                const std::string& alias) {
  return Get(Key('k', owner, alias));
}

}  // namespace remit::bot
