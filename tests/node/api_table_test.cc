// Walks the refusal table of docs/API.md against a real validator (in
// process, on a loopback port, through a real gRPC channel). Proves, for
// every row: the request the row describes is answered with the row's status
// code; the answer carries gRPC's standard details (a google.rpc.Status with
// the same code, whose ErrorInfo has the row's reason and domain "remit");
// the message starts with the reason in lower case; and whether a record of
// the transfer exists afterwards is what the row's "Recorded" column says.
// It also proves that the document, the node's reason table
// (node/error_details.cc) and the cases below name the same reasons with the
// same codes, so that none of the three can drift from the others.
//
// Adding a refusal: add its row to docs/API.md and to kReasons in
// node/error_details.cc, and a Case to Cases() below that provokes it.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "client/sdk/grpc_status.h"
#include "ledger/strings.h"
#include "node/error_details.h"
#include "node/node_server.h"
#include "node/worker_pool.h"
#include "remit/v1/ledger.grpc.pb.h"
#include "tests/node/node_files.h"
#include "tests/testing/test_chain.h"

#ifndef REMIT_SOURCE_DIR
#error "REMIT_SOURCE_DIR must name the repository's root"
#endif

namespace remit {
namespace {

using testing::TestChain;

constexpr int kCallTimeoutMs = 10'000;
constexpr auto kAwaitMax = std::chrono::seconds(10);
constexpr char kTableBegin[] = "<!-- refusal-table:begin";
constexpr char kTableEnd[] = "<!-- refusal-table:end";

// One row of docs/API.md's refusal table.
struct DocRow {
  std::string reason;    // "SEQUENCE_USED"
  std::string code;      // "FAILED_PRECONDITION"
  std::string recorded;  // "no", "yes", "not yet" or "-" (not a transfer)
};

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(" `");
  const size_t last = text.find_last_not_of(" `");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

// The rows between the table markers: "| `REASON` | CODE | methods | when |
// recorded | what to do |".
std::vector<DocRow> ReadDocTable() {
  std::ifstream in(std::string(REMIT_SOURCE_DIR) + "/docs/API.md");
  EXPECT_TRUE(in) << "cannot read docs/API.md";
  std::vector<DocRow> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.find(kTableBegin) != std::string::npos) inside = true;
    if (line.find(kTableEnd) != std::string::npos) inside = false;
    if (!inside || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cells_in(line.substr(1));
    for (std::string cell; std::getline(cells_in, cell, '|');) cells.push_back(Trim(cell));
    EXPECT_GE(cells.size(), 6u) << line;
    if (cells.size() < 6) continue;
    rows.push_back({cells[0], cells[1], cells[4]});
  }
  EXPECT_FALSE(rows.empty()) << "no refusal table between " << kTableBegin << " and " << kTableEnd;
  return rows;
}

std::string UpperCase(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// What provoking a row gave: the answer, and the transfer whose record the
// row's "Recorded" column speaks of (none for requests that are not one).
// A row provoked through SettleBatch is answered in the transfer's
// BatchResult (status_code, status_message, reason) of an OK call.
struct Provoked {
  grpc::Status status;
  std::optional<TransferId> id;
  std::optional<v1::BatchResult> batch_result = std::nullopt;
};

class ApiTableTest : public ::testing::Test {
 public:
  using Limits = std::function<void(NodeLimits&)>;

  // A fresh validator (new directory) with `limits` applied. With
  // `no_quorum` it is one of two validators and runs alone, so nothing ever
  // commits: an admitted transfer stays pending.
  void Start(const Limits& limits, bool no_quorum = false) {
    node_.reset();
    chain_ = TestChain::Make(3, no_quorum ? 2 : 1);
    files_.emplace("api-table", chain_.genesis, chain_.validators[0]);
    config_ = files_->config();
    if (limits) limits(config_.limits);
    Restart();
  }

  // The same validator again, on its data directory.
  void Restart() {
    node_.reset();
    auto node = NodeServer::Start(config_);
    ASSERT_TRUE(node.ok()) << node.status();
    node_ = std::move(*node);
    stub_ = v1::Ledger::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(node_->port()),
                                                    grpc::InsecureChannelCredentials()));
  }

  void Stop() {
    node_.reset();
    files_.reset();
  }

