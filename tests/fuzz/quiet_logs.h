// Fuzz inputs trip logging on purpose (protobuf's invalid-UTF-8 errors, the
// core's STATE DIVERGENCE lines); printed millions of times they would bury
// libFuzzer's own output and slow it down. Fatal errors still abort.
#pragma once

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace remit::fuzz {

inline void QuietLogs() {
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
}

}  // namespace remit::fuzz
