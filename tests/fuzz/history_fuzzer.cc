// Fuzzes the public API's history query (ListTransfersRequest, as
// node/ledger_service.cc ListTransfers serves it) against a RocksDB store
// with a few committed blocks: the page token is outside bytes that the
// store decodes (ledger/store.cc DecodePageToken). Proves for every input:
//   - nothing crashes; a bad account, limit or token is INVALID_ARGUMENT;
//   - a page holds at most `limit` records (20 for 0), newest first, each
//     one the account sent or received;
//   - following next_page_token walks strictly older records and ends.
// A 1-byte `account` names user k of the test chain (placeholder), so that
// fuzzed requests reach accounts that have history.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/executor.h"
#include "ledger/store.h"
#include "remit/v1/ledger.pb.h"
#include "tests/fuzz/fuzz_chain.h"
#include "tests/fuzz/quiet_logs.h"

namespace remit::fuzz {
namespace {

constexpr int kBlocks = 6;
constexpr int kPagesMax = 2'000;

struct History {
  std::string dir;
  std::unique_ptr<LedgerStore> store;
};

// Commits kBlocks blocks, block b carrying b + 1 transfers among the users.
void CommitBlocks(const FuzzChain& chain, LedgerStore& store) {
  std::vector<uint64_t> sequences(chain.users.size(), 0);
  for (int b = 0; b < kBlocks; ++b) {
    v1::Block block;
    for (int t = 0; t <= b; ++t) {
      const size_t from = static_cast<size_t>(b + t) % chain.users.size();
      const size_t to = (from + 1 + static_cast<size_t>(t) % 2) % chain.users.size();
      *block.add_transfers() = chain.Transfer(chain.users[from], chain.users[to].public_key(),
                                              10 + static_cast<uint64_t>(t), sequences[from]++);
    }
    v1::BlockHeader& header = *block.mutable_header();
    header.set_chain_id(chain.genesis.chain_id);
    header.set_height(store.committed_height() + 1);
    header.set_round(header.height());
    header.set_parent_hash(ToString(store.committed_block_hash()));
    header.set_timestamp_unix_ms(chain.genesis.genesis_time_unix_ms + header.height());
    header.set_parent_state_hash(ToString(store.committed_state_hash()));
    header.set_payload_hash(ToString(ComputePayloadHash(block)));
    header.set_proposer(ToString(chain.validators[0].public_key()));
    const BlockEffects effects =
        ExecuteBlock(chain.genesis, store, store.committed_state_hash(), block);
    REMIT_CHECK(store.Commit(block, effects).ok());
  }
}

const History& Get() {
  static History* const history = [] {
    const FuzzChain& chain = FuzzChain::Get();
    const char* base = std::getenv("TMPDIR");
    std::string dir = std::string(base != nullptr ? base : "/tmp") + "/remit-historyfuzz-XXXXXX";
    REMIT_CHECK(::mkdtemp(dir.data()) != nullptr);
    auto store = LedgerStore::Open(StoreOptions{.path = dir, .sync = false}, chain.genesis);
    REMIT_CHECK(store.ok());
    CommitBlocks(chain, **store);
    auto* made = new History{dir, std::move(*store)};
    std::atexit([] {
      History* done = const_cast<History*>(&Get());
      done->store.reset();
      std::filesystem::remove_all(done->dir);
    });
    return made;
  }();
  return *history;
}

bool Involves(const v1::TransferRecord& record, const AccountId& account) {
  const v1::Transfer& transfer = record.signed_transfer().transfer();
  return transfer.from() == AsBytes(account) || transfer.to() == AsBytes(account);
}

// (height, position) of a record, for ordering.
std::pair<uint64_t, uint32_t> PlaceOf(const v1::TransferRecord& record) {
  return {record.receipt().height(), record.receipt().position()};
}

void Walk(const LedgerStore& store, const AccountId& account, uint32_t limit,
          std::string page_token) {
  std::optional<std::pair<uint64_t, uint32_t>> oldest;
  for (int page_index = 0; page_index < kPagesMax; ++page_index) {
    const absl::StatusOr<HistoryPage> page = store.ListTransfers(account, limit, page_token);
    if (!page.ok()) {
      REMIT_CHECK(page.status().code() == absl::StatusCode::kInvalidArgument);
      REMIT_CHECK(page_index == 0);  // a token the store handed out is always valid
      return;
    }
    REMIT_CHECK(page->records.size() <= (limit == 0 ? kHistoryPageDefault : limit));
    for (const v1::TransferRecord& record : page->records) {
      REMIT_CHECK(Involves(record, account));
      REMIT_CHECK(!oldest || PlaceOf(record) < *oldest);
      oldest = PlaceOf(record);
    }
    if (page->next_page_token.empty()) return;
    REMIT_CHECK(!page->records.empty());
    page_token = page->next_page_token;
  }
  const bool paging_ended = false;
  REMIT_CHECK(paging_ended);
}

}  // namespace
}  // namespace remit::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  remit::fuzz::QuietLogs();
  remit::v1::ListTransfersRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  const remit::fuzz::FuzzChain& chain = remit::fuzz::FuzzChain::Get();
  const remit::LedgerStore& store = *remit::fuzz::Get().store;
  if (request.account().size() == 1) {
    request.set_account(remit::ToString(
        chain.users[static_cast<uint8_t>(request.account()[0]) % chain.users.size()].public_key()));
  }
  // As LedgerService::ListTransfers: the account must be 32 bytes.
  const auto account = remit::ToArray<remit::kPublicKeyBytes>(request.account(), "account");
  if (!account.ok()) return 0;
  remit::fuzz::Walk(store, *account, request.limit(), request.page_token());
  return 0;
}