  static std::unique_ptr<grpc::ClientContext> Context(int timeout_ms = kCallTimeoutMs) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
    return context;
  }

  // A transfer of `amount_minor` USD from user `from` to user 1 (or 0).
  v1::SignedTransfer Transfer(uint64_t sequence, uint64_t amount_minor = 1, int from = 0) const {
    return chain_.Transfer(chain_.users[from], chain_.users[from == 0 ? 1 : 0].public_key(),
                           amount_minor, sequence);
  }
  static TransferId IdOf(const v1::SignedTransfer& transfer) {
    return ComputeTransferId(transfer.transfer());
  }

  grpc::Status Settle(const v1::SignedTransfer& transfer, v1::SettleResponse* response = nullptr) {
    v1::SettleRequest request;
    *request.mutable_transfer() = transfer;
    v1::SettleResponse ignored;
    return stub_->Settle(Context().get(), request, response != nullptr ? response : &ignored);
  }
  Provoked SettleRow(const v1::SignedTransfer& transfer) {
    return {Settle(transfer), IdOf(transfer)};
  }

  grpc::Status Submit(const v1::SignedTransfer& transfer) {
    v1::SubmitRequest request;
    *request.mutable_transfer() = transfer;
    v1::SubmitResponse response;
    return stub_->Submit(Context().get(), request, &response);
  }
  // Through Submit, which admits a transfer behind a missing sequence (Settle
  // refuses it with SEQUENCE_GAP first).
  Provoked SubmitRow(const v1::SignedTransfer& transfer) {
    return {Submit(transfer), IdOf(transfer)};
  }

  // A Settle that waits on another thread; the caller then waits for the
  // node to hold it (AwaitMempool).
  std::future<grpc::Status> SettleAsync(const v1::SignedTransfer& transfer) {
    return std::async(std::launch::async, [this, transfer] { return Settle(transfer); });
  }

  // Polls GetStatus until the mempool holds `size` transfers.
  void AwaitMempool(uint64_t size) {
    const auto give_up = std::chrono::steady_clock::now() + kAwaitMax;
    v1::GetStatusResponse status;
    while (std::chrono::steady_clock::now() < give_up) {
      ASSERT_TRUE(stub_->GetStatus(Context().get(), v1::GetStatusRequest(), &status).ok());
      if (status.mempool_size() == size) return;
      std::this_thread::yield();
    }
    FAIL() << "mempool holds " << status.mempool_size() << " transfers, not " << size;
  }

  grpc::Status GetReceipt(const TransferId& id) {
    v1::GetReceiptRequest request;
    request.set_transfer_id(ToString(id));
    v1::GetReceiptResponse response;
    return stub_->GetReceipt(Context().get(), request, &response);
  }

  // The one transfer of a SettleBatch, answered in its result.
  Provoked SettleBatchRow(const v1::SignedTransfer& transfer) {
    v1::SettleBatchRequest request;
    *request.add_transfers() = transfer;
    v1::SettleBatchResponse response;
    const grpc::Status status = stub_->SettleBatch(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.results_size(), 1);
    if (response.results_size() != 1) return {status, IdOf(transfer), v1::BatchResult()};
    return {status, IdOf(transfer), response.results(0)};
  }

  // Checks a row answered in a BatchResult: code, message, reason, id.
  static void CheckBatchResult(const DocRow& row, const Provoked& provoked) {
    const v1::BatchResult& result = *provoked.batch_result;
    EXPECT_TRUE(provoked.status.ok()) << provoked.status.error_message();
    EXPECT_EQ(result.status_code(), static_cast<int32_t>(CodeOf(row.code)))
        << result.status_message();
    EXPECT_EQ(result.status_message().rfind(StrCat(Lower(row.reason), ": "), 0), 0u)
        << "message '" << result.status_message() << "' does not start with its reason";
    EXPECT_EQ(result.reason(), row.reason);
    ASSERT_TRUE(provoked.id.has_value());
    EXPECT_EQ(result.transfer_id(), ToString(*provoked.id));
  }

  // Checks one provoked answer against its doc row.
  void Check(const DocRow& row, const Provoked& provoked) {
    SCOPED_TRACE(row.reason);
    if (provoked.batch_result.has_value()) {
      CheckBatchResult(row, provoked);
      CheckRecorded(row, provoked, {});
      return;
    }
    const grpc::Status& status = provoked.status;
    EXPECT_EQ(status.error_code(), CodeOf(row.code)) << status.error_message();
    EXPECT_EQ(status.error_message().rfind(StrCat(Lower(row.reason), ": "), 0), 0u)
        << "message '" << status.error_message() << "' does not start with its reason";
    sdk::ErrorDetails details = sdk::DecodeErrorDetails(status);
    EXPECT_EQ(details.reason, row.reason);
    EXPECT_EQ(details.domain, kErrorDomain);
    if (row.reason.rfind("SEQUENCE_", 0) == 0) {
      EXPECT_TRUE(details.metadata.contains("nextSequence"));
    }
    CheckRecorded(row, provoked, details);
  }

  // Whether a record of the provoked transfer exists is what the row says.
  void CheckRecorded(const DocRow& row, const Provoked& provoked, sdk::ErrorDetails details) {
    const bool in_batch = provoked.batch_result.has_value();
    if (row.recorded == "-") {
      EXPECT_FALSE(provoked.id.has_value()) << "a row that is no transfer names no record";
      return;
    }
    EXPECT_TRUE(row.recorded == "yes" || row.recorded == "no" || row.recorded == "not yet")
        << row.recorded;
    // A transfer too malformed to have an id cannot have a record either.
    if (!provoked.id.has_value()) {
      EXPECT_EQ(row.recorded, "no") << "a row with a record must name its transfer";
      return;
    }
    if (node_ == nullptr) Restart();  // a row that shut the node down
    const grpc::Status receipt = GetReceipt(*provoked.id);
    if (row.recorded == "yes") {
      EXPECT_TRUE(receipt.ok()) << receipt.error_message();
      if (in_batch) return;
      ASSERT_TRUE(details.original_receipt.has_value()) << "ALREADY_EXISTS carries the receipt";
      EXPECT_EQ(details.original_receipt->transfer_id(), ToString(*provoked.id));
    } else {
      EXPECT_EQ(receipt.error_code(), grpc::StatusCode::NOT_FOUND) << "a refusal left a record";
    }
    // A transfer that may still settle is named, so that the client can look
    // it up; any other answer that names one names the right one.
    if (in_batch) return;  // CheckBatchResult checked its transfer_id
    if (row.recorded != "no" || details.metadata.contains("transferId")) {
      EXPECT_EQ(details.metadata["transferId"], ToHex(*provoked.id));
    }
  }

  static grpc::StatusCode CodeOf(const std::string& name) {
    for (int code = 0; code <= static_cast<int>(absl::StatusCode::kUnauthenticated); ++code) {
      if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name) {
        return static_cast<grpc::StatusCode>(code);
      }
    }
    ADD_FAILURE() << "unknown status code " << name;
    return grpc::StatusCode::UNKNOWN;
  }
  static std::string Lower(const std::string& reason) {
    std::string lower = reason;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
  }

  TestChain chain_ = TestChain::Make(3);
  std::optional<testing::NodeFiles> files_;
  NodeConfig config_;
  std::unique_ptr<NodeServer> node_;
  std::unique_ptr<v1::Ledger::Stub> stub_;
};

