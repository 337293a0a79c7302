// pumavp::isa::Diagnostics — assembler messages in compiler style:
//
//   kernel.pasm:12:9: error: unknown mnemonic 'lod'
//           lod in0.0, rf.0
//           ^
//
// Usage:
//   Diagnostics diag;
//   auto img = assemble_file(path, platform_geometry, diag);
//   std::cerr << diag.str();          // every error and warning, in source order
//   if (!img) return 1;               // diag.error_count() > 0
#pragma once

#include <string>
#include <vector>

namespace pumavp::isa {

struct Diagnostic {
  enum class Severity { Error, Warning, Note };
  Severity severity = Severity::Error;
  std::string file;
  unsigned line = 0;        // 1-based; 0 = no location
  unsigned col = 0;         // 1-based; 0 = whole line
  std::string message;
  std::string source_line;  // the offending line, without newline
};

class Diagnostics {
 public:
  void add(Diagnostic d);
  void error(const std::string& file, unsigned line, unsigned col, const std::string& msg,
             const std::string& source_line = "");
  void warning(const std::string& file, unsigned line, unsigned col, const std::string& msg,
               const std::string& source_line = "");
  const std::vector<Diagnostic>& items() const { return items_; }
  unsigned error_count() const { return errors_; }
  unsigned warning_count() const { return warnings_; }
  bool has_errors() const { return errors_ > 0; }
  // All diagnostics formatted in source-line order (file-level ones last), each
  // "file:line:col: severity: message\n" + source line + caret line.
  std::string str() const;
  static std::string format(const Diagnostic& d);
  unsigned max_errors = 200;  // further errors are counted but not stored

 private:
  std::vector<Diagnostic> items_;
  unsigned errors_ = 0, warnings_ = 0;
  bool truncated_ = false;
};

}  // namespace pumavp::isa
