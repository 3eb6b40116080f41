// pg-ledgerd: the PostgreSQL baseline's ledger service (bench/README.md). It
// answers the parts of remit.v1.Ledger that `remit bench` uses (GetGenesis,
// GetStatus, GetAccount, GetReceipt, Settle, SettleBatch) on top of one
// PostgreSQL server (bench/pg/schema.sql), so the same load generator drives
// Remit and the baseline. Like remitd it checks each transfer's fields,
// chain and Ed25519 signature before anything is written, answers a replay
// ALREADY_EXISTS with the original receipt, and answers only once the
// transfer's transaction has committed (synchronous_commit = on).
//
//   pg-ledgerd --init DIR                  writes DIR/genesis.json and DIR/faucet.key
//   pg-ledgerd --genesis FILE --pg URL --listen HOST:PORT [--initialize] [--shards N]
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "bench/pg/settle_shard.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "remit/v1/ledger.grpc.pb.h"

namespace remit::pgbench {
namespace {

// Transfers in one SettleBatch call, as remitd's settle_batch_transfers_max.
constexpr int kCallTransfersMax = 5'000;
// Calls with at least this many transfers check signatures on every core.
constexpr size_t kParallelCheckMin = 64;
// How long a transfer may wait for an earlier sequence of its sender.
constexpr auto kSequenceWaitMax = std::chrono::seconds(10);

grpc::Status ToGrpc(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

// Collects a SettleBatch call's results; the caller waits for the last.
class CallResults {
 public:
  explicit CallResults(size_t count) : results_(count), remaining_(count) {}

  void Record(size_t index, const absl::Status& status, const v1::TransferRecord* record) {
    std::lock_guard lock(mu_);
    v1::BatchResult& result = results_[index];
    result.set_status_code(static_cast<int32_t>(status.code()));
    result.set_status_message(std::string(status.message()));
    if (record != nullptr) *result.mutable_receipt() = record->receipt();
    REMIT_CHECK(remaining_ > 0);
    if (--remaining_ == 0) cv_.notify_all();
  }
  void SetId(size_t index, const TransferId& id) { results_[index].set_transfer_id(ToString(id)); }

  std::vector<v1::BatchResult> Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return remaining_ == 0; });
    return std::move(results_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::BatchResult> results_;
  size_t remaining_;
};

class PgLedgerService final : public v1::Ledger::Service {
 public:
  PgLedgerService(const Genesis& genesis, std::vector<std::unique_ptr<SettleShard>>& shards,
                  std::unique_ptr<PgLedger> reader)
      : genesis_(genesis),
        genesis_json_(GenesisToJson(genesis)),
        genesis_hash_(GenesisHash(genesis)),
        shards_(shards),
        reader_(std::move(reader)) {}

  grpc::Status SettleBatch(grpc::ServerContext* /*context*/, const v1::SettleBatchRequest* request,
                           v1::SettleBatchResponse* response) override {
    const int count = request->transfers_size();
    if (count == 0 || count > kCallTransfersMax) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          StrCat("a batch holds 1..", kCallTransfersMax, " transfers"));
    }
    std::vector<v1::BatchResult> results = Settle(request->transfers());
    for (v1::BatchResult& result : results) *response->add_results() = std::move(result);
    return grpc::Status::OK;
  }

  grpc::Status Settle(grpc::ServerContext* /*context*/, const v1::SettleRequest* request,
                      v1::SettleResponse* response) override {
    google::protobuf::RepeatedPtrField<v1::SignedTransfer> one;
    *one.Add() = request->transfer();
    const v1::BatchResult result = Settle(one).front();
    if (result.status_code() != 0) {
      v1::SettleResponse original;
      *original.mutable_receipt() = result.receipt();
      return grpc::Status(
          static_cast<grpc::StatusCode>(result.status_code()), result.status_message(),
          result.receipt().transfer_id().empty() ? "" : original.SerializeAsString());
    }
    *response->mutable_receipt() = result.receipt();
    return grpc::Status::OK;
  }

  grpc::Status GetAccount(grpc::ServerContext* /*context*/, const v1::GetAccountRequest* request,
                          v1::GetAccountResponse* response) override {
    auto account = ToArray<kPublicKeyBytes>(request->account(), "account");
    if (!account.ok()) return ToGrpc(account.status());
    std::lock_guard lock(reader_mu_);
    auto found = reader_->GetAccount(*account, genesis_);
    if (!found.ok()) return ToGrpc(found.status());
    *response->mutable_account() = *std::move(found);
    return grpc::Status::OK;
  }

