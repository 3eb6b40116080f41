// remit keygen --out FILE; remit address --key FILE.
#include <memory>

#include "client/remit/cli_error.h"
#include "client/remit/commands.h"
#include "client/remit/inputs.h"
#include "ledger/address.h"
#include "ledger/check.h"
#include "ledger/crypto.h"
#include "ledger/key_file.h"
#include "ledger/strings.h"

namespace remit::cli {
namespace {

absl::Status RunKeygen(const std::string& path, Output& output) {
  const SigningKey key = SigningKey::Generate();
  const absl::Status written = WriteKeyFile(path, key);
  // Every failure here (file exists, directory missing, no permission) is
  // fixed by choosing another --out.
  if (!written.ok()) return BadInput(written);
  const std::string address = EncodeAddress(key.public_key());
  output.Emit({{"address", address}, {"key_file", path}},
              StrCat(address, "\nkey saved to ", path, " (mode 0600; keep it secret)"));
  return absl::OkStatus();
}

absl::Status RunAddress(const std::string& path, Output& output) {
  ASSIGN_OR_RETURN(const SigningKey key, LoadKeyArg(path));
  const std::string address = EncodeAddress(key.public_key());
  output.Emit({{"address", address}, {"key_file", path}}, address);
  return absl::OkStatus();
}

}  // namespace

void AddKeyCommands(CLI::App& app, CliContext& context) {
  auto path = std::make_shared<std::string>();
  CLI::App* keygen = app.add_subcommand("keygen", "create a new account key file (mode 0600)");
  keygen->add_option("--out", *path, "where to write the key; an existing file is never replaced")
      ->required();
  AddJsonFlag(keygen, context);
  keygen->callback([&context, path] {
    context.action = [&context, path] { return RunKeygen(*path, *context.output); };
  });

  auto key_path = std::make_shared<std::string>();
  CLI::App* address = app.add_subcommand("address", "print the address of a key file");
  address->add_option("--key", *key_path, "the key file")->required();
  AddJsonFlag(address, context);
  address->callback([&context, key_path] {
    context.action = [&context, key_path] { return RunAddress(*key_path, *context.output); };
  });
}

}  // namespace remit::cli
