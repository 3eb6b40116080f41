// RemitClient: the SDK's connection to a Remit network, over the public
// `remit.v1.Ledger` gRPC API (docs/API.md; client/README.md, "SDK choices").
//
// Fail-over: the client holds a list of validator endpoints. Each call goes to
// the endpoint that last answered; if it answers UNAVAILABLE (down, or no
// quorum), the call moves on to the next endpoint, each endpoint tried at most
// once per call. Every call has a deadline (ClientOptions); Watch has none,
// it runs until cancelled or the stream ends.
//
// Errors: a gRPC status becomes an absl::Status with the same code and
// message, and the node's ErrorInfo reason (docs/API.md), which
// ErrorReason() in client/sdk/grpc_status.h reads. When every endpoint
// answered UNAVAILABLE the status is UNAVAILABLE and its message lists what
// each endpoint said.
//
// Thread safety: every method may be called from any thread at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ledger/genesis.h"
#include "ledger/types.h"
#include "remit/v1/ledger.grpc.pb.h"

namespace grpc {
class ChannelCredentials;
class ClientContext;
}  // namespace grpc

namespace remit::sdk {

inline constexpr uint64_t kCallTimeoutMsDefault = 10'000;
// Settle answers only once the transfer is committed, so it gets longer.
inline constexpr uint64_t kSettleTimeoutMsDefault = 30'000;
inline constexpr uint32_t kSettleAttemptsDefault = 3;
inline constexpr uint32_t kSettleAttemptsMax = 10;
// Cap on gRPC's reconnect backoff, so a restarted validator is found quickly.
inline constexpr uint64_t kReconnectBackoffMsMaxDefault = 1'000;

struct ClientOptions {
  std::vector<std::string> endpoints;  // "host:port", 1..kEndpointsMax
  uint64_t call_timeout_ms = kCallTimeoutMsDefault;
  uint64_t settle_timeout_ms = kSettleTimeoutMsDefault;
  // Settle attempts on UNAVAILABLE / DEADLINE_EXCEEDED, 1..kSettleAttemptsMax.
  uint32_t settle_attempts = kSettleAttemptsDefault;
  uint64_t reconnect_backoff_ms_max = kReconnectBackoffMsMaxDefault;
  // Calls wait, up to their deadline, for an endpoint to accept a connection
  // instead of failing fast with UNAVAILABLE: for probing a node that is
  // starting. A down endpoint then ends in DEADLINE_EXCEEDED, which does not
  // fail over, so use it with one endpoint. (Fail-fast calls do not drive
  // reconnection themselves: gRPC's backup poller notices a restarted node
  // within about 5 s.)
  bool wait_for_ready = false;
  // PEM file of the CA the validators' TLS certificates chain to (a
  // testnet's ca.crt): every endpoint is then dialled over TLS and its
  // certificate checked for the endpoint's host. Empty: plaintext.
  std::string tls_ca_file = "";
};

struct SettleResult {
  v1::Receipt receipt;
  // The node answered ALREADY_EXISTS: the transfer was final before this
  // request arrived (sent before, or by an earlier attempt of this call), and
  // `receipt` is its original receipt (from the status's standard details,
  // or else from GetReceipt). No second payment happened.
  bool duplicate = false;
  uint32_t attempts = 0;  // Settle requests sent, >= 1
  std::string endpoint;   // the node that answered last
};

// Plaintext credentials for an empty `tls_ca_file`, else TLS trusting only
// the CA in that PEM file (ClientOptions::tls_ca_file). NOT_FOUND if it
// cannot be read, INVALID_ARGUMENT if it holds no certificate. For callers
// that make their own channels (the load generator).
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const std::string& tls_ca_file);

// Cancels a running Watch from another thread. One per Watch call.
class WatchCancel {
 public:
  // Makes the Watch return CANCELLED soon; a later Watch with this object
  // returns CANCELLED at once.
  void Cancel();

 private:
  friend class RemitClient;
  // False if already cancelled.
  bool Attach(grpc::ClientContext* context);
  void Detach();

  std::mutex mutex_;
  grpc::ClientContext* context_ = nullptr;
  bool cancelled_ = false;
};

// Called once per event; return false to stop watching.
using WatchCallback = std::function<bool(const v1::WatchEvent& event)>;

class RemitClient {
 public:
  // INVALID_ARGUMENT for a malformed endpoint or option. Does not connect:
  // connections are made by the first call.
  static absl::StatusOr<std::unique_ptr<RemitClient>> Create(const ClientOptions& options);

