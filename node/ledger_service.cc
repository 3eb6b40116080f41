#include "node/ledger_service.h"

#include <algorithm>
#include <atomic>

#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/error_details.h"
#include "node/ledger_reads.h"
#include "node/reactors.h"
#include "node/receipt_proof_builder.h"

namespace remit {
namespace {

// Time kept back from a client's deadline for the answer to travel.
constexpr int64_t kReplyMarginUs = 50'000;

grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                    const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

// `status` (not OK) with `reason` in front of its message, unless it already
// starts with a reason: for refusals made below the API layer (the store's),
// whose messages name no reason.
absl::Status WithReason(std::string_view reason, const absl::Status& status) {
  REMIT_CHECK(!status.ok());
  if (FindRefusalReason(status) != nullptr) return status;
  return absl::Status(status.code(), StrCat(reason, ": ", status.message()));
}

grpc::ServerUnaryReactor* FinishMalformed(grpc::CallbackServerContext* context,
                                          const absl::Status& status) {
  return FinishNow(context, ToGrpc(WithReason("malformed", status)));
}

}  // namespace

LedgerService::LedgerService(const Genesis& genesis, const AccountId& validator_key,
                             LedgerStore& store, Validator& validator, WorkerPool& workers,
                             WatchHub& watch_hub, const Clock& clock, const NodeLimits& limits)
    : genesis_(genesis),
      genesis_hash_(GenesisHash(genesis)),
      validator_key_(validator_key),
      genesis_json_(GenesisToJson(genesis)),
      store_(store),
      validator_(validator),
      workers_(workers),
      watch_hub_(watch_hub),
      clock_(clock),
      limits_(limits) {}

LedgerService::Arrival LedgerService::ArrivalOf(grpc::CallbackServerContext* context) const {
  Arrival arrival;
  arrival.received_us = clock_.MonotonicUs();
  // Answer a little before the client's deadline, so that a waiting call
  // (or a batch's partial results) reaches the client before it gives up.
  const int64_t remaining_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                   context->deadline() - std::chrono::system_clock::now())
                                   .count();
  const int64_t margin_us = std::min<int64_t>(kReplyMarginUs, remaining_us / 10);
  const uint64_t wait_us = static_cast<uint64_t>(
      std::clamp<int64_t>(remaining_us - margin_us, 0, int64_t{limits_.settle_wait_ms_max} * 1000));
  arrival.deadline_us = arrival.received_us + wait_us;
  return arrival;
}

absl::StatusOr<SubmitRequest> LedgerService::Prepare(const v1::SignedTransfer& transfer,
                                                     const Arrival& arrival) const {
  // Field checks first, so that an oversized field is named (a 4 KiB memo is
  // memo_too_long); they are cheap and bounded whatever the sizes. Within
  // the field limits only unknown fields can exceed the size bound.
  RETURN_IF_ERROR(CheckTransferFields(transfer, genesis_.chain_id, genesis_hash_));
  if (transfer.ByteSizeLong() > kSignedTransferBytesMax) {
    return absl::InvalidArgumentError(StrCat("malformed: transfer is ", transfer.ByteSizeLong(),
                                             " bytes; at most ", kSignedTransferBytesMax,
                                             " (it carries fields remit.v1 does not define)"));
  }
  ASSIGN_OR_RETURN(const TransferId id, CheckTransfer(transfer, genesis_.chain_id, genesis_hash_));
  SubmitRequest request;
  request.signed_transfer = transfer;
  request.id = id;
  request.received_us = arrival.received_us;
  request.deadline_us = arrival.deadline_us;
  return request;
}

LedgerService::Refuser LedgerService::RefuserFor(const SubmitRequest& request) const {
  const auto from = ToArray<kPublicKeyBytes>(HeaderOf(request.signed_transfer).signer, "signer");
  REMIT_CHECK(from.ok());  // Prepare checked its size
  return Refuser{this, request.id, *from};
}

grpc::Status LedgerService::Refuser::operator()(const absl::Status& status,
                                                const v1::TransferRecord* record) const {
  ErrorContext context;
  context.transfer_id = id;
  const RefusalReason* reason = FindRefusalReason(status);
  if (reason != nullptr && reason->names_next_sequence) {
    context.next_sequence = service->store_.NextSequence(from);
  }
  if (record != nullptr) context.original = &record->receipt();
  return ToGrpc(status, context);
}

