// bot_xmpp_latency: how long from a chat message `pay bob ...` leaving
// alice's XMPP client to the bot's settled reply arriving back, over a real
// Prosody on loopback and a 1-validator testnet. Prints p50, p90, p99 and max.
//
//   bot_xmpp_latency [--count 200] [--dir /tmp/remit-bench-bot]
//
// It builds everything itself in --dir (removed first): testnet, Prosody,
// remit-bot with rate limits lifted. Payments go one at a time (closed loop).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "client/bot/local_prosody.h"
#include "client/testnet/process.h"
#include "client/testnet/testnet.h"
#include "ledger/strings.h"
#include "tests/bot/chat_client.h"

namespace remit::bench {
namespace {

using bot::testing::ChatClient;

constexpr char kPassword[] = "bench-password";
constexpr uint64_t kReplyTimeoutMs = 10'000;
constexpr uint32_t kWarmup = 5;

struct Args {
  uint32_t count = 200;
  std::string dir = "/tmp/remit-bench-bot";
  uint32_t port_base = 0;  // 0: from the pid
};

std::string BinDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

uint64_t Percentile(std::vector<uint64_t> sorted, double q) {
  const auto index = static_cast<size_t>(q * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

// Sends one payment and waits for its reply; the latency in µs, or 0.
uint64_t PayOnce(ChatClient& alice, const std::vector<ChatClient*>& all, uint32_t i) {
  const std::string note = StrCat("bench-", i);
  const auto start = std::chrono::steady_clock::now();
  alice.Send("paybot@localhost", StrCat("pay bob@localhost 0.01 ", note), StrCat("b-", i));
  const std::string reply = bot::testing::WaitFor(all, alice, "\"" + note + "\"", kReplyTimeoutMs);
  if (reply.find("SETTLED") == std::string::npos) {
    std::cerr << "no settled reply for " << note << ": '" << reply << "'\n";
    return 0;
  }
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
}

int Run(const Args& args) {
  std::filesystem::remove_all(args.dir);
  std::filesystem::create_directories(args.dir);
  const uint32_t base = args.port_base != 0 ? args.port_base : 30000 + (::getpid() % 2000) * 10;
  testnet::UpOptions up;
  up.nodes = 1;
  up.base_port = base;
  const std::string testnet_dir = args.dir + "/testnet";
  absl::StatusOr<testnet::UpReport> report = testnet::TestnetUp(testnet_dir, up);
  if (!report.ok()) return std::cerr << report.status() << "\n", 1;
  absl::StatusOr<bot::LocalProsody> prosody =
      bot::LocalProsody::Create(args.dir + "/prosody", "localhost", base + 5);
  if (!prosody.ok()) return std::cerr << prosody.status() << "\n", 1;
  for (const char* user : {"paybot@localhost", "alice@localhost", "bob@localhost"}) {
    if (absl::Status s = prosody->Register(user, kPassword); !s.ok())
      return std::cerr << s << "\n", 1;
  }
  if (absl::Status s = prosody->Start(); !s.ok()) return std::cerr << s << "\n", 1;
  std::ofstream(args.dir + "/bot.password") << kPassword << "\n";
  absl::StatusOr<pid_t> bot_pid = testnet::SpawnDetached({BinDir() + "/remit-bot",
                                                          "xmpp",
                                                          "--jid",
                                                          "paybot@localhost",
                                                          "--password-file",
                                                          args.dir + "/bot.password",
                                                          "--server",
                                                          StrCat("127.0.0.1:", base + 5),
                                                          "--trust-self-signed",
                                                          "--testnet",
                                                          testnet_dir,
                                                          "--payments-per-minute",
                                                          "1000000",
                                                          "--commands-per-minute",
                                                          "1000000",
                                                          "--confirm-above",
                                                          "1000",
                                                          "--demo-users",
                                                          "alice@localhost",
                                                          "--demo-funds",
                                                          "1000"},
                                                         args.dir + "/bot.log");
  if (!bot_pid.ok()) return std::cerr << bot_pid.status() << "\n", 1;
  int rc = 0;
  {
    ChatClient alice("alice@localhost", kPassword, static_cast<uint16_t>(base + 5));
    ChatClient bob("bob@localhost", kPassword, static_cast<uint16_t>(base + 5));
    const std::vector<ChatClient*> all = {&alice, &bob};
    if (!alice.Connect(5'000) || !bob.Connect(5'000)) return std::cerr << "cannot connect\n", 1;
    alice.Send("paybot@localhost", "balance", "warm");
    bob.Send("paybot@localhost", "help", "warm");  // bob needs a wallet
    if (bot::testing::WaitFor(all, alice, "Your balance", kReplyTimeoutMs).empty()) {
      std::cerr << "the bot did not answer; see " << args.dir << "/bot.log\n";
      rc = 1;
    }
    std::vector<uint64_t> latencies_us;
    for (uint32_t i = 0; rc == 0 && i < args.count + kWarmup; ++i) {
      const uint64_t latency_us = PayOnce(alice, all, i);
      if (latency_us == 0) rc = 1;
      if (i >= kWarmup) latencies_us.push_back(latency_us);
    }
    if (rc == 0) {
      std::sort(latencies_us.begin(), latencies_us.end());
      std::printf("chat message -> settled reply over XMPP, %zu payments, closed loop:\n",
                  latencies_us.size());
      std::printf("  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
                  static_cast<double>(Percentile(latencies_us, 0.50)) / 1000.0,
                  static_cast<double>(Percentile(latencies_us, 0.90)) / 1000.0,
                  static_cast<double>(Percentile(latencies_us, 0.99)) / 1000.0,
                  static_cast<double>(latencies_us.back()) / 1000.0);
    }
  }
  (void)testnet::StopProcess(*bot_pid, 3'000);
  (void)prosody->Stop();
  (void)testnet::TestnetDown(testnet_dir, 3'000);
  return rc;
}

}  // namespace
}  // namespace remit::bench

int main(int argc, char** argv) {
  remit::bench::Args args;
  CLI::App app("bot_xmpp_latency: chat message to settled reply over XMPP", "bot_xmpp_latency");
  app.add_option("--count", args.count, "payments measured")->capture_default_str();
  app.add_option("--dir", args.dir, "scratch directory (emptied first)")->capture_default_str();
  app.add_option("--port-base", args.port_base, "first port (0: from the pid)");
  CLI11_PARSE(app, argc, argv);
  return remit::bench::Run(args);
}
