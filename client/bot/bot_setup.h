// What every remit-bot transport needs: the bot's data directory (master key
// and store), a connection to the testnet, the faucet key, and the engine.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "client/bot/bot_engine.h"
#include "client/bot/bot_store.h"
#include "client/bot/key_vault.h"
#include "client/bot/ledger_port.h"
#include "client/sdk/client.h"

namespace remit::bot {

// How long a payment waits for the ledger before the bot answers that the
// ledger is not reachable (it keeps retrying and tells the user later), and
// the deadline of the bot's other ledger calls.
inline constexpr uint64_t kSettleWaitMsDefault = 3'000;
inline constexpr uint64_t kLedgerCallTimeoutMsDefault = 3'000;

struct BotSetupOptions {
  std::string testnet_dir;
  std::string data_dir;  // the bot's state: master.key and db/
  EngineOptions engine;  // faucet_key is filled from the testnet
  uint64_t settle_wait_ms = kSettleWaitMsDefault;
  uint64_t call_timeout_ms = kLedgerCallTimeoutMsDefault;
};

struct Bot {
  std::unique_ptr<sdk::RemitClient> client;
  std::unique_ptr<SdkLedgerPort> ledger;
  std::unique_ptr<KeyVault> vault;
  std::unique_ptr<BotStore> store;
  std::unique_ptr<BotEngine> engine;
};

// Creates data_dir (0700) if needed, opens or creates the master key and the
// store, connects to the testnet's nodes (over TLS, trusting the testnet's
// CA, if its manifest says so) and reads genesis. Each Settle is one attempt
// of settle_wait_ms: the engine's own retries re-send the same bytes.
// Errors say which step failed and what to do.
absl::StatusOr<Bot> SetUpBot(BotSetupOptions options);

uint64_t WallClockMs();

}  // namespace remit::bot
