// A loopback port that nothing listens on right now.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

#include "ledger/check.h"

namespace remit::testing {

// Binds port 0 to let the kernel pick a free port, then releases it. Another
// process may take it afterwards, but rarely within a test.
inline uint32_t UnusedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REMIT_CHECK(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REMIT_CHECK(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  REMIT_CHECK(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace remit::testing
