// How the public API's errors travel: gRPC's standard error model.
//
// Every error remitd answers carries, in the `grpc-status-details-bin`
// trailer (grpc::Status::error_details), a serialized google.rpc.Status with
// the same code and message, whose `details` hold (as google.protobuf.Any):
//   - a google.rpc.ErrorInfo: `reason` (UPPER_SNAKE_CASE, stable), `domain`
//     kErrorDomain, and `metadata` where the API layer knows more
//     ("transferId": the transfer's id in hex; "nextSequence": the sender's
//     next sequence, for the sequence refusals);
//   - for ALREADY_EXISTS, the original receipt as a remit.v1.SettleResponse.
// Go, Java and Python gRPC libraries decode that trailer themselves.
//
// The reason comes from the absl::Status message. A refusal's message starts
// with a snake_case reason and a colon, then says what was wrong and what to
// do ("sequence_used: sequence 3 is already used; ..."): its reason is that
// word in upper case (SEQUENCE_USED). Only the prefixes in RefusalReasons()
// are reasons; a message without one (an unexpected error, e.g. a store
// failure) gets the status code's name as its reason ("INTERNAL").
//
// RefusalReasons() is the one table of reasons. docs/API.md lists the same
// rows with when each happens and what a client should do, and
// tests/node/api_table_test.cc checks that the two agree and provokes each
// row through the API. A new refusal adds its row in all three places.
#pragma once

#include <grpcpp/support/status.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "ledger/types.h"
#include "remit/v1/types.pb.h"

namespace remit {

// ErrorInfo.domain of every error remitd answers.
inline constexpr std::string_view kErrorDomain = "remit";

struct RefusalReason {
  std::string_view prefix;  // e.g. "sequence_used", the message's first word
  absl::StatusCode code;    // the one code this reason comes with
  // The API layer adds the sender's next sequence to the metadata.
  bool names_next_sequence = false;
};

// Every reason, in the order of docs/API.md's table.
std::span<const RefusalReason> RefusalReasons();

// The row whose prefix `status`'s message starts with (followed by ':'), or
// nullptr.
const RefusalReason* FindRefusalReason(const absl::Status& status);

// "SEQUENCE_USED" for a known prefix, else the code's name ("INTERNAL").
// Precondition (checked): `status` is not OK.
std::string ErrorReason(const absl::Status& status);

// What the API layer knows about the failed call, for the details.
struct ErrorContext {
  std::optional<TransferId> transfer_id;
  std::optional<uint64_t> next_sequence;  // added only for names_next_sequence rows
  const v1::Receipt* original = nullptr;  // ALREADY_EXISTS only: the original receipt
};

// The gRPC status for `status`: same code and message, and (when not OK) the
// details trailer described above. OK stays OK, with no details.
grpc::Status ToGrpc(const absl::Status& status, const ErrorContext& context = {});

}  // namespace remit