  // Submits the transfer (a plain transfer or any operation) and waits for
  // its final receipt. The outcome may be
  // a rejection (e.g. INSUFFICIENT_FUNDS): that is still OK here. Safe to
  // retry with the same signed transfer, because its id is idempotent: after
  // DEADLINE_EXCEEDED or UNAVAILABLE the receipt is looked up by id before
  // the same bytes are sent again. Errors: the node's INVALID_ARGUMENT,
  // FAILED_PRECONDITION (bad sequence), RESOURCE_EXHAUSTED, or the last
  // UNAVAILABLE / DEADLINE_EXCEEDED once attempts run out. Precondition
  // (checked): the envelope has a body and its fields are within their size
  // limits (HasSigningShape).
  absl::StatusOr<SettleResult> Settle(const v1::SignedTransfer& signed_transfer);
  // Admits the transfer to a mempool; returns its id without waiting.
  absl::StatusOr<TransferId> Submit(const v1::SignedTransfer& signed_transfer);
  // One result per transfer, in order. Not retried: results are per transfer.
  absl::StatusOr<std::vector<v1::BatchResult>> SettleBatch(
      const std::vector<v1::SignedTransfer>& transfers);

  // NOT_FOUND if the transfer has no final outcome (yet).
  absl::StatusOr<v1::TransferRecord> GetReceipt(const TransferId& id);
  // The record with its proof (GetReceipt with_proof; check it with
  // VerifyReceipt in client/sdk/receipt_proof.h). NOT_FOUND as GetReceipt,
  // or if the node keeps no QC that commits the transfer's block.
  absl::StatusOr<v1::GetReceiptResponse> GetReceiptWithProof(const TransferId& id);
  absl::StatusOr<v1::Account> GetAccount(const AccountId& account);
  // The sequence number the account's next transfer must carry: the highest
  // next_sequence any endpoint reports, asked of all of them at once, so
  // that a validator still catching up (restarted, or partitioned away)
  // does not hand out a sequence that is already used. A node that
  // overstates it can only delay the transfer (it waits for the gap),
  // never make it pay twice. UNAVAILABLE if no endpoint answers.
  absl::StatusOr<uint64_t> NextSequence(const AccountId& account);
  // Newest first; `limit` 0 means the node's default. An empty page token
  // asks for the newest page.
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const AccountId& account, uint32_t limit,
                                                          std::string_view page_token);
  absl::StatusOr<v1::CommittedBlock> GetBlock(uint64_t height);
  absl::StatusOr<v1::GetStatusResponse> GetStatus();
  // The chain's genesis, parsed. INTERNAL if the node's JSON does not parse.
  absl::StatusOr<Genesis> GetGenesis();

  // What a cross-currency transfer signed now would send or deliver, and the
  // offers it would cross, at the node's committed height (docs/API.md,
  // Quote). The node's refusals (UNKNOWN_ASSET, SAME_ASSET, BAD_AMOUNT,
  // NO_LIQUIDITY) come back as its status and reason.
  absl::StatusOr<v1::QuoteResponse> Quote(const v1::QuoteRequest& request);
  // One page of the offers selling `sell_asset` for `buy_asset`, best first.
  // `limit` 0 means the node's default; an empty token asks for the best page.
  absl::StatusOr<v1::ListOffersResponse> ListOffers(std::string_view sell_asset,
                                                    std::string_view buy_asset, uint32_t limit,
                                                    std::string_view page_token);
  // The claim, open or ended, and the node's committed block time.
  // NOT_FOUND if no claim has the id (yet) at the node that answered.
  absl::StatusOr<v1::GetClaimResponse> GetClaim(const Hash32& claim_id);

  // Calls `on_event` for every transfer that becomes final, for one account
  // (as sender or recipient) or for all, until the callback returns false
  // (OK), `cancel` is cancelled (CANCELLED), or the stream ends (its status).
  // Fails over only before the first event: events in between two streams
  // would be lost, so a broken stream is the caller's to restart.
  absl::Status Watch(const std::optional<AccountId>& account, const WatchCallback& on_event,
                     WatchCancel* cancel = nullptr);

  // The endpoint the next call goes to first.
  std::string preferred_endpoint() const;

 private:
  using Call = std::function<grpc::Status(v1::Ledger::Stub& stub, grpc::ClientContext* context)>;

  RemitClient(const ClientOptions& options,
              const std::shared_ptr<grpc::ChannelCredentials>& credentials);
  // Runs `call` with a fresh context and deadline against each endpoint in
  // turn until one answers something other than UNAVAILABLE. Sets *endpoint
  // (if given) to the endpoint that answered last.
  absl::Status CallWithFailover(uint64_t timeout_ms, const Call& call,
                                std::string* endpoint = nullptr);
  // The receipt if the transfer is known to be final; nullopt if not (yet),
  // or if no node could tell.
  std::optional<v1::Receipt> FindFinalReceipt(const TransferId& id);

  const ClientOptions options_;
  std::vector<std::unique_ptr<v1::Ledger::Stub>> stubs_;
  std::atomic<size_t> preferred_index_{0};
};

}  // namespace remit::sdk
