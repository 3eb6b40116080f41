// The pacemaker's timeouts and timeout certificates.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "ledger/check.h"
#include "node/consensus/core.h"
#include "node/consensus/signing.h"

namespace remit {

void ConsensusCore::OnRoundTimeout(CoreOutput& out) {
  if (halt_reason_) return;
  if (!my_timeout_) {
    const uint64_t qc_round = high_qc_.vote_data().round();
    const bool entered_by_tc = high_tc_.has_value() && high_tc_->round() + 1 == round_;
    std::optional<std::string> signature = safety_.SignTimeout(round_, qc_round, entered_by_tc);
    if (!signature) {
      ArmTimer();  // not safe here (e.g. restarted behind): wait for certificates
      return;
    }
    v1::Timeout timeout;
    timeout.set_round(round_);
    *timeout.mutable_high_qc() = high_qc_;
    if (entered_by_tc) *timeout.mutable_last_tc() = *high_tc_;
    timeout.set_signer(index_);
    timeout.set_signature(std::move(*signature));
    my_timeout_ = timeout;
    ++counters_.timeouts_sent;
    spdlog::info("round {} (leader {}) made no progress; signed a timeout with QC round {}", round_,
                 election_.LeaderOf(round_), qc_round);
  }
  // Re-sent on every expiry of the same round, in case it was lost.
  ArmTimer();
  out.timed_out = true;
  v1::ConsensusMessage message;
  *message.mutable_timeout() = *my_timeout_;
  Send(std::nullopt, message, out);
  const v1::Timeout own = *my_timeout_;
  OnTimeout(own, index_, out);
}

void ConsensusCore::OnTimeout(const v1::Timeout& timeout, uint32_t from, CoreOutput& out) {
  if (timeout.signer() != from) {
    ++counters_.dropped_bad_signature;  // claims another validator's identity
    return;
  }
  if (timeout.round() > round_ + options_.rounds_ahead_max) {
    ++counters_.dropped_far_future;
    return;
  }
  const uint64_t qc_round = timeout.high_qc().vote_data().round();
  if (qc_round >= timeout.round() ||
      !VerifyBy(validators_, from, TimeoutSigningBytes(domain_, timeout.round(), qc_round),
                timeout.signature())) {
    ++counters_.dropped_bad_signature;
    return;
  }
  if (from != index_) {
    if (!VerifyQc(timeout.high_qc(), validators_, domain_, genesis_qc_).ok()) {
      ++counters_.dropped_bad_certificate;
      return;
    }
    uint64_t tc_high = 0;
    if (timeout.has_last_tc() &&
        !VerifyTc(timeout.last_tc(), validators_, domain_, genesis_qc_, &tc_high).ok()) {
      ++counters_.dropped_bad_certificate;
      return;
    }
    // Certificates carried by a timeout synchronise rounds even if it is stale.
    ProcessQc(timeout.high_qc(), from, out);
    if (timeout.has_last_tc()) ProcessTc(timeout.last_tc(), from, out);
    if (halt_reason_) return;
  }
  if (timeout.round() < round_) {
    ++counters_.dropped_stale;
    // The sender is behind (e.g. restarted while the others went on): tell
    // it our highest QC, from which it fetches what it lacks.
    if (from != index_) SendSyncInfo(from, out);
    return;
  }
  auto& signers = timeouts_[timeout.round()];
  signers.emplace(from, timeout);
  if (signers.size() < validators_.quorum()) {
    // f + 1 timeouts mean at least one honest validator is stuck in this
    // round: join it, even with nothing of our own to order (e.g. our
    // mempool was lost in a restart), or the round could never get a TC.
    if (timeout.round() == round_ && !my_timeout_ &&
        signers.size() >= validators_.faults_max() + 1) {
      OnRoundTimeout(out);
    }
    return;
  }
  // The TC carries the highest QC its signers named, so that whoever holds
  // it can extend that QC (each was verified when its timeout came).
  v1::TimeoutCert tc;
  tc.set_round(timeout.round());
  for (const auto& [signer, entry] : signers) {
    v1::TimeoutSignature& signature = *tc.add_signatures();
    signature.set_signer(signer);
    signature.set_high_qc_round(entry.high_qc().vote_data().round());
    signature.set_signature(entry.signature());
    if (!tc.has_high_qc() ||
        entry.high_qc().vote_data().round() > tc.high_qc().vote_data().round()) {
      *tc.mutable_high_qc() = entry.high_qc();
    }
  }
  timeouts_.erase(timeout.round());
  ProcessTc(tc, index_, out);
}

void ConsensusCore::SendSyncInfo(uint32_t to, CoreOutput& out) {
  const uint64_t now_ms = NowMs();
  auto [it, inserted] = sync_sent_ms_.emplace(to, now_ms);
  if (!inserted && now_ms - it->second < options_.round_timeout_ms / 2) return;
  it->second = now_ms;
  v1::ConsensusMessage sync;
  *sync.mutable_sync_info()->mutable_high_qc() = high_qc_;
  Send(to, std::move(sync), out);
}

}  // namespace remit
