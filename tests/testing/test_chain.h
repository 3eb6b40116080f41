// A small deterministic chain for tests: keys from fixed seeds, a genesis
// with USD (2 decimals) and JPY (0 decimals) issued by one issuer, and a
// helper that signs transfers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/genesis.h"
#include "ledger/transfer.h"

namespace remit::testing {

inline SigningKey KeyFromIndex(uint8_t index) {
  Seed seed{};
  seed.fill(index);
  return SigningKey::FromSeed(seed);
}

struct TestChain {
  Genesis genesis;
  SigningKey issuer = KeyFromIndex(1);
  std::vector<SigningKey> validators;
  std::vector<SigningKey> users;

  // `user_funds_minor` of USD for every user, issued by the issuer.
  static TestChain Make(int user_count, int validator_count = 1,
                        int64_t user_funds_minor = 10'000) {
    TestChain chain;
    chain.genesis.chain_id = "remit-test";
    chain.genesis.genesis_time_unix_ms = 1'700'000'000'000;
    chain.genesis.assets.push_back({"USD", 2, chain.issuer.public_key(), 100'000'000});
    chain.genesis.assets.push_back({"JPY", 0, chain.issuer.public_key(), 100'000'000});
    for (int i = 0; i < validator_count; ++i) {
      chain.validators.push_back(KeyFromIndex(static_cast<uint8_t>(100 + i)));
      chain.genesis.validators.push_back(
          {chain.validators.back().public_key(), "127.0.0.1:" + std::to_string(7100 + i)});
    }
    int64_t issued = 0;
    for (int i = 0; i < user_count; ++i) {
      chain.users.push_back(KeyFromIndex(static_cast<uint8_t>(10 + i)));
      if (user_funds_minor > 0) {
        chain.genesis.balances.push_back(
            {chain.users.back().public_key(), "USD", user_funds_minor});
        issued += user_funds_minor;
      }
    }
    if (issued > 0) chain.genesis.balances.push_back({chain.issuer.public_key(), "USD", -issued});
    return chain;
  }

  // Computed on each call, since tests may edit `genesis` after Make.
  Hash32 genesis_hash() const { return GenesisHash(genesis); }

  v1::SignedTransfer Transfer(const SigningKey& from, const AccountId& to, uint64_t amount_minor,
                              uint64_t sequence, const std::string& asset = "USD",
                              const std::string& memo = "",
                              uint64_t expiry_unix_ms = UINT64_MAX) const {
    v1::Transfer transfer;
    transfer.set_chain_id(genesis.chain_id);
    transfer.set_genesis_hash(ToString(genesis_hash()));
    transfer.set_from(ToString(from.public_key()));
    transfer.set_to(ToString(to));
    transfer.set_asset(asset);
    transfer.set_amount_minor(amount_minor);
    transfer.set_sequence(sequence);
    transfer.set_expiry_unix_ms(expiry_unix_ms);
    transfer.set_memo(memo);
    return SignTransfer(transfer, from);
  }
};

}  // namespace remit::testing
