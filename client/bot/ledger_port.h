// LedgerPort: the few ledger calls the bot engine makes, so that the engine
// does no I/O of its own and its tests run against an in-memory ledger.
// SdkLedgerPort forwards to the SDK's RemitClient (client/sdk/client.h), whose
// contract (errors, retries, ALREADY_EXISTS as `duplicate`) these follow.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/sdk/client.h"
#include "ledger/genesis.h"

namespace remit::bot {

// A quote (docs/FX.md, "Quotes"): what a cross-currency transfer signed now
// would send and deliver, at the last committed height.
struct FxQuoteRequest {
  std::string send_asset;
  std::string deliver_asset;
  bool strict_receive = false;  // amount_minor is what arrives; else what leaves
  uint64_t amount_minor = 0;
};
struct FxQuote {
  v1::Outcome outcome = v1::NO_LIQUIDITY;  // SETTLED: the amounts below fill it
  uint64_t sent_minor = 0;
  uint64_t delivered_minor = 0;
  uint32_t fills = 0;  // offers it would cross
};

class LedgerPort {
 public:
  virtual ~LedgerPort() = default;
  virtual absl::StatusOr<Genesis> GetGenesis() = 0;
  // Safe to call again with the same bytes: a transfer already final comes
  // back with duplicate = true and its original receipt.
  virtual absl::StatusOr<sdk::SettleResult> Settle(const v1::SignedTransfer& transfer) = 0;
  virtual absl::StatusOr<v1::Account> GetAccount(const AccountId& account) = 0;
  // The sequence the account's next transfer must carry: the highest any
  // node reports (RemitClient::NextSequence).
  virtual absl::StatusOr<uint64_t> NextSequence(const AccountId& account) = 0;
  virtual absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const AccountId& account,
                                                                  uint32_t limit) = 0;
  // INVALID_ARGUMENT for an unknown asset, two equal ones or a bad amount.
  virtual absl::StatusOr<FxQuote> Quote(const FxQuoteRequest& request) = 0;
  // NOT_FOUND for a claim never made.
  virtual absl::StatusOr<v1::ClaimEntry> GetClaim(const std::string& claim_id) = 0;
};

class SdkLedgerPort final : public LedgerPort {
 public:
  explicit SdkLedgerPort(sdk::RemitClient* client) : client_(client) {}
  absl::StatusOr<Genesis> GetGenesis() override { return client_->GetGenesis(); }
  absl::StatusOr<sdk::SettleResult> Settle(const v1::SignedTransfer& transfer) override {
    return client_->Settle(transfer);
  }
  absl::StatusOr<v1::Account> GetAccount(const AccountId& account) override {
    return client_->GetAccount(account);
  }
  absl::StatusOr<uint64_t> NextSequence(const AccountId& account) override {
    return client_->NextSequence(account);
  }
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const AccountId& account,
                                                          uint32_t limit) override {
    return client_->ListTransfers(account, limit, "");
  }
  // The node refuses a quote no offers can fill (FAILED_PRECONDITION
  // "no_liquidity:", docs/API.md): that is an answer here, not an error.
  absl::StatusOr<FxQuote> Quote(const FxQuoteRequest& request) override {
    v1::QuoteRequest asked;
    asked.set_send_asset(request.send_asset);
    asked.set_deliver_asset(request.deliver_asset);
    if (request.strict_receive) {
      asked.set_deliver_amount_minor(request.amount_minor);
    } else {
      asked.set_send_amount_minor(request.amount_minor);
    }
    absl::StatusOr<v1::QuoteResponse> answer = client_->Quote(asked);
    if (absl::IsFailedPrecondition(answer.status()) &&
        answer.status().message().substr(0, 13) == "no_liquidity:") {
      return FxQuote{
          .outcome = v1::NO_LIQUIDITY, .sent_minor = 0, .delivered_minor = 0, .fills = 0};
    }
    if (!answer.ok()) return answer.status();
    return FxQuote{.outcome = v1::SETTLED,
                   .sent_minor = answer->send_amount_minor(),
                   .delivered_minor = answer->deliver_amount_minor(),
                   .fills = static_cast<uint32_t>(answer->fills_size())};
  }
  absl::StatusOr<v1::ClaimEntry> GetClaim(const std::string& claim_id) override {
    absl::StatusOr<Hash32> id = ToArray<kHashBytes>(claim_id, "claim id");
    if (!id.ok()) return id.status();
    absl::StatusOr<v1::GetClaimResponse> answer = client_->GetClaim(*id);
    if (!answer.ok()) return answer.status();
    return answer->claim();
  }

 private:
  sdk::RemitClient* client_;  // not owned
};

}  // namespace remit::bot
