#include "ledger/unknown_fields.h"

#include <vector>

namespace remit {

bool HasUnknownFields(const google::protobuf::Message& message) {
  // Depth-first over set message fields, without recursion.
  std::vector<const google::protobuf::Message*> pending{&message};
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  while (!pending.empty()) {
    const google::protobuf::Message& next = *pending.back();
    pending.pop_back();
    const google::protobuf::Reflection& reflection = *next.GetReflection();
    if (!reflection.GetUnknownFields(next).empty()) return true;
    fields.clear();
    reflection.ListFields(next, &fields);
    for (const google::protobuf::FieldDescriptor* field : fields) {
      if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (!field->is_repeated()) {
        pending.push_back(&reflection.GetMessage(next, field));
        continue;
      }
      for (int i = 0; i < reflection.FieldSize(next, field); ++i) {
        pending.push_back(&reflection.GetRepeatedMessage(next, field, i));
      }
    }
  }
  return false;
}

}  // namespace remit
