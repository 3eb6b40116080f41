// remit send --key K --claimable [--expires 7d] AMOUNT ASSET
//
// Holds AMOUNT ASSET on the ledger for whoever gets the printed claim code
// (docs/CLAIMS.md), until the expiry; then only the sender can reclaim it.
// The code is printed once and kept nowhere: pass it on to the recipient.
#include "client/remit/cli_error.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "client/remit/send_args.h"
#include "client/sdk/claim_code_text.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit::cli {

absl::Status RunClaimableSend(const TransferArgs& args, const SigningKey& key, Output& output) {
  ASSIGN_OR_RETURN(
      const uint64_t lifetime_ms,
      ParseDurationArg("--expires", args.expires.empty() ? kClaimLifetimeDefault : args.expires));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const uint64_t amount_minor,
                   ResolveAmount(run.genesis, args.asset, args.amount));
  const std::string secret = sdk::NewClaimSecret();
  const uint64_t expiry_unix_ms = NowUnixMs() + lifetime_ms;
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, args.memo, [&](auto context) {
                     context.ttl_ms = args.ttl_ms;
                     return sdk::BuildCreateClaim(context, args.asset, amount_minor, secret,
                                                  expiry_unix_ms);
                   }));
  const v1::Receipt& receipt = settled.result.receipt;
  const Hash32 claim_id = OperationId(settled.signed_transfer);
  nlohmann::json json = OperationJson(run.genesis, settled);
  json["claim_id"] = ToHex(claim_id);
  json["claim_expiry_unix_ms"] = expiry_unix_ms;
  json["asset"] = args.asset;
  json["amount"] = DecimalAmount(run.genesis, args.asset, amount_minor);
  std::string line = StrCat(OutcomeName(receipt.outcome()), " claimable payment of ",
                            AmountText(run.genesis, args.asset, amount_minor), " at height ",
                            receipt.height(), "\nclaim id   ", ToHex(claim_id));
  if (receipt.outcome() == v1::SETTLED) {
    const std::string code = sdk::EncodeClaimCode({.secret = secret, .claim_id = claim_id});
    json["claim_code"] = code;
    line += StrCat("\nclaim code ", code, "\nclaimable until ", expiry_unix_ms,
                   " (unix ms); the recipient runs 'remit claim ", code,
                   " --key THEIR_KEY'; after that, 'remit reclaim ", ToHex(claim_id),
                   " --key YOUR_KEY' returns it");
  }
  output.Emit(json, line);
  return SettledOrNotSettled(settled);
}

}  // namespace remit::cli
