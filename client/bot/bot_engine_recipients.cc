// BotEngine: who a `<who>` means (docs/BOT.md, "Recipients").
//
//   rmt1...            an address (checksummed)
//   name@host          that identity, if it has talked to the bot
//   name               what the sender's contacts call name, and the
//                      identity `name` itself (terminal users); exactly one,
//                      or the command is refused naming every candidate
//   @name              refused: a display name is never paid
//
// Contacts are learned from payments between two users: each side may then
// call the other by the local part of their identity. A name is never
// rebound: a second identity with the same local part joins the first as a
// candidate, which makes the name ambiguous, so a stranger who shares a
// local part with a contact can never receive what was meant for it.
#include <algorithm>
#include <cctype>

#include "client/bot/bot_engine.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/strings.h"

namespace remit::bot {
namespace {

std::string LocalPart(const std::string& identity) {
  return identity.substr(0, identity.find('@'));
}

std::string Domain(const std::string& identity) {
  const size_t at = identity.find('@');
  return at == std::string::npos ? "" : identity.substr(at + 1);
}

// "a, b or c"
std::string ListOr(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    out += i == 0 ? "" : (i + 1 == items.size() ? " or " : ", ");
    out += items[i];
  }
  return out;
}

bool HasControlBytes(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<BotEngine::Recipient> BotEngine::Resolve(const UserRecord& user,
                                                        const std::string& who) {
  if (who.starts_with("@")) {
    return absl::InvalidArgumentError(
        StrCat("I never pay display names like '", who,
               "': use their chat address (bob@example.org), a contact, or an rmt1 address."));
  }
  if (who.size() > kIdentityBytesMax || HasControlBytes(who)) {
    return absl::InvalidArgumentError("That is not a name, a chat address or an rmt1 address.");
  }
  if (who.starts_with(kAddressPrefix) || who.starts_with("RMT1")) {
    Recipient recipient;
    ASSIGN_OR_RETURN(recipient.account, DecodeAddress(who));
    ASSIGN_OR_RETURN(std::optional<std::string> identity, store_->IdentityOf(recipient.account));
    recipient.identity = identity.value_or("");
    recipient.label = identity.has_value() ? *identity : EncodeAddress(recipient.account);
    return recipient;
  }
  std::string name = who;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.find('@') == std::string::npos) return ResolveName(user, name);
  ASSIGN_OR_RETURN(const std::optional<UserRecord> target, store_->GetUser(name));
  if (!target.has_value()) {
    return absl::NotFoundError(
        StrCat("I do not know '", who, "': use a chat address that has talked to me ",
               "(bob@example.org) or an rmt1 address; ask them to send me 'help' first."));
  }
  return Recipient{
      .identity = target->identity, .account = target->account, .label = target->identity};
}

absl::StatusOr<BotEngine::Recipient> BotEngine::ResolveName(const UserRecord& user,
                                                            const std::string& name) {
  ASSIGN_OR_RETURN(std::vector<std::string> candidates,
                   store_->ContactsNamed(user.identity, name, kIdentitiesPerNameMax));
  ASSIGN_OR_RETURN(const std::optional<UserRecord> literal, store_->GetUser(name));
  if (literal.has_value() &&
      std::find(candidates.begin(), candidates.end(), name) == candidates.end()) {
    candidates.push_back(name);
  }
  if (candidates.size() > 1) {
    return absl::FailedPreconditionError(StrCat("'", name, "' could mean ", ListOr(candidates),
                                                ": use the full address of the one you mean."));
  }
  if (candidates.size() == 1) {
    ASSIGN_OR_RETURN(const std::optional<UserRecord> target, store_->GetUser(candidates[0]));
    if (target.has_value()) {
      return Recipient{
          .identity = target->identity, .account = target->account, .label = target->identity};
    }
  }
  // Not a contact: offer the users of the sender's own server by that name.
  std::vector<std::string> offers;
  const std::string domain = Domain(user.identity);
  if (!domain.empty()) {
    ASSIGN_OR_RETURN(const std::vector<std::string> named,
                     store_->UsersNamed(name, kIdentitiesPerNameMax));
    for (const std::string& identity : named) {
      if (Domain(identity) == domain && identity != user.identity) offers.push_back(identity);
    }
  }
  if (!offers.empty()) {
    return absl::NotFoundError(StrCat("'", name, "' is not one of your contacts yet. Did you mean ",
                                      ListOr(offers),
                                      "? Use the full address once and I will know the name from "
                                      "then on."));
  }
  return absl::NotFoundError(
      StrCat("I do not know '", name, "': use a chat address that has talked to me ",
             "(bob@example.org) or an rmt1 address; ask them to send me 'help' first."));
}

void BotEngine::LearnContacts(const UserRecord& user, const PaymentInfo& payment,
                              BotStore::Batch& batch) {
  absl::StatusOr<std::optional<UserRecord>> recipient = store_->GetUser(payment.recipient);
  if (!recipient.ok() || !recipient->has_value()) return;  // paid to a bare address
  const auto learn = [this, &batch](const std::string& owner, const std::string& identity) {
    const std::string name = LocalPart(identity);
    absl::StatusOr<std::vector<std::string>> known =
        store_->ContactsNamed(owner, name, kIdentitiesPerNameMax);
    if (!known.ok() || known->size() >= kIdentitiesPerNameMax) return;  // ambiguous already
    batch.AddContact(owner, name, identity);
  };
  learn(user.identity, payment.recipient);
  learn(payment.recipient, user.identity);
}

}  // namespace remit::bot
