// Test helpers: reading the JSON vectors of tests/ledger/vectors (hex byte
// strings, 64-bit integers as decimal strings or numbers) into headers and
// operations. The including test defines REMIT_VECTORS_DIR.
#pragma once

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ledger/check.h"
#include "ledger/transfer.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit::testing {

using nlohmann::json;

inline std::string Unhex(const json& value) {
  const absl::StatusOr<std::string> bytes = FromHex(value.get<std::string>());
  return bytes.value_or("<not hex>");
}

inline uint64_t U64(const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  const std::string text = value.get<std::string>();
  uint64_t out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

// The parsed file `name` of tests/ledger/vectors.
inline json LoadVectorFile(const std::string& name) {
  std::ifstream in(std::string(REMIT_VECTORS_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

inline v1::BlockHeader HeaderFromJson(const json& fields) {
  v1::BlockHeader header;
  header.set_chain_id(fields.at("chain_id").get<std::string>());
  header.set_height(U64(fields.at("height")));
  header.set_round(U64(fields.at("round")));
  header.set_parent_hash(Unhex(fields.at("parent_hash")));
  header.set_timestamp_unix_ms(U64(fields.at("timestamp_unix_ms")));
  header.set_parent_state_hash(Unhex(fields.at("parent_state_hash")));
  header.set_payload_hash(Unhex(fields.at("payload_hash")));
  header.set_proposer(Unhex(fields.at("proposer")));
  if (fields.contains("parent_signers"))
    header.set_parent_signers(Unhex(fields.at("parent_signers")));
  return header;
}

// Rebuilds a transfer from its signing bytes, following the grammar.
inline v1::Transfer TransferFromSigningBytes(std::string_view bytes) {
  v1::Transfer transfer;
  bytes.remove_prefix(kTransferDomain.size());
  auto take = [&bytes](size_t n) {
    const std::string out(bytes.substr(0, n));
    bytes.remove_prefix(n);
    return out;
  };
  auto take_u64 = [&take] {
    uint64_t value = 0;
    for (char c : take(8)) value = (value << 8) | static_cast<uint8_t>(c);
    return value;
  };
  transfer.set_chain_id(take(static_cast<uint8_t>(take(1)[0])));
  transfer.set_genesis_hash(take(32));
  transfer.set_from(take(32));
  transfer.set_to(take(32));
  transfer.set_asset(take(static_cast<uint8_t>(take(1)[0])));
  transfer.set_amount_minor(take_u64());
  transfer.set_sequence(take_u64());
  transfer.set_expiry_unix_ms(take_u64());
  const std::string memo_length = take(2);
  transfer.set_memo(take(static_cast<size_t>(static_cast<uint8_t>(memo_length[0])) * 256 +
                         static_cast<uint8_t>(memo_length[1])));
  transfer.set_fee_minor(take_u64());
  REMIT_CHECK(bytes.empty());
  return transfer;
}

// Rebuilds an Operation from a vector's fields, by kind.
inline v1::Operation OperationFromJson(const std::string& kind, const json& fields) {
  v1::Operation op;
  op.set_chain_id(fields.at("chain_id").get<std::string>());
  op.set_genesis_hash(Unhex(fields.at("genesis_hash")));
  op.set_signer(Unhex(fields.at("signer")));
  op.set_sequence(U64(fields.at("sequence")));
  op.set_expiry_unix_ms(U64(fields.at("expiry_unix_ms")));
  op.set_memo(fields.at("memo").get<std::string>());
  const json& b = fields.at("body");
  auto text = [&b](const char* key) { return b.at(key).get<std::string>(); };
  if (kind == "strict_send") {
    v1::StrictSend& body = *op.mutable_strict_send();
    body.set_to(Unhex(b.at("to")));
    body.set_send_asset(text("send_asset"));
    body.set_send_amount_minor(U64(b.at("send_amount_minor")));
    body.set_deliver_asset(text("deliver_asset"));
    body.set_deliver_min_minor(U64(b.at("deliver_min_minor")));
  } else if (kind == "strict_receive") {
    v1::StrictReceive& body = *op.mutable_strict_receive();
    body.set_to(Unhex(b.at("to")));
    body.set_send_asset(text("send_asset"));
    body.set_send_max_minor(U64(b.at("send_max_minor")));
    body.set_deliver_asset(text("deliver_asset"));
    body.set_deliver_amount_minor(U64(b.at("deliver_amount_minor")));
  } else if (kind == "offer_create") {
    v1::OfferCreate& body = *op.mutable_offer_create();
    body.set_sell_asset(text("sell_asset"));
    body.set_buy_asset(text("buy_asset"));
    body.set_amount_minor(U64(b.at("amount_minor")));
    body.set_price_n(U64(b.at("price_n")));
    body.set_price_d(U64(b.at("price_d")));
    body.set_offer_expiry_unix_ms(U64(b.at("offer_expiry_unix_ms")));
  } else if (kind == "offer_cancel") {
    op.mutable_offer_cancel()->set_offer_id(Unhex(b.at("offer_id")));
  } else if (kind == "basket_mint") {
    op.mutable_basket_mint()->set_basket_asset(text("basket_asset"));
    op.mutable_basket_mint()->set_amount_minor(U64(b.at("amount_minor")));
  } else if (kind == "basket_redeem") {
    op.mutable_basket_redeem()->set_basket_asset(text("basket_asset"));
    op.mutable_basket_redeem()->set_amount_minor(U64(b.at("amount_minor")));
  } else if (kind == "create_claim") {
    v1::CreateClaim& body = *op.mutable_create_claim();
    body.set_asset(text("asset"));
    body.set_amount_minor(U64(b.at("amount_minor")));
    body.set_claim_key(Unhex(b.at("claim_key")));
    body.set_claim_expiry_unix_ms(U64(b.at("claim_expiry_unix_ms")));
  } else if (kind == "claim") {
    op.mutable_claim()->set_claim_id(Unhex(b.at("claim_id")));
    op.mutable_claim()->set_proof(Unhex(b.at("proof")));
  } else if (kind == "reclaim") {
    op.mutable_reclaim()->set_claim_id(Unhex(b.at("claim_id")));
  }
  return op;
}

}  // namespace remit::testing
