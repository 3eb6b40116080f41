#include "ledger/operation.h"

#include <algorithm>

#include "ledger/check.h"
#include "ledger/encoding.h"
#include "ledger/transfer.h"

namespace remit {
namespace {

constexpr std::string_view kStrictSendDomain = "remit-strict-send-v1";
constexpr std::string_view kStrictReceiveDomain = "remit-strict-receive-v1";
constexpr std::string_view kOfferCreateDomain = "remit-offer-create-v1";
constexpr std::string_view kOfferCancelDomain = "remit-offer-cancel-v1";
constexpr std::string_view kBasketMintDomain = "remit-basket-mint-v1";
constexpr std::string_view kBasketRedeemDomain = "remit-basket-redeem-v1";
constexpr std::string_view kCreateClaimDomain = "remit-create-claim-v1";
constexpr std::string_view kClaimDomain = "remit-claim-v1";
constexpr std::string_view kReclaimDomain = "remit-reclaim-v1";

OpKind BodyKind(const v1::Operation& operation) {
  switch (operation.body_case()) {
    case v1::Operation::kStrictSend:
      return OpKind::kStrictSend;
    case v1::Operation::kStrictReceive:
      return OpKind::kStrictReceive;
    case v1::Operation::kOfferCreate:
      return OpKind::kOfferCreate;
    case v1::Operation::kOfferCancel:
      return OpKind::kOfferCancel;
    case v1::Operation::kBasketMint:
      return OpKind::kBasketMint;
    case v1::Operation::kBasketRedeem:
      return OpKind::kBasketRedeem;
    case v1::Operation::kCreateClaim:
      return OpKind::kCreateClaim;
    case v1::Operation::kClaim:
      return OpKind::kClaim;
    case v1::Operation::kReclaim:
      return OpKind::kReclaim;
    case v1::Operation::BODY_NOT_SET:
      return OpKind::kNone;
  }
  return OpKind::kNone;
}

bool AssetShape(std::string_view code) { return code.size() <= kAssetCodeBytesMax; }

// The body's fields have the sizes its signing bytes need.
bool BodyShape(const v1::Operation& op) {
  switch (BodyKind(op)) {
    case OpKind::kStrictSend: {
      const v1::StrictSend& body = op.strict_send();
      return body.to().size() == kPublicKeyBytes && AssetShape(body.send_asset()) &&
             AssetShape(body.deliver_asset());
    }
    case OpKind::kStrictReceive: {
      const v1::StrictReceive& body = op.strict_receive();
      return body.to().size() == kPublicKeyBytes && AssetShape(body.send_asset()) &&
             AssetShape(body.deliver_asset());
    }
    case OpKind::kOfferCreate:
      return AssetShape(op.offer_create().sell_asset()) &&
             AssetShape(op.offer_create().buy_asset());
    case OpKind::kOfferCancel:
      return op.offer_cancel().offer_id().size() == kHashBytes;
    case OpKind::kBasketMint:
      return AssetShape(op.basket_mint().basket_asset());
    case OpKind::kBasketRedeem:
      return AssetShape(op.basket_redeem().basket_asset());
    case OpKind::kCreateClaim:
      return AssetShape(op.create_claim().asset()) &&
             op.create_claim().claim_key().size() == kPublicKeyBytes;
    case OpKind::kClaim:
      return op.claim().claim_id().size() == kHashBytes &&
             op.claim().proof().size() == kClaimProofBytes;
    case OpKind::kReclaim:
      return op.reclaim().claim_id().size() == kHashBytes;
    case OpKind::kNone:
    case OpKind::kTransfer:
      return false;
  }
  return false;
}

void PutHeader(std::string_view tag, const v1::Operation& op, std::string& out) {
  out.append(tag);
  PutShortBytes(out, op.chain_id());
  out.append(op.genesis_hash());
  out.append(op.signer());
  PutU64(out, op.sequence());
  PutU64(out, op.expiry_unix_ms());
  PutU16(out, static_cast<uint16_t>(op.memo().size()));
  out.append(op.memo());
}

void PutCrossBody(std::string_view to, std::string_view send_asset, uint64_t send_minor,
                  std::string_view deliver_asset, uint64_t deliver_minor, std::string& out) {
  out.append(to);
  PutShortBytes(out, send_asset);
  PutU64(out, send_minor);
  PutShortBytes(out, deliver_asset);
  PutU64(out, deliver_minor);
}

void PutBody(const v1::Operation& op, std::string& out) {
  switch (BodyKind(op)) {
    case OpKind::kStrictSend: {
      const v1::StrictSend& b = op.strict_send();
      PutCrossBody(b.to(), b.send_asset(), b.send_amount_minor(), b.deliver_asset(),
                   b.deliver_min_minor(), out);
      return;
    }
    case OpKind::kStrictReceive: {
      const v1::StrictReceive& b = op.strict_receive();
      PutCrossBody(b.to(), b.send_asset(), b.send_max_minor(), b.deliver_asset(),
                   b.deliver_amount_minor(), out);
      return;
    }
    case OpKind::kOfferCreate: {
      const v1::OfferCreate& b = op.offer_create();
      PutShortBytes(out, b.sell_asset());
      PutShortBytes(out, b.buy_asset());
      PutU64(out, b.amount_minor());
      PutU64(out, b.price_n());
      PutU64(out, b.price_d());
      PutU64(out, b.offer_expiry_unix_ms());
      return;
    }
    case OpKind::kOfferCancel:
      out.append(op.offer_cancel().offer_id());
      return;
    case OpKind::kBasketMint:
      PutShortBytes(out, op.basket_mint().basket_asset());
      PutU64(out, op.basket_mint().amount_minor());
      return;
    case OpKind::kBasketRedeem:
      PutShortBytes(out, op.basket_redeem().basket_asset());
      PutU64(out, op.basket_redeem().amount_minor());
      return;
    case OpKind::kCreateClaim: {
      const v1::CreateClaim& b = op.create_claim();
      PutShortBytes(out, b.asset());
      PutU64(out, b.amount_minor());
      out.append(b.claim_key());
      PutU64(out, b.claim_expiry_unix_ms());
      return;
    }
    case OpKind::kClaim:
      out.append(op.claim().claim_id());
      out.append(op.claim().proof());
      return;
    case OpKind::kReclaim:
      out.append(op.reclaim().claim_id());
      return;
    case OpKind::kNone:
    case OpKind::kTransfer:
      REMIT_CHECK(false);
  }
}

std::string_view DomainOf(OpKind kind) {
  switch (kind) {
    case OpKind::kStrictSend:
      return kStrictSendDomain;
    case OpKind::kStrictReceive:
      return kStrictReceiveDomain;
    case OpKind::kOfferCreate:
      return kOfferCreateDomain;
    case OpKind::kOfferCancel:
      return kOfferCancelDomain;
    case OpKind::kBasketMint:
      return kBasketMintDomain;
    case OpKind::kBasketRedeem:
      return kBasketRedeemDomain;
    case OpKind::kCreateClaim:
      return kCreateClaimDomain;
    case OpKind::kClaim:
      return kClaimDomain;
    case OpKind::kReclaim:
      return kReclaimDomain;
    case OpKind::kNone:
    case OpKind::kTransfer:
      break;
  }
  REMIT_CHECK(false);
  return {};
}

bool TransferShape(const v1::Transfer& transfer) {
  return transfer.chain_id().size() <= kChainIdBytesMax &&
         transfer.genesis_hash().size() == kHashBytes &&
         transfer.from().size() == kPublicKeyBytes && transfer.to().size() == kPublicKeyBytes &&
         transfer.asset().size() <= kAssetCodeBytesMax && transfer.memo().size() <= kMemoBytesMax;
}

bool OperationShape(const v1::Operation& op) {
  return op.chain_id().size() <= kChainIdBytesMax && op.genesis_hash().size() == kHashBytes &&
         op.signer().size() == kPublicKeyBytes && op.memo().size() <= kMemoBytesMax &&
         BodyShape(op);
}

AccountId Account(std::string_view bytes) {
  const absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  REMIT_CHECK(account.ok());
  return *account;
}

}  // namespace

OpKind KindOf(const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_transfer()) return OpKind::kTransfer;
  if (signed_transfer.has_operation()) return BodyKind(signed_transfer.operation());
  return OpKind::kNone;
}