void LedgerService::OnWorker(UnaryCall* call, std::function<void()> job) {
  if (!call->Hold(calls_open_, limits_.calls_max)) {
    call->completion()->Finish(ToGrpc(absl::ResourceExhaustedError(
        StrCat("too_many_calls: this node already holds ", limits_.calls_max,
               " transfer calls open (limits.calls_max); retry with back-off or use "
               "another validator"))));
    return;
  }
  const absl::Status queued = workers_.Run(next_job_key_++, std::move(job));
  if (!queued.ok()) call->completion()->Finish(ToGrpc(queued));
}

grpc::ServerUnaryReactor* LedgerService::Settle(grpc::CallbackServerContext* context,
                                                const v1::SettleRequest* request,
                                                v1::SettleResponse* response) {
  auto* call = new UnaryCall();
  // The transfer is copied: a cancelled call frees the request before the worker runs.
  OnWorker(call, [this, completion = call->completion(), response, transfer = request->transfer(),
                  arrival = ArrivalOf(context)] {
    auto prepared = Prepare(transfer, arrival);
    if (!prepared.ok()) {
      completion->Finish(ToGrpc(prepared.status()));
      return;
    }
    prepared->wait_for_final = true;
    prepared->refuse_sequence_gap = true;
    const Refuser refuse = RefuserFor(*prepared);
    prepared->on_done = [completion, response, refuse](const absl::Status& status,
                                                       const v1::TransferRecord* record) {
      if (!status.ok()) {
        completion->Finish(refuse(status, record));
        return;
      }
      completion->Finish(grpc::Status::OK,
                         [&] { *response->mutable_receipt() = record->receipt(); });
    };
    std::vector<SubmitRequest> batch;
    batch.push_back(std::move(*prepared));
    if (absl::Status queued = validator_.Enqueue(std::move(batch)); !queued.ok()) {
      completion->Finish(refuse(queued, nullptr));
    }
  });
  return call;
}

grpc::ServerUnaryReactor* LedgerService::Submit(grpc::CallbackServerContext* context,
                                                const v1::SubmitRequest* request,
                                                v1::SubmitResponse* response) {
  auto* call = new UnaryCall();
  OnWorker(call, [this, completion = call->completion(), response, transfer = request->transfer(),
                  arrival = ArrivalOf(context)] {
    auto prepared = Prepare(transfer, arrival);
    if (!prepared.ok()) {
      completion->Finish(ToGrpc(prepared.status()));
      return;
    }
    prepared->wait_for_final = false;
    const Refuser refuse = RefuserFor(*prepared);
    prepared->on_done = [completion, response, refuse](const absl::Status& status,
                                                       const v1::TransferRecord* record) {
      if (!status.ok()) {
        completion->Finish(refuse(status, record));
        return;
      }
      completion->Finish(grpc::Status::OK, [&] { response->set_transfer_id(ToString(refuse.id)); });
    };
    std::vector<SubmitRequest> batch;
    batch.push_back(std::move(*prepared));
    if (absl::Status queued = validator_.Enqueue(std::move(batch)); !queued.ok()) {
      completion->Finish(refuse(queued, nullptr));
    }
  });
  return call;
}

namespace {

// Collects one result per transfer of a SettleBatch; the last one finishes
// the call.
struct BatchCollector {
  std::shared_ptr<UnaryCall::Completion> completion;
  v1::SettleBatchResponse* response;
  std::mutex mu;
  std::vector<v1::BatchResult> results;
  size_t remaining = 0;

  void Record(size_t index, const absl::Status& status, const v1::TransferRecord* record) {
    std::lock_guard lock(mu);
    v1::BatchResult& result = results[index];
    result.set_status_code(static_cast<int32_t>(status.code()));
    result.set_status_message(std::string(status.message()));
    if (!status.ok()) result.set_reason(ErrorReason(status));
    if (record != nullptr) *result.mutable_receipt() = record->receipt();
    REMIT_CHECK(remaining > 0);
    if (--remaining > 0) return;
    completion->Finish(grpc::Status::OK, [this] {
      for (v1::BatchResult& done : results) *response->add_results() = std::move(done);
    });
  }
};

}  // namespace