// How to provoke one row: the node's limits, then the request.
struct Case {
  std::string reason;
  ApiTableTest::Limits limits;
  std::function<Provoked(ApiTableTest&)> provoke;
  bool no_quorum = false;  // see ApiTableTest::Start
};

std::vector<Case> Cases();

// The reasons of the document, of the node's table and of Cases() are one
// set, with one code each.
TEST_F(ApiTableTest, DocumentNodeAndCasesNameTheSameReasons) {
  std::map<std::string, std::string> documented;
  for (const DocRow& row : ReadDocTable()) {
    EXPECT_TRUE(documented.emplace(row.reason, row.code).second) << "twice: " << row.reason;
  }
  std::map<std::string, std::string> served;
  for (const RefusalReason& reason : RefusalReasons()) {
    served.emplace(UpperCase(reason.prefix), absl::StatusCodeToString(reason.code));
  }
  EXPECT_EQ(documented, served) << "docs/API.md and node/error_details.cc differ";
  std::set<std::string> provoked;
  for (const Case& c : Cases()) EXPECT_TRUE(provoked.insert(c.reason).second) << c.reason;
  std::set<std::string> listed;
  for (const auto& [reason, code] : documented) listed.insert(reason);
  EXPECT_EQ(provoked, listed) << "every documented row needs a Case, and only those";
}

