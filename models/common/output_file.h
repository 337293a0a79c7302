// Checked output files (issue 15, write errors): every file a command writes goes through
// write_text_file (or checks its stream the same way), so a failed write — a full disk, an
// unwritable path — is an error naming the file (exit_code::kFailure), never a truncated file
// and exit 0.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace pumavp {

// An output that could not be written; main.cpp maps it to exit_code::kFailure.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes `data` to `path` (write + flush + close, each checked). false + `err`
// ("cannot write 'PATH': No space left on device") on failure.
bool write_text_file(const std::string& path, std::string_view data, std::string& err);

}  // namespace pumavp
