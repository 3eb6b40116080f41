// Committing by the 2-chain rule, and fetching blocks a validator lacks.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/strings.h"
#include "node/consensus/core.h"
#include "node/consensus/signing.h"

namespace remit {
namespace {

// How long before a missing block is asked for again.
constexpr uint64_t kRefetchMs = 500;

}  // namespace

void ConsensusCore::FlushCommits(CoreOutput& out) {
  if (halt_reason_) return;
  // Taken out first: committing can (via the mempool) lead back here.
  std::vector<v1::QuorumCert> due;
  due.swap(commits_due_);
  for (const v1::QuorumCert& qc : due) CommitBy(qc, out);
}

void ConsensusCore::CommitBy(const v1::QuorumCert& qc, CoreOutput& out) {
  if (halt_reason_) return;
  const v1::VoteData& vote_data = qc.vote_data();
  // 2-chain rule: a QC on a block whose parent has the previous round
  // commits the parent and all its ancestors.
  if (vote_data.round() != vote_data.parent_round() + 1 || vote_data.height() == 0) return;
  if (vote_data.height() - 1 <= ledger_.committed_height()) return;
  const auto path = tree_.PathFromCommitted(HashOf(vote_data.parent_hash()));
  if (!path) return;  // fetching the missing blocks first
  for (const TreeBlock* block : *path) {
    if (!block->qc) return;  // its certificate arrives with its child
  }
  for (const TreeBlock* block : *path) {
    // The last block of the path is the parent of `qc`'s block: `qc` is
    // what commits it (and, through it, its ancestors), kept for proofs.
    const bool last = block == path->back();
    const absl::Status committed =
        ledger_.Commit(block->block, block->effects, *block->qc, last ? &qc : nullptr);
    if (!committed.ok()) {
      // Not durable: going on would answer clients from state that may vanish.
      spdlog::critical("cannot commit block {}: {}", block->block.header().height(),
                       committed.ToString());
      std::abort();
    }
    RecordCommitted(block->block, committed_round_);  // the parent's round
    committed_round_ = block->block.header().round();
    for (const TransferId& id : mempool_.OnCommitted(block->effects)) out.superseded.push_back(id);
    out.committed.push_back(block->effects);
  }
  tree_.Prune();
  for (auto it = pending_qcs_.begin(); it != pending_qcs_.end();) {
    it = it->second.vote_data().height() <= ledger_.committed_height() ? pending_qcs_.erase(it)
                                                                       : std::next(it);
  }
}

std::vector<uint32_t> ConsensusCore::PeersToAsk(uint32_t from, const v1::QuorumCert* qc) const {
  if (from != index_) return {from};
  // Our own QC: its signers voted for the block, so they hold it. Ask f+1
  // of them at once (one may have died since it voted: a leader that dies
  // mid-broadcast leaves exactly this), starting at a different one each time.
  if (qc != nullptr) {
    std::vector<uint32_t> signers;
    for (uint32_t signer : qc->signers()) {
      if (signer != index_ && signer < validators_.size()) signers.push_back(signer);
    }
    if (!signers.empty()) {
      const size_t first = (NowMs() / kRefetchMs) % signers.size();
      const size_t count = std::min<size_t>(signers.size(), validators_.faults_max() + 1);
      std::vector<uint32_t> peers;
      for (size_t i = 0; i < count; ++i) peers.push_back(signers[(first + i) % signers.size()]);
      return peers;
    }
  }
  const uint32_t leader = election_.LeaderOf(round_);
  return {leader == index_ ? (index_ + 1) % validators_.size() : leader};
}

void ConsensusCore::RequestMissing(const v1::QuorumCert& qc, uint32_t from, CoreOutput& out) {
  const Hash32 hash = HashOf(qc.vote_data().block_hash());
  const uint64_t height = qc.vote_data().height();
  const std::vector<uint32_t> peers = PeersToAsk(from, &qc);
  if (peers.front() == index_) return;
  if (height > ledger_.committed_height() + options_.fetch_blocks_max) {
    RequestSync(peers.front(), /*from_committed=*/false, out);
  } else {
    RequestBlock(hash, height, peers, out);
  }
}

void ConsensusCore::RequestBlock(const Hash32& hash, uint64_t height,
                                 const std::vector<uint32_t>& peers, CoreOutput& out) {
  const uint64_t now_ms = NowMs();
  auto [it, inserted] = requested_ms_.emplace(hash, now_ms);
  if (!inserted && now_ms - it->second < kRefetchMs) return;
  it->second = now_ms;
  v1::ConsensusMessage message;
  v1::BlockRequest& request = *message.mutable_block_request();
  request.set_block_hash(ToString(hash));
  request.set_height(height);
  request.set_count(options_.fetch_blocks_max);
  for (uint32_t peer : peers) {
    if (peer != index_) Send(peer, message, out);
  }
}

void ConsensusCore::RequestSync(uint32_t to, bool from_committed, CoreOutput& out) {
  // Blocks we hold certified above the committed head need not come again,
  // unless they did not lead to the sender's chain (a certified block on an
  // abandoned fork): then ask from the committed head.
  uint64_t from_height = ledger_.committed_height() + 1;
  if (!from_committed) from_height = std::max(from_height, tree_.CertifiedHeightMax() + 1);
  const uint64_t now_ms = NowMs();
  // Ask again at once after progress or a gap, else only after kRefetchMs
  // (the answer may be on its way, or lost).
  if (!from_committed && from_height <= sync_requested_height_ &&
      now_ms - sync_requested_ms_ < kRefetchMs) {
    return;
  }
  sync_requested_ms_ = now_ms;
  sync_requested_height_ = from_height;
  ++counters_.sync_requests_sent;
  spdlog::info("behind: asking validator {} for the chain from height {}", to, from_height);
  v1::ConsensusMessage message;
  v1::SyncRequest& request = *message.mutable_sync_request();
  request.set_from_height(from_height);
  request.set_count(options_.fetch_blocks_max);
  Send(to, std::move(message), out);
}

void ConsensusCore::ContinueCatchUp(uint32_t from, bool progressed, bool gap, CoreOutput& out) {
  // The highest block a QC names that is still missing drives catch-up.
  const v1::QuorumCert* target = nullptr;
  for (const auto& [hash, qc] : pending_qcs_) {
    if (target == nullptr || qc.vote_data().height() > target->vote_data().height()) target = &qc;
  }
  if (target == nullptr) return;
  const Hash32 hash = HashOf(target->vote_data().block_hash());
  const uint32_t to = PeersToAsk(from, target).front();
  if (to == index_) return;
  if (gap) {
    // The blocks we were sent do not reach our committed head or tree.
    RequestSync(to, /*from_committed=*/true, out);
    return;
  }
  if (progressed) requested_ms_.erase(hash);
  RequestMissing(*target, to, out);
}

void ConsensusCore::RetryCatchUp(CoreOutput& out) {
  const uint32_t n = validators_.size();
  if (n == 1) return;
  const uint32_t offset = 1 + static_cast<uint32_t>((NowMs() / kRefetchMs) % (n - 1));
  const uint32_t peer = (index_ + offset) % n;
  if (!pending_qcs_.empty()) ContinueCatchUp(peer, /*progressed=*/false, /*gap=*/false, out);
  // A block on the way to the highest QC whose own QC never arrived (the
  // child that carried it was lost, the child came by fetch) holds every
  // commit back: ask for the block again, which comes with its QC.
  const auto path = tree_.PathFromCommitted(HashOf(high_qc_.vote_data().block_hash()));
  if (!path) return;
  for (const TreeBlock* block : *path) {
    if (block->qc) continue;
    if (block->hash != HashOf(high_qc_.vote_data().block_hash())) {
      RequestBlock(block->hash, block->block.header().height(), {peer}, out);
    }
    return;
  }
}

namespace {

// Appends a block to a response unless it would pass the byte bound; the
// first block always goes.
bool AddToResponse(v1::CertifiedBlock certified, uint64_t bytes_max, uint64_t& bytes,
                   v1::BlockResponse& response) {
  const uint64_t block_bytes = certified.ByteSizeLong();
  if (response.blocks_size() > 0 && bytes + block_bytes > bytes_max) return false;
  bytes += block_bytes;
  *response.add_blocks() = std::move(certified);
  return true;
}

}  // namespace

bool ConsensusCore::TakeBlockServeToken(uint32_t from) {
  const uint64_t now_ms = NowMs();
  const uint64_t burst = options_.block_serve_burst_max;
  auto [it, inserted] = block_serving_.try_emplace(from, Bucket{burst, now_ms});
  Bucket& bucket = it->second;
  const uint64_t refills = (now_ms - bucket.refilled_ms) / options_.block_serve_interval_ms;
  bucket.tokens = std::min(burst, bucket.tokens + refills);
  bucket.refilled_ms = bucket.tokens == burst
                           ? now_ms
                           : bucket.refilled_ms + refills * options_.block_serve_interval_ms;
  if (bucket.tokens == 0) return false;
  --bucket.tokens;
  return true;
}

void ConsensusCore::OnBlockRequest(uint32_t from, const v1::BlockRequest& request,
                                   CoreOutput& out) {
  if (!TakeBlockServeToken(from)) {
    ++counters_.dropped_rate_limited;
    return;
  }
  auto cursor = ToArray<kHashBytes>(request.block_hash(), "block hash");
  if (!cursor.ok()) {
    ++counters_.dropped_bad_block;
    return;
  }
  uint64_t height = request.height();
  v1::ConsensusMessage message;
  v1::BlockResponse& response = *message.mutable_block_response();
  const uint32_t count = std::min(request.count(), options_.fetch_blocks_max);
  uint64_t bytes = 0;
  while (static_cast<uint32_t>(response.blocks_size()) < count && height > 0) {
    v1::CertifiedBlock certified;
    if (const TreeBlock* block = tree_.Find(*cursor)) {
      if (!block->qc) break;
      *certified.mutable_block() = block->block;
      *certified.mutable_qc() = *block->qc;
    } else {
      auto committed = ledger_.GetBlock(height);
      if (!committed.ok() || committed->block_hash() != AsBytes(*cursor) || !committed->has_qc()) {
        break;
      }
      *certified.mutable_block() = std::move(*committed->mutable_block());
      *certified.mutable_qc() = std::move(*committed->mutable_qc());
    }
    height = certified.block().header().height() - 1;
    cursor = HashOf(certified.block().header().parent_hash());
    if (!AddToResponse(std::move(certified), options_.fetch_bytes_max, bytes, response)) break;
  }
  if (response.blocks_size() > 0) Send(from, std::move(message), out);
}

void ConsensusCore::OnSyncRequest(uint32_t from, const v1::SyncRequest& request, CoreOutput& out) {
  // At most one answer per peer per interval: one envelope can carry a
  // thousand requests, each worth fetch_bytes_max of reads. The newest of
  // those that come sooner waits for the next interval.
  auto [serving, first] = sync_serving_.try_emplace(from);
  if (!first && NowMs() - serving->second.served_ms < options_.sync_serve_interval_ms) {
    ++counters_.dropped_rate_limited;
    serving->second.waiting = request;
    return;
  }
  ServeSync(from, request, out);
}

void ConsensusCore::ServeWaitingSyncs(CoreOutput& out) {
  for (auto& [peer, serving] : sync_serving_) {
    if (!serving.waiting || NowMs() - serving.served_ms < options_.sync_serve_interval_ms) continue;
    const v1::SyncRequest request = *serving.waiting;
    serving.waiting.reset();
    // The same question again within the interval was answered already.
    if (request.from_height() == serving.served_from_height) continue;
    ServeSync(peer, request, out);
  }
}

void ConsensusCore::ServeSync(uint32_t to, const v1::SyncRequest& request, CoreOutput& out) {
  SyncServing& serving = sync_serving_[to];
  serving.served_ms = NowMs();
  serving.served_from_height = request.from_height();
  serving.waiting.reset();
  // The chain from `from_height` up: committed blocks, then the certified
  // blocks on the path to our highest QC, so that the asker ends where we are.
  const uint64_t committed = ledger_.committed_height();
  std::vector<const TreeBlock*> path;
  if (auto to_high_qc = tree_.PathFromCommitted(HashOf(high_qc_.vote_data().block_hash()))) {
    path = std::move(*to_high_qc);
  }
  const uint64_t top = committed + path.size();
  if (request.from_height() == 0 || request.from_height() > top) return;
  const uint64_t count = std::min(request.count(), options_.fetch_blocks_max);
  const uint64_t last = std::min(top, request.from_height() + count - 1);
  std::vector<v1::CertifiedBlock> ascending;
  uint64_t bytes = 0;
  for (uint64_t height = request.from_height(); height <= last; ++height) {
    v1::CertifiedBlock certified;
    if (height <= committed) {
      auto block = ledger_.GetBlock(height);
      REMIT_CHECK(block.ok());       // at or below the committed height
      REMIT_CHECK(block->has_qc());  // every replicated block is stored with its QC
      *certified.mutable_block() = std::move(*block->mutable_block());
      *certified.mutable_qc() = std::move(*block->mutable_qc());
    } else {
      const TreeBlock* block = path[height - committed - 1];
      if (!block->qc) break;
      *certified.mutable_block() = block->block;
      *certified.mutable_qc() = *block->qc;
    }
    const uint64_t block_bytes = certified.ByteSizeLong();
    if (!ascending.empty() && bytes + block_bytes > options_.fetch_bytes_max) break;
    bytes += block_bytes;
    ascending.push_back(std::move(certified));
  }
  if (ascending.empty()) return;
  v1::ConsensusMessage message;
  v1::BlockResponse& response = *message.mutable_block_response();
  for (auto it = ascending.rbegin(); it != ascending.rend(); ++it) {
    *response.add_blocks() = std::move(*it);
  }
  Send(to, std::move(message), out);
}

void ConsensusCore::OnBlockResponse(uint32_t from, const v1::BlockResponse& response,
                                    CoreOutput& out) {
  const uint64_t committed_before = ledger_.committed_height();
  const size_t tree_before = tree_.size();
  bool gap = false;
  // Oldest first, so that each block's parent is known when it is executed.
  for (int i = response.blocks_size() - 1; i >= 0; --i) {
    const v1::CertifiedBlock& certified = response.blocks(i);
    const v1::Block& block = certified.block();
    const v1::VoteData& vote_data = certified.qc().vote_data();
    if (!CheckBlockShape(block).ok() || block.header().chain_id() != genesis_.chain_id ||
        !CheckVoteDataShape(vote_data).ok()) {
      ++counters_.dropped_bad_block;
      return;
    }
    const Hash32 hash = ComputeBlockHash(block.header());
    if (vote_data.block_hash() != AsBytes(hash) || vote_data.height() != block.header().height() ||
        vote_data.round() != block.header().round() ||
        vote_data.parent_hash() != block.header().parent_hash() ||
        !VerifyQc(certified.qc(), validators_, domain_, genesis_qc_).ok()) {
      ++counters_.dropped_bad_certificate;
      return;
    }
    if (block.header().height() <= ledger_.committed_height()) continue;
    if (tree_.Find(hash) == nullptr) {
      if (!tree_.IsKnownParent(HashOf(block.header().parent_hash()))) {
        // Only the oldest block can reveal a gap: the others follow it.
        gap = gap || i == response.blocks_size() - 1;
        continue;
      }
      if (!ExecuteAndInsert(block, hash, HashOf(vote_data.state_hash()))) return;
    }
    requested_ms_.erase(hash);
    ProcessQc(certified.qc(), from, out);
    // Commit as the answer goes, so that its blocks execute on a short chain.
    FlushCommits(out);
  }
  RetryPending(out);
  const bool progressed =
      ledger_.committed_height() > committed_before || tree_.size() > tree_before;
  spdlog::debug("{} blocks from validator {}: committed {} -> {}, tree {} -> {}{}",
                response.blocks_size(), from, committed_before, ledger_.committed_height(),
                tree_before, tree_.size(), gap ? ", not connected" : "");
  ContinueCatchUp(from, progressed, gap, out);
}

void ConsensusCore::RetryPending(CoreOutput& out) {
  std::vector<std::pair<uint32_t, v1::Proposal>> ready;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (tree_.IsKnownParent(it->first)) {
      ready.push_back(std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<v1::QuorumCert> qcs;
  for (auto it = pending_qcs_.begin(); it != pending_qcs_.end();) {
    if (tree_.Find(it->first) != nullptr) {
      qcs.push_back(std::move(it->second));
      it = pending_qcs_.erase(it);
    } else {
      ++it;
    }
  }
  for (const v1::QuorumCert& qc : qcs) ProcessQc(qc, index_, out);
  for (auto& [from, proposal] : ready) OnProposal(from, proposal, out);
}

}  // namespace remit
