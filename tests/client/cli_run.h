// Runs the `remit` CLI in-process and captures what it prints.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "client/remit/cli.h"

namespace remit::testing {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CliRun RunRemit(const std::vector<std::string>& args) {
  std::vector<const char*> argv = {"remit"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  CliRun run;
  run.exit_code = cli::RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace remit::testing
