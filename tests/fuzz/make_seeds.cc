// Writes the seed corpora of every fuzz target into DIR/<target>/ (usually
// tests/fuzz/corpus): a handful of valid inputs and edge cases each. The
// protobuf seeds are built from the same fixed chain and warm cluster the
// fuzzers use, so their signatures verify; rerun this after changing either,
// and commit the result.
//   usage: fuzz_make_seeds DIR
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/encoding.h"
#include "ledger/genesis.h"
#include "ledger/transfer.h"
#include "remit/v1/ledger.pb.h"
#include "tests/fuzz/consensus_cluster.h"

namespace remit::fuzz {
namespace {

std::filesystem::path out_dir;
int written = 0;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const std::filesystem::path dir = out_dir / target;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
  ++written;
}

std::string Byte(uint8_t value) { return std::string(1, static_cast<char>(value)); }

// Operation placeholders (transfer_fuzzer.cc): a 1-byte signer, no genesis
// hash, a 1-byte signature; `body` fills in the kind.
std::string OperationPlaceholder(uint8_t signer, uint64_t sequence,
                                 const std::function<void(v1::Operation&)>& body) {
  v1::SignedTransfer signed_op;
  v1::Operation& op = *signed_op.mutable_operation();
  op.set_chain_id(FuzzChain::Get().genesis.chain_id);
  op.set_signer(Byte(signer));
  op.set_sequence(sequence);
  op.set_expiry_unix_ms(UINT64_MAX);
  body(op);
  signed_op.set_signature("s");
  return signed_op.SerializeAsString();
}

void OperationSeeds() {
  const std::string someone(kPublicKeyBytes, '\x07');
  Write("transfer", "op_offer_create", OperationPlaceholder(0, 0, [](v1::Operation& op) {
          v1::OfferCreate& offer = *op.mutable_offer_create();
          offer.set_sell_asset("USD");
          offer.set_buy_asset("JPY");
          offer.set_amount_minor(500);
          offer.set_price_n(150);
          offer.set_price_d(100);
        }));
  Write("transfer", "op_offer_cancel", OperationPlaceholder(0, 0, [&](v1::Operation& op) {
          op.mutable_offer_cancel()->set_offer_id(someone);
        }));
  Write("transfer", "op_strict_send", OperationPlaceholder(1, 0, [&](v1::Operation& op) {
          v1::StrictSend& send = *op.mutable_strict_send();
          send.set_to(someone);
          send.set_send_asset("USD");
          send.set_send_amount_minor(100);
          send.set_deliver_asset("JPY");
          send.set_deliver_min_minor(1);
        }));
  Write("transfer", "op_strict_receive", OperationPlaceholder(1, 0, [&](v1::Operation& op) {
          v1::StrictReceive& receive = *op.mutable_strict_receive();
          receive.set_to(someone);
          receive.set_send_asset("JPY");
          receive.set_send_max_minor(100);
          receive.set_deliver_asset("USD");
          receive.set_deliver_amount_minor(1);
        }));
  Write("transfer", "op_create_claim", OperationPlaceholder(2, 0, [&](v1::Operation& op) {
          v1::CreateClaim& claim = *op.mutable_create_claim();
          claim.set_asset("USD");
          claim.set_amount_minor(250);
          claim.set_claim_key(someone);
          claim.set_claim_expiry_unix_ms(UINT64_MAX);
        }));
  Write("transfer", "op_claim_unknown", OperationPlaceholder(3, 0, [&](v1::Operation& op) {
          op.mutable_claim()->set_claim_id(someone);
          op.mutable_claim()->set_proof(std::string(kSignatureBytes, '\x01'));
        }));
  Write("transfer", "op_reclaim_unknown", OperationPlaceholder(3, 0, [&](v1::Operation& op) {
          op.mutable_reclaim()->set_claim_id(someone);
        }));
  Write("transfer", "op_basket_mint", OperationPlaceholder(0, 0, [](v1::Operation& op) {
          op.mutable_basket_mint()->set_basket_asset("USD");
          op.mutable_basket_mint()->set_amount_minor(1);
        }));
  Write("transfer", "op_no_body", OperationPlaceholder(0, 0, [](v1::Operation&) {}));
}

void TransferSeeds() {
  const FuzzChain& chain = FuzzChain::Get();
  const SigningKey& alice = chain.users[0];
  const AccountId bob = chain.users[1].public_key();
  Write("transfer", "valid_usd", chain.Transfer(alice, bob, 150, 0).SerializeAsString());
  Write("transfer", "valid_jpy_memo",
        chain.Transfer(alice, bob, 7, 0, "JPY", "lunch \xe2\x98\x95").SerializeAsString());
  v1::SignedTransfer with_unknown = chain.Transfer(alice, bob, 1, 0);
  Write("transfer", "valid_unknown_field", with_unknown.SerializeAsString() + "\x78\x01");

  // Placeholders (transfer_fuzzer.cc): 1-byte from/to name keys, a 1-byte
  // signature asks for the real one.
  auto placeholder = [&chain](uint8_t from, uint8_t to, const std::string& asset, uint64_t amount,
                              uint64_t fee, uint64_t sequence, uint64_t expiry,
                              const std::string& memo) {
    v1::SignedTransfer signed_transfer;
    v1::Transfer& transfer = *signed_transfer.mutable_transfer();
    transfer.set_chain_id(chain.genesis.chain_id);  // genesis_hash left empty: a placeholder
    transfer.set_from(Byte(from));
    transfer.set_to(Byte(to));
    transfer.set_asset(asset);
    transfer.set_amount_minor(amount);
    transfer.set_fee_minor(fee);
    transfer.set_sequence(sequence);
    transfer.set_expiry_unix_ms(expiry);
    transfer.set_memo(memo);
    signed_transfer.set_signature("s");
    return signed_transfer.SerializeAsString();
  };
  const uint64_t never = UINT64_MAX;
  Write("transfer", "fill_settle", placeholder(0, 1, "USD", 100, 0, 0, never, ""));
  Write("transfer", "fill_fee", placeholder(2, 3, "USD", 100, 25, 0, never, "rent"));
  Write("transfer", "fill_from_issuer", placeholder(4, 0, "JPY", 5000, 1, 0, never, ""));
  Write("transfer", "fill_insufficient", placeholder(0, 1, "USD", 10'001, 0, 0, never, ""));
  Write("transfer", "fill_over_limit", placeholder(0, 1, "USD", 100'000'001, 0, 0, never, ""));
  Write("transfer", "fill_unknown_asset", placeholder(0, 1, "GBP", 1, 0, 0, never, ""));
  Write("transfer", "fill_expired", placeholder(0, 1, "USD", 1, 0, 0, 1, ""));
  Write("transfer", "fill_bad_sequence", placeholder(0, 1, "USD", 1, 0, 7, never, ""));
  Write("transfer", "fill_self", placeholder(1, 1, "USD", 1, 0, 0, never, ""));
  Write("transfer", "fill_zero", placeholder(0, 1, "USD", 0, 0, 0, never, ""));
  Write("transfer", "fill_amount_max",
        placeholder(4, 0, "USD", uint64_t{INT64_MAX}, uint64_t{INT64_MAX}, 0, never, ""));
  Write("transfer", "fill_amount_2pow63", placeholder(0, 1, "USD", 1ull << 63, 0, 0, never, ""));
  Write("transfer", "fill_memo_long",
        placeholder(0, 1, "USD", 1, 0, 0, never, std::string(kMemoBytesMax + 1, 'm')));
  Write("transfer", "fill_memo_not_utf8", placeholder(0, 1, "USD", 1, 0, 0, never, "\xc3\x28"));
  Write("transfer", "fill_asset_lower", placeholder(0, 1, "usd", 1, 0, 0, never, ""));
  Write("transfer", "empty", "");
  v1::SignedTransfer wrong_chain = chain.Transfer(alice, bob, 1, 0);
  wrong_chain.mutable_transfer()->set_chain_id("remit-other");
  Write("transfer", "wrong_chain", wrong_chain.SerializeAsString());
  v1::SignedTransfer oversize = chain.Transfer(alice, bob, 1, 0);
  oversize.mutable_transfer()->set_memo(std::string(600, 'x'));
  Write("transfer", "oversize", oversize.SerializeAsString());
  OperationSeeds();
}

void ConsensusSeeds() {
  const WarmState& warm = Warm();
  std::map<int, int> per_kind;
  int index = 0;
  for (const Received& received : warm.received) {
    const int kind = received.message.kind_case();
    const bool interesting = received.message.has_proposal() &&
                             (received.message.proposal().has_tc() ||
                              received.message.proposal().block().transfers_size() > 0);
    if (per_kind[kind]++ >= 2 && !(interesting && per_kind[kind] < 6)) continue;
    const std::string bytes = received.message.SerializeAsString();
    const std::string name = "warm_" + std::to_string(index++) + "_kind" + std::to_string(kind);
    Write("consensus", name, Byte(0x00) + bytes);  // from every peer
    Write("consensus", name + "_claimed", Byte(0x10) + bytes);
    Write("consensus", name + "_byzantine", Byte(0x01 | 0x04) + bytes);
    if (received.message.has_block_response() || received.message.has_sync_info()) {
      Write("consensus", name + "_forged", Byte(0x02 | 0x08) + bytes);
    }
  }
  const v1::CommittedBlock head = *warm.ledger.GetBlock(warm.ledger.committed_height());
  v1::ConsensusMessage block_request;
  block_request.mutable_block_request()->set_block_hash(head.block_hash());
  block_request.mutable_block_request()->set_height(warm.ledger.committed_height());
  block_request.mutable_block_request()->set_count(3);
  Write("consensus", "block_request_head", Byte(0x00) + block_request.SerializeAsString());
  v1::ConsensusMessage sync_request;
  sync_request.mutable_sync_request()->set_from_height(1);
  sync_request.mutable_sync_request()->set_count(100);
  Write("consensus", "sync_request_1", Byte(0x00) + sync_request.SerializeAsString());
  v1::ConsensusMessage transfers;
  const FuzzChain& chain = FuzzChain::Get();
  *transfers.mutable_transfers()->add_transfers() =
      chain.Transfer(chain.users[2], chain.users[3].public_key(), 5,
                     warm.ledger.NextSequence(chain.users[2].public_key()));
  Write("consensus", "transfers", Byte(0x20) + transfers.SerializeAsString());
  Write(
      "consensus", "timeout_far", Byte(0x01 | 0x0c) + [] {
        v1::ConsensusMessage message;
        message.mutable_timeout()->set_round(1'000'000);
        message.mutable_timeout()->set_signer(2);
        return message.SerializeAsString();
      }());
  Write("consensus", "empty", Byte(0x00));
}

// Envelopes as peers send them: runs of consecutive messages one validator
// sent validator 0 in the warm cluster.
void EnvelopeSeeds() {
  const WarmState& warm = Warm();
  int index = 0;
  for (size_t start = 0; start < warm.received.size() && index < 12; start += 5) {
    v1::ConsensusEnvelope envelope;
    envelope.set_from(warm.received[start].from);
    for (size_t i = start; i < warm.received.size() && envelope.messages_size() < 6; ++i) {
      if (warm.received[i].from == envelope.from()) {
        *envelope.add_messages() = warm.received[i].message;
      }
    }
    const std::string bytes = envelope.SerializeAsString();
    const std::string name = "warm_" + std::to_string(index++);
    Write("consensus_envelope", name, Byte(0x00) + bytes);
    Write("consensus_envelope", name + "_byzantine", Byte(0x01 | 0x04) + bytes);
    if (name == "warm_0") {
      // Attacks on envelope authentication (consensus_envelope_fuzzer.cc bits 4-6).
      Write("consensus_envelope", "attack_as_fuzzed", Byte(0x10) + bytes);
      Write("consensus_envelope", "attack_other_key", Byte(0x30) + bytes);
      Write("consensus_envelope", "attack_tampered", Byte(0x50) + bytes);
      Write("consensus_envelope", "attack_replay", Byte(0x70) + bytes);
    }
  }
  v1::ConsensusEnvelope from_self;
  *from_self.add_messages() = warm.received.front().message;
  Write("consensus_envelope", "from_self", Byte(0x00) + from_self.SerializeAsString());
}

void HistorySeeds() {
  auto request = [](const std::string& account, uint32_t limit, const std::string& token) {
    v1::ListTransfersRequest list;
    list.set_account(account);
    list.set_limit(limit);
    list.set_page_token(token);
    return list.SerializeAsString();
  };
  auto token = [](uint64_t height, uint32_t position) {
    std::string bytes;
    PutU64(bytes, height);
    PutU32(bytes, position);
    return bytes;
  };
  Write("history", "newest", request(Byte(0), 0, ""));
  Write("history", "pages_of_1", request(Byte(1), 1, ""));
  Write("history", "from_token", request(Byte(2), 2, token(4, 1)));
  Write("history", "token_height_0", request(Byte(3), 2, token(0, 0)));
  Write("history", "token_above_head", request(Byte(3), 2, token(99, 0)));
  Write("history", "token_short", request(Byte(0), 2, "\x01\x02"));
  Write("history", "limit_1001", request(Byte(0), 1001, ""));
  Write("history", "unknown_account", request(std::string(32, 'z'), 5, ""));
}

void TextSeeds() {
  const FuzzChain& chain = FuzzChain::Get();
  const std::string alice = EncodeAddress(chain.users[0].public_key());
  std::string upper = alice;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string typo = alice;
  typo[20] = typo[20] == 'a' ? 'b' : 'a';
  std::string mixed = alice;
  mixed[10] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[10])));
  for (const auto& [name, text] : std::map<std::string, std::string>{
           {"alice", alice},
           {"upper", upper},
           {"typo", typo},
           {"mixed_case", mixed},
           {"short", alice.substr(0, 61)},
           {"wrong_prefix", "rmt2" + alice.substr(4)},
           {"last_char", alice.substr(0, 61) + "7"},
       }) {
    Write("address", name, text);
  }

