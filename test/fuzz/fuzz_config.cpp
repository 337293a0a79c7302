// Fuzz harness: the YAML platform-config loader (load_config_text) and dump_config on what
// it accepts. Errors are ConfigError. The loader resolves `include:` against the current
// directory, so each call runs in a private temporary directory (entered around the call
// only: libFuzzer reads its corpus by relative paths) holding two small configs (base.yaml,
// loop.yaml: includes itself), and any include that is not one plain file name (no '/', no
// leading '.') is refused: no other file is ever opened.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "common/config.h"
#include "fuzz_common.h"

namespace {

std::string make_temp_dir() {
  char tmpl[] = "/tmp/pumavp-fuzz-config-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (!d) pumavp::fuzz::fail("fuzz_config", "cannot make a temporary directory");
  const std::string dir = d;
  std::ofstream(dir + "/base.yaml") << "node:\n  tiles: 2\ntile:\n  cores: 2\n";
  std::ofstream(dir + "/loop.yaml") << "include: loop.yaml\n";
  return dir;
}

// chdir to `dir` for the lifetime of the object, then back.
class InDir {
 public:
  explicit InDir(const std::string& dir) : back_(open(".", O_RDONLY | O_DIRECTORY)) {
    if (back_ < 0 || chdir(dir.c_str()) != 0) pumavp::fuzz::fail("fuzz_config", "cannot enter " + dir);
  }
  ~InDir() {
    if (fchdir(back_) != 0) pumavp::fuzz::fail("fuzz_config", "cannot return to the working directory");
    close(back_);
  }
  InDir(const InDir&) = delete;
  InDir& operator=(const InDir&) = delete;

 private:
  int back_;
};

bool plain_name(const std::string& s) {
  if (s.empty() || s[0] == '.') return false;
  for (char c : s)
    if (c == '/' || c == '\0') return false;
  return true;
}

// Every include of the text is a plain file name (checked on the YAML as the loader reads
// it: top-level `include:` scalar or sequence of scalars). Unparsable text is allowed: the
// loader reports the syntax error.
bool includes_allowed(const std::string& text) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
    if (!root.IsMap()) return true;
    YAML::Node inc = root["include"];
    if (!inc) return true;
    if (inc.IsScalar()) return plain_name(inc.Scalar());
    if (inc.IsSequence()) {
      for (const auto& f : inc)
        if (!plain_name(f.Scalar())) return false;
      return true;
    }
    return true;  // the loader refuses other forms
  } catch (const YAML::Exception&) {
    return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  static const std::string dir = make_temp_dir();
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!includes_allowed(text)) return -1;
  pumavp::fuzz::guarded("fuzz_config", [&] {
    InDir in(dir);
    try {
      pumavp::PlatformConfig cfg = pumavp::load_config_text(text, "fuzz.yaml");
      (void)pumavp::dump_config(cfg);
    } catch (const pumavp::ConfigError&) {
    }
  });
  return 0;
}
