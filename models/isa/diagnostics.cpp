#include "isa/diagnostics.h"

namespace pumavp::isa {

void Diagnostics::add(Diagnostic d) {
  if (d.severity == Diagnostic::Severity::Error) {
    ++errors_;
    if (errors_ > max_errors) {
      if (!truncated_) {
        truncated_ = true;
        Diagnostic n;
        n.severity = Diagnostic::Severity::Note;
        n.file = d.file;
        n.message = "too many errors, further errors not shown";
        items_.push_back(std::move(n));
      }
      return;
    }
  } else if (d.severity == Diagnostic::Severity::Warning) {
    ++warnings_;
  }
  items_.push_back(std::move(d));
}

void Diagnostics::error(const std::string& file, unsigned line, unsigned col,
                        const std::string& msg, const std::string& src) {
  add({Diagnostic::Severity::Error, file, line, col, msg, src});
}

void Diagnostics::warning(const std::string& file, unsigned line, unsigned col,
                          const std::string& msg, const std::string& src) {
  add({Diagnostic::Severity::Warning, file, line, col, msg, src});
}

std::string Diagnostics::format(const Diagnostic& d) {
  std::string s = d.file;
  if (d.line) {
    s += ":" + std::to_string(d.line);
    if (d.col) s += ":" + std::to_string(d.col);
  }
  s += d.severity == Diagnostic::Severity::Error     ? ": error: "
       : d.severity == Diagnostic::Severity::Warning ? ": warning: "
                                                     : ": note: ";
  s += d.message + "\n";
  if (d.line && !d.source_line.empty()) {
    s += d.source_line + "\n";
    std::string caret;
    unsigned c = d.col ? d.col : 1;
    for (unsigned i = 0; i + 1 < c && i < d.source_line.size(); ++i)
      caret += d.source_line[i] == '\t' ? '\t' : ' ';
    s += caret + "^\n";
  }
  return s;
}

std::string Diagnostics::str() const {
  std::string s;
  for (const auto& d : items_) s += format(d);
  return s;
}

}  // namespace pumavp::isa
