// remit balance ADDRESS; remit history ADDRESS [--limit N] [--page-token T];
// remit receipt TRANSFER_ID [--verify --genesis FILE]; remit status.
// Read-only: nothing is signed.
#include <fstream>
#include <memory>
#include <sstream>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/connection.h"
#include "client/remit/inputs.h"
#include "client/remit/record_format.h"
#include "client/sdk/receipt_proof.h"
#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

// The node's own page size limit (ledger/store.h kHistoryPageMax).
constexpr uint32_t kHistoryLimitMax = 1000;
constexpr uint32_t kHistoryLimitDefault = 20;

struct QueryArgs {
  std::string address;
  std::string transfer_id;
  uint32_t limit = kHistoryLimitDefault;
  std::string page_token;  // hex, as printed by a previous page
  bool verify = false;     // receipt: check its proof against --genesis
  std::string genesis_file;
  ConnectionFlags connection;
};

std::string KeyText(const std::string& bytes) {
  absl::StatusOr<AccountId> key = ToArray<kPublicKeyBytes>(bytes, "key");
  return key.ok() ? EncodeAddress(*key) : ToHex(bytes);
}

absl::Status RunBalance(const QueryArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const AccountId account_id, ParseAddressArg("address", args.address));
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<v1::Account> account = client->GetAccount(account_id);
  if (!account.ok()) return NodeError(account.status(), "fetching the account");
  nlohmann::json balances = nlohmann::json::object();
  std::string human =
      StrCat(EncodeAddress(account_id), "\nnext sequence ", account->next_sequence());
  for (const v1::AssetBalance& balance : account->balances()) {
    const uint32_t decimals = std::min(balance.decimals(), kAssetDecimalsMax);
    const std::string amount = FormatAmount(balance.balance_minor(), decimals);
    balances[balance.asset()] = amount;
    human += StrCat("\n", amount, " ", balance.asset());
  }
  if (account->balances().empty()) human += "\nno balances";
  output.Emit({{"address", EncodeAddress(account_id)},
               {"next_sequence", account->next_sequence()},
               {"balances", balances}},
              human);
  return absl::OkStatus();
}