std::string_view KindName(OpKind kind) {
  switch (kind) {
    case OpKind::kNone:
      return "none";
    case OpKind::kTransfer:
      return "transfer";
    case OpKind::kStrictSend:
      return "strict_send";
    case OpKind::kStrictReceive:
      return "strict_receive";
    case OpKind::kOfferCreate:
      return "offer_create";
    case OpKind::kOfferCancel:
      return "offer_cancel";
    case OpKind::kBasketMint:
      return "basket_mint";
    case OpKind::kBasketRedeem:
      return "basket_redeem";
    case OpKind::kCreateClaim:
      return "create_claim";
    case OpKind::kClaim:
      return "claim";
    case OpKind::kReclaim:
      return "reclaim";
  }
  return "none";
}

OpHeader HeaderOf(const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_operation()) {
    const v1::Operation& op = signed_transfer.operation();
    return {op.chain_id(), op.genesis_hash(),   op.signer(),
            op.sequence(), op.expiry_unix_ms(), op.memo()};
  }
  const v1::Transfer& transfer = signed_transfer.transfer();
  return {transfer.chain_id(), transfer.genesis_hash(),   transfer.from(),
          transfer.sequence(), transfer.expiry_unix_ms(), transfer.memo()};
}

bool HasSigningShape(const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.signature().size() != kSignatureBytes) return false;
  switch (KindOf(signed_transfer)) {
    case OpKind::kNone:
      return false;
    case OpKind::kTransfer:
      return TransferShape(signed_transfer.transfer());
    default:
      return OperationShape(signed_transfer.operation());
  }
}

