// HasUnknownFields finds fields the schema does not define at any depth of a
// signed transfer, so that neither a plain transfer nor an operation's body
// can smuggle unhashed bytes into a block.
#include "ledger/unknown_fields.h"

#include <gtest/gtest.h>

#include "remit/v1/types.pb.h"

namespace remit {
namespace {

// Field 99, varint 1: a field no remit.v1 message defines.
constexpr char kUnknownField[] = "\x98\x06\x01";

TEST(UnknownFieldsTest, CleanMessagesHaveNone) {
  v1::SignedTransfer transfer;
  transfer.mutable_transfer()->set_amount_minor(1);
  EXPECT_FALSE(HasUnknownFields(transfer));
  v1::SignedTransfer operation;
  operation.mutable_operation()->mutable_strict_send()->set_send_amount_minor(5);
  EXPECT_FALSE(HasUnknownFields(operation));
}

TEST(UnknownFieldsTest, FoundAtEveryDepth) {
  v1::SignedTransfer top;
  ASSERT_TRUE(top.MergeFromString(kUnknownField));
  EXPECT_TRUE(HasUnknownFields(top));

  v1::SignedTransfer in_transfer;
  ASSERT_TRUE(in_transfer.mutable_transfer()->MergeFromString(kUnknownField));
  EXPECT_TRUE(HasUnknownFields(in_transfer));

  // Two levels down: SignedTransfer.operation.strict_send.
  v1::SignedTransfer in_body;
  ASSERT_TRUE(in_body.mutable_operation()->mutable_strict_send()->MergeFromString(kUnknownField));
  EXPECT_TRUE(HasUnknownFields(in_body));
}

// Repeated message fields are searched too (a receipt's fills).
TEST(UnknownFieldsTest, FoundInRepeatedMessages) {
  v1::Receipt receipt;
  receipt.add_fills();
  ASSERT_TRUE(receipt.add_fills()->MergeFromString(kUnknownField));
  EXPECT_TRUE(HasUnknownFields(receipt));
}

}  // namespace
}  // namespace remit
