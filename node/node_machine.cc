#include "node/node_machine.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/address.h"
#include "ledger/block.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"
#include "ledger/transfer.h"
#include "node/funding.h"

namespace remit {
namespace {

std::string KnownAssets(const Genesis& genesis) {
  std::string out;
  for (const AssetInfo& asset : genesis.assets) out += (out.empty() ? "" : ", ") + asset.code;
  return out;
}

}  // namespace

NodeMachine::NodeMachine(const Genesis& genesis, const SigningKey& key, CommittedLedger& ledger,
                         RecordFn record_of, SafetyStorage& safety, const Clock& clock,
                         const NodeLimits& limits, const ConsensusOptions& consensus)
    : genesis_(genesis),
      genesis_hash_(GenesisHash(genesis)),
      ledger_(ledger),
      record_of_(std::move(record_of)),
      clock_(clock),
      limits_(limits),
      alone_(genesis.validators.size() == 1),
      next_sequence_([this](const AccountId& account) { return NextSequence(account); }),
      mempool_(limits),
      core_(genesis, key, ledger, safety, mempool_, clock, consensus) {
  REMIT_CHECK(genesis_.ValidatorIndex(key.public_key()) >= 0);
  REMIT_CHECK(record_of_ != nullptr);
}

void NodeMachine::Start(NodeOutput& out) {
  core_.Start(core_out_);
  TakeCore(out);
  FlushCommits(out);
}

void NodeMachine::OnRequest(ClientRequest request, NodeOutput& out) {
  const auto answer = [&](absl::Status status, std::optional<v1::TransferRecord> record) {
    out.answers.push_back({request.token, request.id, std::move(status), std::move(record)});
  };
  if (ledger_.state().HasTransfer(request.id)) {
    auto record = record_of_(request.id);
    REMIT_CHECK(record.ok());
    answer(absl::AlreadyExistsError(StrCat("already_final: transfer ", ToHex(request.id),
                                           " is already final; its receipt is attached")),
           *std::move(record));
    return;
  }
  const auto admission =
      Admit(request.signed_transfer, request.id,
            request.refuse_sequence_gap ? Mempool::Gap::kRefuse : Mempool::Gap::kWait);
  FailEvicted(out);
  if (!admission.ok()) {
    answer(admission.status(), std::nullopt);
    return;
  }
  if (*admission == Mempool::Admission::kAdded && !alone_) {
    to_gossip_.push_back(std::move(request.signed_transfer));
  }
  if (!request.wait_for_final) {
    answer(absl::OkStatus(), std::nullopt);
    return;
  }
  deadlines_.emplace(request.deadline_us, request.id);
  waiters_.emplace(request.id, Waiter{request.token, request.received_us, request.deadline_us});
}

absl::StatusOr<Mempool::Admission> NodeMachine::Admit(const v1::SignedTransfer& signed_transfer,
                                                      const TransferId& id, Mempool::Gap gap) {
  const v1::Transfer& transfer = signed_transfer.transfer();
  if (signed_transfer.has_transfer() && genesis_.FindAsset(transfer.asset()) == nullptr) {
    return absl::InvalidArgumentError(StrCat("unknown_asset: unknown asset '", transfer.asset(),
                                             "'; this chain has ", KnownAssets(genesis_)));
  }
  // Operations (cross-currency transfers, offers, the basket, claims) name
  // their assets in their bodies; they are ordered like transfers, by
  // signer and sequence.
  if (absl::Status assets = CheckAssetsKnown(genesis_, signed_transfer); !assets.ok()) {
    return assets;
  }
  // An unfunded sender's transfer would be ordered only to fail and be
  // stored for good: refused before it costs the chain anything.
  if (absl::Status funded = CheckFunded(genesis_, ledger_.state(), signed_transfer); !funded.ok()) {
    return funded;
  }
  const OpHeader header = HeaderOf(signed_transfer);
  PendingTransfer pending;
  pending.id = id;
  const auto from = ToArray<kPublicKeyBytes>(header.signer, "signer");
  REMIT_CHECK(from.ok());
  pending.from = *from;
  pending.sequence = header.sequence;
  pending.expiry_unix_ms = header.expiry_unix_ms;
  pending.signed_transfer = signed_transfer;
  return mempool_.Add(std::move(pending), NextSequence(*from), clock_.NowUnixMs(), next_sequence_,
                      gap);
}

void NodeMachine::OnPeerMessage(uint32_t from, const v1::ConsensusMessage& message,
                                NodeOutput& out) {
  if (message.has_transfers()) {
    for (const v1::SignedTransfer& transfer : message.transfers().transfers()) {
      AdmitGossip(transfer, out);
    }
    return;
  }
  core_.OnMessage(from, message, core_out_);
  TakeCore(out);
}

void NodeMachine::AdmitGossip(const v1::SignedTransfer& transfer, NodeOutput& out) {
  if (transfer.ByteSizeLong() > kSignedTransferBytesMax) return;
  const auto id = CheckTransfer(transfer, genesis_.chain_id, genesis_hash_);
  if (!id.ok() || ledger_.state().HasTransfer(*id) || mempool_.Contains(*id)) return;
  (void)Admit(transfer, *id);  // a refusal is what the client's own node answered
  FailEvicted(out);
}

void NodeMachine::OnTick(NodeOutput& out) {
  Gossip(out);
  core_.OnTick(core_out_);
  TakeCore(out);
}

void NodeMachine::FlushCommits(NodeOutput& out) {
  core_.FlushCommits(core_out_);
  TakeCore(out);
  ExpireWaiters(out);
  DropExpired(out);
}

void NodeMachine::TakeCore(NodeOutput& out) {
  if (core_out_.timed_out && !alone_) {
    // Our transfers may never have reached a leader (gossip lost, or the
    // validator it reached crashed): pass the orderable ones on again.
    for (v1::SignedTransfer& transfer : mempool_.Ready(kRegossipTransfersMax, next_sequence_)) {
      to_gossip_.push_back(std::move(transfer));
    }
    Gossip(out);
  }
  core_out_.timed_out = false;
  for (CoreOutput::Send& send : core_out_.sends) out.sends.push_back(std::move(send));
  core_out_.sends.clear();
  for (BlockEffects& effects : core_out_.committed) {
    spdlog::debug("committed block {} with {} transfers, state {}", effects.height,
                  effects.records.size(), ToHex(effects.state_hash).substr(0, 16));
    CompleteWaiters(effects, out);
    out.committed.push_back(std::move(effects));
  }
  core_out_.committed.clear();
  for (const TransferId& id : core_out_.superseded) {
    AnswerAll(id,
              absl::FailedPreconditionError(
                  StrCat("sequence_used: transfer ", ToHex(id),
                         " can never execute: another transfer used its sequence number; "
                         "read the account's next sequence and sign again")),
              out);
  }
  core_out_.superseded.clear();
}

void NodeMachine::Gossip(NodeOutput& out) {
  for (size_t first = 0; first < to_gossip_.size(); first += kGossipBatchTransfersMax) {
    const size_t last = std::min(to_gossip_.size(), first + kGossipBatchTransfersMax);
    CoreOutput::Send& send = out.sends.emplace_back();
    for (size_t i = first; i < last; ++i) {
      *send.message.mutable_transfers()->add_transfers() = std::move(to_gossip_[i]);
    }
  }
  to_gossip_.clear();
}

void NodeMachine::AnswerAll(const TransferId& id, const absl::Status& status, NodeOutput& out) {
  auto [first, last] = waiters_.equal_range(id);
  for (auto it = first; it != last; ++it) {
    out.answers.push_back({it->second.token, id, status, std::nullopt});
    ForgetDeadline(it->second.deadline_us, id);
  }
  waiters_.erase(first, last);
}

void NodeMachine::FailEvicted(NodeOutput& out) {
  for (const auto& [id, status] : mempool_.TakeEvicted()) AnswerAll(id, status, out);
}

void NodeMachine::CompleteWaiters(const BlockEffects& effects, NodeOutput& out) {
  const uint64_t now_us = clock_.MonotonicUs();
  for (const v1::TransferRecord& record : effects.records) {
    const auto id = ToArray<kHashBytes>(record.receipt().transfer_id(), "transfer id");
    REMIT_CHECK(id.ok());
    auto [first, last] = waiters_.equal_range(*id);
    for (auto it = first; it != last; ++it) {
      v1::TransferRecord answered = record;
      answered.mutable_receipt()->set_settle_latency_us(now_us - it->second.received_us);
      out.answers.push_back({it->second.token, *id, absl::OkStatus(), std::move(answered)});
      ForgetDeadline(it->second.deadline_us, *id);
    }
    waiters_.erase(first, last);
  }
}

void NodeMachine::ExpireWaiters(NodeOutput& out) {
  const uint64_t now_us = clock_.MonotonicUs();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now_us) {
    // Copies, not a structured binding: the lambda below captures them.
    const uint64_t deadline_us = deadlines_.begin()->first;
    const TransferId id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto [first, last] = waiters_.equal_range(id);
    const auto waiter = std::find_if(
        first, last, [&](const auto& entry) { return entry.second.deadline_us == deadline_us; });
    REMIT_CHECK(waiter != last);
    out.answers.push_back(
        {waiter->second.token, id,
         absl::DeadlineExceededError(
             StrCat("pending: transfer ", ToHex(id),
                    " is not final yet; it may still settle: look its receipt up by id")),
         std::nullopt});
    waiters_.erase(waiter);
  }
}

void NodeMachine::DropExpired(NodeOutput& out) {
  const uint64_t now_us = clock_.MonotonicUs();
  if (now_us - last_expiry_scan_us_ < kExpiryScanUs) return;
  last_expiry_scan_us_ = now_us;
  for (const TransferId& id : mempool_.DropExpired(clock_.NowUnixMs(), next_sequence_)) {
    AnswerAll(id,
              absl::FailedPreconditionError(StrCat("expired: transfer ", ToHex(id),
                                                   " expired while waiting for an earlier "
                                                   "sequence; sign it again with a later expiry")),
              out);
  }
}

void NodeMachine::ForgetDeadline(uint64_t deadline_us, const TransferId& id) {
  const auto it = deadlines_.find({deadline_us, id});
  REMIT_CHECK(it != deadlines_.end());
  deadlines_.erase(it);
}

void NodeMachine::FailAll(const absl::Status& status, NodeOutput& out) {
  for (const auto& [id, waiter] : waiters_) {
    out.answers.push_back({waiter.token, id, status, std::nullopt});
  }
  waiters_.clear();
  deadlines_.clear();
}

}  // namespace remit
