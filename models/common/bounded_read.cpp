#include "common/bounded_read.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace pumavp {

bool read_bounded(const std::string& path, uint64_t cap, const char* what, std::string& out, std::string& err) {
  out.clear();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    err = fmt::format("cannot open: {}", std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    err = "is a directory, not a file";
    return false;
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > cap) {
    std::fclose(f);
    err = fmt::format("{} bytes, larger than the {}-byte limit of {}", st.st_size, cap, what);
    return false;
  }
  char buf[65536];
  for (;;) {
    const uint64_t room = cap + 1 - out.size();  // never more than cap + 1 bytes
    const size_t n = std::fread(buf, 1, room < sizeof buf ? static_cast<size_t>(room) : sizeof buf, f);
    out.append(buf, n);
    if (out.size() > cap) {
      std::fclose(f);
      err = fmt::format("larger than the {}-byte limit of {} (an endless input?)", cap, what);
      out.clear();
      return false;
    }
    if (n == 0) break;
  }
  const bool bad = std::ferror(f);
  const int e = errno;
  std::fclose(f);
  if (bad) {
    err = fmt::format("read error: {}", std::strerror(e));
    out.clear();
    return false;
  }
  return true;
}

}  // namespace pumavp
