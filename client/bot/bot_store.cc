#include "client/bot/bot_store.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <nlohmann/json.hpp>

#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

using nlohmann::json;

constexpr char kSep = '\x1f';
constexpr char kLayoutVersion[] = "4";
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

PaymentKind KindFrom(const std::string& name) {
  for (PaymentKind kind : {PaymentKind::kPay, PaymentKind::kAccept, PaymentKind::kFaucet,
                           PaymentKind::kCreateClaim, PaymentKind::kClaim, PaymentKind::kReclaim}) {
    if (PaymentKindName(kind) == name) return kind;
  }
  throw std::runtime_error("bad payment kind");
}

std::string FxName(FxMode mode) {
  switch (mode) {
    case FxMode::kNone:
      return "";
    case FxMode::kStrictReceive:
      return "receive";
    case FxMode::kStrictSend:
      return "send";
  }
  REMIT_CHECK(false);
  return "";
}
FxMode FxFrom(const std::string& name) {
  for (FxMode mode : {FxMode::kNone, FxMode::kStrictReceive, FxMode::kStrictSend}) {
    if (FxName(mode) == name) return mode;
  }
  throw std::runtime_error("bad fx mode");
}

json PaymentJson(const PaymentInfo& p) {
  return {{"kind", PaymentKindName(p.kind)},
          {"recipient", p.recipient},
          {"to", ToHex(p.to)},
          {"asset", p.asset},
          {"amount_minor", p.amount_minor},
          {"decimals", p.decimals},
          {"note", p.note},
          {"request_code", p.request_code},
          {"requester", p.requester},
          {"fx", FxName(p.fx)},
          {"send_asset", p.send_asset},
          {"send_decimals", p.send_decimals},
          {"send_minor", p.send_minor},
          {"send_max_minor", p.send_max_minor},
          {"deliver_min_minor", p.deliver_min_minor},
          {"claim_id", Hex(p.claim_id)},
          {"sealed_code", Hex(p.sealed_code)},
          {"claim_expires_ms", p.claim_expires_ms}};
}
PaymentInfo PaymentFrom(const json& j) {
  return PaymentInfo{.kind = KindFrom(j.at("kind")),
                     .recipient = j.at("recipient"),
                     .to = UnhexAccount(j.at("to")),
                     .asset = j.at("asset"),
                     .amount_minor = j.at("amount_minor"),
                     .decimals = j.at("decimals"),
                     .note = j.at("note"),
                     .request_code = j.at("request_code"),
                     .requester = j.value("requester", std::string()),
                     // Absent before layout 4.
                     .fx = FxFrom(j.value("fx", std::string())),
                     .send_asset = j.value("send_asset", std::string()),
                     .send_decimals = j.value("send_decimals", uint32_t{0}),
                     .send_minor = j.value("send_minor", uint64_t{0}),
                     .send_max_minor = j.value("send_max_minor", uint64_t{0}),
                     .deliver_min_minor = j.value("deliver_min_minor", uint64_t{0}),
                     .claim_id = Unhex(j.value("claim_id", json(""))),
                     .sealed_code = Unhex(j.value("sealed_code", json(""))),
                     .claim_expires_ms = j.value("claim_expires_ms", uint64_t{0})};
}

