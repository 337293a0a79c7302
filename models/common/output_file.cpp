#include "common/output_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pumavp {

bool write_text_file(const std::string& path, std::string_view data, std::string& err) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    err = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  errno = 0;
  const bool wrote = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool flushed = wrote && std::fflush(f) == 0;
  const int e = errno;
  const bool closed = std::fclose(f) == 0;
  if (wrote && flushed && closed) return true;
  err = "cannot write '" + path + "': " + std::strerror(e ? e : errno ? errno : EIO);
  return false;
}

}  // namespace pumavp