absl::Status RunHistory(const QueryArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const AccountId account_id, ParseAddressArg("address", args.address));
  if (args.limit == 0 || args.limit > kHistoryLimitMax) {
    return BadInputError(StrCat("--limit ", args.limit, " is outside 1..", kHistoryLimitMax));
  }
  absl::StatusOr<std::string> page_token = FromHex(args.page_token);
  if (!page_token.ok()) {
    return BadInputError(StrCat("--page-token '", args.page_token,
                                "' is not hex; copy next_page_token from the previous page"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<Genesis> genesis = client->GetGenesis();
  if (!genesis.ok()) return NodeError(genesis.status(), "fetching the chain's genesis");
  absl::StatusOr<v1::ListTransfersResponse> page =
      client->ListTransfers(account_id, args.limit, *page_token);
  if (!page.ok()) return NodeError(page.status(), "listing transfers");
  nlohmann::json transfers = nlohmann::json::array();
  std::string human;
  for (const v1::TransferRecord& record : page->records()) {
    transfers.push_back(RecordToJson(*genesis, record));
    human += StrCat(human.empty() ? "" : "\n", RecordToLine(*genesis, record));
  }
  if (page->records().empty()) human = "no transfers";
  const std::string next = ToHex(page->next_page_token());
  if (!next.empty()) human += StrCat("\nmore: --page-token ", next);
  output.Emit(
      {{"address", EncodeAddress(account_id)}, {"transfers", transfers}, {"next_page_token", next}},
      human);
  return absl::OkStatus();
}

// The genesis a receipt is verified against: the user's own file, never
// the node's answer.
absl::StatusOr<Genesis> ReadGenesisFile(const std::string& path) {
  if (path.empty()) {
    return BadInputError("--verify needs --genesis FILE: the chain's genesis.json you trust");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return BadInputError(StrCat("cannot read --genesis ", path));
  std::ostringstream json;
  json << in.rdbuf();
  absl::StatusOr<Genesis> genesis = ParseGenesis(json.str());
  if (!genesis.ok())
    return BadInputError(StrCat("--genesis ", path, ": ", genesis.status().message()));
  return genesis;
}

// remit receipt ID --verify: fetches the proof and checks it offline.
absl::Status RunVerifiedReceipt(const QueryArgs& args, const TransferId& id, Output& output) {
  ASSIGN_OR_RETURN(const Genesis genesis, ReadGenesisFile(args.genesis_file));
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<v1::GetReceiptResponse> answer = client->GetReceiptWithProof(id);
  if (!answer.ok()) return NodeError(answer.status(), "fetching the receipt and its proof");
  std::vector<std::string> checked;
  const absl::Status verified =
      sdk::VerifyReceipt(answer->record(), answer->proof(), genesis, &checked);
  if (!verified.ok()) {
    return absl::Status(verified.code(), StrCat("receipt does not verify against ",
                                                args.genesis_file, ": ", verified.message()));
  }
  nlohmann::json json = RecordToJson(genesis, answer->record());
  json["verified"] = true;
  json["checked"] = checked;
  std::string human = RecordToLine(genesis, answer->record());
  human += StrCat("\nverified against ", args.genesis_file, ":");
  for (const std::string& line : checked) human += StrCat("\n  ok ", line);
  human += "\n  (the outcome itself comes from executing the block; the proof does not cover it)";
  output.Emit(json, human);
  return absl::OkStatus();
}

absl::Status RunReceipt(const QueryArgs& args, Output& output) {
  ASSIGN_OR_RETURN(const TransferId id, ParseTransferIdArg(args.transfer_id));
  if (args.verify) return RunVerifiedReceipt(args, id, output);
  if (!args.genesis_file.empty()) return BadInputError("--genesis is only used with --verify");
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<Genesis> genesis = client->GetGenesis();
  if (!genesis.ok()) return NodeError(genesis.status(), "fetching the chain's genesis");
  absl::StatusOr<v1::TransferRecord> record = client->GetReceipt(id);
  if (!record.ok()) return NodeError(record.status(), "fetching the receipt");
  output.Emit(RecordToJson(*genesis, *record), RecordToLine(*genesis, *record));
  return absl::OkStatus();
}

absl::Status RunStatus(const QueryArgs& args, Output& output) {
  ASSIGN_OR_RETURN(std::unique_ptr<sdk::RemitClient> client, Connect(args.connection));
  absl::StatusOr<v1::GetStatusResponse> status = client->GetStatus();
  if (!status.ok()) return NodeError(status.status(), "fetching the node's status");
  const nlohmann::json json = {{"endpoint", client->preferred_endpoint()},
                               {"chain_id", status->chain_id()},
                               {"height", status->height()},
                               {"round", status->round()},
                               {"state_hash", ToHex(status->state_hash())},
                               {"block_hash", ToHex(status->block_hash())},
                               {"leader", KeyText(status->leader())},
                               {"validator", KeyText(status->validator())},
                               {"validator_index", status->validator_index()},
                               {"validator_count", status->validator_count()},
                               {"peers_connected", status->peers_connected()},
                               {"mempool_size", status->mempool_size()},
                               {"transfers_committed", status->transfers_committed()}};
  output.Emit(
      json,
      StrCat(client->preferred_endpoint(), " chain ", status->chain_id(), ": validator ",
             status->validator_index(), " of ", status->validator_count(), ", height ",
             status->height(), ", round ", status->round(), ", ", status->transfers_committed(),
             " transfers, mempool ", status->mempool_size(), ", peers ", status->peers_connected(),
             "\nstate hash ", ToHex(status->state_hash())));
  return absl::OkStatus();
}

// Registers one query command whose action is `run`.
CLI::App* AddQuery(CLI::App& app, CliContext& context, const std::string& name,
                   const std::string& description, const std::shared_ptr<QueryArgs>& args,
                   absl::Status (*run)(const QueryArgs&, Output&)) {
  CLI::App* command = app.add_subcommand(name, description);
  AddConnectionFlags(command, &args->connection);
  AddJsonFlag(command, context);
  command->callback([&context, args, run] {
    context.action = [&context, args, run] { return run(*args, *context.output); };
  });
  return command;
}

}  // namespace

void AddQueryCommands(CLI::App& app, CliContext& context) {
  auto balance = std::make_shared<QueryArgs>();
  AddQuery(app, context, "balance", "show an account's balances and next sequence", balance,
           RunBalance)
      ->add_option("ADDRESS", balance->address, "the account's address (rmt1...)")
      ->required();

  auto history = std::make_shared<QueryArgs>();
  CLI::App* history_command = AddQuery(
      app, context, "history", "list an account's transfers, newest first", history, RunHistory);
  history_command->add_option("ADDRESS", history->address, "the account's address")->required();
  history_command->add_option("--limit", history->limit, "transfers per page")
      ->capture_default_str();
  history_command->add_option("--page-token", history->page_token,
                              "next_page_token of the previous page");

  auto receipt = std::make_shared<QueryArgs>();
  CLI::App* receipt_command = AddQuery(app, context, "receipt",
                                       "show the final receipt of a transfer", receipt, RunReceipt);
  receipt_command
      ->add_option("TRANSFER_ID", receipt->transfer_id, "the transfer id (64 hex digits)")
      ->required();
  receipt_command->add_flag("--verify", receipt->verify,
                            "check the receipt's proof offline against --genesis: the block "
                            "header, the Merkle path and the commit QC");
  receipt_command->add_option("--genesis", receipt->genesis_file,
                              "the genesis.json to verify against (not taken from the node)");

  auto status = std::make_shared<QueryArgs>();
  AddQuery(app, context, "status", "show a node's height, round and state hash", status, RunStatus);
}

}  // namespace remit::cli
