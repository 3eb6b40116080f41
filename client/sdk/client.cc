#include "client/sdk/client.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "client/sdk/endpoint.h"
#include "client/sdk/grpc_status.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::sdk {
namespace {

constexpr uint64_t kCallTimeoutMsMax = 24 * 60 * 60 * 1000;
constexpr uint64_t kReconnectBackoffMsMin = 100;
// Pause between Settle attempts, times the attempt number.
constexpr uint64_t kSettleRetryBackoffMs = 100;

std::chrono::system_clock::time_point DeadlineAfter(uint64_t timeout_ms) {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms);
}

absl::Status CheckOptions(const ClientOptions& options) {
  if (options.endpoints.empty() || options.endpoints.size() > kEndpointsMax) {
    return absl::InvalidArgumentError(
        StrCat("a client needs 1..", kEndpointsMax, " endpoints, got ", options.endpoints.size()));
  }
  for (const std::string& endpoint : options.endpoints) RETURN_IF_ERROR(CheckEndpoint(endpoint));
  for (uint64_t timeout_ms : {options.call_timeout_ms, options.settle_timeout_ms}) {
    if (timeout_ms == 0 || timeout_ms > kCallTimeoutMsMax) {
      return absl::InvalidArgumentError(
          StrCat("timeout ", timeout_ms, " ms is outside 1..", kCallTimeoutMsMax));
    }
  }
  if (options.settle_attempts == 0 || options.settle_attempts > kSettleAttemptsMax) {
    return absl::InvalidArgumentError(StrCat("settle attempts must be 1..", kSettleAttemptsMax));
  }
  if (options.reconnect_backoff_ms_max < kReconnectBackoffMsMin ||
      options.reconnect_backoff_ms_max > kCallTimeoutMsMax) {
    return absl::InvalidArgumentError(StrCat("reconnect backoff must be ", kReconnectBackoffMsMin,
                                             "..", kCallTimeoutMsMax, " ms"));
  }
  return absl::OkStatus();
}

// OperationId's precondition, for a transfer the caller may have built by
// hand: a body, and every field within its size (the signature's is the
// node's to refuse for a plain transfer).
void CheckTransferSizes(const v1::SignedTransfer& signed_transfer) {
  REMIT_CHECK(KindOf(signed_transfer) != OpKind::kNone);
  if (signed_transfer.has_operation()) {
    REMIT_CHECK(HasSigningShape(signed_transfer));
    return;
  }
  const v1::Transfer& transfer = signed_transfer.transfer();
  REMIT_CHECK(transfer.chain_id().size() <= kChainIdBytesMax);
  REMIT_CHECK(transfer.genesis_hash().size() == kHashBytes);
  REMIT_CHECK(transfer.from().size() == kPublicKeyBytes);
  REMIT_CHECK(transfer.to().size() == kPublicKeyBytes);
  REMIT_CHECK(transfer.asset().size() <= kAssetCodeBytesMax);
  REMIT_CHECK(transfer.memo().size() <= kMemoBytesMax);
}

// The original receipt in an ALREADY_EXISTS status's standard details
// (google.rpc.Status), if they hold one for transfer `id`.
std::optional<v1::Receipt> ReceiptFromDetails(const grpc::Status& status, const TransferId& id) {
  std::optional<v1::Receipt> receipt = DecodeErrorDetails(status).original_receipt;
  if (!receipt.has_value() || receipt->transfer_id() != AsBytes(id)) return std::nullopt;
  return receipt;
}

bool IsRetryable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace

void WatchCancel::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool WatchCancel::Attach(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mutex_);
  REMIT_CHECK(context_ == nullptr);
  if (cancelled_) return false;
  context_ = context;
  return true;
}

void WatchCancel::Detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  context_ = nullptr;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const std::string& tls_ca_file) {
  if (tls_ca_file.empty()) return grpc::InsecureChannelCredentials();
  std::ifstream in(tls_ca_file);
  if (!in) {
    return absl::NotFoundError(StrCat("cannot read the TLS CA file ", tls_ca_file));
  }
  std::stringstream pem;
  pem << in.rdbuf();
  if (pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat(tls_ca_file, " holds no PEM certificate; give the CA's .crt file"));
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  return grpc::SslCredentials(ssl);
}

