// remit: the Remit command line (see `remit --help`).
#include <iostream>

#include "client/remit/cli.h"

int main(int argc, char** argv) { return remit::cli::RunCli(argc, argv, std::cout, std::cerr); }
