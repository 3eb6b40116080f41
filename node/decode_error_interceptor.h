// gRPC answers a request it cannot decode into the method's protobuf message
// (truncated, corrupt, or a proto3 string that is not UTF-8) with
// UNIMPLEMENTED and an empty message on the callback API, before any handler
// runs. This server interceptor turns that answer into INVALID_ARGUMENT with
// a message that names the method and what to send instead.
//
// It recognises the case exactly: the method is one of the given services'
// (an unknown method stays UNIMPLEMENTED), the request message never arrived
// decoded (POST_RECV_MESSAGE saw none), and the status about to leave is
// UNIMPLEMENTED with no message. Every other answer passes untouched.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <set>
#include <string>
#include <vector>

namespace remit {

class DecodeErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `services`: full names of the services served (e.g. "remit.v1.Ledger"),
  // whose methods are read from the generated descriptors.
  explicit DecodeErrorInterceptorFactory(const std::vector<std::string>& services);

  // Null (no interception) for methods outside those services.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  std::set<std::string> methods_;  // "/remit.v1.Ledger/Settle", ...
};

}  // namespace remit
