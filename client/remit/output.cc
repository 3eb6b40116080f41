#include "client/remit/output.h"

#include "client/remit/cli_error.h"

namespace remit::cli {

void Output::Emit(const nlohmann::json& json, const std::string& human) {
  if (json_) {
    out_ << json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    out_ << human << "\n";
  }
  out_.flush();
}

void Output::Note(const std::string& text) {
  if (json_) return;
  err_ << text << "\n";
  err_.flush();
}

void Output::Diagnostic(const std::string& text) {
  err_ << text << (text.empty() || text.back() != '\n' ? "\n" : "");
  err_.flush();
}

void Output::Error(const std::string& text) {
  err_ << "remit: " << OneLine(text) << "\n";
  err_.flush();
}

void Output::Raw(const std::string& text) {
  out_ << text;
  out_.flush();
}

}  // namespace remit::cli
