#include "ledger/transfer.h"

#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/encoding.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit {

std::string SigningBytes(const v1::Transfer& transfer) {
  REMIT_CHECK(transfer.chain_id().size() <= kChainIdBytesMax);
  REMIT_CHECK(transfer.genesis_hash().size() == kHashBytes);
  REMIT_CHECK(transfer.from().size() == kPublicKeyBytes);
  REMIT_CHECK(transfer.to().size() == kPublicKeyBytes);
  REMIT_CHECK(transfer.asset().size() <= kAssetCodeBytesMax);
  REMIT_CHECK(transfer.memo().size() <= kMemoBytesMax);
  std::string out;
  out.reserve(kTransferDomain.size() + 3 * kHashBytes + 64 + transfer.memo().size());
  out.append(kTransferDomain);
  PutShortBytes(out, transfer.chain_id());
  out.append(transfer.genesis_hash());
  out.append(transfer.from());
  out.append(transfer.to());
  PutShortBytes(out, transfer.asset());
  PutU64(out, transfer.amount_minor());
  PutU64(out, transfer.sequence());
  PutU64(out, transfer.expiry_unix_ms());
  PutU16(out, static_cast<uint16_t>(transfer.memo().size()));
  out.append(transfer.memo());
  PutU64(out, transfer.fee_minor());
  return out;
}

TransferId ComputeTransferId(const v1::Transfer& transfer) {
  return Blake2b256(SigningBytes(transfer));
}

v1::SignedTransfer SignTransfer(const v1::Transfer& transfer, const SigningKey& key) {
  REMIT_CHECK(transfer.from() == AsBytes(key.public_key()));
  v1::SignedTransfer signed_transfer;
  *signed_transfer.mutable_transfer() = transfer;
  signed_transfer.set_signature(ToString(key.Sign(SigningBytes(transfer))));
  return signed_transfer;
}

bool IsValidAssetCode(std::string_view code) {
  if (code.empty() || code.size() > kAssetCodeBytesMax) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<uint8_t>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (lead < 0x80) {
      length = 1;
      code_point = lead;
    } else if ((lead & 0xe0) == 0xc0) {
      length = 2;
      code_point = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
      length = 3;
      code_point = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length] || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return false;  // overlong, out of range, or a surrogate
    }
    i += length;
  }
  return true;
}

namespace {

absl::Status Refuse(std::string_view reason, std::string_view detail) {
  return absl::InvalidArgumentError(StrCat(reason, ": ", detail));
}

}  // namespace

absl::Status CheckChain(std::string_view signed_chain_id, std::string_view signed_genesis_hash,
                        std::string_view chain_id, const Hash32& genesis_hash) {
  if (signed_chain_id != chain_id) {
    return Refuse("wrong_chain",
                  StrCat("transfer is for chain '", signed_chain_id.substr(0, kChainIdBytesMax),
                         "' but this is '", chain_id, "'"));
  }
  if (signed_genesis_hash.size() != kHashBytes) {
    return Refuse("malformed", "genesis_hash must be the chain's 32-byte genesis hash");
  }
  if (signed_genesis_hash != AsBytes(genesis_hash)) {
    return Refuse("wrong_chain",
                  StrCat("transfer is for genesis hash ", ToHex(signed_genesis_hash),
                         " but chain '", chain_id, "' has genesis hash ", ToHex(genesis_hash),
                         " (another chain with the same id); fetch this chain's genesis and sign "
                         "again"));
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckFields(const v1::Transfer& transfer, std::string_view chain_id,
                         const Hash32& genesis_hash) {
  RETURN_IF_ERROR(CheckChain(transfer.chain_id(), transfer.genesis_hash(), chain_id, genesis_hash));
  if (transfer.from().size() != kPublicKeyBytes) {
    return Refuse("malformed", "sender must be a 32-byte public key");
  }
  if (transfer.to().size() != kPublicKeyBytes) {
    return Refuse("malformed", "recipient must be a 32-byte public key");
  }
  if (transfer.from() == transfer.to()) {
    return Refuse("self_transfer", "sender and recipient are the same account");
  }
  if (!IsValidAssetCode(transfer.asset())) {
    return Refuse("malformed", "asset code must be 1 to 12 characters of A-Z and 0-9");
  }
  if (transfer.amount_minor() == 0 || transfer.amount_minor() > kAmountMinorMax) {
    return Refuse("bad_amount", "amount must be more than zero and at most 2^63-1 minor units");
  }
  if (transfer.fee_minor() > kAmountMinorMax) {
    return Refuse("bad_amount", "fee must be at most 2^63-1 minor units");
  }
  if (transfer.memo().size() > kMemoBytesMax) {
    return Refuse("memo_too_long", StrCat("memo is ", transfer.memo().size(), " bytes; at most ",
                                          kMemoBytesMax, " allowed"));
  }
  if (!IsValidUtf8(transfer.memo())) return Refuse("malformed", "memo is not valid UTF-8");
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckTransferFields(const v1::SignedTransfer& signed_transfer,
                                 std::string_view chain_id, const Hash32& genesis_hash) {
  if (signed_transfer.has_transfer()) {
    RETURN_IF_ERROR(CheckFields(signed_transfer.transfer(), chain_id, genesis_hash));
  } else if (signed_transfer.has_operation()) {
    RETURN_IF_ERROR(CheckOperationFields(signed_transfer.operation(), chain_id, genesis_hash));
  } else {
    return Refuse("malformed", "transfer is missing; set a transfer or an operation");
  }
  if (signed_transfer.signature().size() != kSignatureBytes) {
    return Refuse("bad_signature", "signature must be 64 bytes");
  }
  return absl::OkStatus();
}

bool VerifyTransferSignature(const v1::SignedTransfer& signed_transfer) {
  if (!HasSigningShape(signed_transfer)) return false;
  const AccountId signer = *ToArray<kPublicKeyBytes>(HeaderOf(signed_transfer).signer, "signer");
  const Signature signature = *ToArray<kSignatureBytes>(signed_transfer.signature(), "signature");
  return VerifySignature(signer, SigningBytesOf(signed_transfer), signature);
}

absl::StatusOr<TransferId> CheckTransfer(const v1::SignedTransfer& signed_transfer,
                                         std::string_view chain_id, const Hash32& genesis_hash) {
  RETURN_IF_ERROR(CheckTransferFields(signed_transfer, chain_id, genesis_hash));
  const std::string signing_bytes = SigningBytesOf(signed_transfer);
  ASSIGN_OR_RETURN(const AccountId signer,
                   ToArray<kPublicKeyBytes>(HeaderOf(signed_transfer).signer, "signer"));
  ASSIGN_OR_RETURN(const Signature signature,
                   ToArray<kSignatureBytes>(signed_transfer.signature(), "signature"));
  if (!VerifySignature(signer, signing_bytes, signature)) {
    return Refuse("bad_signature", StrCat("signature does not verify for ",
                                          signed_transfer.has_transfer() ? "sender " : "signer ",
                                          EncodeAddress(signer)));
  }
  return Blake2b256(signing_bytes);
}

}  // namespace remit