// Every row, provoked on a fresh validator, answers as documented.
TEST_F(ApiTableTest, EveryRowAnswersAsDocumented) {
  std::map<std::string, Case> cases;
  for (Case& c : Cases()) cases.emplace(c.reason, std::move(c));
  for (const DocRow& row : ReadDocTable()) {
    SCOPED_TRACE(row.reason);
    const auto found = cases.find(row.reason);
    if (found == cases.end()) continue;  // reported by the test above
    Start(found->second.limits, found->second.no_quorum);
    Check(row, found->second.provoke(*this));
    Stop();
  }
}

// A message with no known reason (an unexpected error) gets its code's name.
TEST(ErrorDetailsTest, UnknownPrefixFallsBackToTheCodeName) {
  EXPECT_EQ(ErrorReason(absl::InternalError("store at /x: corrupt")), "INTERNAL");
  EXPECT_EQ(ErrorReason(absl::InternalError("nonsense: no such reason")), "INTERNAL");
  EXPECT_EQ(ErrorReason(absl::FailedPreconditionError("sequence_used: ...")), "SEQUENCE_USED");
  const grpc::Status ok = ToGrpc(absl::OkStatus());
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ok.error_details().empty());
}

// A transfer signed after `edit`, which keeps every field within its size.
Provoked Stateless(ApiTableTest& t, const std::function<void(v1::Transfer&)>& edit) {
  v1::SignedTransfer transfer = t.Transfer(0);
  edit(*transfer.mutable_transfer());
  transfer = SignTransfer(transfer.transfer(), t.chain_.users[0]);
  return {t.Settle(transfer), ApiTableTest::IdOf(transfer)};
}

std::vector<Case> StatelessCases() {
  return {
      {"MALFORMED",
       {},
       [](ApiTableTest& t) {
         return Provoked{t.Settle(v1::SignedTransfer()), std::nullopt};
       }},
      {"WRONG_CHAIN",
       {},
       [](ApiTableTest& t) {
         return Stateless(t, [](v1::Transfer& transfer) { transfer.set_chain_id("other"); });
       }},
      {"SELF_TRANSFER",
       {},
       [](ApiTableTest& t) {
         return Stateless(t, [](v1::Transfer& transfer) { transfer.set_to(transfer.from()); });
       }},
      {"BAD_AMOUNT",
       {},
       [](ApiTableTest& t) {
         return Stateless(t, [](v1::Transfer& transfer) { transfer.set_amount_minor(0); });
       }},
      {"MEMO_TOO_LONG",
       {},
       [](ApiTableTest& t) {
         v1::SignedTransfer transfer = t.Transfer(0);  // too long to sign, or to have an id
         transfer.mutable_transfer()->set_memo(std::string(kMemoBytesMax + 1, 'm'));
         return Provoked{t.Settle(transfer), std::nullopt};
       }},
      {"BAD_SIGNATURE",
       {},
       [](ApiTableTest& t) {
         v1::SignedTransfer transfer = t.Transfer(0);
         transfer.mutable_transfer()->set_amount_minor(2);  // no longer what was signed
         return Provoked{t.Settle(transfer), std::nullopt};
       }},
      {"UNKNOWN_ASSET",
       {},
       [](ApiTableTest& t) {
         const v1::SignedTransfer transfer =
             t.chain_.Transfer(t.chain_.users[0], t.chain_.users[1].public_key(), 1, 0, "XAU");
         return t.SettleRow(transfer);
       }},
      {"BATCH_EMPTY",
       {},
       [](ApiTableTest& t) {
         v1::SettleBatchResponse response;
         return Provoked{
             t.stub_->SettleBatch(t.Context().get(), v1::SettleBatchRequest(), &response),
             std::nullopt};
       }},
      {"BATCH_TOO_LARGE", [](NodeLimits& limits) { limits.settle_batch_transfers_max = 1; },
       [](ApiTableTest& t) {
         v1::SettleBatchRequest request;
         *request.add_transfers() = t.Transfer(0);
         *request.add_transfers() = t.Transfer(1);
         v1::SettleBatchResponse response;
         return Provoked{t.stub_->SettleBatch(t.Context().get(), request, &response), std::nullopt};
       }},
  };
}

