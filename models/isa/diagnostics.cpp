#include "isa/diagnostics.h"

#include <algorithm>

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
  // Source order; messages without a line (file-level) last, each group in report order.
  std::vector<const Diagnostic*> v;
  for (const auto& d : items_) v.push_back(&d);
  std::stable_sort(v.begin(), v.end(), [](const Diagnostic* a, const Diagnostic* b) {
    unsigned la = a->line ? a->line : ~0u, lb = b->line ? b->line : ~0u;
    return la < lb;
  });
  std::string s;
  for (const Diagnostic* d : v) s += format(*d);
  return s;
}

}  // namespace pumavp::isa
