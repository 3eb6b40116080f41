// Whether a decoded message carries fields its schema does not define,
// anywhere inside it. Signatures and ids cover only the canonical bytes of
// the known fields, so unknown ones would travel and be stored unhashed, and
// could differ between validators holding the "same" transfer.
#pragma once

#include <google/protobuf/message.h>

namespace remit {

// True if `message` or any message nested in it has unknown fields.
bool HasUnknownFields(const google::protobuf::Message& message);

}  // namespace remit