absl::StatusOr<std::unique_ptr<RemitClient>> RemitClient::Create(const ClientOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   ChannelCredentialsFor(options.tls_ca_file));
  return std::unique_ptr<RemitClient>(new RemitClient(options, credentials));
}

RemitClient::RemitClient(const ClientOptions& options,
                         const std::shared_ptr<grpc::ChannelCredentials>& credentials)
    : options_(options) {
  for (const std::string& endpoint : options_.endpoints) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(kReconnectBackoffMsMin));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                static_cast<int>(options_.reconnect_backoff_ms_max));
    stubs_.push_back(v1::Ledger::NewStub(grpc::CreateCustomChannel(endpoint, credentials, args)));
  }
  REMIT_CHECK(stubs_.size() == options_.endpoints.size());
}

std::string RemitClient::preferred_endpoint() const {
  return options_.endpoints[preferred_index_.load(std::memory_order_relaxed)];
}

absl::Status RemitClient::CallWithFailover(uint64_t timeout_ms, const Call& call,
                                           std::string* endpoint) {
  const size_t count = stubs_.size();
  const size_t first = preferred_index_.load(std::memory_order_relaxed);
  std::string unavailable;
  for (size_t offset = 0; offset < count; ++offset) {
    const size_t index = (first + offset) % count;
    grpc::ClientContext context;
    context.set_deadline(DeadlineAfter(timeout_ms));
    context.set_wait_for_ready(options_.wait_for_ready);
    const grpc::Status status = call(*stubs_[index], &context);
    if (endpoint != nullptr) *endpoint = options_.endpoints[index];
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      preferred_index_.store(index, std::memory_order_relaxed);
      return FromGrpcStatus(status);
    }
    unavailable += StrCat(unavailable.empty() ? "" : "; ", options_.endpoints[index], ": ",
                          status.error_message());
  }
  return absl::UnavailableError(StrCat("no node answered (", unavailable, ")"));
}

std::optional<v1::Receipt> RemitClient::FindFinalReceipt(const TransferId& id) {
  absl::StatusOr<v1::TransferRecord> record = GetReceipt(id);
  // Any failure here means "not known to be final": sending the same bytes
  // again is safe, because a transfer id settles at most once.
  if (!record.ok()) return std::nullopt;
  return record->receipt();
}

absl::StatusOr<SettleResult> RemitClient::Settle(const v1::SignedTransfer& signed_transfer) {
  CheckTransferSizes(signed_transfer);
  const TransferId id = OperationId(signed_transfer);
  v1::SettleRequest request;
  *request.mutable_transfer() = signed_transfer;
  SettleResult result;
  absl::Status status;
  for (uint32_t attempt = 1; attempt <= options_.settle_attempts; ++attempt) {
    v1::SettleResponse response;
    grpc::Status answer;
    result.attempts = attempt;
    status = CallWithFailover(
        options_.settle_timeout_ms,
        [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
          answer = stub.Settle(context, request, &response);
          return answer;
        },
        &result.endpoint);
    if (status.ok()) {
      if (response.receipt().transfer_id() != AsBytes(id)) {
        return absl::InternalError(
            StrCat("node ", result.endpoint, " answered with a receipt for another transfer"));
      }
      result.receipt = response.receipt();
      return result;
    }
    if (status.code() == absl::StatusCode::kAlreadyExists) {
      // gRPC drops the response message of a failed call: the node puts the
      // original receipt in the status's details, else it is fetched by id.
      std::optional<v1::Receipt> receipt = ReceiptFromDetails(answer, id);
      if (!receipt.has_value()) receipt = FindFinalReceipt(id);
      if (!receipt.has_value()) return status;
      result.receipt = *receipt;
      result.duplicate = true;
      return result;
    }
    if (!IsRetryable(status)) return status;
    if (std::optional<v1::Receipt> receipt = FindFinalReceipt(id); receipt.has_value()) {
      result.receipt = *receipt;
      return result;
    }
    if (attempt < options_.settle_attempts) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kSettleRetryBackoffMs * attempt));
    }
  }
  REMIT_CHECK(!status.ok());
  return status;
}

