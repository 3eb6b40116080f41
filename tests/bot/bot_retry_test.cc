// The bot engine's housekeeping against an in-memory ledger: transfers whose
// outcome was unknown are re-sent with back-off until final, and the sender
// is told; finished message ids are pruned by age and count, never an
// unfinished one. Time is the fixture's injected clock.
#include <gtest/gtest.h>

#include "client/bot/bot_engine.h"
#include "tests/bot/bot_fixture.h"

namespace remit::bot::testing {
namespace {

constexpr uint64_t kHourMs = 60 * 60 * 1000;

class BotRetryTest : public BotFixture {
 protected:
  void SetUp() override {
    Fund("alice@x", 50);
    Fund("bob@x", 5);
  }
  // Calls RetryPending every step_ms from now_ms_ for span_ms; the times at
  // which a retry reached the ledger, and every reply.
  std::vector<uint64_t> RunRetries(uint64_t span_ms, uint64_t step_ms,
                                   std::vector<OutboundMessage>* replies) {
    std::vector<uint64_t> attempts_ms;
    for (uint64_t t = now_ms_; t <= now_ms_ + span_ms; t += step_ms) {
      const int calls = ledger_.settle_calls();
      for (OutboundMessage& reply : engine_->RetryPending(t)) replies->push_back(reply);
      if (ledger_.settle_calls() != calls) attempts_ms.push_back(t);
    }
    return attempts_ms;
  }
};

// An UNAVAILABLE ledger: the payment is recorded, re-sent after 1 s, 2 s,
// 4 s (doubling, not before it is due), and when it settles the sender gets
// the receipt; later retries and a redelivery pay nothing more.
TEST_F(BotRetryTest, RetriedWithBackoffUntilSettledAndSenderTold) {
  ledger_.DropNext(3);
  const std::string pending = Say("alice@x", "pay bob@x 2 taxi", "m-down");
  EXPECT_TRUE(Contains(pending, "I will retry exactly that")) << pending;
  EXPECT_EQ(engine_->RetriesScheduled(), 1u);
  std::vector<OutboundMessage> replies;
  const std::vector<uint64_t> attempts_ms = RunRetries(20'000, 100, &replies);
  ASSERT_EQ(attempts_ms.size(), 3u);
  EXPECT_EQ(attempts_ms[0], now_ms_ + 1'000);
  EXPECT_EQ(attempts_ms[1], now_ms_ + 3'000);
  EXPECT_EQ(attempts_ms[2], now_ms_ + 7'000);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].to, "alice@x");
  EXPECT_TRUE(Contains(replies[0].text,
                       "Update on your earlier payment: Paid bob@x 2.00 USD for \"taxi\": SETTLED"))
      << replies[0].text;
  EXPECT_EQ(engine_->RetriesScheduled(), 0u);
  EXPECT_EQ(Usd("bob@x"), 700);
  const int calls = ledger_.settle_calls();
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 2 taxi", "m-down"), "SETTLED"));
  EXPECT_EQ(ledger_.settle_calls(), calls);
  EXPECT_EQ(Usd("bob@x"), 700);
}

// The wait between retries doubles up to retry_backoff_ms_max and stays
// there while the ledger stays down.
TEST_F(BotRetryTest, BackoffIsCapped) {
  engine_options_.retry_backoff_ms_max = 5'000;
  Restart();
  ledger_.DropNext(1'000);
  Say("alice@x", "pay bob@x 1", "m-cap");
  std::vector<OutboundMessage> replies;
  const std::vector<uint64_t> attempts_ms = RunRetries(40'000, 100, &replies);
  std::vector<uint64_t> gaps_ms;
  uint64_t previous_ms = now_ms_;
  for (uint64_t t : attempts_ms) gaps_ms.push_back(t - std::exchange(previous_ms, t));
  const std::vector<uint64_t> expected = {1'000, 2'000, 4'000, 5'000, 5'000,
                                          5'000, 5'000, 5'000, 5'000};
  EXPECT_EQ(gaps_ms, expected);
  EXPECT_TRUE(replies.empty());  // nothing final to tell yet
  EXPECT_EQ(engine_->RetriesScheduled(), 1u);
}

// While a payment's outcome is unknown, later payments of the same user
// never sign its sequence again, even after a refusal makes the bot re-read
// the sequence from the ledger (which does not know the unfinished one):
// they queue behind it. (The fake ledger refuses a sequence ahead of the
// next one; a node would hold it until the gap fills.) The unfinished one
// then settles on its retry, and nothing pays twice.
TEST_F(BotRetryTest, UnfinishedTransferKeepsItsSequence) {
  ledger_.DropNext(1);
  Say("alice@x", "pay bob@x 3 first", "m-first");
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1 second"), "Not paid"));
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1 third"), "Not paid"));
  now_ms_ += 1'000;
  const std::vector<OutboundMessage> replies = engine_->RetryPending(now_ms_);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(Contains(replies[0].text,
                       "Update on your earlier payment: Paid bob@x 3.00 USD for \"first\""))
      << replies[0].text;
  EXPECT_EQ(Usd("bob@x"), 800);
  EXPECT_EQ(engine_->RetriesScheduled(), 0u);
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 1 fourth"), "SETTLED"));
  EXPECT_EQ(Usd("bob@x"), 900);
}

// A redelivery that settles the transfer first leaves the retry nothing to do.
TEST_F(BotRetryTest, RedeliveryFinishesBeforeRetry) {
  ledger_.DropNext(1);
  Say("alice@x", "pay bob@x 2", "m-redo");
  EXPECT_TRUE(Contains(Say("alice@x", "pay bob@x 2", "m-redo"), "SETTLED"));
  const int calls = ledger_.settle_calls();
  EXPECT_TRUE(engine_->RetryPending(now_ms_ + 60'000).empty());
  EXPECT_EQ(ledger_.settle_calls(), calls);
  EXPECT_EQ(Usd("bob@x"), 700);
}

// After a restart Recover schedules the re-send; if the ledger is still
// down, a later retry settles it.
TEST_F(BotRetryTest, RecoverSchedulesRetry) {
  ledger_.DropNext(1);
  Say("alice@x", "pay bob@x 2", "m-crash");
  Restart();
  ledger_.DropNext(1);
  EXPECT_EQ(engine_->Recover(now_ms_), 1u);
  EXPECT_TRUE(engine_->RetryPending(now_ms_).empty());          // still down
  EXPECT_TRUE(engine_->RetryPending(now_ms_ + 1'999).empty());  // not due yet
  const std::vector<OutboundMessage> replies = engine_->RetryPending(now_ms_ + 2'000);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(Contains(replies[0].text, "Paid bob@x 2.00 USD"));
  EXPECT_EQ(Usd("bob@x"), 700);
}

class BotPruneTest : public BotFixture {
 protected:
  void SetUp() override {
    engine_options_.message_ids_max_age_ms = 36 * kHourMs;
    engine_options_.message_ids_max = 3;
    Restart();
    Fund("alice@x", 50);
    Fund("bob@x", 5);
  }
  bool Known(const std::string& id) { return (*store_->GetMessage("alice@x", id)).has_value(); }
};

// Ids older than the maximum age go; younger ones stay.
TEST_F(BotPruneTest, ByAge) {
  const uint64_t start_ms = now_ms_;
  for (const char* id : {"d0", "d1", "d2"}) {
    Say("alice@x", "pay bob@x 0.01", id);
    now_ms_ += 24 * kHourMs;
  }
  // Now start + 72 h: the cut is start + 36 h, so d0 (0 h) and d1 (24 h) go.
  ASSERT_TRUE(engine_->PruneMessageIds(now_ms_).ok());
  EXPECT_FALSE(Known("d0"));
  EXPECT_FALSE(Known("d1"));
  EXPECT_TRUE(Known("d2"));
  EXPECT_EQ(*engine_->PruneMessageIds(start_ms + 72 * kHourMs), 0u);  // idempotent
}

// Beyond the maximum count the oldest go, whatever their age; refusals
// recorded as finished replies count too.
TEST_F(BotPruneTest, ByCountOldestFirst) {
  const uint64_t funding = *store_->FinishedMessageCount();  // the faucet's, oldest
  for (const char* id : {"c0", "c1", "c2", "c3", "c4"}) {
    now_ms_ += 1'000;
    Say("alice@x", "pay bob@x 0.01", id);
  }
  Say("alice@x", "pay nobody@x 1", "c5");  // refused, but a finished money message
  EXPECT_EQ(*store_->FinishedMessageCount(), funding + 6);
  EXPECT_EQ(*engine_->PruneMessageIds(now_ms_), funding + 3);
  EXPECT_EQ(*store_->FinishedMessageCount(), 3u);
  for (const char* id : {"c0", "c1", "c2"}) EXPECT_FALSE(Known(id)) << id;
  for (const char* id : {"c3", "c4", "c5"}) EXPECT_TRUE(Known(id)) << id;
}

// An unfinished transfer's id is never pruned, however old and however many
// finished ones there are; once it settles it ages like the others.
TEST_F(BotPruneTest, NeverAnUnfinishedOne) {
  ledger_.DropNext(1);
  Say("alice@x", "pay bob@x 1", "pending");
  for (const char* id : {"f0", "f1", "f2", "f3"}) Say("bob@x", "pay alice@x 0.01", id);
  now_ms_ += 100 * kHourMs;
  ASSERT_TRUE(engine_->PruneMessageIds(now_ms_).ok());
  EXPECT_EQ(*store_->FinishedMessageCount(), 0u);
  ASSERT_TRUE(Known("pending"));
  EXPECT_EQ((*store_->GetMessage("alice@x", "pending"))->state, MessageState::kSigned);
  EXPECT_EQ(store_->PendingMessages()->size(), 1u);
  ASSERT_EQ(engine_->RetryPending(now_ms_).size(), 1u);  // settles now
  EXPECT_EQ(*engine_->PruneMessageIds(now_ms_), 1u);     // recorded 100 h ago
  EXPECT_FALSE(Known("pending"));
}

// Limits of zero are refused when the engine is made.
TEST_F(BotPruneTest, ZeroLimitsRefused) {
  EngineOptions options;
  options.message_ids_max = 0;
  EXPECT_EQ(BotEngine::Create(store_.get(), vault_.get(), &ledger_, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = EngineOptions{};
  options.retry_backoff_ms_min = 0;
  EXPECT_EQ(BotEngine::Create(store_.get(), vault_.get(), &ledger_, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace remit::bot::testing