grpc::ServerUnaryReactor* LedgerService::SettleBatch(grpc::CallbackServerContext* context,
                                                     const v1::SettleBatchRequest* request,
                                                     v1::SettleBatchResponse* response) {
  const size_t count = static_cast<size_t>(request->transfers_size());
  if (count == 0) {
    return FinishNow(context, ToGrpc(absl::InvalidArgumentError(
                                  "batch_empty: batch is empty; send at least one transfer")));
  }
  if (count > limits_.settle_batch_transfers_max) {
    return FinishNow(
        context, ToGrpc(absl::InvalidArgumentError(
                     StrCat("batch_too_large: batch of ", count, " transfers exceeds the limit of ",
                            limits_.settle_batch_transfers_max,
                            " (limits.settle_batch_transfers_max); split it"))));
  }
  auto* call = new UnaryCall();
  auto collector = std::make_shared<BatchCollector>();
  collector->completion = call->completion();
  collector->response = response;
  collector->results.resize(count);
  collector->remaining = count;
  OnWorker(call, [this, collector, transfers = request->transfers(), arrival = ArrivalOf(context)] {
    std::vector<SubmitRequest> queued;
    std::vector<size_t> queued_indexes;
    std::vector<std::pair<size_t, absl::Status>> refused;
    for (size_t i = 0; i < static_cast<size_t>(transfers.size()); ++i) {
      auto prepared = Prepare(transfers[static_cast<int>(i)], arrival);
      if (!prepared.ok()) {
        refused.emplace_back(i, prepared.status());
        continue;
      }
      collector->results[i].set_transfer_id(ToString(prepared->id));
      prepared->wait_for_final = true;
      prepared->on_done = [collector, i](const absl::Status& status,
                                         const v1::TransferRecord* record) {
        collector->Record(i, status, record);
      };
      queued.push_back(std::move(*prepared));
      queued_indexes.push_back(i);
    }
    if (absl::Status status = validator_.Enqueue(std::move(queued)); !status.ok()) {
      for (size_t i : queued_indexes) collector->Record(i, status, nullptr);
    }
    for (const auto& [index, status] : refused) collector->Record(index, status, nullptr);
  });
  return call;
}

