// `pumavp exec --config F KERNEL.pkimg --input name=FILE ... --output name=FILE ...`
// Run a kernel on the accelerator without firmware (architecture.md §4): the tool drives the
// host interface — LOAD, inputs by DMA with their TENSOR consumer counts, START, wait for the
// interrupt, outputs by DMA — then writes the outputs as int16 .npy files.
// Exit code: 0 done; 1 accelerator error (ERROR_CODE and message printed); 2 bad usage.
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "common/bounded_read.h"
#include "common/config.h"
#include "common/output_file.h"
#include "exit_codes.h"
#include "common/fixed_convert.h"
#include "exec_system.h"
#include "isa/kimage.h"
#include "isa/npy.h"
#include "run_report.h"
#include "progress.h"
#include "time_value.h"
#include "tracing.h"

namespace pumavp {

namespace {

struct ExecOptions {
  std::string config, kernel, max_time = "1s", stats;
  std::vector<std::string> sets, inputs, outputs;
  bool quiet = false;
  TraceOptions trace;
};

std::pair<std::string, std::string> split_binding(const std::string& s, const char* opt) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
    throw ConfigError(std::string(opt) + " " + s + ": expected name=FILE");
  return {s.substr(0, eq), s.substr(eq + 1)};
}

// .npy → raw int16 words: integer arrays are raw patterns, float arrays are converted like
// `q` literals (to_fixed, common/fixed_convert.h); out-of-range values are errors, never
// saturated.
std::vector<int16_t> tensor_words(const isa::NpyArray& a, unsigned frac_bits, const std::string& what) {
  std::vector<int16_t> w;
  w.reserve(a.data.size());
  for (size_t i = 0; i < a.data.size(); ++i) {
    const FixedValue q = to_fixed(a.data[i], a.is_integer() ? 0 : frac_bits);
    if (!q.ok)
      throw ConfigError(fmt::format("{}: element {} ({}) does not fit a 16-bit fixed-point word", what, i, a.data[i]));
    w.push_back(static_cast<int16_t>(q.raw));
  }
  return w;
}


int do_exec(const ExecOptions& o) {
  o.trace.check();
  if (!o.trace.itrace.empty() && o.trace.itrace.rfind("host", 0) == 0)
    throw ConfigError("--itrace host: pumavp exec has no host CPU (use accel)");
  const PlatformConfig cfg = o.config.empty() ? default_config(o.sets) : load_config(o.config, o.sets);
  // The image is placed in host DRAM: one larger than host.dram_mib is refused before it is read.
  std::string data, err;
  if (!read_bounded(o.kernel, uint64_t(cfg.host.dram_mib) << 20, "a kernel image (host.dram_mib)", data, err))
    throw ConfigError("kernel image " + o.kernel + ": " + err);
  const std::vector<uint8_t> image(data.begin(), data.end());
  const isa::ImageResult parsed = isa::read_image(image);

  // Bind inputs and outputs to the image's TENSOR sections.
  struct Bound {
    isa::Tensor t;
    std::string file;
    std::vector<int16_t> words;  // batch × t.len
    uint64_t host_addr = 0;
  };
  unsigned batch = 0;  // samples (every input file holds the same number)
  std::vector<Bound> ins, outs;
  if (parsed.ok()) {
    const isa::KernelImage& img = *parsed.image;
    std::map<std::string, std::string> in_files, out_files;
    // The same tensor named twice has no obvious winner: an error, never one binding dropped.
    auto bind = [](std::map<std::string, std::string>& m, const std::string& s, const char* opt) {
      auto [name, file] = split_binding(s, opt);
      auto [it, fresh] = m.emplace(name, file);
      if (!fresh)
        throw ConfigError(std::string(opt) + " " + name + "= given twice (" + it->second + " and " + file + ")");
    };
    for (const auto& s : o.inputs) bind(in_files, s, "--input");
    for (const auto& s : o.outputs) bind(out_files, s, "--output");
    auto names = [&](isa::TensorDir d) {
      std::string n;
      for (const auto& t : img.tensors)
        if (t.dir == d) n += (n.empty() ? "" : ", ") + t.name;
      return n.empty() ? std::string("none") : n;
    };
    for (const auto& [name, file] : in_files) {
      const isa::Tensor* t = img.find_tensor(name);
      if (!t || t->dir != isa::TensorDir::In)
        throw ConfigError("--input " + name + ": the kernel has no input tensor of that name (inputs: " +
                          names(isa::TensorDir::In) + ")");
    }
    for (const auto& [name, file] : out_files) {
      const isa::Tensor* t = img.find_tensor(name);
      if (!t || t->dir != isa::TensorDir::Out)
        throw ConfigError("--output " + name + ": the kernel has no output tensor of that name (outputs: " +
                          names(isa::TensorDir::Out) + ")");
    }
    for (const auto& t : img.tensors) {
      if (t.dir == isa::TensorDir::In) {
        auto it = in_files.find(t.name);
        if (it == in_files.end()) throw ConfigError("input tensor '" + t.name + "' not given (--input " + t.name + "=FILE.npy)");
        isa::NpyArray a;
        std::string err;
        if (!isa::read_npy_file(it->second, a, err)) throw ConfigError(it->second + ": " + err);
        Bound b{t, it->second, tensor_words(a, cfg.numerics.frac_bits, it->second), 0};
        // One sample (any shape holding len values), or a batch: N samples along the first
        // dimension (N x the tensor's shape, e.g. N x 1 x 8 x 8 for a 1 x 1 x 8 x 8 input).
        unsigned n = 1;
        if (b.words.size() != t.len) {
          const bool leading = !a.shape.empty() && a.shape[0] > 1 && b.words.size() % t.len == 0 &&
                               b.words.size() / t.len == a.shape[0];
          if (!leading)
            throw ConfigError(fmt::format("{}: {} values for tensor '{}' of {} words (a batch needs N x {} values, N "
                                          "the first dimension)",
                                          it->second, b.words.size(), t.name, t.len, t.len));
          n = unsigned(a.shape[0]);
        }
        if (batch && n != batch)
          throw ConfigError(fmt::format("{}: {} samples, but another input has {}", it->second, n, batch));
        batch = n;
        ins.push_back(std::move(b));
      } else {
        auto it = out_files.find(t.name);
        outs.push_back(Bound{t, it == out_files.end() ? "" : it->second, {}, 0});
      }
    }
  }

  // Host memory layout: image, then inputs, then outputs (8-byte aligned).
  uint64_t next = ExecSystem::kDramBase;
  auto place = [&](uint64_t bytes) {
    const uint64_t a = next;
    next += (bytes + 7) & ~uint64_t(7);
    return a;
  };
  if (!batch) batch = 1;
  const uint64_t kaddr = place(image.size());
  for (auto& b : ins) b.host_addr = place(2ull * b.t.len * batch);
  for (auto& b : outs) b.host_addr = place(2ull * b.t.len * batch);
  if (next - ExecSystem::kDramBase > (uint64_t(cfg.host.dram_mib) << 20))
    throw ConfigError("kernel and tensors do not fit host.dram_mib");

  ExecSystem sys("sys", cfg);
  Tracing tracing(o.trace);
  tracing.attach(sys.accel, nullptr);
  std::unique_ptr<Progress> progress;
  if (!o.quiet) progress = std::make_unique<Progress>("progress", std::cerr, nullptr);
  std::memcpy(sys.host_mem(kaddr), image.data(), image.size());
  for (auto& b : ins) std::memcpy(sys.host_mem(b.host_addr), b.words.data(), 2 * b.words.size());

  unsigned code = 0;
  std::string stage;
  sys.script = [&](ExecSystem& s) {
    stage = "LOAD";
    if ((code = s.driver.load(kaddr, static_cast<uint32_t>(image.size())))) return;
    for (unsigned k = 0; k < batch; ++k) {
      stage = batch > 1 ? fmt::format("input DMA (sample {})", k) : "input DMA";
      for (auto& b : ins)
        if ((code = s.driver.dma(b.host_addr + 2ull * b.t.len * k, s.driver.window_addr(b.t.tile, b.t.addr), 2 * b.t.len,
                                 b.t.count)))
          return;
      stage = batch > 1 ? fmt::format("run (sample {})", k) : "run";
      if ((code = s.driver.run())) return;
      stage = batch > 1 ? fmt::format("output DMA (sample {})", k) : "output DMA";
      for (auto& b : outs)
        if ((code = s.driver.dma(s.driver.window_addr(b.t.tile, b.t.addr), b.host_addr + 2ull * b.t.len * k, 2 * b.t.len)))
          return;
    }
  };
  const auto wall0 = std::chrono::steady_clock::now();
  const bool finished = sys.run(parse_time_value(o.max_time, "--max-time"));
  RunSummary summary;
  summary.sim_time_ns = sc_core::sc_time_stamp().to_seconds() * 1e9;
  summary.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  node::HostInterface& hi = sys.accel.host_interface;
  if (!finished) {
    summary.exit_code = exit_code::kFailure;
    summary.exit_reason = "max-time";
    std::cerr << "pumavp exec: error: --max-time " << o.max_time << " reached during " << stage << "\n";
  } else if (code) {
    summary.exit_code = exit_code::kFailure;
    summary.exit_reason = "error";
    std::cerr << fmt::format("pumavp exec: error: {} failed with ERROR_CODE {}: {}\n", stage, code,
                             hi.last_error_message());
    if (stage.rfind("run", 0) == 0) std::cerr << sys.accel.node.report();
  } else {
    summary.exit_reason = "done";
    for (auto& b : outs) {
      std::vector<double> v(size_t(b.t.len) * batch);
      const auto* p = reinterpret_cast<const int16_t*>(sys.host_mem(b.host_addr));
      for (size_t i = 0; i < v.size(); ++i) v[i] = p[i];
      if (b.file.empty()) {
        for (unsigned k = 0; k < batch; ++k) {
          std::cout << b.t.name << (batch > 1 ? fmt::format("[{}]", k) : "") << ":";
          for (size_t i = 0; i < b.t.len; ++i) std::cout << " " << v[size_t(k) * b.t.len + i];
          std::cout << "\n";
        }
        continue;
      }
      // The model's shape (TENSOR shape), a batch along its first dimension.
      std::vector<uint64_t> shape(b.t.shape.begin(), b.t.shape.end());
      if (shape.empty()) shape = {b.t.len};
      if (batch > 1) {
        if (shape.size() > 1 && shape[0] == 1) shape[0] = batch;
        else shape.insert(shape.begin(), batch);
      }
      if (!isa::write_npy_file(b.file, isa::NpyArray::make(isa::NpyType::I16, shape, v), err))
        throw OutputError("--output " + b.t.name + ": " + err);
    }
  }
  tracing.finish(std::cerr);
  if (!o.quiet) print_run_report(std::cerr, summary, sys.stats);
  if (!o.stats.empty()) {
    if (!write_text_file(o.stats, run_report_json(summary, sys.stats, cfg).dump(2) + "\n", err))
      throw OutputError("--stats: " + err);
  }
  return summary.exit_code;
}

}  // namespace

void register_cmd_exec(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ExecOptions>();
  auto* sub = app.add_subcommand("exec", "Run a kernel image on the accelerator without firmware");
  sub->add_option("kernel", o->kernel, "kernel image (.pkimg)")->required();
  sub->add_option("--config,-c", o->config, "platform configuration (YAML)");
  sub->add_option("--set", o->sets, "override a configuration key: key.path=value")->allow_extra_args(false);
  sub->add_option("--input,-i", o->inputs, "input tensor: name=FILE.npy (int16 raw or float)")->allow_extra_args(false);
  sub->add_option("--output,-o", o->outputs, "output tensor: name=FILE.npy (int16 raw); unnamed outputs are printed")->allow_extra_args(false);
  sub->add_option("--max-time", o->max_time, "simulated-time limit (default 1s)");
  sub->add_option("--stats", o->stats, "write the run report as JSON");
  sub->add_flag("--quiet,-q", o->quiet, "no run report on stderr");
  o->trace.add_to(*sub, false);
  sub->callback([o, &ctx] { ctx.exit_code = do_exec(*o); });
}

}  // namespace pumavp
