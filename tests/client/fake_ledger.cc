#include "tests/client/fake_ledger.h"

#include <chrono>
#include <thread>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "ledger/check.h"
#include "ledger/transfer.h"

namespace remit::testing {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
constexpr auto kHangMax = std::chrono::seconds(10);

bool Involves(const v1::TransferRecord& record, const std::string& account) {
  const v1::Transfer& transfer = record.signed_transfer().transfer();
  return account.empty() || transfer.from() == account || transfer.to() == account;
}

}  // namespace

grpc::Status NodeErrorStatus(grpc::StatusCode code, const std::string& reason,
                             const std::string& message,
                             const std::map<std::string, std::string>& metadata,
                             const v1::Receipt* original) {
  google::rpc::ErrorInfo info;
  info.set_reason(reason);
  info.set_domain("remit");
  info.mutable_metadata()->insert(metadata.begin(), metadata.end());
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(info);
  if (original != nullptr) {
    v1::SettleResponse response;
    *response.mutable_receipt() = *original;
    details.add_details()->PackFrom(response);
  }
  return grpc::Status(code, message, details.SerializeAsString());
}

Genesis TestGenesis(const AccountId& issuer) {
  Genesis genesis;
  genesis.chain_id = "remit-test";
  for (const auto& [code, decimals] :
       std::vector<std::pair<std::string, uint32_t>>{{"USD", 2}, {"EUR", 2}, {"KES", 0}}) {
    genesis.assets.push_back(AssetInfo{
        .code = code, .decimals = decimals, .issuer = issuer, .transfer_max_minor = 100'000'000});
  }
  genesis.validators.push_back(
      ValidatorInfo{.public_key = SigningKey::Generate().public_key(), .endpoint = "127.0.0.1:1"});
  REMIT_CHECK(ValidateGenesis(genesis).ok());
  return genesis;
}

void FakeLedger::SetBalance(const AccountId& account, const std::string& asset,
                            int64_t balance_minor) {
  std::lock_guard<std::mutex> lock(mutex_);
  balances_[{ToString(account), asset}] = balance_minor;
}

std::vector<v1::SignedTransfer> FakeLedger::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

v1::Receipt FakeLedger::CommitLocked(const v1::SignedTransfer& signed_transfer,
                                     v1::Outcome outcome) {
  const v1::Transfer& transfer = signed_transfer.transfer();
  v1::TransferRecord record;
  *record.mutable_signed_transfer() = signed_transfer;
  v1::Receipt& receipt = *record.mutable_receipt();
  receipt.set_transfer_id(ToString(ComputeTransferId(transfer)));
  receipt.set_outcome(outcome);
  receipt.set_height(++height_);
  receipt.set_block_hash(std::string(kHashBytes, '\x42'));
  receipt.set_settle_latency_us(1000);
  next_sequences_[transfer.from()] = transfer.sequence() + 1;
  if (outcome == v1::SETTLED) {
    const int64_t amount = static_cast<int64_t>(transfer.amount_minor());
    balances_[{transfer.from(), transfer.asset()}] -= amount;
    balances_[{transfer.to(), transfer.asset()}] += amount;
  }
  records_.push_back(record);
  records_by_id_[receipt.transfer_id()] = record;
  return receipt;
}

grpc::Status FakeLedger::Settle(grpc::ServerContext* context, const v1::SettleRequest* request,
                                v1::SettleResponse* response) {
  ++settle_calls_;
  std::unique_lock<std::mutex> lock(mutex_);
  received_.push_back(request->transfer());
  absl::StatusOr<TransferId> id =
      CheckTransfer(request->transfer(), genesis_.chain_id, genesis_hash_);
  if (!id.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(id.status().message()));
  }
  const bool known = records_by_id_.count(ToString(*id)) > 0;
  switch (settle_mode_.load()) {
    case SettleMode::kUnavailable:
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "fake: no quorum");
    case SettleMode::kAlreadyExists: {
      if (!known) CommitLocked(request->transfer(), outcome_);
      const v1::Receipt& original = records_by_id_.at(ToString(*id)).receipt();
      return NodeErrorStatus(grpc::StatusCode::ALREADY_EXISTS, "ALREADY_FINAL",
                             "already_final: fake: transfer already final", {}, &original);
    }
    case SettleMode::kSequenceUsed: {
      return NodeErrorStatus(grpc::StatusCode::FAILED_PRECONDITION, "SEQUENCE_USED",
                             "sequence_used: fake: sequence 3 is already used; the account's "
                             "next sequence is 5",
                             {{"nextSequence", "5"}});
    }
    case SettleMode::kAlreadyExistsBare:
      if (!known) CommitLocked(request->transfer(), outcome_);
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "fake: transfer already final");
    case SettleMode::kCommitAndHang: {
      if (!known) CommitLocked(request->transfer(), outcome_);
      lock.unlock();
      const auto give_up = std::chrono::steady_clock::now() + kHangMax;
      while (!context->IsCancelled() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(kPollInterval);
      }
      return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "fake: too slow");
    }
    case SettleMode::kSettle:
      if (known) return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "fake: already final");
      *response->mutable_receipt() = CommitLocked(request->transfer(), outcome_);
      return grpc::Status::OK;
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "fake: unknown mode");
}

