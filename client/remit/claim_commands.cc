// remit claim CODE --key K          (claim a claimable payment into K's account)
// remit claim status CLAIM_ID|CODE  (where a claim stands)
// remit reclaim CLAIM_ID --key K    (the sender takes an expired claim back)
//
// Claimable payments (docs/CLAIMS.md). `remit send --claimable` creates them
// (send_claimable.cc). The code never leaves this process: `claim` signs a
// proof with the claim key derived from it.
#include <memory>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/inputs.h"
#include "client/remit/operation_run.h"
#include "client/remit/record_format.h"
#include "client/sdk/claim_code_text.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

struct ClaimArgs {
  std::string key_path;
  std::string code_or_id;
  ConnectionFlags connection;
};

absl::StatusOr<sdk::ClaimCode> ParseCodeArg(std::string_view text) {
  absl::StatusOr<sdk::ClaimCode> code = sdk::DecodeClaimCode(text);
  if (!code.ok()) {
    return BadInputError(
        StrCat("'", text.substr(0, 100), "' is not a claim code: ", code.status().message()));
  }
  return code;
}

std::string StateName(v1::ClaimStatus status) {
  switch (status) {
    case v1::CLAIM_OPEN:
      return "pending";
    case v1::CLAIM_CLAIMED:
      return "claimed";
    case v1::CLAIM_RECLAIMED:
      return "reclaimed";
    default:
      return "unknown";
  }
}

std::string AddressText(const std::string& bytes) {
  absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
  return account.ok() ? EncodeAddress(*account) : "";
}

void ReportOperation(const OperationRun& run, const SettledOperation& settled,
                     const std::string& what, Output& output) {
  const v1::Receipt& receipt = settled.result.receipt;
  std::string line =
      StrCat(OutcomeName(receipt.outcome()), " ", what, " ", ToHex(receipt.claim_id()));
  if (receipt.outcome() == v1::SETTLED) {
    line +=
        StrCat(": ", AmountText(run.genesis, receipt.delivered_asset(), receipt.delivered_minor()),
               " received");
  }
  line += StrCat(" at height ", receipt.height(), ", id ", ToHex(receipt.transfer_id()));
  output.Emit(OperationJson(run.genesis, settled), line);
}

absl::Status RunClaim(ClaimArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const sdk::ClaimCode code, ParseCodeArg(args.code_or_id));
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, "", [&](const auto& context) {
                     return sdk::BuildClaim(context, code.claim_id, code.secret);
                   }));
  ReportOperation(run, settled, "claim of", output);
  return SettledOrNotSettled(settled);
}

absl::Status RunReclaim(ClaimArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const Hash32 claim_id, ParseIdArg("claim id", args.code_or_id));
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(args.key_path));
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  ASSIGN_OR_RETURN(const SettledOperation settled,
                   SignAndSettleOperation(run, key, "", [&](const auto& context) {
                     return sdk::BuildReclaim(context, claim_id);
                   }));
  ReportOperation(run, settled, "reclaim of", output);
  return SettledOrNotSettled(settled);
}

absl::Status RunStatus(ClaimArgs& args, Output& output) {
  Hash32 claim_id{};
  if (args.code_or_id.starts_with(sdk::kClaimCodePrefix)) {
    ASSIGN_OR_RETURN(const sdk::ClaimCode code, ParseCodeArg(args.code_or_id));
    claim_id = code.claim_id;
  } else {
    ASSIGN_OR_RETURN(claim_id, ParseIdArg("claim id", args.code_or_id));
  }
  ASSIGN_OR_RETURN(OperationRun run, StartOperation(args.connection));
  absl::StatusOr<v1::GetClaimResponse> answer = run.client->GetClaim(claim_id);
  if (!answer.ok()) return NodeError(answer.status(), "reading the claim");
  const v1::ClaimEntry& claim = answer->claim();
  const bool expired = answer->block_time_unix_ms() > claim.expiry_unix_ms();
  const std::string amount = AmountText(run.genesis, claim.asset(), claim.amount_minor());
  nlohmann::json json = {
      {"claim_id", ToHex(claim.claim_id())},
      {"state", StateName(claim.status())},
      {"sender", AddressText(claim.sender())},
      {"asset", claim.asset()},
      {"amount", DecimalAmount(run.genesis, claim.asset(), claim.amount_minor())},
      {"amount_minor", claim.amount_minor()},
      {"expiry_unix_ms", claim.expiry_unix_ms()},
      {"expired", expired},
      {"block_time_unix_ms", answer->block_time_unix_ms()},
      {"created_height", claim.created_height()},
      {"ended_height", claim.ended_height()}};
  std::string line =
      StrCat(StateName(claim.status()), ": ", amount, " from ", AddressText(claim.sender()));
  if (claim.status() == v1::CLAIM_CLAIMED) {
    json["claimant"] = AddressText(claim.claimant());
    line +=
        StrCat(", claimed by ", AddressText(claim.claimant()), " at height ", claim.ended_height());
  } else if (claim.status() == v1::CLAIM_RECLAIMED) {
    line += StrCat(", returned to the sender at height ", claim.ended_height());
  } else if (expired) {
    line += ", expired: the sender can reclaim it";
  } else {
    line += StrCat(", claimable for ",
                   (claim.expiry_unix_ms() - answer->block_time_unix_ms()) / 1000, " s more");
  }
  output.Emit(json, line);
  return absl::OkStatus();
}

}  // namespace

void AddClaimCommands(CLI::App& app, CliContext& context) {
  auto claim_args = std::make_shared<ClaimArgs>();
  CLI::App* claim = app.add_subcommand("claim", "claim a claimable payment with its code");
  claim->add_option("CODE", claim_args->code_or_id, "the claim code (rcc1...)");
  claim->add_option("--key", claim_args->key_path, "the key of the account to pay");
  AddConnectionFlags(claim, &claim_args->connection);
  AddJsonFlag(claim, context);
  claim->callback([&context, claim_args, claim] {
    if (!claim->get_subcommands().empty()) return;  // claim status
    context.action = [&context, claim_args] {
      if (claim_args->code_or_id.empty() || claim_args->key_path.empty()) {
        return BadInputError("write 'remit claim CODE --key FILE' or 'remit claim status ID'");
      }
      return RunClaim(*claim_args, *context.output);
    };
  });

  auto status_args = std::make_shared<ClaimArgs>();
  CLI::App* status = claim->add_subcommand("status", "where a claim stands");
  status->add_option("CLAIM_ID", status_args->code_or_id, "the claim id, or its code")->required();
  AddConnectionFlags(status, &status_args->connection);
  AddJsonFlag(status, context);
  status->callback([&context, status_args] {
    context.action = [&context, status_args] { return RunStatus(*status_args, *context.output); };
  });

  auto reclaim_args = std::make_shared<ClaimArgs>();
  CLI::App* reclaim =
      app.add_subcommand("reclaim", "take back an expired, unclaimed payment you sent");
  reclaim->add_option("CLAIM_ID", reclaim_args->code_or_id, "the claim id (64 hex digits)")
      ->required();
  reclaim->add_option("--key", reclaim_args->key_path, "the sender's key file")->required();
  AddConnectionFlags(reclaim, &reclaim_args->connection);
  AddJsonFlag(reclaim, context);
  reclaim->callback([&context, reclaim_args] {
    context.action = [&context, reclaim_args] {
      return RunReclaim(*reclaim_args, *context.output);
    };
  });
}

}  // namespace remit::cli
