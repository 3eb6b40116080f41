// The testnet library without remitd: directory layout, manifest, ports,
// background processes and locating remitd.
#include "client/testnet/testnet.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "client/testnet/create.h"
#include "client/testnet/executable.h"
#include "client/testnet/manifest.h"
#include "client/testnet/port.h"
#include "client/testnet/process.h"
#include "ledger/address.h"
#include "ledger/genesis.h"
#include "ledger/key_file.h"
#include "tests/client/temp_dir.h"
#include "tests/client/unused_port.h"

namespace remit::testnet {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Holds a listening socket on a loopback port until destroyed.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REMIT_CHECK(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REMIT_CHECK(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REMIT_CHECK(::listen(fd_, 1) == 0);
    socklen_t length = sizeof(address);
    REMIT_CHECK(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd_); }
  uint32_t port() const { return port_; }

 private:
  int fd_;
  uint32_t port_ = 0;
};

// Proves: a new testnet directory holds a faucet key (0600), a valid genesis
// whose six assets have 2 decimals and the faucet as issuer, one key and one
// config per validator with absolute paths, and a manifest that reads back.
TEST(CreateTestnetTest, LaysOutTheDirectory) {
  testing::TempDir dir;
  absl::StatusOr<TestnetManifest> created =
      CreateTestnet(dir.path(), {.nodes = 2, .base_port = 17100});
  ASSERT_TRUE(created.ok()) << created.status();

  struct stat info;
  ASSERT_EQ(::stat(FaucetKeyPath(dir.path()).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  absl::StatusOr<SigningKey> faucet = ReadKeyFile(FaucetKeyPath(dir.path()));
  ASSERT_TRUE(faucet.ok());
  EXPECT_EQ(created->faucet_address, EncodeAddress(faucet->public_key()));

  absl::StatusOr<Genesis> genesis = ParseGenesis(ReadFile(GenesisPath(dir.path())));
  ASSERT_TRUE(genesis.ok()) << genesis.status();
  EXPECT_EQ(genesis->chain_id, "remit-testnet");
  ASSERT_EQ(genesis->assets.size(), 6u);
  for (const AssetInfo& asset : genesis->assets) {
    EXPECT_EQ(asset.decimals, 2u);
    EXPECT_EQ(asset.issuer, faucet->public_key());
    EXPECT_EQ(asset.transfer_max_minor, 100'000'000u);
  }
  ASSERT_EQ(genesis->validators.size(), 2u);
  for (uint32_t i = 0; i < 2; ++i) {
    absl::StatusOr<SigningKey> validator = ReadKeyFile(NodeKeyPath(dir.path(), i));
    ASSERT_TRUE(validator.ok());
    EXPECT_EQ(genesis->validators[i].public_key, validator->public_key());
    EXPECT_EQ(genesis->validators[i].endpoint, "127.0.0.1:" + std::to_string(17100 + i));
    const toml::table config = toml::parse_file(NodeConfigPath(dir.path(), i));
    EXPECT_EQ(config["listen"].value<std::string>(), genesis->validators[i].endpoint);
    EXPECT_EQ(config["data_dir"].value<std::string>(), NodeDataDir(dir.path(), i));
    EXPECT_EQ(config["genesis"].value<std::string>(), GenesisPath(dir.path()));
    EXPECT_EQ(config["key_file"].value<std::string>(), NodeKeyPath(dir.path(), i));
    EXPECT_EQ(config["log_level"].value<std::string>(), "info");
  }

  absl::StatusOr<TestnetManifest> read = ReadManifest(dir.path());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->dir, dir.path());
  EXPECT_EQ(read->base_port, 17100u);
  EXPECT_EQ(ManifestEndpoints(*read),
            (std::vector<std::string>{"127.0.0.1:17100", "127.0.0.1:17101"}));
}

// Proves: creation refuses a directory with other files and out-of-range
// node counts or ports.
TEST(CreateTestnetTest, RefusesBadRequests) {
  testing::TempDir dir;
  EXPECT_FALSE(CreateTestnet(dir.path(), {.nodes = 0}).ok());
  EXPECT_FALSE(CreateTestnet(dir.path(), {.nodes = kTestnetNodesMax + 1}).ok());
  EXPECT_FALSE(CreateTestnet(dir.path(), {.nodes = 2, .base_port = 65535}).ok());
  std::ofstream(dir.Join("stray.txt")) << "x";
  absl::StatusOr<TestnetManifest> created = CreateTestnet(dir.path(), {});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kAlreadyExists);
}

// Proves: a directory without a manifest is NOT_FOUND with a hint, and a
// corrupt manifest is INVALID_ARGUMENT rather than a crash.
TEST(ManifestTest, MissingOrCorrupt) {
  testing::TempDir dir;
  absl::StatusOr<TestnetManifest> missing = ReadManifest(dir.path());
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("remit testnet up"), absl::string_view::npos);
  for (const std::string text : {"{", "[]", R"({"version": "1"})",
                                 R"({"version": 1, "chain_id": "c", "base_port": 7100,
                                     "faucet_address": "f", "nodes": [{"index": 0,
                                     "endpoint": "127.0.0.1:9"}]})"}) {
    std::ofstream(ManifestPath(dir.path()), std::ios::trunc) << text;
    EXPECT_EQ(ReadManifest(dir.path()).status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

// Proves: `up` on an existing testnet refuses a different --nodes or
// --base-port before starting anything, and on a new directory a taken port
// fails with a clear message and leaves no testnet behind.
TEST(TestnetUpTest, RefusesMismatchesAndTakenPorts) {
  testing::TempDir dir;
  ASSERT_TRUE(CreateTestnet(dir.path(), {.nodes = 1, .base_port = 17200}).ok());
  absl::StatusOr<UpReport> nodes = TestnetUp(dir.path(), {.nodes = 3});
  EXPECT_EQ(nodes.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<UpReport> port = TestnetUp(dir.path(), {.base_port = 17300});
  EXPECT_EQ(port.status().code(), absl::StatusCode::kInvalidArgument);

  testing::TempDir fresh;
  Listener listener;
  absl::StatusOr<UpReport> taken =
      TestnetUp(fresh.Join("net"), {.nodes = 1, .base_port = listener.port()});
  ASSERT_EQ(taken.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(taken.status().message().find("port " + std::to_string(listener.port()) +
                                          " is in use by another program"),
            absl::string_view::npos)
      << taken.status();
  EXPECT_EQ(ReadManifest(fresh.Join("net")).status().code(), absl::StatusCode::kNotFound);
}

// Proves: IsPortFree sees a listening socket, and sees the port free again
// once it is closed.
TEST(PortTest, SeesListeners) {
  uint32_t port = 0;
  {
    Listener listener;
    port = listener.port();
    EXPECT_FALSE(IsPortFree(port));
  }
  EXPECT_TRUE(IsPortFree(port));
}

// Proves: a detached process runs in its own session with output in its
// log, is seen alive, and stops on SIGTERM without needing SIGKILL.
TEST(ProcessTest, SpawnsDetachedAndStops) {
  testing::TempDir dir;
  const std::string log = dir.Join("out.log");
  absl::StatusOr<pid_t> pid = SpawnDetached({"/bin/sh", "-c", "echo started; exec sleep 30"}, log);
  ASSERT_TRUE(pid.ok()) << pid.status();
  EXPECT_TRUE(IsProcessAlive(*pid));
  EXPECT_EQ(::getsid(*pid), *pid);
  for (int i = 0; i < 100 && ReadFile(log).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(ReadFile(log), "started\n");
  absl::StatusOr<bool> killed = StopProcess(*pid, 5'000);
  ASSERT_TRUE(killed.ok());
  EXPECT_FALSE(*killed);
  EXPECT_FALSE(IsProcessAlive(*pid));
}

// Proves: a process that ignores SIGTERM is killed after the grace period.
TEST(ProcessTest, SigkillAfterGrace) {
  testing::TempDir dir;
  absl::StatusOr<pid_t> pid = SpawnDetached(
      {"/bin/sh", "-c", "trap '' TERM; while true; do sleep 0.05; done"}, dir.Join("log"));
  ASSERT_TRUE(pid.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the trap be set
  absl::StatusOr<bool> killed = StopProcess(*pid, 200);
  ASSERT_TRUE(killed.ok());
  EXPECT_TRUE(*killed);
  EXPECT_FALSE(IsProcessAlive(*pid));
}

// Proves: a missing executable is reported, not crashed on.
TEST(ProcessTest, MissingExecutable) {
  testing::TempDir dir;
  absl::StatusOr<pid_t> pid = SpawnDetached({dir.Join("no-such-program")}, dir.Join("log"));
  EXPECT_EQ(pid.status().code(), absl::StatusCode::kUnavailable);
}

// Proves: pid files round-trip and garbage is refused; TailFile returns the
// last lines.
TEST(ProcessTest, PidFilesAndTail) {
  testing::TempDir dir;
  const std::string pid_path = dir.Join("x.pid");
  EXPECT_EQ(ReadPidFile(pid_path).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(WritePidFile(pid_path, 4242).ok());
  EXPECT_EQ(*ReadPidFile(pid_path), 4242);
  std::ofstream(pid_path, std::ios::trunc) << "12abc\n";
  EXPECT_EQ(ReadPidFile(pid_path).status().code(), absl::StatusCode::kInvalidArgument);

  const std::string log = dir.Join("log");
  std::ofstream(log) << "one\ntwo\nthree\nfour\n";
  EXPECT_EQ(TailFile(log, 2), "three\nfour\n");
  EXPECT_EQ(TailFile(log, 10), "one\ntwo\nthree\nfour\n");
  EXPECT_EQ(TailFile(dir.Join("none"), 2), "");
}

// Proves: $REMITD wins when it names an executable, and a wrong $REMITD is
// reported rather than silently ignored.
TEST(ExecutableTest, RemitdFromEnvironment) {
  testing::TempDir dir;
  const std::string fake = dir.Join("remitd");
  std::ofstream(fake) << "#!/bin/sh\n";
  ASSERT_EQ(::chmod(fake.c_str(), 0755), 0);
  ASSERT_EQ(::setenv("REMITD", fake.c_str(), 1), 0);
  absl::StatusOr<std::string> found = FindRemitd();
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, fake);
  ASSERT_EQ(::setenv("REMITD", dir.Join("missing").c_str(), 1), 0);
  EXPECT_EQ(FindRemitd().status().code(), absl::StatusCode::kNotFound);
  ::unsetenv("REMITD");
}

}  // namespace
}  // namespace remit::testnet
