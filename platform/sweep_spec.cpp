#include "sweep_spec.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/bounded_read.h"

namespace fs = std::filesystem;

namespace pumavp::sweep {

namespace {

constexpr uint64_t kMaxSpecBytes = 1 << 20;
constexpr size_t kMaxAxisValues = 100000;

struct Ctx {
  std::string name;
  std::string dir;
  [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& msg) const {
    const int line = n.Mark().line >= 0 ? n.Mark().line + 1 : 0;
    throw SpecError(fmt::format("{}{}: {}{}", name, line > 0 ? ":" + std::to_string(line) : "",
                                key.empty() ? "" : "'" + key + "': ", msg));
  }
  int line(const YAML::Node& n) const { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

  // ${VAR} from the environment, then relative to the SPEC's directory.
  std::string path(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar() || n.Scalar().empty()) fail(n, key, "expected a file name");
    std::string s = n.Scalar(), out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '$' && i + 1 < s.size() && s[i + 1] == '{') {
        const size_t end = s.find('}', i);
        if (end == std::string::npos) fail(n, key, "unterminated ${ in '" + s + "'");
        const std::string var = s.substr(i + 2, end - i - 2);
        const char* v = std::getenv(var.c_str());
        if (!v) fail(n, key, "environment variable " + var + " is not set");
        out += v;
        i = end;
      } else {
        out += s[i];
      }
    }
    fs::path p(out);
    if (p.is_relative()) p = fs::path(dir) / p;
    return p.lexically_normal().string();
  }
};

std::string scalar(const Ctx& c, const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) c.fail(n, key, "expected a scalar value");
  return n.Scalar();
}

bool is_int(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-') ? 1 : 0;
  return i < s.size() && s.find_first_not_of("0123456789", i) == std::string::npos;
}

double number(const Ctx& c, const YAML::Node& n, const std::string& key) {
  const std::string s = scalar(c, n, key);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || errno || *end != '\0' || !std::isfinite(v)) c.fail(n, key, "expected a number, got '" + s + "'");
  return v;
}

std::string fmt_num(double v, bool integer) {
  if (integer) return fmt::format("{}", static_cast<long long>(std::llround(v)));
  return fmt::format("{:.10g}", v);
}

// {from, to, step} (arithmetic, inclusive) or {from, to, factor} (geometric, inclusive).
std::vector<std::string> range_values(const Ctx& c, const YAML::Node& n, const std::string& key) {
  for (const auto& kv : n) {
    const std::string k = kv.first.Scalar();
    if (k != "from" && k != "to" && k != "step" && k != "factor")
      c.fail(kv.first, key, "unknown range field '" + k + "' (from, to, step or factor)");
  }
  if (!n["from"] || !n["to"]) c.fail(n, key, "a range needs from: and to:");
  if (n["step"] && n["factor"]) c.fail(n, key, "a range has step: or factor:, not both");
  const double from = number(c, n["from"], key + ".from"), to = number(c, n["to"], key + ".to");
  if (from > to) c.fail(n, key, fmt::format("range from {} is above to {}", n["from"].Scalar(), n["to"].Scalar()));
  std::vector<std::string> v;
  if (n["factor"]) {
    const double f = number(c, n["factor"], key + ".factor");
    if (!(f > 1)) c.fail(n["factor"], key, "range factor must be above 1");
    if (!(from > 0)) c.fail(n["from"], key, "a geometric range starts above 0");
    const bool integer = is_int(n["from"].Scalar()) && is_int(n["factor"].Scalar());
    for (double x = from; x <= to * (1 + 1e-12); x *= f) {
      if (v.size() >= kMaxAxisValues) c.fail(n, key, fmt::format("range has more than {} values", kMaxAxisValues));
      v.push_back(fmt_num(x, integer));
    }
  } else {
    const YAML::Node sn = n["step"];
    const double step = sn ? number(c, sn, key + ".step") : 1.0;
    if (!(step > 0)) c.fail(sn ? sn : n, key, "range step must be above 0");
    const bool integer = is_int(n["from"].Scalar()) && (!sn || is_int(sn.Scalar()));
    if ((to - from) / step >= double(kMaxAxisValues))
      c.fail(n, key, fmt::format("range has more than {} values", kMaxAxisValues));
    const auto count = static_cast<size_t>(std::floor((to - from) / step * (1 + 1e-12))) + 1;
    for (size_t i = 0; i < count; ++i) v.push_back(fmt_num(from + double(i) * step, integer));
  }
  return v;
}