std::vector<Case> SequenceCases() {
  return {
      {"EXPIRED",
       {},
       [](ApiTableTest& t) {
         const v1::SignedTransfer transfer = t.chain_.Transfer(
             t.chain_.users[0], t.chain_.users[1].public_key(), 1, 0, "USD", "", 1);
         return t.SettleRow(transfer);
       }},
      {"SEQUENCE_USED",
       {},
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Settle(t.Transfer(0)).ok());
         const v1::SignedTransfer reused = t.Transfer(0, 2);  // a new id, the same sequence
         Provoked provoked = t.SettleRow(reused);
         EXPECT_EQ(sdk::DecodeErrorDetails(provoked.status).metadata["nextSequence"], "1");
         return provoked;
       }},
      {"SEQUENCE_WINDOW", [](NodeLimits& limits) { limits.sequence_window = 2; },
       [](ApiTableTest& t) { return t.SettleRow(t.Transfer(2)); }},
      {"SEQUENCE_TAKEN",
       {},
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Submit(t.Transfer(1)).ok());  // waits for sequence 0
         return t.SettleRow(t.Transfer(1, 2));
       }},
      {"UNFUNDED_SENDER",
       {},
       [](ApiTableTest& t) {
         // Every user holds 10,000 minor units (TestChain::Make).
         return t.SettleRow(t.Transfer(0, 10'001));
       }},
      // Nothing of the sender is pending: sequence 0 is missing, and Settle
      // answers at once instead of waiting for it; nothing is kept.
      {"SEQUENCE_GAP",
       {},
       [](ApiTableTest& t) {
         Provoked provoked = t.SettleRow(t.Transfer(2));
         const sdk::ErrorDetails details = sdk::DecodeErrorDetails(provoked.status);
         EXPECT_EQ(details.metadata.at("nextSequence"), "0");
         EXPECT_NE(provoked.status.error_message().find("next sequence 0"), std::string::npos);
         t.AwaitMempool(0);
         return provoked;
       }},
      {"ALREADY_FINAL",
       {},
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Settle(t.Transfer(0)).ok());
         return t.SettleRow(t.Transfer(0));
       }},
  };
}

std::vector<Case> BackPressureCases() {
  return {
      {"SENDER_QUEUE_FULL", [](NodeLimits& limits) { limits.mempool_sender_transfers_max = 1; },
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Submit(t.Transfer(1)).ok());  // waits for sequence 0
         return t.SubmitRow(t.Transfer(2));
       }},
      {"MEMPOOL_FULL", [](NodeLimits& limits) { limits.mempool_transfers_max = 1; },
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Submit(t.Transfer(1)).ok());  // waits for sequence 0
         return t.SubmitRow(t.Transfer(1, 1, /*from=*/2));
       }},
      // SettleBatch waits for a missing earlier sequence (Settle refuses
      // such a transfer with SEQUENCE_GAP), so it is the one evicted.
      {"EVICTED", [](NodeLimits& limits) { limits.mempool_sender_transfers_max = 1; },
       [](ApiTableTest& t) {
         const v1::SignedTransfer waiting = t.Transfer(1);
         std::future<Provoked> batch =
             std::async(std::launch::async, [&t, waiting] { return t.SettleBatchRow(waiting); });
         t.AwaitMempool(1);
         EXPECT_TRUE(t.Submit(t.Transfer(0)).ok());  // sequence 0 takes the sender's one place
         return batch.get();
       }},
      {"INBOX_FULL", [](NodeLimits& limits) { limits.inbox_events_max = 0; },
       [](ApiTableTest& t) { return t.SettleRow(t.Transfer(0)); }},
      // The API cannot hold a verify worker busy on demand, so this row is
      // provoked on a pool like the node's, and converted as the API does.
      {"VERIFY_QUEUE_FULL",
       {},
       [](ApiTableTest&) {
         // The promises outlive the pool, whose worker waits on them.
         std::promise<void> release;
         const std::shared_future<void> released = release.get_future().share();
         std::promise<void> started;
         std::future<void> running = started.get_future();
         WorkerPool pool(1, 1);
         EXPECT_TRUE(pool.Run(0,
                              [&] {
                                started.set_value();
                                released.wait();
                              })
                         .ok());
         running.wait();
         EXPECT_TRUE(pool.Run(0, [] {}).ok());  // fills the queue of one
         const absl::Status refused = pool.Run(0, [] {});
         release.set_value();
         pool.Stop();
         return Provoked{ToGrpc(refused), std::nullopt};
       }},
      {"TOO_MANY_CALLS", [](NodeLimits& limits) { limits.calls_max = 1; },
       [](ApiTableTest& t) {
         std::future<grpc::Status> held = t.SettleAsync(t.Transfer(0));  // no quorum commits it
         t.AwaitMempool(1);
         Provoked provoked = t.SettleRow(t.Transfer(5));
         t.node_.reset();  // answers the held call; Check starts the node again
         EXPECT_EQ(held.get().error_code(), grpc::StatusCode::UNAVAILABLE);
         return provoked;
       },
       /*no_quorum=*/true},
  };
}

