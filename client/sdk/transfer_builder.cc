#include "client/sdk/transfer_builder.h"

#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"

namespace remit::sdk {
namespace {

absl::Status CheckRequest(const SigningKey& key, const AssetInfo& asset,
                          const TransferRequest& request) {
  if (request.amount_minor == 0) {
    return absl::InvalidArgumentError("amount must be more than zero");
  }
  if (request.amount_minor > asset.transfer_max_minor) {
    return absl::InvalidArgumentError(
        StrCat("amount ", FormatAmount(static_cast<int64_t>(request.amount_minor), asset.decimals),
               " ", asset.code, " is above the per-transfer limit of ",
               FormatAmount(static_cast<int64_t>(asset.transfer_max_minor), asset.decimals), " ",
               asset.code, "; split it into smaller transfers"));
  }
  if (request.memo.size() > kMemoBytesMax) {
    return absl::InvalidArgumentError(
        StrCat("memo is ", request.memo.size(), " bytes; at most ", kMemoBytesMax, " allowed"));
  }
  if (!IsValidUtf8(request.memo)) {
    return absl::InvalidArgumentError("memo is not valid UTF-8");
  }
  if (request.to == key.public_key()) {
    return absl::InvalidArgumentError("recipient is the sender's own account; pick another one");
  }
  if (request.ttl_ms == 0 || request.ttl_ms > kTransferTtlMsMax) {
    return absl::InvalidArgumentError(
        StrCat("transfer TTL ", request.ttl_ms, " ms is outside 1..", kTransferTtlMsMax));
  }
  return absl::OkStatus();
}

std::string AssetCodes(const Genesis& genesis) {
  std::string codes;
  for (const AssetInfo& asset : genesis.assets) {
    codes += StrCat(codes.empty() ? "" : ", ", asset.code);
  }
  return codes.empty() ? "none" : codes;
}

}  // namespace

absl::StatusOr<v1::SignedTransfer> BuildTransfer(const SigningKey& key, const Genesis& genesis,
                                                 const Hash32& genesis_hash,
                                                 const TransferRequest& request,
                                                 uint64_t now_unix_ms) {
  const AssetInfo* asset = genesis.FindAsset(request.asset);
  if (asset == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("unknown asset '", request.asset, "'; this chain has ", AssetCodes(genesis)));
  }
  RETURN_IF_ERROR(CheckRequest(key, *asset, request));
  v1::Transfer transfer;
  transfer.set_chain_id(genesis.chain_id);
  transfer.set_genesis_hash(ToString(genesis_hash));
  transfer.set_from(ToString(key.public_key()));
  transfer.set_to(ToString(request.to));
  transfer.set_asset(asset->code);
  transfer.set_amount_minor(request.amount_minor);
  transfer.set_sequence(request.sequence);
  transfer.set_expiry_unix_ms(now_unix_ms + request.ttl_ms);
  transfer.set_memo(request.memo);
  transfer.set_fee_minor(0);
  v1::SignedTransfer signed_transfer = SignTransfer(transfer, key);
  REMIT_CHECK(signed_transfer.signature().size() == kSignatureBytes);
  REMIT_CHECK(signed_transfer.transfer().expiry_unix_ms() > now_unix_ms);
  return signed_transfer;
}

}  // namespace remit::sdk
