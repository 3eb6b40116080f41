// The public gRPC API (`remit.v1.Ledger`) on the callback API. Handlers do no
// protocol work: transfers are copied out of the request and go to a worker
// (WorkerPool) that runs the stateless checks (size, shape, chain, signature)
// and hands them to the validator's inbox; the call is answered from the
// validator's callbacks. Reads go to the store.
//
// Errors: every one carries gRPC's standard details (node/error_details.h):
// a google.rpc.ErrorInfo with the refusal's reason, and for ALREADY_EXISTS
// the original receipt. docs/API.md is the contract: every method, status
// code and reason, whether anything was recorded, and what a client does.
#pragma once

#include <atomic>
#include <functional>

#include "ledger/genesis.h"
#include "ledger/store.h"
#include "node/clock.h"
#include "node/error_details.h"
#include "node/limits.h"
#include "node/validator.h"
#include "node/watch_hub.h"
#include "node/worker_pool.h"
#include "remit/v1/ledger.grpc.pb.h"

namespace remit {

class LedgerService final : public v1::Ledger::CallbackService {
 public:
  LedgerService(const Genesis& genesis, const AccountId& validator_key, LedgerStore& store,
                Validator& validator, WorkerPool& workers, WatchHub& watch_hub, const Clock& clock,
                const NodeLimits& limits);

  grpc::ServerUnaryReactor* Settle(grpc::CallbackServerContext* context,
                                   const v1::SettleRequest* request,
                                   v1::SettleResponse* response) override;
  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::SubmitResponse* response) override;
  grpc::ServerUnaryReactor* SettleBatch(grpc::CallbackServerContext* context,
                                        const v1::SettleBatchRequest* request,
                                        v1::SettleBatchResponse* response) override;
  grpc::ServerUnaryReactor* GetReceipt(grpc::CallbackServerContext* context,
                                       const v1::GetReceiptRequest* request,
                                       v1::GetReceiptResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context,
                                       const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;
  grpc::ServerUnaryReactor* ListTransfers(grpc::CallbackServerContext* context,
                                          const v1::ListTransfersRequest* request,
                                          v1::ListTransfersResponse* response) override;
  grpc::ServerUnaryReactor* GetBlock(grpc::CallbackServerContext* context,
                                     const v1::GetBlockRequest* request,
                                     v1::GetBlockResponse* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const v1::GetStatusRequest* request,
                                      v1::GetStatusResponse* response) override;
  grpc::ServerUnaryReactor* GetGenesis(grpc::CallbackServerContext* context,
                                       const v1::GetGenesisRequest* request,
                                       v1::GetGenesisResponse* response) override;
  // Quote, ListOffers and GetClaim: node/ledger_reads.h.
  grpc::ServerUnaryReactor* Quote(grpc::CallbackServerContext* context,
                                  const v1::QuoteRequest* request,
                                  v1::QuoteResponse* response) override;
  grpc::ServerUnaryReactor* ListOffers(grpc::CallbackServerContext* context,
                                       const v1::ListOffersRequest* request,
                                       v1::ListOffersResponse* response) override;
  grpc::ServerUnaryReactor* GetClaim(grpc::CallbackServerContext* context,
                                     const v1::GetClaimRequest* request,
                                     v1::GetClaimResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEvent>* Watch(grpc::CallbackServerContext* context,
                                                  const v1::WatchRequest* request) override;

 private:
  // When a request arrived and until when a waiting call may wait.
  struct Arrival {
    uint64_t received_us = 0;
    uint64_t deadline_us = 0;
  };
  Arrival ArrivalOf(grpc::CallbackServerContext* context) const;
  // Stateless checks of one transfer (on a worker), then a SubmitRequest
  // with no callback.
  absl::StatusOr<SubmitRequest> Prepare(const v1::SignedTransfer& transfer,
                                        const Arrival& arrival) const;
  // Builds the error answer of one admitted transfer: its id, and the
  // sender's next sequence for the sequence refusals, in the details.
  struct Refuser {
    const LedgerService* service;
    TransferId id;
    AccountId from;
    grpc::Status operator()(const absl::Status& status, const v1::TransferRecord* record) const;
  };
  Refuser RefuserFor(const SubmitRequest& request) const;
  // Runs `job` on a worker, or finishes `call` with the pool's refusal.
  void OnWorker(class UnaryCall* call, std::function<void()> job);

  const Genesis& genesis_;
  const Hash32 genesis_hash_;  // GenesisHash(genesis_), computed once
  const AccountId validator_key_;
  const std::string genesis_json_;
  LedgerStore& store_;
  Validator& validator_;
  WorkerPool& workers_;
  std::atomic<uint64_t> next_job_key_{0};
  // Settle, Submit and SettleBatch calls not yet answered (limits_.calls_max).
  std::atomic<uint32_t> calls_open_{0};
  WatchHub& watch_hub_;
  const Clock& clock_;
  const NodeLimits limits_;
};

}  // namespace remit
