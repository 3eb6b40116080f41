// The `remit` command line: parses argv, runs one command, and returns the
// process exit code (cli_error.h). Output goes to `out`, errors (one line
// each) to `err`. In-process, so tests can run commands without a shell.
#pragma once

#include <ostream>

namespace remit::cli {

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace remit::cli
