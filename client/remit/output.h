// Where a `remit` command prints: human text by default, or with --json
// exactly one JSON object on stdout (watch: one per line).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace remit::cli {

class Output {
 public:
  Output(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  bool json() const { return json_; }
  // The --json flag writes here.
  bool* json_flag() { return &json_; }

  // Prints `json` in JSON mode, else `human`; then a newline, and flushes.
  void Emit(const nlohmann::json& json, const std::string& human);
  // A human-only note on stderr (progress, hints); silent in JSON mode.
  void Note(const std::string& text);
  // Text on stderr, also in JSON mode (e.g. a log tail before an error).
  void Diagnostic(const std::string& text);
  // A one-line error on stderr, always.
  void Error(const std::string& text);
  // Raw text on stdout (e.g. a log file), no newline added.
  void Raw(const std::string& text);

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool json_ = false;
};

}  // namespace remit::cli