  const std::vector<std::pair<std::string, std::string>> amounts = {
      {"usd", Byte(2) + "12.34"},
      {"half", Byte(2) + "0.5"},
      {"whole", Byte(0) + "7"},
      {"max_18", Byte(18) + "9.223372036854775807"},
      {"max_2", Byte(2) + "92233720368547758.07"},
      {"over_max", Byte(2) + "92233720368547758.08"},
      {"grouping", Byte(2) + "1,000"},
      {"negative", Byte(2) + "-5"},
      {"zero", Byte(2) + "0.00"},
      {"no_whole", Byte(2) + ".5"},
      {"no_fraction", Byte(2) + "5."},
      {"exponent", Byte(2) + "1e3"},
      {"too_many_decimals", Byte(2) + "0.005"},
      {"leading_zeros", Byte(18) + std::string(39, '0') + "1"},
      {"too_long", Byte(2) + std::string(41, '1')},
      {"int64_min",
       Byte(3) + std::string("\x80\0\0\0\0\0\0\0\x7f\xff\xff\xff\xff\xff\xff\xff", 16)},
  };
  for (const auto& [name, bytes] : amounts) Write("amount", name, bytes);

  Genesis genesis = chain.genesis;
  Write("genesis", "test_chain", GenesisToJson(genesis));
  genesis.balances.clear();
  genesis.assets.resize(1);
  genesis.validators.resize(1);
  Write("genesis", "minimal", GenesisToJson(genesis));
  const std::string issuer = EncodeAddress(chain.issuer.public_key());
  const std::string user = EncodeAddress(chain.users[0].public_key());
  const std::string head =
      R"({"chain_id":"c","genesis_time_unix_ms":0,"validators":[{"public_key":")" + issuer +
      R"(","endpoint":"h:1"}],)";
  auto asset = [&issuer](const std::string& decimals, const std::string& max) {
    return R"({"code":"USD","decimals":)" + decimals + R"(,"issuer":")" + issuer +
           R"(","transfer_max_minor":)" + max + "}";
  };
  auto balance = [](const std::string& account, const std::string& amount) {
    return R"({"account":")" + account + R"(","asset":"USD","amount_minor":)" + amount + "}";
  };
  Write("genesis", "fractional_decimals",
        head + R"("assets":[)" + asset("2.5", "100") + R"(],"balances":[]})");
  Write("genesis", "decimals_19",
        head + R"("assets":[)" + asset("19", "100") + R"(],"balances":[]})");
  Write("genesis", "max_2pow64",
        head + R"("assets":[)" + asset("2", "18446744073709551615") + R"(],"balances":[]})");
  Write(
      "genesis", "sums_not_zero",
      head + R"("assets":[)" + asset("2", "100") + R"(],"balances":[)" + balance(user, "5") + "]}");
  Write("genesis", "negative_user",
        head + R"("assets":[)" + asset("2", "100") + R"(],"balances":[)" + balance(user, "-5") +
            "," + balance(issuer, "5") + "]}");
  Write("genesis", "overflow",
        head + R"("assets":[)" + asset("2", "100") + R"(],"balances":[)" +
            balance(user, "9223372036854775807") + "," + balance(issuer, "1") + "]}");
  Write("genesis", "not_object", "[1,2,3]");
  Write("genesis", "bad_utf8", "{\"chain_id\":\"\xff\"}");

  const std::string seed_hex = ToHex(chain.users[0].seed());
  const std::vector<std::pair<std::string, std::string>> key_files = {
      {"valid", R"({"type": "remit-ed25519-seed", "address": ")" + alice + R"(", "seed": ")" +
                    seed_hex + "\"}\n"},
      {"no_address", R"({"type":"remit-ed25519-seed","seed":")" + seed_hex + "\"}"},
      {"wrong_address",
       R"({"type":"remit-ed25519-seed","address":")" + issuer + R"(","seed":")" + seed_hex + "\"}"},
      {"address_number", R"({"type":"remit-ed25519-seed","address":5,"seed":")" + seed_hex + "\"}"},
      {"short_seed", R"({"type":"remit-ed25519-seed","seed":"abcd"})"},
      {"bad_hex", R"({"type":"remit-ed25519-seed","seed":")" + std::string(64, 'g') + "\"}"},
      {"type_number", R"({"type":7,"seed":"00"})"},
      {"not_json", "remit"},
  };
  for (const auto& [name, text] : key_files) Write("key_file", name, text);

  const std::vector<std::pair<std::string, std::string>> commands = {
      {"pay_symbol", "pay bob $0.50 coffee"},
      {"send_code", "send alice@example.org 5 EUR lunch with friends"},
      {"pay_address", "PAY " + alice + " 50c"},
      {"request", "request bob 5 EUR"},
      {"history", "history 10"},
      {"history_0", "history 0"},
      {"history_21", "history 21"},
      {"history_plus", "history +5"},
      {"yes", "yes ab12"},
      {"yes_missing", "yes"},
      {"accept", "accept"},
      {"decline_code", "decline X7"},
      {"currency", "currency EUR"},
      {"help_extra", "help me please"},
      {"balance", "\tbalance\n"},
      {"pay_missing", "pay bob"},
      {"unknown", "frobnicate"},
      {"spaces", "   "},
      {"too_long", "pay bob 1 " + std::string(1020, 'x')},
  };
  for (const auto& [name, text] : commands) Write("chat_command", name, text);

  // Byte 0: the chain (bits 3-4) and the user's currency in it (bits 0-2), see
  // chat_genesis.h.
  const std::vector<std::pair<std::string, std::string>> chat_amounts = {
      {"plain", Byte(0) + "0.50"},
      {"dollar", Byte(0) + "$0.50"},
      {"cents", Byte(0) + "50c"},
      {"cent_sign", Byte(0) + "50\xc2\xa2"},
      {"code_after", Byte(1) + "0.50 USD"},
      {"code_before", Byte(0) + "USD 0.50"},
      {"euro", Byte(0) + "\xe2\x82\xac"
                         "2"},
      {"peso", Byte(0) + "\xe2\x82\xb1"
                         "100"},
      {"rupee", Byte(0) + "\xe2\x82\xb9"
                          "5"},
      {"yen_default", Byte(4) + "100"},
      {"btc", Byte(0) + "0.00000001 BTC"},
      {"usdc", Byte(0) + "5 usdc"},
      {"two_currencies", Byte(0) + "$5 EUR"},
      {"unknown_code", Byte(0) + "GBP 5"},
      {"grouping", Byte(0) + "1,000"},
      {"too_precise", Byte(0) + ".0005"},
      {"cents_fraction", Byte(0) + "0.5c"},
      {"note_after", Byte(0) + "5 coffee"},
      {"usd_jpy_chain_yen", Byte(8 + 1) + "500"},
      {"usd_jpy_chain_dollar", Byte(8) + "$5 USD"},
      {"eur_chain_code", Byte(16) + "2 kes"},
      {"jpy_chain_cents", Byte(24) + "50c"},
  };
  for (const auto& [name, text] : chat_amounts) Write("chat_amount", name, text);
}

}  // namespace
}  // namespace remit::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  remit::fuzz::out_dir = argv[1];
  remit::fuzz::TransferSeeds();
  remit::fuzz::ConsensusSeeds();
  remit::fuzz::EnvelopeSeeds();
  remit::fuzz::HistorySeeds();
  remit::fuzz::TextSeeds();
  std::printf("wrote %d seeds under %s\n", remit::fuzz::written, argv[1]);
  return 0;
}
