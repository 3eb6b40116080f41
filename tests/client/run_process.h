// Runs a program to completion, capturing stdout, stderr and the exit code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace remit::testing {

struct ProcessRun {
  int exit_code = -1;  // 128 + signal if it was killed by one
  std::string out;
  std::string err;
};

// Runs argv[0] (a path) with `argv`; kills it with SIGKILL after timeout_ms
// (exit_code then 128 + 9). `scratch_dir` holds the captured output files.
ProcessRun RunProcess(const std::vector<std::string>& argv, const std::string& scratch_dir,
                      uint64_t timeout_ms);

}  // namespace remit::testing