  grpc::Status GetReceipt(grpc::ServerContext* /*context*/, const v1::GetReceiptRequest* request,
                          v1::GetReceiptResponse* response) override {
    auto id = ToArray<kHashBytes>(request->transfer_id(), "transfer_id");
    if (!id.ok()) return ToGrpc(id.status());
    std::lock_guard lock(reader_mu_);
    auto record = reader_->GetTransfer(*id);
    if (!record.ok()) return ToGrpc(record.status());
    *response->mutable_record() = *std::move(record);
    return grpc::Status::OK;
  }

  grpc::Status GetStatus(grpc::ServerContext* /*context*/, const v1::GetStatusRequest* /*request*/,
                         v1::GetStatusResponse* response) override {
    response->set_chain_id(genesis_.chain_id);
    response->set_validator_count(1);
    return grpc::Status::OK;
  }

  grpc::Status GetGenesis(grpc::ServerContext* /*context*/,
                          const v1::GetGenesisRequest* /*request*/,
                          v1::GetGenesisResponse* response) override {
    response->set_genesis_json(genesis_json_);
    return grpc::Status::OK;
  }

 private:
  // Checks every transfer (signatures on this call's thread: gRPC runs calls
  // on many), hands the good ones to their senders' shards and waits for all.
  std::vector<v1::BatchResult> Settle(
      const google::protobuf::RepeatedPtrField<v1::SignedTransfer>& transfers) {
    const size_t count = static_cast<size_t>(transfers.size());
    CallResults results(count);
    std::vector<std::vector<PendingTransfer>> by_shard(shards_.size());
    std::map<TransferId, size_t> first_of_id;
    std::vector<std::pair<size_t, size_t>> repeats;  // (index, index of its first copy)
    const auto deadline = std::chrono::steady_clock::now() + kSequenceWaitMax;
    const std::vector<absl::StatusOr<TransferId>> ids = CheckAll(transfers);
    for (size_t i = 0; i < count; ++i) {
      const v1::SignedTransfer& transfer = transfers[static_cast<int>(i)];
      const absl::StatusOr<TransferId>& id = ids[i];
      if (!id.ok()) {
        results.Record(i, id.status(), nullptr);
        continue;
      }
      results.SetId(i, *id);
      if (auto [it, added] = first_of_id.emplace(*id, i); !added) {
        repeats.emplace_back(i, it->second);
        continue;
      }
      const size_t shard = std::hash<std::string>{}(transfer.transfer().from()) % shards_.size();
      by_shard[shard].push_back(PendingTransfer{
          transfer, *id, deadline,
          [&results, i](const absl::Status& status, const v1::TransferRecord* record) {
            results.Record(i, status, record);
          }});
    }
    // A repeated copy is answered like a replay of the first, once it is final.
    for (const auto& [index, first] : repeats) results.Record(index, absl::OkStatus(), nullptr);
    for (size_t shard = 0; shard < shards_.size(); ++shard) {
      if (!by_shard[shard].empty()) shards_[shard]->Add(std::move(by_shard[shard]));
    }
    std::vector<v1::BatchResult> done = results.Wait();
    for (const auto& [index, first] : repeats) {
      done[index] = done[first];
      if (done[first].status_code() == 0) {
        done[index].set_status_code(static_cast<int32_t>(grpc::StatusCode::ALREADY_EXISTS));
        done[index].set_status_message("the batch carries this transfer twice");
      }
    }
    return done;
  }

  // CheckTransfer of each, the signatures checked on every core at once.
  std::vector<absl::StatusOr<TransferId>> CheckAll(
      const google::protobuf::RepeatedPtrField<v1::SignedTransfer>& transfers) const {
    const size_t count = static_cast<size_t>(transfers.size());
    std::vector<absl::StatusOr<TransferId>> ids(count, absl::UnknownError("unchecked"));
    auto check = [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        const v1::SignedTransfer& transfer = transfers[static_cast<int>(i)];
        ids[i] = transfer.has_transfer()
                     ? CheckTransfer(transfer, genesis_.chain_id, genesis_hash_)
                     : absl::InvalidArgumentError(
                           "malformed: the PostgreSQL baseline settles plain transfers only");
      }
    };
    const size_t threads = std::max<size_t>(1, std::thread::hardware_concurrency());
    if (count < kParallelCheckMin || threads == 1) {
      check(0, count);
      return ids;
    }
    std::vector<std::jthread> workers;
    const size_t chunk = (count + threads - 1) / threads;
    for (size_t begin = chunk; begin < count; begin += chunk) {
      workers.emplace_back(check, begin, std::min(count, begin + chunk));
    }
    check(0, std::min(count, chunk));
    return ids;
  }

  const Genesis& genesis_;
  const std::string genesis_json_;
  const Hash32 genesis_hash_;
  std::vector<std::unique_ptr<SettleShard>>& shards_;
  std::mutex reader_mu_;
  std::unique_ptr<PgLedger> reader_;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A one-asset genesis (USD, issued by DIR/faucet.key) for the baseline.
