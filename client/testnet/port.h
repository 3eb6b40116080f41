// Whether a loopback TCP port is free for a validator to listen on.
#pragma once

#include <cstdint>

namespace remit::testnet {

// True if 127.0.0.1:port can be bound now. Uses SO_REUSEADDR, like gRPC, so
// connections left in TIME_WAIT by a killed validator do not count as "in
// use"; a listening socket does. The answer may be stale a moment later.
// Precondition (checked): 1 <= port <= 65535.
bool IsPortFree(uint32_t port);

}  // namespace remit::testnet