json ClaimJson(const HeldClaim& c) {
  return {{"claim_id", Hex(c.claim_id)},
          {"payer", c.payer},
          {"recipient", c.recipient},
          {"asset", c.asset},
          {"amount_minor", c.amount_minor},
          {"decimals", c.decimals},
          {"note", c.note},
          {"sealed_code", Hex(c.sealed_code)},
          {"created_ms", c.created_ms},
          {"expires_ms", c.expires_ms},
          {"state", static_cast<int>(c.state)},
          {"reclaim_attempts", c.reclaim_attempts}};
}
HeldClaim ClaimFrom(const json& j) {
  HeldClaim c{.claim_id = Unhex(j.at("claim_id")),
              .payer = j.at("payer"),
              .recipient = j.at("recipient"),
              .asset = j.at("asset"),
              .amount_minor = j.at("amount_minor"),
              .decimals = j.at("decimals"),
              .note = j.at("note"),
              .sealed_code = Unhex(j.at("sealed_code")),
              .created_ms = j.at("created_ms"),
              .expires_ms = j.at("expires_ms"),
              .state = static_cast<ClaimState>(j.at("state").get<int>()),
              .reclaim_attempts = j.at("reclaim_attempts")};
  if (c.state < ClaimState::kCreating || c.state > ClaimState::kFailed) {
    throw std::runtime_error("bad claim state");
  }
  return c;
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
            {"recorded_ms", m.recorded_ms},
            {"text_digest", m.text_digest}};
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
                  .recorded_ms = j.value("recorded_ms", uint64_t{0}),
                  .text_digest = j.value("text_digest", std::string())};
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
  return {{"code", r.code},
          {"requester", r.requester},
          {"payer", r.payer},
          {"asset", r.asset},
          {"amount_minor", r.amount_minor},
          {"decimals", r.decimals},
          {"note", r.note},
          {"created_ms", r.created_ms},
          {"expires_ms", r.expires_ms},
          {"paying_message_id", r.paying_message_id}};
}
PaymentRequest RequestFrom(const json& j) {
  const uint64_t created_ms = j.at("created_ms");
  return PaymentRequest{.code = j.at("code"),
                        .requester = j.at("requester"),
                        .payer = j.at("payer"),
                        .asset = j.at("asset"),
                        .amount_minor = j.at("amount_minor"),
                        .decimals = j.at("decimals"),
                        .note = j.at("note"),
                        .created_ms = created_ms,
                        .expires_ms = j.value("expires_ms", created_ms + kRequestTtlMsLegacy),
                        .paying_message_id = j.value("paying_message_id", std::string())};
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

std::string TimeHex(uint64_t time_ms) {
  const std::string time = fmt::format("{:016x}", time_ms);
  REMIT_CHECK(time.size() == kTimeHexDigits);
  return time;
}

// The index key of a finished message: its time first, so that keys sort
// oldest first.
std::string DoneKey(const MessageRecord& message) {
  return Key('t', TimeHex(message.recorded_ms), message.identity, message.message_id);
}

// The index key of an open request: its expiry first, soonest first.
std::string ExpiryKey(const PaymentRequest& request) {
  return Key('x', TimeHex(request.expires_ms), request.payer, request.code);
}

// The index key of an open claim: its expiry first, soonest first.
std::string ClaimExpiryKey(const HeldClaim& claim) {
  return Key('e', TimeHex(claim.expires_ms), Hex(claim.claim_id));
}

// The two fields after the time of a 't' or 'x' key (identity and message
// id; payer and code); nullopt if malformed.
std::optional<std::pair<std::string, std::string>> ParseTimedKey(std::string_view key) {
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
  REMIT_CHECK(request.expires_ms > request.created_ms);
  REMIT_CHECK(batch_->Put(Key('r', request.payer, request.code), RequestJson(request).dump()).ok());
  REMIT_CHECK(batch_->Put(ExpiryKey(request), "").ok());
}

void BotStore::Batch::DeleteRequest(const PaymentRequest& request) {
  REMIT_CHECK(batch_->Delete(Key('r', request.payer, request.code)).ok());
  REMIT_CHECK(batch_->Delete(ExpiryKey(request)).ok());
}

void BotStore::Batch::AddContact(const std::string& owner, const std::string& name,
                                 const std::string& identity) {
  REMIT_CHECK(!owner.empty() && !name.empty() && !identity.empty());
  REMIT_CHECK(batch_->Put(Key('k', owner, name, identity), "").ok());
}

void BotStore::Batch::PutClaim(const HeldClaim& claim) {
  REMIT_CHECK(claim.claim_id.size() == kHashBytes);
  REMIT_CHECK(!claim.payer.empty() && !claim.recipient.empty() && claim.amount_minor > 0);
  const std::string id = Hex(claim.claim_id);
  REMIT_CHECK(batch_->Put(Key('h', id), ClaimJson(claim).dump()).ok());
  REMIT_CHECK(batch_->Put(Key('o', claim.payer, id), "").ok());
  const std::string waiting = Key('w', claim.recipient, id);
  if (claim.state == ClaimState::kOpen || claim.state == ClaimState::kClaiming) {
    REMIT_CHECK(batch_->Put(waiting, "").ok());
  } else {
    REMIT_CHECK(batch_->Delete(waiting).ok());
  }
  if (claim.state == ClaimState::kOpen) {
    REMIT_CHECK(batch_->Put(ClaimExpiryKey(claim), "").ok());
  } else {
    REMIT_CHECK(batch_->Delete(ClaimExpiryKey(claim)).ok());
  }
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
  Batch batch;
  if (version == "3") {
    // Version 3 to 4: only new tables, all empty.
    REMIT_CHECK(batch.batch_->Put(Key('v'), kLayoutVersion).ok());
    return Write(batch);
  }
  if (version.has_value() && *version != "2") {
    return absl::FailedPreconditionError(
        StrCat("bot store layout ", *version, " is not ", kLayoutVersion, "; use a matching bot"));
  }
  if (!version.has_value()) RETURN_IF_ERROR(IndexFinishedMessages(batch));  // version 1
  RETURN_IF_ERROR(UpgradeContactsAndRequests(batch));
  REMIT_CHECK(batch.batch_->Put(Key('v'), kLayoutVersion).ok());
  return Write(batch);
}

// Version 1 to 2: the finished messages' time index.
absl::Status BotStore::IndexFinishedMessages(Batch& batch) {
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
  return absl::OkStatus();
}

// Version 2 to 3: a contact name bound to one identity becomes a set of
// one, and every request gets its expiry index entry.
absl::Status BotStore::UpgradeContactsAndRequests(Batch& batch) {
  ASSIGN_OR_RETURN(const auto contacts, Scan(Key('k') + kSep, SIZE_MAX));
  for (const auto& [rest, identity] : contacts) {
    const size_t sep = rest.find(kSep);
    if (sep == std::string::npos) return absl::DataLossError("bot store: malformed contact key");
    if (identity.empty()) continue;  // already a set entry
    REMIT_CHECK(batch.batch_->Delete(Key('k') + kSep + rest).ok());
    batch.AddContact(rest.substr(0, sep), rest.substr(sep + 1), identity);
  }
  ASSIGN_OR_RETURN(const auto requests, Scan(Key('r') + kSep, SIZE_MAX));
  for (const auto& [rest, value] : requests) {
    ASSIGN_OR_RETURN(const PaymentRequest request,
                     Decode<PaymentRequest>(Key('r'), value, RequestFrom));
    batch.PutRequest(request);
  }
  return absl::OkStatus();
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

template <typename T, typename From>
absl::StatusOr<std::optional<T>> BotStore::GetRecord(const std::string& key, From from) {
  ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
  if (!value.has_value()) return std::optional<T>();
  ASSIGN_OR_RETURN(T record, Decode<T>(key, *value, from));
  return std::optional<T>(std::move(record));
}

absl::StatusOr<std::optional<UserRecord>> BotStore::GetUser(const std::string& identity) {
  return GetRecord<UserRecord>(Key('u', identity), UserFrom);
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> BotStore::Scan(
    const std::string& prefix, size_t max) {
  std::vector<std::pair<std::string, std::string>> found;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && found.size() < max;
       it->Next()) {
    found.emplace_back(it->key().ToString().substr(prefix.size()), it->value().ToString());
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return found;
}

absl::StatusOr<std::optional<std::string>> BotStore::IdentityOf(const AccountId& account) {
  return Get(Key('a', ToHex(account)));
}

absl::StatusOr<std::vector<std::string>> BotStore::UsersNamed(std::string_view local_part,
                                                              size_t max) {
  ASSIGN_OR_RETURN(const auto users, Scan(Key('u', StrCat(local_part, "@")), max));
  std::vector<std::string> identities;
  for (const auto& [rest, value] : users) identities.push_back(StrCat(local_part, "@", rest));
  return identities;
}

absl::StatusOr<std::optional<MessageRecord>> BotStore::GetMessage(const std::string& identity,
                                                                  const std::string& message_id) {
  return GetRecord<MessageRecord>(Key('m', identity, message_id), MessageFrom);
}

absl::StatusOr<std::vector<MessageRecord>> BotStore::PendingMessages() {
  return PendingMessagesOf("");
}

absl::StatusOr<std::vector<MessageRecord>> BotStore::PendingMessagesOf(
    const std::string& identity) {
  const std::string prefix = identity.empty() ? Key('p') + kSep : Key('p', identity) + kSep;
  ASSIGN_OR_RETURN(const auto keys, Scan(prefix, SIZE_MAX));
  std::vector<MessageRecord> pending;
  for (const auto& [rest, value] : keys) {
    std::string owner = identity;
    std::string message_id = rest;
    if (identity.empty()) {
      const size_t sep = rest.find(kSep);
      if (sep == std::string::npos) return absl::DataLossError("bot store: malformed pending key");
      owner = rest.substr(0, sep);
      message_id = rest.substr(sep + 1);
    }
    ASSIGN_OR_RETURN(std::optional<MessageRecord> message, GetMessage(owner, message_id));
    if (!message.has_value()) return absl::DataLossError("bot store: pending message missing");
    pending.push_back(std::move(*message));
  }
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
  const std::string before = Key('t', TimeHex(limits.before_ms));
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
    const std::optional<std::pair<std::string, std::string>> ids = ParseTimedKey(key);
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
  return GetRecord<Confirmation>(Key('c', identity), ConfirmationFrom);
}

absl::StatusOr<std::optional<PaymentRequest>> BotStore::GetRequest(const std::string& payer,
                                                                   const std::string& code) {
  return GetRecord<PaymentRequest>(Key('r', payer, code), RequestFrom);
}

absl::StatusOr<std::vector<PaymentRequest>> BotStore::RequestsFor(const std::string& payer) {
  ASSIGN_OR_RETURN(const auto found, Scan(Key('r', payer) + kSep, SIZE_MAX));
  std::vector<PaymentRequest> requests;
  for (const auto& [code, value] : found) {
    ASSIGN_OR_RETURN(PaymentRequest request, Decode<PaymentRequest>(Key('r'), value, RequestFrom));
    requests.push_back(std::move(request));
  }
  return requests;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> BotStore::ExpiredRequests(
    uint64_t now_ms, size_t max) {
  const std::string prefix = Key('x') + kSep;
  const std::string after_now = Key('x', TimeHex(now_ms + 1));
  std::vector<std::pair<std::string, std::string>> expired;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix) && expired.size() < max;
       it->Next()) {
    const std::string key = it->key().ToString();
    if (key.compare(after_now) >= 0) break;
    std::optional<std::pair<std::string, std::string>> ids = ParseTimedKey(key);
    if (!ids.has_value()) return absl::DataLossError("bot store: malformed request index key");
    expired.push_back(std::move(*ids));
  }
  if (!it->status().ok()) return FromRocks(it->status());
  return expired;
}

absl::StatusOr<std::vector<std::string>> BotStore::ContactsNamed(const std::string& owner,
                                                                 const std::string& name,
                                                                 size_t max) {
  ASSIGN_OR_RETURN(const auto found, Scan(Key('k', owner, name) + kSep, max));
  std::vector<std::string> identities;
  for (const auto& [identity, value] : found) identities.push_back(identity);
  return identities;
}

absl::StatusOr<std::optional<HeldClaim>> BotStore::GetClaim(const std::string& claim_id) {
  return GetRecord<HeldClaim>(Key('h', Hex(claim_id)), ClaimFrom);
}

// The claims whose ids end the keys under `prefix`, at most `max`.
absl::StatusOr<std::vector<HeldClaim>> BotStore::ClaimsIndexed(const std::string& prefix,
                                                               size_t max) {
  ASSIGN_OR_RETURN(const auto found, Scan(prefix, max));
  std::vector<HeldClaim> claims;
  for (const auto& [rest, value] : found) {
    const std::string id_hex = rest.substr(rest.rfind(kSep) + 1);
    absl::StatusOr<std::string> id = FromHex(id_hex);
    if (!id.ok()) return absl::DataLossError("bot store: malformed claim index key");
    ASSIGN_OR_RETURN(std::optional<HeldClaim> claim, GetClaim(*id));
    if (!claim.has_value()) return absl::DataLossError("bot store: indexed claim missing");
    claims.push_back(std::move(*claim));
  }
  return claims;
}

absl::StatusOr<std::vector<HeldClaim>> BotStore::ClaimsWaitingFor(const std::string& recipient,
                                                                  size_t max) {
  return ClaimsIndexed(Key('w', recipient) + kSep, max);
}

absl::StatusOr<std::vector<HeldClaim>> BotStore::ClaimsOf(const std::string& payer, size_t max) {
  return ClaimsIndexed(Key('o', payer) + kSep, max);
}

absl::StatusOr<std::vector<HeldClaim>> BotStore::ExpiredClaims(uint64_t now_ms, size_t max) {
  ASSIGN_OR_RETURN(const auto found, Scan(Key('e') + kSep, max));
  std::vector<HeldClaim> expired;
  for (const auto& [rest, value] : found) {
    const size_t sep = rest.find(kSep);
    if (sep != kTimeHexDigits) return absl::DataLossError("bot store: malformed claim expiry key");
    // Strictly before now: at its expiry a claim can still be claimed.
    if (rest.substr(0, sep).compare(TimeHex(now_ms)) >= 0) break;
    absl::StatusOr<std::string> id = FromHex(rest.substr(sep + 1));
    if (!id.ok()) return absl::DataLossError("bot store: malformed claim expiry key");
    ASSIGN_OR_RETURN(std::optional<HeldClaim> claim, GetClaim(*id));
    if (!claim.has_value()) return absl::DataLossError("bot store: indexed claim missing");
    expired.push_back(std::move(*claim));
  }
  return expired;
}

std::string MessageTextDigest(std::string_view text) { return ToHex(Blake2b256(text)); }

std::string_view PaymentKindName(PaymentKind kind) {
  switch (kind) {
    case PaymentKind::kPay:
      return "pay";
    case PaymentKind::kAccept:
      return "accept";
    case PaymentKind::kFaucet:
      return "faucet";
    case PaymentKind::kCreateClaim:
      return "create_claim";
    case PaymentKind::kClaim:
      return "claim";
    case PaymentKind::kReclaim:
      return "reclaim";
  }
  REMIT_CHECK(false);
  return "";
}

}  // namespace remit::bot
