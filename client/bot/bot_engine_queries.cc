// BotEngine: balance, history, currency, and how accounts are named.
#include "client/bot/bot_engine.h"
#include "client/bot/chat_amount.h"
#include "client/bot/payment_text.h"
#include "ledger/address.h"
#include "ledger/amount.h"
#include "ledger/check.h"
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
  return StrCat("Your balance: ", balances);
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
  if (page->records().empty()) return "No payments yet.";
  std::string text = StrCat("Your last ", page->records().size(), " payments:");
  for (const v1::TransferRecord& record : page->records()) {
    const v1::Transfer& transfer = record.signed_transfer().transfer();
    const bool sent = transfer.from() == AsBytes(user.account);
    absl::StatusOr<AccountId> other =
        ToArray<kPublicKeyBytes>(sent ? transfer.to() : transfer.from(), "account");
    REMIT_CHECK(other.ok());
    const AssetInfo* asset = genesis_.FindAsset(transfer.asset());
    const uint32_t decimals = asset == nullptr ? 0 : asset->decimals;
    text += StrCat("\n", sent ? "-" : "+",
                   FormatChatAmount(transfer.amount_minor(), transfer.asset(), decimals),
                   sent ? " to " : " from ", LabelOf(*other), NoteSuffix(transfer.memo()), ": ",
                   OutcomeName(record.receipt().outcome()), " (block ", record.receipt().height(),
                   ", receipt ", ShortId(record.receipt().transfer_id()), ")");
  }
  return text;
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