grpc::Status FakeLedger::GetReceipt(grpc::ServerContext*, const v1::GetReceiptRequest* request,
                                    v1::GetReceiptResponse* response) {
  ++get_receipt_calls_;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = records_by_id_.find(request->transfer_id());
  if (it == records_by_id_.end()) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "fake: no such transfer");
  }
  *response->mutable_record() = it->second;
  return grpc::Status::OK;
}

grpc::Status FakeLedger::GetAccount(grpc::ServerContext*, const v1::GetAccountRequest* request,
                                    v1::GetAccountResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  v1::Account& account = *response->mutable_account();
  account.set_account(request->account());
  account.set_next_sequence(next_sequences_[request->account()]);
  for (const auto& [key, balance_minor] : balances_) {
    if (key.first != request->account() || balance_minor == 0) continue;
    v1::AssetBalance& balance = *account.add_balances();
    balance.set_asset(key.second);
    balance.set_balance_minor(balance_minor);
    balance.set_decimals(genesis_.FindAsset(key.second)->decimals);
  }
  return grpc::Status::OK;
}

grpc::Status FakeLedger::ListTransfers(grpc::ServerContext*,
                                       const v1::ListTransfersRequest* request,
                                       v1::ListTransfersResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = records_.rbegin(); it != records_.rend(); ++it) {
    if (Involves(*it, request->account())) *response->add_records() = *it;
  }
  return grpc::Status::OK;
}

grpc::Status FakeLedger::GetStatus(grpc::ServerContext*, const v1::GetStatusRequest*,
                                   v1::GetStatusResponse* response) {
  std::lock_guard<std::mutex> lock(mutex_);
  response->set_chain_id(genesis_.chain_id);
  response->set_height(height_);
  response->set_validator_index(0);
  response->set_validator_count(1);
  response->set_transfers_committed(records_.size());
  response->set_state_hash(std::string(kHashBytes, '\x07'));
  return grpc::Status::OK;
}

grpc::Status FakeLedger::GetGenesis(grpc::ServerContext*, const v1::GetGenesisRequest*,
                                    v1::GetGenesisResponse* response) {
  response->set_genesis_json(GenesisToJson(genesis_));
  return grpc::Status::OK;
}

grpc::Status FakeLedger::Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                               grpc::ServerWriter<v1::WatchEvent>* writer) {
  size_t sent = 0;
  while (!context->IsCancelled()) {
    std::vector<v1::TransferRecord> fresh;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fresh.assign(records_.begin() + static_cast<std::ptrdiff_t>(sent), records_.end());
      sent = records_.size();
    }
    for (const v1::TransferRecord& record : fresh) {
      if (!Involves(record, request->account())) continue;
      v1::WatchEvent event;
      *event.mutable_record() = record;
      if (!writer->Write(event)) return grpc::Status::OK;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "fake: watch cancelled");
}

FakeLedgerServer::FakeLedgerServer(FakeLedger* ledger) {
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(ledger);
  server_ = builder.BuildAndStart();
  REMIT_CHECK(server_ != nullptr);
  REMIT_CHECK(port > 0);
  endpoint_ = "127.0.0.1:" + std::to_string(port);
}

FakeLedgerServer::~FakeLedgerServer() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

}  // namespace remit::testing
