#include "common/trace.h"

#include <fnmatch.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace pumavp::trace {

Filter::Filter(const std::string& spec) {
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    std::string g = spec.substr(start, comma - start);
    while (!g.empty() && g.front() == ' ') g.erase(g.begin());
    while (!g.empty() && g.back() == ' ') g.pop_back();
    if (!g.empty()) globs_.push_back(g);
    start = comma + 1;
  }
}

bool Filter::match(const std::string& path) const {
  if (globs_.empty()) return true;
  for (const auto& g : globs_) {
    if (fnmatch(g.c_str(), path.c_str(), 0) == 0) return true;
    // A glob naming a parent selects everything below it ("node.tile3" -> "node.tile3.core1").
    for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
      if (fnmatch(g.c_str(), path.substr(0, dot).c_str(), 0) == 0) return true;
  }
  return false;
}

OutFile::OutFile(const std::string& path) : path_(path) {
  if (path == "-") {
    f_ = stdout;
  } else {
    f_ = std::fopen(path.c_str(), "w");
    if (!f_) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    owned_ = true;
  }
  buf_.reserve(kFlushBytes + 4096);
}

void OutFile::note_error() {
  if (error_.empty()) error_ = "cannot write '" + path_ + "': " + std::strerror(errno ? errno : EIO);
}

void OutFile::flush() {
  if (f_ && !buf_.empty()) {
    errno = 0;
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) note_error();
  }
  buf_.clear();
}

OutFile::~OutFile() { close(); }

void OutFile::close() {
  if (!f_) return;
  flush();
  errno = 0;
  if (std::fflush(f_) != 0 || std::ferror(f_)) note_error();
  if (owned_ && std::fclose(f_) != 0) note_error();
  f_ = nullptr;
}

void OutFile::printf(const char* fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof tmp) {
    write(tmp, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(ap, fmt);
  std::vsnprintf(big.data(), big.size(), fmt, ap);
  va_end(ap);
  write(big.data(), static_cast<size_t>(n));
}

// ---- Timeline ----

Timeline::Timeline(const std::string& path) : out_(path) {
  out_.write("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
}

Timeline::~Timeline() { close(); }

void Timeline::close() {
  if (closed_) return;
  closed_ = true;
  out_.write("\n]}\n");
  out_.close();
}

void Timeline::begin_event() {
  if (events_++) out_.write(",\n", 2);
}

void Timeline::put_string(std::string_view s) {
  out_.write("\"", 1);
  bool plain = true;
  for (char c : s) plain = plain && c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  if (plain) {
    out_.write(s);
    out_.write("\"", 1);
    return;
  }
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out_.write("\\", 1);
      out_.write(&c, 1);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out_.printf("\\u%04x", static_cast<unsigned>(c));
    } else {
      out_.write(&c, 1);
    }
  }
  out_.write("\"", 1);
}

Track Timeline::track(const std::string& group, const std::string& name) {
  Track t;
  size_t g = 0;
  while (g < groups_.size() && groups_[g] != group) ++g;
  t.pid = static_cast<uint32_t>(g + 1);
  if (g == groups_.size()) {
    groups_.push_back(group);
    begin_event();
    out_.printf("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"tid\":0,\"args\":{\"name\":", t.pid);
    put_string(group);
    out_.write("}}");
    begin_event();
    out_.printf("{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":%u,\"tid\":0,\"args\":{\"sort_index\":%u}}",
                t.pid, t.pid);
  }
  t.tid = next_tid_++;
  begin_event();
  out_.printf("{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":", t.pid,
              t.tid);
  put_string(name);
  out_.write("}}");
  begin_event();
  out_.printf("{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":%u,\"tid\":%u,\"args\":{\"sort_index\":%u}}",
              t.pid, t.tid, t.tid);
  return t;
}

// Trace-event timestamps are microseconds; three decimals keep nanoseconds, six picoseconds.
void Timeline::span(Track t, std::string_view name, std::string_view cat, double ts_ns,
                    double dur_ns, std::string_view args) {
  begin_event();
  ++spans_;
  out_.write("{\"ph\":\"X\",\"name\":");
  put_string(name);
  out_.write(",\"cat\":");
  put_string(cat);
  fmt::memory_buffer b;
  fmt::format_to(std::back_inserter(b), ",\"pid\":{},\"tid\":{},\"ts\":{:.6f},\"dur\":{:.6f}", t.pid, t.tid,
                 ts_ns / 1000.0, dur_ns / 1000.0);
  out_.write(b.data(), b.size());
  if (!args.empty()) {
    out_.write(",\"args\":{");
    out_.write(args);
    out_.write("}");
  }
  out_.write("}");
}

void Timeline::counter(Track t, std::string_view name, double ts_ns, double value) {
  begin_event();
  out_.write("{\"ph\":\"C\",\"name\":");
  put_string(name);
  out_.printf(",\"pid\":%u,\"tid\":%u,\"ts\":%.6f,\"args\":{\"value\":%.17g}}", t.pid, t.tid,
              ts_ns / 1000.0, value);
}

void Timeline::flow(Flow ph, uint64_t id, std::string_view cat, Track t, double ts_ns) {
  begin_event();
  if (ph == Flow::Start) ++flows_;
  out_.printf("{\"ph\":\"%c\",\"id\":%llu,\"name\":", static_cast<char>(ph),
              static_cast<unsigned long long>(id));
  put_string(cat);
  out_.write(",\"cat\":");
  put_string(cat);
  out_.printf(",\"pid\":%u,\"tid\":%u,\"ts\":%.6f%s}", t.pid, t.tid, ts_ns / 1000.0,
              ph == Flow::End ? ",\"bp\":\"e\"" : "");
}

void Timeline::instant(Track t, std::string_view name, std::string_view cat, double ts_ns) {
  begin_event();
  out_.write("{\"ph\":\"i\",\"s\":\"t\",\"name\":");
  put_string(name);
  out_.write(",\"cat\":");
  put_string(cat);
  out_.printf(",\"pid\":%u,\"tid\":%u,\"ts\":%.6f}", t.pid, t.tid, ts_ns / 1000.0);
}

// ---- InstrTrace ----

InstrTrace::InstrTrace(const std::string& path) : out_(path) {}

void InstrTrace::line(double ts_ns, std::string_view unit, uint32_t pc, uint64_t word, int digits,
                      std::string_view disasm) {
  ++lines_;
  out_.printf("%14.3f ns  %-18.*s %08x  %0*llx  %.*s\n", ts_ns, static_cast<int>(unit.size()),
              unit.data(), pc, digits, static_cast<unsigned long long>(word),
              static_cast<int>(disasm.size()), disasm.data());
}

}  // namespace pumavp::trace
