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

void ConsensusCore::MaybeCommit(const v1::QuorumCert& qc, CoreOutput& out) {
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
    const absl::Status committed = ledger_.Commit(block->block, block->effects, *block->qc);
    if (!committed.ok()) {
      // Not durable: going on would answer clients from state that may vanish.
      spdlog::critical("cannot commit block {}: {}", block->block.header().height(),
                       committed.ToString());
      std::abort();
    }
    for (const TransferId& id : mempool_.OnCommitted(block->effects)) out.superseded.push_back(id);
    out.committed.push_back(block->effects);
  }
  tree_.Prune();
  for (auto it = pending_qcs_.begin(); it != pending_qcs_.end();) {
    it = it->second.vote_data().height() <= ledger_.committed_height() ? pending_qcs_.erase(it)
                                                                       : std::next(it);
  }
}

void ConsensusCore::RequestBlock(const Hash32& hash, uint64_t height, uint32_t from,
                                 CoreOutput& out) {
  if (from == index_)
    from = validators_.LeaderOf(round_) == index_ ? (index_ + 1) % validators_.size()
                                                  : validators_.LeaderOf(round_);
  if (from == index_) return;
  const uint64_t now_ms = NowMs();
  auto [it, inserted] = requested_ms_.emplace(hash, now_ms);
  if (!inserted && now_ms - it->second < kRefetchMs) return;
  it->second = now_ms;
  v1::ConsensusMessage message;
  v1::BlockRequest& request = *message.mutable_block_request();
  request.set_block_hash(ToString(hash));
  request.set_height(height);
  request.set_count(options_.fetch_blocks_max);
  Send(from, std::move(message), out);
}

void ConsensusCore::OnBlockRequest(uint32_t from, const v1::BlockRequest& request,
                                   CoreOutput& out) {
  auto cursor = ToArray<kHashBytes>(request.block_hash(), "block hash");
  if (!cursor.ok()) {
    ++counters_.dropped_bad_block;
    return;
  }
  uint64_t height = request.height();
  v1::ConsensusMessage message;
  v1::BlockResponse& response = *message.mutable_block_response();
  const uint32_t count = std::min(request.count(), options_.fetch_blocks_max);
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
      *certified.mutable_block() = committed->block();
      *certified.mutable_qc() = committed->qc();
    }
    height = certified.block().header().height() - 1;
    cursor = HashOf(certified.block().header().parent_hash());
    *response.add_blocks() = std::move(certified);
  }
  if (response.blocks_size() > 0) Send(from, std::move(message), out);
}

void ConsensusCore::OnBlockResponse(uint32_t from, const v1::BlockResponse& response,
                                    CoreOutput& out) {
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
        !VerifyQc(certified.qc(), validators_, genesis_.chain_id, genesis_qc_).ok()) {
      ++counters_.dropped_bad_certificate;
      return;
    }
    if (block.header().height() <= ledger_.committed_height()) continue;
    if (tree_.Find(hash) == nullptr) {
      if (!tree_.IsKnownParent(HashOf(block.header().parent_hash()))) continue;
      if (!ExecuteAndInsert(block, hash, HashOf(vote_data.state_hash()))) return;
    }
    requested_ms_.erase(hash);
    ProcessQc(certified.qc(), from, out);
  }
  RetryPending(out);
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