absl::StatusOr<TransferId> RemitClient::Submit(const v1::SignedTransfer& signed_transfer) {
  v1::SubmitRequest request;
  *request.mutable_transfer() = signed_transfer;
  v1::SubmitResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.Submit(context, request, &response);
                                   }));
  return ToArray<kHashBytes>(response.transfer_id(), "transfer id from the node");
}

absl::StatusOr<std::vector<v1::BatchResult>> RemitClient::SettleBatch(
    const std::vector<v1::SignedTransfer>& transfers) {
  v1::SettleBatchRequest request;
  for (const v1::SignedTransfer& signed_transfer : transfers) {
    *request.add_transfers() = signed_transfer;
  }
  v1::SettleBatchResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.settle_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.SettleBatch(context, request, &response);
                                   }));
  if (static_cast<size_t>(response.results_size()) != transfers.size()) {
    return absl::InternalError(StrCat("node answered ", response.results_size(), " results for ",
                                      transfers.size(), " transfers"));
  }
  return std::vector<v1::BatchResult>(response.results().begin(), response.results().end());
}

absl::StatusOr<v1::TransferRecord> RemitClient::GetReceipt(const TransferId& id) {
  v1::GetReceiptRequest request;
  request.set_transfer_id(ToString(id));
  v1::GetReceiptResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.GetReceipt(context, request, &response);
                                   }));
  return response.record();
}

absl::StatusOr<v1::GetReceiptResponse> RemitClient::GetReceiptWithProof(const TransferId& id) {
  v1::GetReceiptRequest request;
  request.set_transfer_id(ToString(id));
  request.set_with_proof(true);
  v1::GetReceiptResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.GetReceipt(context, request, &response);
                                   }));
  return response;
}

absl::StatusOr<v1::Account> RemitClient::GetAccount(const AccountId& account) {
  v1::GetAccountRequest request;
  request.set_account(ToString(account));
  v1::GetAccountResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.GetAccount(context, request, &response);
                                   }));
  return response.account();
}

absl::StatusOr<uint64_t> RemitClient::NextSequence(const AccountId& account) {
  v1::GetAccountRequest request;
  request.set_account(ToString(account));
  const size_t count = stubs_.size();
  std::vector<grpc::Status> statuses(count);
  std::vector<v1::GetAccountResponse> responses(count);
  std::vector<std::thread> askers;
  askers.reserve(count);
  for (size_t index = 0; index < count; ++index) {
    askers.emplace_back([&, index] {
      grpc::ClientContext context;
      context.set_deadline(DeadlineAfter(options_.call_timeout_ms));
      statuses[index] = stubs_[index]->GetAccount(&context, request, &responses[index]);
    });
  }
  for (std::thread& asker : askers) asker.join();
  std::optional<uint64_t> highest;
  std::string failures;
  for (size_t index = 0; index < count; ++index) {
    if (statuses[index].ok()) {
      highest = std::max(highest.value_or(0), responses[index].account().next_sequence());
      continue;
    }
    // A refusal of the request itself (a malformed account) is the same
    // from every node: report it as it is.
    if (statuses[index].error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      return FromGrpcStatus(statuses[index]);
    }
    failures += StrCat(failures.empty() ? "" : "; ", options_.endpoints[index], ": ",
                       statuses[index].error_message());
  }
  if (!highest) return absl::UnavailableError(StrCat("no node answered (", failures, ")"));
  return *highest;
}

absl::StatusOr<v1::ListTransfersResponse> RemitClient::ListTransfers(const AccountId& account,
                                                                     uint32_t limit,
                                                                     std::string_view page_token) {
  v1::ListTransfersRequest request;
  request.set_account(ToString(account));
  request.set_limit(limit);
  request.set_page_token(std::string(page_token));
  v1::ListTransfersResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.ListTransfers(context, request, &response);
                                   }));
  return response;
}

