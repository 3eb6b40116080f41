// The files an in-process NodeServer needs, in a fresh temporary directory:
// genesis.json and validator 0's key, and a NodeConfig naming them that
// listens on a free loopback port. Tests set limits on a copy of config().
// The directory is removed with the object, so stop the node first.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "ledger/check.h"
#include "ledger/genesis.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"
#include "node/config.h"

namespace remit::testing {

class NodeFiles {
 public:
  // `name` goes into the directory's name, to tell tests' leftovers apart.
  NodeFiles(std::string_view name, const Genesis& genesis, const SigningKey& key) {
    std::string pattern = StrCat("/tmp/remit-", name, "-XXXXXX");
    REMIT_CHECK(::mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    { std::ofstream(dir_ + "/genesis.json") << GenesisToJson(genesis); }
    REMIT_CHECK(WriteKeyFile(dir_ + "/validator.key", key).ok());
    config_.data_dir = dir_ + "/data";
    config_.genesis_path = dir_ + "/genesis.json";
    config_.key_file = dir_ + "/validator.key";
    config_.listen = "127.0.0.1:0";
  }
  ~NodeFiles() {
    std::error_code error;
    std::filesystem::remove_all(dir_, error);
  }
  NodeFiles(const NodeFiles&) = delete;
  NodeFiles& operator=(const NodeFiles&) = delete;

  const std::string& dir() const { return dir_; }
  const NodeConfig& config() const { return config_; }

 private:
  std::string dir_;
  NodeConfig config_;
};

}  // namespace remit::testing