Workload parse_workload(const Ctx& c, const YAML::Node& n) {
  if (!n || !n.IsMap()) c.fail(n ? n : YAML::Node(), "workload", "expected a mapping with firmware: or model:");
  static const std::set<std::string> known = {"firmware", "model", "inputs", "output", "reference", "label", "max_time"};
  for (const auto& kv : n)
    if (!known.count(kv.first.Scalar()))
      c.fail(kv.first, "workload." + kv.first.Scalar(),
             "unknown workload key (firmware, model, inputs, output, reference, label, max_time)");
  Workload w;
  if (n["firmware"] && n["model"]) c.fail(n, "workload", "firmware: and model: exclude each other");
  if (n["firmware"]) {
    w.kind = Workload::Kind::Firmware;
    w.firmware = c.path(n["firmware"], "workload.firmware");
    for (const char* k : {"inputs", "output", "reference", "label"})
      if (n[k]) c.fail(n[k], std::string("workload.") + k, "only a model workload has this key");
  } else if (n["model"]) {
    w.kind = Workload::Kind::Model;
    w.model = c.path(n["model"], "workload.model");
    if (const YAML::Node in = n["inputs"]) {
      if (!in.IsMap()) c.fail(in, "workload.inputs", "expected a mapping tensor: FILE.npy");
      for (const auto& kv : in) w.inputs.emplace_back(kv.first.Scalar(), c.path(kv.second, "workload.inputs." + kv.first.Scalar()));
    }
    if (n["output"]) w.output = scalar(c, n["output"], "workload.output");
    if (n["reference"]) w.reference = c.path(n["reference"], "workload.reference");
    if (n["label"]) {
      const std::string s = scalar(c, n["label"], "workload.label");
      if (!is_int(s) || s[0] == '-' || s.size() > 6) c.fail(n["label"], "workload.label", "expected a class index 0..999999");
      w.label = std::stoi(s);
    }
    if ((!w.reference.empty() || w.label >= 0) && w.output.empty())
      c.fail(n, "workload.output", "reference: and label: need the output tensor's name (output:)");
  } else {
    c.fail(n, "workload", "expected firmware: or model:");
  }
  if (n["max_time"]) w.max_time = scalar(c, n["max_time"], "workload.max_time");
  return w;
}