absl::StatusOr<v1::CommittedBlock> RemitClient::GetBlock(uint64_t height) {
  v1::GetBlockRequest request;
  request.set_height(height);
  v1::GetBlockResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.GetBlock(context, request, &response);
                                   }));
  return response.block();
}

absl::StatusOr<v1::GetStatusResponse> RemitClient::GetStatus() {
  v1::GetStatusResponse response;
  RETURN_IF_ERROR(CallWithFailover(
      options_.call_timeout_ms, [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
        return stub.GetStatus(context, v1::GetStatusRequest(), &response);
      }));
  return response;
}

absl::StatusOr<Genesis> RemitClient::GetGenesis() {
  v1::GetGenesisResponse response;
  std::string endpoint;
  RETURN_IF_ERROR(CallWithFailover(
      options_.call_timeout_ms,
      [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
        return stub.GetGenesis(context, v1::GetGenesisRequest(), &response);
      },
      &endpoint));
  absl::StatusOr<Genesis> genesis = ParseGenesis(response.genesis_json());
  if (!genesis.ok()) {
    return absl::InternalError(StrCat(
        "node ", endpoint, " sent a genesis that does not parse: ", genesis.status().message()));
  }
  return genesis;
}

absl::Status RemitClient::Watch(const std::optional<AccountId>& account,
                                const WatchCallback& on_event, WatchCancel* cancel) {
  v1::WatchRequest request;
  if (account.has_value()) request.set_account(ToString(*account));
  const size_t count = stubs_.size();
  const size_t first = preferred_index_.load(std::memory_order_relaxed);
  std::string unavailable;
  for (size_t offset = 0; offset < count; ++offset) {
    const size_t index = (first + offset) % count;
    grpc::ClientContext context;
    if (cancel != nullptr && !cancel->Attach(&context)) {
      return absl::CancelledError("watch cancelled");
    }
    std::unique_ptr<grpc::ClientReader<v1::WatchEvent>> reader =
        stubs_[index]->Watch(&context, request);
    uint64_t events = 0;
    bool stopped = false;
    v1::WatchEvent event;
    while (!stopped && reader->Read(&event)) {
      ++events;
      stopped = !on_event(event);
    }
    if (stopped) context.TryCancel();
    const grpc::Status status = reader->Finish();
    if (cancel != nullptr) cancel->Detach();
    if (stopped) return absl::OkStatus();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || events > 0) {
      if (events > 0) preferred_index_.store(index, std::memory_order_relaxed);
      if (status.error_code() == grpc::StatusCode::CANCELLED) {
        return absl::CancelledError("watch cancelled");
      }
      return FromGrpcStatus(status);
    }
    unavailable += StrCat(unavailable.empty() ? "" : "; ", options_.endpoints[index], ": ",
                          status.error_message());
  }
  return absl::UnavailableError(StrCat("no node answered (", unavailable, ")"));
}

absl::StatusOr<v1::QuoteResponse> RemitClient::Quote(const v1::QuoteRequest& request) {
  v1::QuoteResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.Quote(context, request, &response);
                                   }));
  return response;
}

absl::StatusOr<v1::ListOffersResponse> RemitClient::ListOffers(std::string_view sell_asset,
                                                               std::string_view buy_asset,
                                                               uint32_t limit,
                                                               std::string_view page_token) {
  v1::ListOffersRequest request;
  request.set_sell_asset(std::string(sell_asset));
  request.set_buy_asset(std::string(buy_asset));
  request.set_limit(limit);
  request.set_page_token(std::string(page_token));
  v1::ListOffersResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.ListOffers(context, request, &response);
                                   }));
  return response;
}

absl::StatusOr<v1::GetClaimResponse> RemitClient::GetClaim(const Hash32& claim_id) {
  v1::GetClaimRequest request;
  request.set_claim_id(ToString(claim_id));
  v1::GetClaimResponse response;
  RETURN_IF_ERROR(CallWithFailover(options_.call_timeout_ms,
                                   [&](v1::Ledger::Stub& stub, grpc::ClientContext* context) {
                                     return stub.GetClaim(context, request, &response);
                                   }));
  return response;
}

}  // namespace remit::sdk