std::string OperationSigningBytes(const v1::Operation& operation) {
  REMIT_CHECK(OperationShape(operation));
  std::string out;
  out.reserve(256 + operation.memo().size());
  PutHeader(DomainOf(BodyKind(operation)), operation, out);
  PutBody(operation, out);
  return out;
}

std::string SigningBytesOf(const v1::SignedTransfer& signed_transfer) {
  if (signed_transfer.has_transfer()) return SigningBytes(signed_transfer.transfer());
  REMIT_CHECK(signed_transfer.has_operation());
  return OperationSigningBytes(signed_transfer.operation());
}

TransferId OperationId(const v1::SignedTransfer& signed_transfer) {
  return Blake2b256(SigningBytesOf(signed_transfer));
}

v1::SignedTransfer SignOperation(const v1::Operation& operation, const SigningKey& key) {
  REMIT_CHECK(operation.signer() == AsBytes(key.public_key()));
  v1::SignedTransfer signed_transfer;
  *signed_transfer.mutable_operation() = operation;
  signed_transfer.set_signature(ToString(key.Sign(OperationSigningBytes(operation))));
  return signed_transfer;
}

std::vector<AccountId> TouchedAccounts(const v1::TransferRecord& record) {
  const v1::SignedTransfer& signed_transfer = record.signed_transfer();
  const v1::Receipt& receipt = record.receipt();
  std::vector<AccountId> accounts;
  accounts.push_back(Account(HeaderOf(signed_transfer).signer));
  switch (KindOf(signed_transfer)) {
    case OpKind::kTransfer:
      accounts.push_back(Account(signed_transfer.transfer().to()));
      break;
    case OpKind::kStrictSend:
      accounts.push_back(Account(signed_transfer.operation().strict_send().to()));
      break;
    case OpKind::kStrictReceive:
      accounts.push_back(Account(signed_transfer.operation().strict_receive().to()));
      break;
    default:
      break;
  }
  for (const v1::Fill& fill : receipt.fills()) accounts.push_back(Account(fill.owner()));
  if (!receipt.counterparty().empty()) accounts.push_back(Account(receipt.counterparty()));
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  return accounts;
}

}  // namespace remit
