// BotEngine: balance, history, currency, and how accounts are named.
#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
#include "ledger/operation.h"
#include "ledger/strings.h"

namespace remit::bot {

std::string BotEngine::Balance(const UserRecord& user, Lock& lock) {
  lock.unlock();
  absl::StatusOr<v1::Account> account = ledger_->GetAccount(user.account);
  lock.lock();
  if (!account.ok()) {
    return StrCat("I cannot reach the ledger right now (", account.status().message(),
                  "); try again in a moment.");
  }
  std::string balances;
  for (const v1::AssetBalance& balance : account->balances()) {
    if (balance.balance_minor() == 0) continue;
    balances +=
        StrCat(balances.empty() ? "" : ", ",
               FormatAmount(balance.balance_minor(), balance.decimals()), " ", balance.asset());
  }
  if (balances.empty()) {
    const AssetInfo* asset = genesis_.FindAsset(user.currency);
    REMIT_CHECK(asset != nullptr);
    balances = StrCat(FormatAmount(0, asset->decimals), " ", user.currency);
    if (options_.faucet_key.has_value()) balances += " (send 'faucet' for test money)";
  }
  std::string total;
  bool other_currency = false;
  for (const v1::AssetBalance& balance : account->balances()) {
    other_currency |= balance.balance_minor() > 0 && balance.asset() != user.currency;
  }
  if (other_currency) {
    const AssetInfo* asset = genesis_.FindAsset(user.currency);
    REMIT_CHECK(asset != nullptr);
    const std::optional<uint64_t> worth = TotalIn(user.currency, *account, lock);
    if (worth.has_value()) {
      total = StrCat("\nIn all about ", FormatChatAmount(*worth, user.currency, asset->decimals),
                     " at today's rates");
    }
  }
  return StrCat("Your balance: ", balances, total, HeldForOthers(user));
}

std::string BotEngine::HeldForOthers(const UserRecord& user) {
  absl::StatusOr<std::vector<HeldClaim>> claims =
      store_->ClaimsOf(user.identity, kClaimsScannedMax);
  if (!claims.ok()) return "";
  std::string text;
  size_t listed = 0;
  for (const HeldClaim& claim : *claims) {
    const bool held = claim.state == ClaimState::kCreating || claim.state == ClaimState::kOpen ||
                      claim.state == ClaimState::kClaiming || claim.state == ClaimState::kReturning;
    if (!held || listed++ >= kClaimsListedMax) continue;
    text +=
        StrCat("\n  ", FormatChatAmount(claim.amount_minor, claim.asset, claim.decimals), " for ",
               claim.recipient, NoteSuffix(claim.note), " until ", FormatUtc(claim.expires_ms));
  }
  return text.empty() ? "" : StrCat("\nHeld for others (not yet claimed):", text);
}

std::string BotEngine::ClaimsHistory(const UserRecord& user) {
  absl::StatusOr<std::vector<HeldClaim>> claims = store_->ClaimsOf(user.identity, kClaimsListedMax);
  if (!claims.ok() || claims->empty()) return "";
  std::string text = "\nPayments to people without a wallet:";
  for (const HeldClaim& claim : *claims) {
    std::string state;
    switch (claim.state) {
      case ClaimState::kCreating:
      case ClaimState::kOpen:
      case ClaimState::kClaiming:
      case ClaimState::kReturning:
        state = StrCat("pending until ", FormatUtc(claim.expires_ms));
        break;
      case ClaimState::kClaimed:
        state = "claimed";
        break;
      case ClaimState::kReturned:
        state = "returned to you";
        break;
      case ClaimState::kFailed:
        state = "not made (nothing was held)";
        break;
    }
    text += StrCat("\n  ", FormatChatAmount(claim.amount_minor, claim.asset, claim.decimals),
                   " to ", claim.recipient, NoteSuffix(claim.note), ": ", state);
  }
  return text;
}

std::string BotEngine::LabelOf(const AccountId& account) {
  if (options_.faucet_key.has_value() && options_.faucet_key->public_key() == account) {
    return "the testnet faucet";
  }
  absl::StatusOr<std::optional<std::string>> identity = store_->IdentityOf(account);
  if (identity.ok() && identity->has_value()) return **identity;
  return EncodeAddress(account);
}

std::string BotEngine::History(const UserRecord& user, uint32_t count, Lock& lock) {
  REMIT_CHECK(count > 0 && count <= kHistoryMax);
  lock.unlock();
  absl::StatusOr<v1::ListTransfersResponse> page = ledger_->ListTransfers(user.account, count);
  lock.lock();
  if (!page.ok()) {
    return StrCat("I cannot reach the ledger right now (", page.status().message(), ").");
  }
  const std::string claims = ClaimsHistory(user);
  if (page->records().empty()) return claims.empty() ? "No payments yet." : claims.substr(1);
  std::string text = StrCat("Your last ", page->records().size(), " payments:");
  for (const v1::TransferRecord& record : page->records()) {
    text += "\n" + HistoryLine(user.account, record);
  }
  return text + claims;
}

std::string BotEngine::HistoryLine(const AccountId& self, const v1::TransferRecord& record) {
  const v1::SignedTransfer& signed_transfer = record.signed_transfer();
  const v1::Receipt& receipt = record.receipt();
  const OpHeader header = HeaderOf(signed_transfer);
  const bool sent = header.signer == AsBytes(self);
  const auto amount = [this](uint64_t minor, const std::string& code) {
    const AssetInfo* asset = genesis_.FindAsset(code);
    return FormatChatAmount(minor, code, asset == nullptr ? 0 : asset->decimals);
  };
  const auto label = [this](std::string_view bytes) {
    absl::StatusOr<AccountId> account = ToArray<kPublicKeyBytes>(bytes, "account");
    return account.ok() ? LabelOf(*account) : std::string("?");
  };
  std::string what;
  switch (KindOf(signed_transfer)) {
    case OpKind::kTransfer: {
      const v1::Transfer& transfer = signed_transfer.transfer();
      what = StrCat(sent ? "-" : "+", amount(transfer.amount_minor(), transfer.asset()),
                    sent ? " to " : " from ", label(sent ? transfer.to() : transfer.from()));
      break;
    }
    case OpKind::kStrictSend:
    case OpKind::kStrictReceive: {
      const v1::Operation& op = signed_transfer.operation();
      const std::string& to =
          op.has_strict_send() ? op.strict_send().to() : op.strict_receive().to();
      const std::string& deliver = op.has_strict_send() ? op.strict_send().deliver_asset()
                                                        : op.strict_receive().deliver_asset();
      const std::string& send =
          op.has_strict_send() ? op.strict_send().send_asset() : op.strict_receive().send_asset();
      const bool own = to == header.signer;
      what = own    ? StrCat("converted ", amount(receipt.sent_minor(), send), " to ",
                             amount(receipt.delivered_minor(), deliver))
             : sent ? StrCat("-", amount(receipt.sent_minor(), send), " to ", label(to), " (",
                             amount(receipt.delivered_minor(), deliver), " delivered)")
                    : StrCat("+", amount(receipt.delivered_minor(), deliver), " from ",
                             label(header.signer));
      break;
    }
    case OpKind::kCreateClaim:
      what = StrCat("-", amount(receipt.sent_minor(), receipt.sent_asset()),
                    " held for someone without a wallet");
      break;
    case OpKind::kClaim:
      what = sent ? StrCat("+", amount(receipt.delivered_minor(), receipt.delivered_asset()),
                           " claimed from ", label(receipt.counterparty()))
                  : StrCat("your ", amount(receipt.delivered_minor(), receipt.delivered_asset()),
                           " was claimed by ", label(header.signer));
      break;
    case OpKind::kReclaim:
      what = StrCat("+", amount(receipt.delivered_minor(), receipt.delivered_asset()),
                    " returned to you (not claimed)");
      break;
    default:
      what = std::string(KindName(KindOf(signed_transfer)));
  }
  return StrCat(what, NoteSuffix(std::string(header.memo)), ": ", OutcomeName(receipt.outcome()),
                " (block ", receipt.height(), ", receipt ", ShortId(receipt.transfer_id()), ")");
}

absl::Status BotEngine::SetCurrency(const std::string& identity, const std::string& code) {
  const UserLocks::Guard user_lock = user_locks_.Lock(identity);
  std::lock_guard<std::mutex> lock(mutex_);
  ASSIGN_OR_RETURN(std::optional<UserRecord> user, store_->GetUser(identity));
  if (!user.has_value()) return absl::NotFoundError(StrCat("no user ", identity));
  if (genesis_.FindAsset(code) == nullptr) {
    return absl::InvalidArgumentError(StrCat("this network has no currency ", code));
  }
  user->currency = code;
  BotStore::Batch batch;
  batch.PutUser(*user);
  return store_->Write(batch);
}

std::string BotEngine::Currency(UserRecord& user, const std::string& code) {
  std::string known;
  for (const AssetInfo& asset : genesis_.assets) known += (known.empty() ? "" : " ") + asset.code;
  if (code.empty()) return StrCat("Your currency is ", user.currency, "; this network has ", known);
  std::string upper = code;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (genesis_.FindAsset(upper) == nullptr) {
    return StrCat("This network has no currency ", code, "; it has ", known);
  }
  user.currency = upper;
  BotStore::Batch batch;
  batch.PutUser(user);
  const absl::Status status = store_->Write(batch);
  if (!status.ok()) return StrCat("Sorry, I could not save that: ", status.message());
  return StrCat("Your currency is now ", upper, ": amounts without a currency are in ", upper);
}

}  // namespace remit::bot
