#include "node_runner.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>

#include <systemc>

#include "common/stats.h"
#include "node/node.h"

namespace pumavp::conformance {

Runner node_runner(const PlatformConfig& cfg) {
  return [cfg](const isa::KernelImage& img, const Words& in, Words& out, std::string& err) {
    Stats stats;
    auto node = std::make_unique<node::Node>("node", cfg, stats);
    const node::LoadResult lr = node->load(img);
    if (!lr.ok()) return err = "node load: " + lr.message, false;
    for (const auto& t : img.tensors) {
      if (t.dir != isa::TensorDir::In) continue;
      auto it = in.find(t.name);
      if (it == in.end()) return err = "no data for input tensor " + t.name, false;
      if (!node->host_write(t.tile, t.addr, it->second, t.count)) return err = "host write of " + t.name + " failed", false;
    }
    const fabric::RunStatus s = node->run_standalone(sc_core::sc_time(100, sc_core::SC_MS));
    if (s != fabric::RunStatus::Done) return err = "node run: " + node->report(), false;
    for (const auto& t : img.tensors) {
      if (t.dir != isa::TensorDir::Out) continue;
      std::vector<int16_t> w;
      if (!node->host_read(t.tile, t.addr, t.len, w)) return err = "host read of " + t.name + " failed", false;
      out[t.name] = std::move(w);
    }
    if (node->discarded_packets() != 0)
      return err = std::to_string(node->discarded_packets()) + " packets left in the network", false;
    return true;
  };
}

namespace {

void put_u32(std::string& b, uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); }
bool get_u32(const std::string& b, size_t& p, uint32_t& v) {
  if (p + 4 > b.size()) return false;
  std::memcpy(&v, b.data() + p, 4);
  p += 4;
  return true;
}

}  // namespace

Runner forked_runner(Runner inner, unsigned timeout_s) {
  return [inner, timeout_s](const isa::KernelImage& img, const Words& in, Words& out, std::string& err) {
    int fd[2];
    if (pipe(fd) != 0) return err = "pipe failed", false;
    const pid_t pid = fork();
    if (pid < 0) return err = "fork failed", false;
    if (pid == 0) {
      close(fd[0]);
      Words o;
      std::string e;
      const bool ok = inner(img, in, o, e);
      std::string b;
      put_u32(b, ok ? 1 : 0);
      put_u32(b, uint32_t(e.size()));
      b += e;
      put_u32(b, uint32_t(o.size()));
      for (const auto& [name, w] : o) {
        put_u32(b, uint32_t(name.size()));
        b += name;
        put_u32(b, uint32_t(w.size()));
        b.append(reinterpret_cast<const char*>(w.data()), w.size() * 2);
      }
      size_t off = 0;
      while (off < b.size()) {
        const ssize_t n = write(fd[1], b.data() + off, b.size() - off);
        if (n <= 0) break;
        off += size_t(n);
      }
      _exit(0);
    }
    close(fd[1]);
    std::string b;
    char buf[65536];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    bool timed_out = false;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) { timed_out = true; break; }
      pollfd p{fd[0], POLLIN, 0};
      if (poll(&p, 1, int(left.count())) <= 0) continue;
      const ssize_t n = read(fd[0], buf, sizeof buf);
      if (n <= 0) break;
      b.append(buf, size_t(n));
    }
    close(fd[0]);
    if (timed_out) kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    if (timed_out) return err = "node run exceeded " + std::to_string(timeout_s) + " s of wall time", false;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return err = "node run process died (status " + std::to_string(st) + ")", false;
    size_t p = 0;
    uint32_t ok = 0, n = 0;
    if (!get_u32(b, p, ok) || !get_u32(b, p, n) || p + n > b.size()) return err = "node run: truncated reply", false;
    err = b.substr(p, n);
    p += n;
    if (!ok) return false;
    uint32_t cnt = 0;
    if (!get_u32(b, p, cnt)) return err = "node run: truncated reply", false;
    for (uint32_t k = 0; k < cnt; ++k) {
      uint32_t ln = 0, wn = 0;
      if (!get_u32(b, p, ln) || p + ln > b.size()) return err = "node run: truncated reply", false;
      const std::string name = b.substr(p, ln);
      p += ln;
      if (!get_u32(b, p, wn) || p + size_t(wn) * 2 > b.size()) return err = "node run: truncated reply", false;
      std::vector<int16_t> w(wn);
      std::memcpy(w.data(), b.data() + p, size_t(wn) * 2);
      p += size_t(wn) * 2;
      out[name] = std::move(w);
    }
    return true;
  };
}

}  // namespace pumavp::conformance
