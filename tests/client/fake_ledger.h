// An in-process stand-in for a validator's public Ledger service, so that
// the SDK and the CLI can be tested without remitd: it settles every valid
// transfer at once (or misbehaves as told) and counts what it received.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "remit/v1/ledger.grpc.pb.h"

namespace remit::testing {

// A one-validator genesis: chain "remit-test", USD and EUR with 2 decimals
// and KES with 0, all issued by `issuer`, limit 1,000,000.00 per transfer.
Genesis TestGenesis(const AccountId& issuer);

// An error as remitd answers it (docs/API.md, "Errors on the wire"):
// `message`, and in the details a google.rpc.Status with the same code and
// message holding an ErrorInfo of `reason` (domain "remit", `metadata`) and,
// if given, the original receipt as a SettleResponse.
grpc::Status NodeErrorStatus(grpc::StatusCode code, const std::string& reason,
                             const std::string& message,
                             const std::map<std::string, std::string>& metadata = {},
                             const v1::Receipt* original = nullptr);

class FakeLedger final : public v1::Ledger::Service {
 public:
  enum class SettleMode {
    kSettle,             // final at once with outcome()
    kAlreadyExists,      // final already: ALREADY_EXISTS with the receipt in the standard
                         // details (google.rpc.Status), as remitd answers
    kAlreadyExistsBare,  // final already: ALREADY_EXISTS, receipt only via GetReceipt
    kUnavailable,        // UNAVAILABLE, nothing stored
    kSequenceUsed,       // FAILED_PRECONDITION, SEQUENCE_USED (nextSequence 5), nothing stored
    kCommitAndHang,      // stored as final, but the answer waits past the deadline
  };

  explicit FakeLedger(Genesis genesis) : genesis_(std::move(genesis)) {}

  void set_settle_mode(SettleMode mode) { settle_mode_ = mode; }
  void set_outcome(v1::Outcome outcome) { outcome_ = outcome; }
  void SetBalance(const AccountId& account, const std::string& asset, int64_t balance_minor);

  int settle_calls() const { return settle_calls_; }
  int get_receipt_calls() const { return get_receipt_calls_; }
  // Everything that reached Settle, in order.
  std::vector<v1::SignedTransfer> received() const;

  grpc::Status Settle(grpc::ServerContext* context, const v1::SettleRequest* request,
                      v1::SettleResponse* response) override;
  grpc::Status GetReceipt(grpc::ServerContext* context, const v1::GetReceiptRequest* request,
                          v1::GetReceiptResponse* response) override;
  grpc::Status GetAccount(grpc::ServerContext* context, const v1::GetAccountRequest* request,
                          v1::GetAccountResponse* response) override;
  grpc::Status ListTransfers(grpc::ServerContext* context, const v1::ListTransfersRequest* request,
                             v1::ListTransfersResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;
  grpc::Status GetGenesis(grpc::ServerContext* context, const v1::GetGenesisRequest* request,
                          v1::GetGenesisResponse* response) override;
  // Streams every record stored so far and each new one, until cancelled.
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::WatchEvent>* writer) override;

 private:
  // Stores the transfer as final and applies it. Requires mutex_.
  v1::Receipt CommitLocked(const v1::SignedTransfer& signed_transfer, v1::Outcome outcome);

  const Genesis genesis_;
  const Hash32 genesis_hash_ = GenesisHash(genesis_);
  std::atomic<SettleMode> settle_mode_{SettleMode::kSettle};
  std::atomic<v1::Outcome> outcome_{v1::SETTLED};
  std::atomic<int> settle_calls_{0};
  std::atomic<int> get_receipt_calls_{0};
  mutable std::mutex mutex_;
  uint64_t height_ = 0;
  std::vector<v1::SignedTransfer> received_;
  std::vector<v1::TransferRecord> records_;  // in commit order
  std::map<std::string, v1::TransferRecord> records_by_id_;
  std::map<std::pair<std::string, std::string>, int64_t> balances_;  // (account, asset)
  std::map<std::string, uint64_t> next_sequences_;
};

// Serves a FakeLedger on 127.0.0.1 at a port the kernel picks.
class FakeLedgerServer {
 public:
  explicit FakeLedgerServer(FakeLedger* ledger);
  ~FakeLedgerServer();

  const std::string& endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::string endpoint_;
};

}  // namespace remit::testing