absl::Status Init(const std::string& dir) {
  std::filesystem::create_directories(dir);
  const SigningKey faucet = SigningKey::Generate();
  RETURN_IF_ERROR(WriteKeyFile(dir + "/faucet.key", faucet));
  Genesis genesis;
  genesis.chain_id = "remit-pg-baseline";
  genesis.assets.push_back(AssetInfo{.code = "USD",
                                     .decimals = 2,
                                     .issuer = faucet.public_key(),
                                     .transfer_max_minor = 100'000'000});
  genesis.validators.push_back(
      ValidatorInfo{.public_key = faucet.public_key(), .endpoint = "127.0.0.1:0"});
  RETURN_IF_ERROR(ValidateGenesis(genesis));
  std::ofstream(dir + "/genesis.json") << GenesisToJson(genesis);
  return absl::OkStatus();
}

std::atomic<bool> stop_requested{false};

int Serve(const std::string& genesis_path, const std::string& conninfo, const std::string& listen,
          const std::string& schema_path, bool initialize, uint32_t shard_count) {
  auto json = ReadFile(genesis_path);
  auto genesis = json.ok() ? ParseGenesis(*json) : absl::StatusOr<Genesis>(json.status());
  if (!genesis.ok()) {
    spdlog::error("{}", genesis.status().message());
    return 2;
  }
  auto reader = PgLedger::Connect(conninfo);
  if (!reader.ok()) {
    spdlog::error("{}", reader.status().message());
    return 1;
  }
  if (initialize) {
    auto schema = ReadFile(schema_path);
    absl::Status done = schema.ok() ? (*reader)->Initialize(*schema, *genesis) : schema.status();
    if (!done.ok()) {
      spdlog::error("initializing the database: {}", done.message());
      return 1;
    }
  }
  std::vector<std::unique_ptr<SettleShard>> shards;
  for (uint32_t i = 0; i < shard_count; ++i) {
    auto connection = PgLedger::Connect(conninfo);
    if (!connection.ok()) {
      spdlog::error("{}", connection.status().message());
      return 1;
    }
    shards.push_back(std::make_unique<SettleShard>(*std::move(connection), *genesis));
  }
  PgLedgerService service(*genesis, shards, *std::move(reader));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(16 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    spdlog::error("cannot listen on {}", listen);
    return 1;
  }
  std::printf("pg-ledgerd: serving %s on %s with %u connections\n", genesis->chain_id.c_str(),
              listen.c_str(), shard_count);
  std::fflush(stdout);
  std::signal(SIGTERM, [](int) { stop_requested = true; });
  std::signal(SIGINT, [](int) { stop_requested = true; });
  while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server->Shutdown();
  return 0;
}

}  // namespace
}  // namespace remit::pgbench

int main(int argc, char** argv) {
  CLI::App app{"pg-ledgerd: the PostgreSQL baseline's ledger service (bench/README.md)"};
  std::string init_dir, genesis_path, conninfo, listen = "127.0.0.1:26000";
  std::string schema_path = "bench/pg/schema.sql";
  bool initialize = false;
  uint32_t shards = 4;
  app.add_option("--init", init_dir, "write DIR/genesis.json and DIR/faucet.key, then exit");
  app.add_option("--genesis", genesis_path, "the genesis to serve");
  app.add_option("--pg", conninfo, "libpq connection string of the primary");
  app.add_option("--listen", listen, "host:port for the Ledger API");
  app.add_option("--schema", schema_path, "schema.sql, for --initialize");
  app.add_flag("--initialize", initialize, "create the schema and genesis state first");
  app.add_option("--shards", shards, "PostgreSQL connections settling in parallel")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);
  if (!init_dir.empty()) {
    const absl::Status done = remit::pgbench::Init(init_dir);
    if (!done.ok()) {
      std::fprintf(stderr, "pg-ledgerd: %s\n", std::string(done.message()).c_str());
      return 1;
    }
    return 0;
  }
  if (genesis_path.empty() || conninfo.empty()) {
    std::fprintf(stderr, "pg-ledgerd: --genesis and --pg are required (or --init DIR)\n");
    return 2;
  }
  return remit::pgbench::Serve(genesis_path, conninfo, listen, schema_path, initialize, shards);
}
