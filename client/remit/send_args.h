// What `remit send` was given (client/remit/transfer_commands.cc), and the
// forms other than a plain transfer, each in its own file:
//   --deliver AMOUNT ASSET --send-max AMOUNT ASSET  strict receive (fx_send.cc)
//   AMOUNT ASSET --deliver-min AMOUNT ASSET         strict send (fx_send.cc)
//   AMOUNT ASSET --claimable --expires 7d           a claim (send_claimable.cc)
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/remit/connection.h"
#include "client/remit/output.h"
#include "client/sdk/transfer_builder.h"
#include "ledger/crypto.h"

namespace remit::cli {

inline constexpr char kClaimLifetimeDefault[] = "14d";

struct TransferArgs {
  std::string key_path;
  std::string to;
  std::string amount;
  std::string asset;
  std::string memo;
  uint64_t ttl_ms = sdk::kTransferTtlMsDefault;
  std::vector<std::string> deliver;      // AMOUNT ASSET, strict receive
  std::vector<std::string> send_max;     // AMOUNT ASSET, strict receive
  std::vector<std::string> deliver_min;  // AMOUNT ASSET, strict send
  bool claimable = false;
  std::string expires = "";  // claim lifetime, e.g. 7d
  ConnectionFlags connection;
};

// Preconditions: args.asset and args.amount are checked (strict send); the
// key is not `to`.
absl::Status RunStrictSend(const TransferArgs& args, const SigningKey& key, const AccountId& to,
                           Output& output);
absl::Status RunStrictReceive(const TransferArgs& args, const SigningKey& key, const AccountId& to,
                              Output& output);
// Precondition: args.asset and args.amount are checked.
absl::Status RunClaimableSend(const TransferArgs& args, const SigningKey& key, Output& output);

}  // namespace remit::cli
