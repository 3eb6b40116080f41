#include "client/bot/bot_setup.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "client/testnet/manifest.h"
#include "client/testnet/testnet.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"

namespace remit::bot {

uint64_t WallClockMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

absl::StatusOr<Bot> SetUpBot(BotSetupOptions options) {
  InitCrypto();
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InternalError(
        StrCat("cannot create the bot's data directory ", options.data_dir, ": ", error.message()));
  }
  ::chmod(options.data_dir.c_str(), 0700);
  Bot bot;
  ASSIGN_OR_RETURN(KeyVault vault, KeyVault::OpenOrCreate(options.data_dir + "/master.key"));
  bot.vault = std::make_unique<KeyVault>(vault);
  ASSIGN_OR_RETURN(bot.store, BotStore::Open(options.data_dir + "/db"));
  ASSIGN_OR_RETURN(const testnet::TestnetManifest manifest,
                   testnet::ReadManifest(options.testnet_dir));
  ASSIGN_OR_RETURN(bot.client,
                   sdk::RemitClient::Create({.endpoints = testnet::ManifestEndpoints(manifest),
                                             .call_timeout_ms = options.call_timeout_ms,
                                             .settle_timeout_ms = options.settle_wait_ms,
                                             .settle_attempts = 1,
                                             .tls_ca_file = testnet::ManifestTlsCaFile(manifest)}));
  bot.ledger = std::make_unique<SdkLedgerPort>(bot.client.get());
  absl::StatusOr<SigningKey> faucet = ReadKeyFile(testnet::FaucetKeyPath(options.testnet_dir));
  if (faucet.ok()) {
    options.engine.faucet_key = *faucet;
  } else {
    options.engine.faucet_key = std::nullopt;
  }
  absl::StatusOr<std::unique_ptr<BotEngine>> engine = BotEngine::Create(
      bot.store.get(), bot.vault.get(), bot.ledger.get(), std::move(options.engine));
  if (!engine.ok()) {
    return absl::Status(
        engine.status().code(),
        StrCat("cannot start the bot engine: ", engine.status().message(),
               "; is the testnet up? (remit testnet up --dir ", options.testnet_dir, ")"));
  }
  bot.engine = std::move(*engine);
  return bot;
}

}  // namespace remit::bot