uint32_t fnv1a(const std::string& s, uint32_t h = 2166136261u) {
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

uint32_t point_seed(uint32_t seed, const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  std::string s = std::to_string(seed);
  for (size_t i = 0; i < keys.size(); ++i) s += "\n" + keys[i] + "=" + values[i];
  return fnv1a(s);
}

Spec parse_spec_text(const std::string& text, const std::string& name, const std::string& dir) {
  Ctx c{name, dir};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw SpecError(fmt::format("{}:{}:{}: YAML syntax error: {}", name, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) throw SpecError(name + ": a sweep SPEC is a mapping (base, set, axes, zip, workload, ...)");
  static const std::set<std::string> known = {"name", "base", "set", "seed", "seed_mode", "axes", "zip", "workload", "timeout_s", "keep_images"};
  for (const auto& kv : root)
    if (!known.count(kv.first.Scalar()))
      c.fail(kv.first, kv.first.Scalar(), "unknown SPEC key (name, base, set, seed, seed_mode, axes, zip, workload, timeout_s, keep_images)");
  Spec s;
  s.file = name;
  s.name = root["name"] ? scalar(c, root["name"], "name") : fs::path(name).stem().string();
  if (s.name.empty() || s.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos)
    c.fail(root["name"], "name", "a sweep name is letters, digits, '_', '.', '-'");
  if (root["base"]) s.base = c.path(root["base"], "base");
  if (const YAML::Node set = root["set"]) {
    if (!set.IsMap()) c.fail(set, "set", "expected a mapping key.path: value");
    for (const auto& kv : set) {
      const std::string k = kv.first.Scalar();
      s.sets.push_back(k + "=" + scalar(c, kv.second, "set." + k));
    }
  }
  if (root["seed"]) {
    const std::string v = scalar(c, root["seed"], "seed");
    if (!is_int(v) || v[0] == '-' || v.size() > 10 || std::stoull(v) > 0xFFFFFFFFull)
      c.fail(root["seed"], "seed", "expected an integer 0..4294967295");
    s.seed = static_cast<uint32_t>(std::stoull(v));
  }
  if (root["seed_mode"]) {
    const std::string v = scalar(c, root["seed_mode"], "seed_mode");
    if (v != "per_point" && v != "fixed") c.fail(root["seed_mode"], "seed_mode", "expected per_point or fixed, got '" + v + "'");
    s.per_point_seed = v == "per_point";
  }
  if (root["timeout_s"]) {
    s.timeout_s = number(c, root["timeout_s"], "timeout_s");
    if (!(s.timeout_s > 0) || s.timeout_s > 1e7) c.fail(root["timeout_s"], "timeout_s", "expected seconds above 0");
  }
  if (root["keep_images"]) {
    const std::string v = scalar(c, root["keep_images"], "keep_images");
    if (v != "true" && v != "false") c.fail(root["keep_images"], "keep_images", "expected true or false, got '" + v + "'");
    s.keep_images = v == "true";
  }
  const YAML::Node axes = root["axes"];
  if (!axes || !axes.IsMap() || axes.size() == 0) c.fail(axes ? axes : root, "axes", "expected a mapping key.path: [values] or {from, to, step}");
  std::set<std::string> seen;
  for (const auto& kv : axes) {
    Axis a;
    a.key = kv.first.Scalar();
    a.line = c.line(kv.first);
    if (!seen.insert(a.key).second) c.fail(kv.first, a.key, "axis given twice");
    const YAML::Node v = kv.second;
    if (v.IsSequence()) {
      if (v.size() == 0) c.fail(v, a.key, "an axis needs at least one value");
      for (const auto& x : v) a.values.push_back(scalar(c, x, a.key));
    } else if (v.IsMap()) {
      a.values = range_values(c, v, a.key);
    } else {
      c.fail(kv.first, a.key, "an axis is a list [a, b, ...] or a range {from, to, step|factor}");
    }
    std::set<std::string> dup;
    for (const auto& x : a.values)
      if (!dup.insert(x).second) c.fail(kv.first, a.key, "value '" + x + "' listed twice");
    s.axes.push_back(std::move(a));
  }
  for (const auto& kv : root["set"] ? root["set"] : YAML::Node())
    if (seen.count(kv.first.Scalar())) c.fail(kv.first, kv.first.Scalar(), "a key is either in set: or an axis, not both");
  if (const YAML::Node zip = root["zip"]) {
    if (!zip.IsSequence()) c.fail(zip, "zip", "expected a list of lists of axis keys");
    std::set<std::string> zipped;
    for (const auto& g : zip) {
      if (!g.IsSequence() || g.size() < 2) c.fail(g, "zip", "each zip group lists two or more axis keys");
      std::vector<size_t> idx;
      for (const auto& k : g) {
        const std::string key = scalar(c, k, "zip");
        auto it = std::find_if(s.axes.begin(), s.axes.end(), [&](const Axis& a) { return a.key == key; });
        if (it == s.axes.end()) c.fail(k, key, "zip names a key that is not an axis");
        if (!zipped.insert(key).second) c.fail(k, key, "axis in more than one zip group (or twice)");
        idx.push_back(static_cast<size_t>(it - s.axes.begin()));
      }
      const Axis& first = s.axes[idx[0]];
      for (size_t i : idx)
        if (s.axes[i].values.size() != first.values.size())
          c.fail(g, "zip",
                 fmt::format("zipped axes differ in length: '{}' has {} values (line {}), '{}' has {} (line {})", first.key,
                             first.values.size(), first.line, s.axes[i].key, s.axes[i].values.size(), s.axes[i].line));
      std::sort(idx.begin(), idx.end());
      s.zips.push_back(idx);
    }
  }
  s.workload = parse_workload(c, root["workload"]);
  // The point count, bounded before anything is expanded.
  double count = 1;
  std::vector<bool> in_zip(s.axes.size(), false);
  for (const auto& g : s.zips) {
    count *= double(s.axes[g[0]].values.size());
    for (size_t i : g) in_zip[i] = true;
  }
  for (size_t i = 0; i < s.axes.size(); ++i)
    if (!in_zip[i]) count *= double(s.axes[i].values.size());
  if (count > double(kMaxPoints)) c.fail(axes, "axes", fmt::format("{:.0f} points, more than the {} a sweep may have", count, kMaxPoints));
  return s;
}

Spec load_spec(const std::string& path) {
  std::string text, err;
  if (!read_bounded(path, kMaxSpecBytes, "a sweep SPEC", text, err)) throw SpecError("sweep SPEC " + path + ": " + err);
  fs::path dir = fs::absolute(fs::path(path)).parent_path();
  return parse_spec_text(text, path, dir.string());
}

std::string Spec::canonical() const {
  std::string c = "base=" + base + "\nseed=" + std::to_string(seed) + (per_point_seed ? " per_point" : " fixed") + "\n";
  for (const auto& x : sets) c += "set " + x + "\n";
  for (const auto& a : axes) {
    c += "axis " + a.key + ":";
    for (const auto& v : a.values) c += " " + v;
    c += "\n";
  }
  for (const auto& g : zips) {
    c += "zip";
    for (size_t i : g) c += " " + std::to_string(i);
    c += "\n";
  }
  const Workload& w = workload;
  c += "firmware=" + w.firmware + "\nmodel=" + w.model + "\noutput=" + w.output + "\nreference=" + w.reference +
       "\nlabel=" + std::to_string(w.label) + "\nmax_time=" + w.max_time + "\n";
  for (const auto& [k, v] : w.inputs) c += "input " + k + "=" + v + "\n";
  c += fmt::format("timeout_s={}\n", timeout_s);
  return c;
}

std::vector<std::string> Point::overrides(const Spec& s) const {
  std::vector<std::string> o = s.sets;
  for (size_t i = 0; i < s.axes.size(); ++i) o.push_back(s.axes[i].key + "=" + values[i]);
  o.push_back("numerics.rng_seed=" + std::to_string(seed));
  return o;
}

std::vector<Point> expand(const Spec& s) {
  // Groups in axis order: a zip group stands at its first member.
  std::vector<std::vector<size_t>> groups;
  std::vector<int> group_of(s.axes.size(), -1);
  for (const auto& g : s.zips)
    for (size_t i : g) group_of[i] = -2;
  for (size_t i = 0; i < s.axes.size(); ++i) {
    if (group_of[i] == -1) {
      groups.push_back({i});
      continue;
    }
    for (const auto& g : s.zips)
      if (g[0] == i) groups.push_back(g);
  }
  size_t count = 1;
  for (const auto& g : groups) count *= s.axes[g[0]].values.size();
  const size_t width = std::max<size_t>(4, std::to_string(count - 1).size());
  bool seed_fixed_by_spec = false;
  for (const auto& a : s.axes) seed_fixed_by_spec |= a.key == "numerics.rng_seed";
  for (const auto& x : s.sets) seed_fixed_by_spec |= x.rfind("numerics.rng_seed=", 0) == 0;
  std::vector<std::string> keys;
  for (const auto& a : s.axes) keys.push_back(a.key);

  std::vector<Point> pts;
  pts.reserve(count);
  std::vector<size_t> pos(groups.size(), 0);
  for (size_t n = 0; n < count; ++n) {
    Point p;
    p.index = n;
    p.id = fmt::format("p{:0{}}", n, width);
    p.values.resize(s.axes.size());
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t i : groups[g]) p.values[i] = s.axes[i].values[pos[g]];
    p.seed = s.per_point_seed ? point_seed(s.seed, keys, p.values) : s.seed;
    if (seed_fixed_by_spec) {
      // The SPEC sets the seed itself: no per-point seed on top.
      for (size_t i = 0; i < s.axes.size(); ++i)
        if (s.axes[i].key == "numerics.rng_seed") p.seed = static_cast<uint32_t>(std::stoul(p.values[i]));
      for (const auto& x : s.sets)
        if (x.rfind("numerics.rng_seed=", 0) == 0) p.seed = static_cast<uint32_t>(std::stoul(x.substr(18)));
    }
    pts.push_back(std::move(p));
    // Last group fastest.
    for (size_t g = groups.size(); g-- > 0;) {
      if (++pos[g] < s.axes[groups[g][0]].values.size()) break;
      pos[g] = 0;
    }
  }
  return pts;
}

void validate(const Spec& s, const std::vector<Point>& points) {
  // The workload's files exist (a sweep of missing firmware would fail every point).
  const Workload& w = s.workload;
  std::vector<std::pair<std::string, std::string>> files = {{"workload.firmware", w.firmware}, {"workload.model", w.model},
                                                            {"workload.reference", w.reference}, {"base", s.base}};
  for (const auto& [k, v] : w.inputs) files.emplace_back("workload.inputs." + k, v);
  for (const auto& [key, f] : files) {
    std::error_code ec;
    if (!f.empty() && !fs::is_regular_file(f, ec))
      throw SpecError(fmt::format("{}: '{}': {}: {}", s.file, key, f, fs::exists(f, ec) ? "not a regular file" : "no such file"));
  }
  auto cfg = [&](const std::vector<std::string>& ov) {
    return s.base.empty() ? default_config(ov) : load_config(s.base, ov);
  };
  try {
    cfg(s.sets);
  } catch (const ConfigError& e) {
    throw SpecError(s.file + ": base config and set: " + e.what());
  }
  const std::vector<std::string> known = config_keys();
  for (const auto& a : s.axes) {
    if (std::find(known.begin(), known.end(), a.key) == known.end()) {
      try {  // the config layer's message carries the did-you-mean suggestion
        cfg({a.key + "=" + a.values[0]});
      } catch (const ConfigError& e) {
        throw SpecError(fmt::format("{}:{}: axis '{}': unknown configuration key ({})", s.file, a.line, a.key, e.what()));
      }
      throw SpecError(fmt::format("{}:{}: axis '{}': unknown configuration key", s.file, a.line, a.key));
    }
    for (const auto& v : a.values) {
      std::vector<std::string> ov = s.sets;
      ov.push_back(a.key + "=" + v);
      try {
        cfg(ov);
      } catch (const ConfigError& e) {
        throw SpecError(fmt::format("{}:{}: axis '{}': value '{}' rejected: {}", s.file, a.line, a.key, v, e.what()));
      }
    }
  }
  for (const auto& p : points) {
    try {
      cfg(p.overrides(s));
    } catch (const ConfigError& e) {
      std::string where;
      for (size_t i = 0; i < s.axes.size(); ++i) where += (where.empty() ? "" : ", ") + s.axes[i].key + "=" + p.values[i];
      throw SpecError(fmt::format("{}: point {} ({}) is not a valid configuration: {}", s.file, p.id, where, e.what()));
    }
  }
}

}  // namespace pumavp::sweep