grpc::ServerUnaryReactor* LedgerService::GetReceipt(grpc::CallbackServerContext* context,
                                                    const v1::GetReceiptRequest* request,
                                                    v1::GetReceiptResponse* response) {
  const auto id = ToArray<kHashBytes>(request->transfer_id(), "transfer_id");
  if (!id.ok()) return FinishMalformed(context, id.status());
  auto record = store_.GetTransfer(*id);
  if (absl::IsNotFound(record.status())) {
    ErrorContext named;
    named.transfer_id = *id;
    return FinishNow(
        context,
        ToGrpc(absl::NotFoundError(StrCat("not_found: transfer ", ToHex(*id),
                                          " has no final outcome here (yet); if it was just "
                                          "submitted, ask again shortly")),
               named));
  }
  if (!record.ok()) return FinishNow(context, ToGrpc(record.status()));
  if (request->with_proof()) {
    auto proof = BuildReceiptProof(store_, record->receipt());
    if (!proof.ok()) {
      ErrorContext named;
      named.transfer_id = *id;
      return FinishNow(context, ToGrpc(proof.status(), named));
    }
    *response->mutable_proof() = std::move(*proof);
  }
  *response->mutable_record() = std::move(*record);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* LedgerService::GetAccount(grpc::CallbackServerContext* context,
                                                    const v1::GetAccountRequest* request,
                                                    v1::GetAccountResponse* response) {
  const auto account = ToArray<kPublicKeyBytes>(request->account(), "account");
  if (!account.ok()) return FinishMalformed(context, account.status());
  *response->mutable_account() = store_.GetAccount(*account);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* LedgerService::ListTransfers(grpc::CallbackServerContext* context,
                                                       const v1::ListTransfersRequest* request,
                                                       v1::ListTransfersResponse* response) {
  const auto account = ToArray<kPublicKeyBytes>(request->account(), "account");
  if (!account.ok()) return FinishMalformed(context, account.status());
  auto page = store_.ListTransfers(*account, request->limit(), request->page_token());
  if (absl::IsInvalidArgument(page.status())) return FinishMalformed(context, page.status());
  if (!page.ok()) return FinishNow(context, ToGrpc(page.status()));
  for (v1::TransferRecord& record : page->records) *response->add_records() = std::move(record);
  response->set_next_page_token(page->next_page_token);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* LedgerService::GetBlock(grpc::CallbackServerContext* context,
                                                  const v1::GetBlockRequest* request,
                                                  v1::GetBlockResponse* response) {
  auto block = store_.GetBlock(request->height());
  if (absl::IsNotFound(block.status())) {
    return FinishNow(context, ToGrpc(WithReason("not_found", block.status())));
  }
  if (!block.ok()) return FinishNow(context, ToGrpc(block.status()));
  *response->mutable_block() = std::move(*block);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* LedgerService::GetStatus(grpc::CallbackServerContext* context,
                                                   const v1::GetStatusRequest* /*request*/,
                                                   v1::GetStatusResponse* response) {
  const ValidatorStatus status = validator_.Snapshot();
  response->set_chain_id(genesis_.chain_id);
  response->set_height(status.height);
  response->set_round(status.round);
  response->set_state_hash(ToString(status.state_hash));
  response->set_block_hash(ToString(status.block_hash));
  response->set_leader(ToString(genesis_.validators[status.leader].public_key));
  response->set_validator(ToString(validator_key_));
  response->set_validator_index(static_cast<uint32_t>(genesis_.ValidatorIndex(validator_key_)));
  response->set_validator_count(static_cast<uint32_t>(genesis_.validators.size()));
  response->set_peers_connected(status.peers_connected);
  response->set_mempool_size(status.mempool_size);
  response->set_transfers_committed(status.transfers_committed);
  return FinishNow(context, grpc::Status::OK);
}

grpc::ServerUnaryReactor* LedgerService::GetGenesis(grpc::CallbackServerContext* context,
                                                    const v1::GetGenesisRequest* /*request*/,
                                                    v1::GetGenesisResponse* response) {
  response->set_genesis_json(genesis_json_);
  return FinishNow(context, grpc::Status::OK);
}

namespace {

// Finishes a read with `answer`'s value moved into `response`, or its refusal.
template <typename Response>
grpc::ServerUnaryReactor* FinishRead(grpc::CallbackServerContext* context,
                                     absl::StatusOr<Response> answer, Response* response) {
  if (!answer.ok()) return FinishNow(context, ToGrpc(answer.status()));
  *response = *std::move(answer);
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace

grpc::ServerUnaryReactor* LedgerService::Quote(grpc::CallbackServerContext* context,
                                               const v1::QuoteRequest* request,
                                               v1::QuoteResponse* response) {
  return FinishRead(context, ReadQuote(genesis_, store_, *request), response);
}

grpc::ServerUnaryReactor* LedgerService::ListOffers(grpc::CallbackServerContext* context,
                                                    const v1::ListOffersRequest* request,
                                                    v1::ListOffersResponse* response) {
  return FinishRead(context, ReadOffers(genesis_, store_, *request), response);
}

grpc::ServerUnaryReactor* LedgerService::GetClaim(grpc::CallbackServerContext* context,
                                                  const v1::GetClaimRequest* request,
                                                  v1::GetClaimResponse* response) {
  return FinishRead(context, ReadClaim(store_, *request), response);
}

grpc::ServerWriteReactor<v1::WatchEvent>* LedgerService::Watch(
    grpc::CallbackServerContext* /*context*/, const v1::WatchRequest* request) {
  std::optional<AccountId> account;
  absl::Status refusal;
  if (!request->account().empty()) {
    auto parsed = ToArray<kPublicKeyBytes>(request->account(), "account");
    if (parsed.ok()) {
      account = *parsed;
    } else {
      refusal = WithReason("malformed", parsed.status());
    }
  }
  return new WatchStream(watch_hub_, account, refusal);
}

}  // namespace remit
