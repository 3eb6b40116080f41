// bot_xmpp_latency: what a chat user waits for. Alice's XMPP client sends
// `pay bob@localhost 0.01 ...` to the bot over a real Prosody on loopback
// (the demo's config) and a testnet of --validators (4 by default, as the
// demo runs); the time from the send to the settled reply arriving is read
// on alice's own clock. Each reply also carries the bot's own settle time
// ("SETTLED in 7.7 ms": the ledger call alone); the difference of the two
// medians is what chat and the bot add. Payments go one at a time (closed
// loop), after a warm-up.
//
//   bot_xmpp_latency [--count 200] [--validators 4] [--json FILE]
//
// Prints p50, p90, p99 and max of both, the difference of the medians and
// the load average; --json writes them as one object:
//   {"validators":4,"count":200,"load_average":1.2,
//    "reply_ms":{"p50":..,"p90":..,"p99":..,"max":..},"settle_ms":{...},
//    "reply_minus_settle_p50_ms":..}
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "ledger/strings.h"
#include "tests/bot/chat_client.h"
#include "tests/bot/xmpp_env.h"

namespace remit::bench {
namespace {

using bot::testing::ChatClient;
using bot::testing::kBotJid;
using bot::testing::kPassword;

constexpr uint64_t kReplyTimeoutMs = 10'000;
constexpr uint32_t kWarmup = 5;
constexpr char kSettledIn[] = "SETTLED in ";

struct Args {
  uint32_t count = 200;
  uint32_t validators = 4;
  std::string json_path;
};

struct Sample {
  uint64_t reply_us = 0;   // alice's clock: send to settled reply
  uint64_t settle_us = 0;  // the bot's "SETTLED in" figure
};

double Percentile(std::vector<uint64_t> values_us, double q) {
  std::sort(values_us.begin(), values_us.end());
  const auto index = static_cast<size_t>(q * static_cast<double>(values_us.size() - 1));
  return static_cast<double>(values_us[index]) / 1000.0;
}

nlohmann::json Summary(const std::vector<uint64_t>& values_us) {
  return {{"p50", Percentile(values_us, 0.50)},
          {"p90", Percentile(values_us, 0.90)},
          {"p99", Percentile(values_us, 0.99)},
          {"max", Percentile(values_us, 1.0)}};
}

// The bot's settle time in a reply ("SETTLED in 7.7 ms"), in µs; nullopt if absent.
std::optional<uint64_t> SettleUs(const std::string& reply) {
  const size_t at = reply.find(kSettledIn);
  if (at == std::string::npos) return std::nullopt;
  const std::string number = reply.substr(at + sizeof(kSettledIn) - 1);
  const double ms = std::strtod(number.c_str(), nullptr);
  if (!(ms > 0)) return std::nullopt;
  return static_cast<uint64_t>(ms * 1000.0);
}

// Sends one payment and waits for its reply, running only alice's event
// loop meanwhile (as her own client would; bob's is run between payments);
// nullopt if it did not settle.
std::optional<Sample> PayOnce(ChatClient& alice, ChatClient& bob, uint32_t i) {
  const std::string note = StrCat("bench-", i);
  const auto start = std::chrono::steady_clock::now();
  alice.Send(kBotJid, StrCat("pay bob@localhost 0.01 ", note), StrCat("b-", i));
  const std::string reply =
      bot::testing::WaitFor({&alice}, alice, "\"" + note + "\"", kReplyTimeoutMs);
  const auto end = std::chrono::steady_clock::now();
  bob.Pump(0);  // his notice of the payment
  const std::optional<uint64_t> settle_us = SettleUs(reply);
  if (!settle_us.has_value()) {
    std::cerr << "no settled reply for " << note << ": '" << reply << "'\n";
    return std::nullopt;
  }
  return Sample{.reply_us = static_cast<uint64_t>(
                    std::chrono::duration_cast<std::chrono::microseconds>(end - start).count()),
                .settle_us = *settle_us};
}

double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double load = 0;
  in >> load;
  return load;
}

absl::Status Measure(const Args& args, bot::testing::XmppEnv& env, std::vector<Sample>* samples) {
  ChatClient alice("alice@localhost", kPassword, env.port());
  ChatClient bob("bob@localhost", kPassword, env.port());
  const std::vector<ChatClient*> all = {&alice, &bob};
  if (!alice.Connect(5'000) || !bob.Connect(5'000)) {
    return absl::UnavailableError("the chat users cannot connect");
  }
  bob.Send(kBotJid, "help", "warm");  // bob needs a wallet
  if (bot::testing::WaitFor(all, bob, "Welcome", kReplyTimeoutMs).empty()) {
    return absl::UnavailableError("the bot did not answer");
  }
  for (uint32_t i = 0; i < args.count + kWarmup; ++i) {
    const std::optional<Sample> sample = PayOnce(alice, bob, i);
    if (!sample.has_value()) return absl::UnavailableError("a payment did not settle");
    if (i >= kWarmup) samples->push_back(*sample);
  }
  return absl::OkStatus();
}

int Run(const Args& args) {
  bot::testing::XmppEnv env;
  if (absl::Status s = env.SetUp({.validators = args.validators}); !s.ok()) {
    return std::cerr << s << "\n", 1;
  }
  // Rate limits lifted, no confirmations, alice funded for the whole run.
  if (absl::Status s =
          env.StartBot("1000", true,
                       {"--payments-per-minute", "1000000", "--commands-per-minute", "1000000",
                        "--demo-users", "alice@localhost", "--demo-funds", "1000"});
      !s.ok()) {
    return std::cerr << s << "\n", 1;
  }
  std::vector<Sample> samples;
  if (absl::Status s = Measure(args, env, &samples); !s.ok()) {
    std::cerr << s.message() << "; the bot's log:\n" << env.BotLog();
    return 1;
  }
  std::vector<uint64_t> reply_us;
  std::vector<uint64_t> settle_us;
  for (const Sample& sample : samples) {
    reply_us.push_back(sample.reply_us);
    settle_us.push_back(sample.settle_us);
  }
  const nlohmann::json reply = Summary(reply_us);
  const nlohmann::json settle = Summary(settle_us);
  const double gap_ms = reply["p50"].get<double>() - settle["p50"].get<double>();
  const nlohmann::json report = {
      {"validators", args.validators}, {"count", samples.size()},
      {"load_average", LoadAverage()}, {"reply_ms", reply},
      {"settle_ms", settle},           {"reply_minus_settle_p50_ms", gap_ms}};
  std::printf("chat payment over XMPP, %zu one at a time, %u validators, load average %.2f:\n",
              samples.size(), args.validators, report["load_average"].get<double>());
  for (const auto& [name, figures] : {std::pair{"send to reply (alice's clock)", reply},
                                      std::pair{"bot's settle time            ", settle}}) {
    std::printf("  %s p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", name,
                figures["p50"].get<double>(), figures["p90"].get<double>(),
                figures["p99"].get<double>(), figures["max"].get<double>());
  }
  std::printf("  reply p50 - settle p50: %.2f ms\n", gap_ms);
  if (!args.json_path.empty()) std::ofstream(args.json_path) << report.dump() << "\n";
  return 0;
}

}  // namespace
}  // namespace remit::bench

int main(int argc, char** argv) {
  remit::bench::Args args;
  CLI::App app("bot_xmpp_latency: chat payment to settled reply over XMPP", "bot_xmpp_latency");
  app.add_option("--count", args.count, "payments measured")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100'000u));
  app.add_option("--validators", args.validators, "validators of the testnet")
      ->capture_default_str()
      ->check(CLI::Range(1u, 16u));
  app.add_option("--json", args.json_path, "also write the figures to this file as JSON");
  CLI11_PARSE(app, argc, argv);
  return remit::bench::Run(args);
}
