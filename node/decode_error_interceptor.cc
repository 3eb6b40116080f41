#include "node/decode_error_interceptor.h"

#include <google/protobuf/descriptor.h>

#include <string>

#include "ledger/check.h"
#include "ledger/strings.h"
#include "node/error_details.h"

namespace remit {
namespace {

using grpc::experimental::InterceptionHookPoints;

class DecodeErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit DecodeErrorInterceptor(std::string method) : method_(std::move(method)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() != nullptr) {
      decoded_ = true;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) && !decoded_) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(ToGrpc(absl::InvalidArgumentError(
            StrCat("malformed: request to ", method_,
                   " is not a valid protobuf message of the type the method takes: truncated, "
                   "corrupt, or a string field (chain id, asset, memo) that is not valid "
                   "UTF-8; send the serialized request message (proto/remit/v1)"))));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  bool decoded_ = false;  // hooks of one call run one at a time
};

}  // namespace

DecodeErrorInterceptorFactory::DecodeErrorInterceptorFactory(
    const std::vector<std::string>& services) {
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    REMIT_CHECK(service != nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      methods_.insert(StrCat("/", name, "/", service->method(i)->name()));
    }
  }
}

grpc::experimental::Interceptor* DecodeErrorInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (info->method() == nullptr || !methods_.contains(info->method())) return nullptr;
  return new DecodeErrorInterceptor(info->method());
}

}  // namespace remit
