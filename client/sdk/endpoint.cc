#include "client/sdk/endpoint.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "ledger/strings.h"

namespace remit::sdk {
namespace {

constexpr uint32_t kPortMax = 65535;
constexpr size_t kHostBytesMax = 253;

absl::Status Refuse(std::string_view endpoint, std::string_view why) {
  return absl::InvalidArgumentError(
      StrCat("endpoint '", endpoint, "' ", why, "; write HOST:PORT like 127.0.0.1:7100"));
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> SplitOnCommas(std::string_view text) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

bool IsPlainHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

}  // namespace

absl::Status CheckEndpoint(std::string_view endpoint) {
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string_view::npos) return Refuse(endpoint, "has no port");
  std::string_view host = endpoint.substr(0, colon);
  const std::string_view port = endpoint.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    const bool ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
    });
    if (!ok) return Refuse(endpoint, "has a malformed IPv6 address");
  } else if (host.empty() || host.size() > kHostBytesMax ||
             !std::all_of(host.begin(), host.end(), IsPlainHostChar)) {
    return Refuse(endpoint, "has a malformed host");
  }
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      })) {
    return Refuse(endpoint, "has a malformed port");
  }
  uint32_t value = 0;
  for (char c : port) value = value * 10 + static_cast<uint32_t>(c - '0');
  if (value == 0 || value > kPortMax) return Refuse(endpoint, "has a port outside 1..65535");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ParseEndpoints(const std::vector<std::string>& values) {
  std::vector<std::string> endpoints;
  for (const std::string& value : values) {
    for (std::string_view part : SplitOnCommas(value)) {
      const std::string endpoint(TrimSpaces(part));
      if (endpoint.empty()) {
        return absl::InvalidArgumentError(
            StrCat("empty endpoint in '", value, "'; write HOST:PORT[,HOST:PORT...]"));
      }
      if (absl::Status status = CheckEndpoint(endpoint); !status.ok()) return status;
      if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end()) {
        endpoints.push_back(endpoint);
      }
    }
  }
  if (endpoints.empty()) {
    return absl::InvalidArgumentError("no endpoint given; write HOST:PORT like 127.0.0.1:7100");
  }
  if (endpoints.size() > kEndpointsMax) {
    return absl::InvalidArgumentError(
        StrCat("too many endpoints (", endpoints.size(), "); at most ", kEndpointsMax));
  }
  return endpoints;
}

}  // namespace remit::sdk