std::vector<Case> StreamAndLifecycleCases() {
  return {
      {"TOO_MANY_WATCHERS", [](NodeLimits& limits) { limits.watchers_max = 1; },
       [](ApiTableTest& t) {
         grpc::ClientContext first;
         auto watching = t.stub_->Watch(&first, v1::WatchRequest());
         watching->WaitForInitialMetadata();  // the start signal: it is subscribed
         auto second_context = t.Context();
         auto refused = t.stub_->Watch(second_context.get(), v1::WatchRequest());
         v1::WatchEvent event;
         EXPECT_FALSE(refused->Read(&event));
         Provoked provoked{refused->Finish(), std::nullopt};
         first.TryCancel();
         (void)watching->Finish();
         return provoked;
       }},
      {"WATCHER_BEHIND", [](NodeLimits& limits) { limits.watch_queue_events_max = 0; },
       [](ApiTableTest& t) {
         auto context = t.Context();
         auto watching = t.stub_->Watch(context.get(), v1::WatchRequest());
         watching->WaitForInitialMetadata();
         EXPECT_TRUE(t.Settle(t.Transfer(0)).ok());  // one event: more than the queue holds
         v1::WatchEvent event;
         EXPECT_FALSE(watching->Read(&event));
         return Provoked{watching->Finish(), std::nullopt};
       }},
      {"SHUTTING_DOWN",
       {},
       [](ApiTableTest& t) {
         const v1::SignedTransfer waiting = t.Transfer(0);  // no quorum commits it
         std::future<grpc::Status> settle = t.SettleAsync(waiting);
         t.AwaitMempool(1);
         t.node_->Shutdown();
         Provoked provoked{settle.get(), ApiTableTest::IdOf(waiting)};
         t.node_.reset();  // Check restarts it to look the record up
         return provoked;
       },
       /*no_quorum=*/true},
      // Sequence 0 is pending, so sequence 1 can execute right after it:
      // Settle waits for it (no SEQUENCE_GAP), until the node's bound.
      {"PENDING", [](NodeLimits& limits) { limits.settle_wait_ms_max = 200; },
       [](ApiTableTest& t) {
         EXPECT_TRUE(t.Submit(t.Transfer(0)).ok());
         return t.SettleRow(t.Transfer(1));
       },
       /*no_quorum=*/true},
      {"NOT_FOUND",
       {},
       [](ApiTableTest& t) {
         v1::GetBlockResponse block;
         v1::GetBlockRequest far;
         far.set_height(1'000);
         const grpc::Status missing_block = t.stub_->GetBlock(t.Context().get(), far, &block);
         EXPECT_EQ(missing_block.error_code(), grpc::StatusCode::NOT_FOUND);
         EXPECT_EQ(sdk::DecodeErrorDetails(missing_block).reason, "NOT_FOUND");
         const TransferId unknown = ApiTableTest::IdOf(t.Transfer(7));
         const grpc::Status missing = t.GetReceipt(unknown);
         EXPECT_EQ(sdk::DecodeErrorDetails(missing).metadata["transferId"], ToHex(unknown));
         return Provoked{missing, std::nullopt};
       }},
  };
}

// A Quote of `amount_minor` from `send_asset` to `deliver_asset`.
Provoked QuoteRow(ApiTableTest& t, const std::string& send_asset, const std::string& deliver_asset,
                  uint64_t amount_minor) {
  v1::QuoteRequest request;
  request.set_send_asset(send_asset);
  request.set_deliver_asset(deliver_asset);
  request.set_send_amount_minor(amount_minor);
  v1::QuoteResponse response;
  return Provoked{t.stub_->Quote(t.Context().get(), request, &response), std::nullopt};
}

std::vector<Case> MarketCases() {
  return {
      {"SAME_ASSET", {}, [](ApiTableTest& t) { return QuoteRow(t, "USD", "USD", 100); }},
      // The test chain has USD and JPY and no offers at all.
      {"NO_LIQUIDITY", {}, [](ApiTableTest& t) { return QuoteRow(t, "USD", "JPY", 100); }},
  };
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (auto group :
       {StatelessCases, SequenceCases, BackPressureCases, StreamAndLifecycleCases, MarketCases}) {
    for (Case& c : group()) cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace
}  // namespace remit
