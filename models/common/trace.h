// pumavp::trace — the trace sinks shared by every model (architecture.md §5). Pure C++.
//
//   Timeline   Chrome/Perfetto trace-event JSON ("X" spans, "C" counters, "s"/"t"/"f" flows,
//              "M" track names), streamed to a file through a large buffer; nothing is kept
//              in memory per event, so traces of any length cost constant memory.
//   InstrTrace one text line per executed instruction: simulated time, unit, pc, encoding,
//              disassembly.
//   Filter     comma-separated globs over module paths ("node.tile3.*,host"); a model
//              attaches its hooks only when its path matches.
//
// Models hold plain pointers to these sinks, null when tracing is off: the hot paths pay one
// pointer test and format nothing. Times are nanoseconds of simulated time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace pumavp::trace {

class Filter {
 public:
  Filter() = default;
  // Comma-separated shell globs (*, ?, [..]); empty = everything.
  explicit Filter(const std::string& spec);
  bool match(const std::string& path) const;
  bool empty() const { return globs_.empty(); }

 private:
  std::vector<std::string> globs_;
};

// A buffered output file (stdout when the path is "-").
class OutFile {
 public:
  explicit OutFile(const std::string& path);  // throws std::runtime_error
  ~OutFile();
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  void write(const char* s, size_t n) {
    if (!owned_) {  // stdout: stay in order with the UART's output
      if (std::fwrite(s, 1, n, f_) != n) note_error();
      return;
    }
    buf_.append(s, n);
    if (buf_.size() >= kFlushBytes) flush();
  }
  void write(std::string_view s) { write(s.data(), s.size()); }
  void flush();
  void printf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  // Flushes and closes; every write, the flush and the close are checked (see error()).
  void close();
  const std::string& path() const { return path_; }
  // Empty, or the first write error ("cannot write 'PATH': No space left on device").
  const std::string& error() const { return error_; }

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  std::string path_;
  std::FILE* f_ = nullptr;
  bool owned_ = false;
  std::string buf_;  // own buffer: no stdio lock per event
  std::string error_;
  void note_error();
};

struct Track {
  uint32_t pid = 0;
  uint32_t tid = 0;
};

class Timeline {
 public:
  explicit Timeline(const std::string& path);  // throws std::runtime_error
  ~Timeline();
  // Ends the JSON document (idempotent; also done by the destructor).
  void close();

  // A track: thread `name` inside process `group` ("tile3" / "core1"). Groups get their
  // process-name metadata the first time they appear and are sorted in creation order.
  Track track(const std::string& group, const std::string& name);

  // Complete event ("X"). `args` is a JSON object body without braces ("\"k\":1") or empty.
  void span(Track t, std::string_view name, std::string_view cat, double ts_ns, double dur_ns,
            std::string_view args = {});
  // Counter sample ("C") on the process of `t`.
  void counter(Track t, std::string_view name, double ts_ns, double value);
  // Flow arrows: start binds to the slice enclosing ts on `t`, step/end likewise.
  enum class Flow : char { Start = 's', Step = 't', End = 'f' };
  void flow(Flow ph, uint64_t id, std::string_view cat, Track t, double ts_ns);
  // Instant event ("i", thread scope).
  void instant(Track t, std::string_view name, std::string_view cat, double ts_ns);

  // A fresh non-zero id for flows.
  uint64_t next_id() { return ++ids_; }
  uint64_t events() const { return events_; }
  uint64_t spans() const { return spans_; }
  uint64_t flows_started() const { return flows_; }
  const std::string& error() const { return out_.error(); }

 private:
  void begin_event();
  void put_string(std::string_view s);

  OutFile out_;
  bool closed_ = false;
  uint64_t events_ = 0, spans_ = 0, flows_ = 0, ids_ = 0;
  std::vector<std::string> groups_;
  uint32_t next_tid_ = 1;
};

class InstrTrace {
 public:
  explicit InstrTrace(const std::string& path);  // "-" = stdout
  // `digits` = hex digits of the encoding (8 for RV32, 16 for an accelerator word).
  void line(double ts_ns, std::string_view unit, uint32_t pc, uint64_t word, int digits,
            std::string_view disasm);
  uint64_t lines() const { return lines_; }
  void close() { out_.close(); }
  const std::string& error() const { return out_.error(); }

 private:
  OutFile out_;
  uint64_t lines_ = 0;
};

// What a model needs to hook itself up; every pointer may be null.
struct Sinks {
  Timeline* timeline = nullptr;
  InstrTrace* itrace = nullptr;
  Filter filter;
  bool wants(const std::string& path) const {
    return (timeline || itrace) && filter.match(path);
  }
};

}  // namespace pumavp::trace
