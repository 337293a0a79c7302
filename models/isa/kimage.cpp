#include "isa/kimage.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <tuple>

namespace pumavp::isa {

bool ImageHeader::operator==(const ImageHeader& o) const {
  return tiles == o.tiles && cores_per_tile == o.cores_per_tile && num_mvmu == o.num_mvmu &&
         xbar_size == o.xbar_size && bits_per_cell == o.bits_per_cell && slices == o.slices &&
         frac_bits == o.frac_bits && panther == o.panther;
}
bool Program::operator==(const Program& o) const {
  return tile == o.tile && core == o.core && words == o.words;
}
bool XbarWeights::operator==(const XbarWeights& o) const {
  return tile == o.tile && core == o.core && mvmu == o.mvmu && rows == o.rows && cols == o.cols &&
         w == o.w;
}
bool DataBlock::operator==(const DataBlock& o) const {
  return tile == o.tile && addr == o.addr && count == o.count && words == o.words;
}
bool Tensor::operator==(const Tensor& o) const {
  return name == o.name && tile == o.tile && addr == o.addr && len == o.len && dir == o.dir &&
         count == o.count && shape == o.shape;
}
bool Symbol::operator==(const Symbol& o) const {
  return name == o.name && tile == o.tile && core == o.core && index == o.index;
}
bool KernelImage::operator==(const KernelImage& o) const {
  return header == o.header && tensors == o.tensors && xbars == o.xbars && data == o.data &&
         programs == o.programs && symbols == o.symbols;
}

Geometry KernelImage::geometry(const Geometry& platform) const {
  Geometry g = platform;
  g.tiles = header.tiles;
  g.cores_per_tile = header.cores_per_tile;
  g.num_mvmu = header.num_mvmu;
  g.xbar_size = header.xbar_size;
  g.bits_per_cell = header.bits_per_cell;
  g.slices = header.slices;
  g.frac_bits = header.frac_bits;
  g.panther = header.panther;
  return g;
}

const Program* KernelImage::find_program(unsigned tile, unsigned core) const {
  for (const auto& p : programs)
    if (p.tile == tile && p.core == core) return &p;
  return nullptr;
}

const Tensor* KernelImage::find_tensor(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

// ---------------------------------------------------------------------------------------
// Writer

namespace {

struct Out {
  std::vector<uint8_t> b;
  void u8(uint8_t v) { b.push_back(v); }
  void u16(uint16_t v) { u8(uint8_t(v)); u8(uint8_t(v >> 8)); }
  void u32(uint32_t v) { u16(uint16_t(v)); u16(uint16_t(v >> 16)); }
  void u64(uint64_t v) { u32(uint32_t(v)); u32(uint32_t(v >> 32)); }
  void bytes(const void* p, size_t n) {
    const uint8_t* c = static_cast<const uint8_t*>(p);
    b.insert(b.end(), c, c + n);
  }
  void pad8() { while (b.size() % 8) u8(0); }
};

struct Sec {
  SectionType type;
  uint16_t tile;
  uint8_t core, mvmu;
  std::vector<uint8_t> payload;
};

uint32_t crc_of(const uint8_t* p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  while (n) {
    uInt chunk = uInt(std::min<size_t>(n, 1u << 30));
    c = crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return uint32_t(c);
}

inline uint16_t rd16(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t rd32(const uint8_t* p) { return uint32_t(rd16(p)) | (uint32_t(rd16(p + 2)) << 16); }
inline uint64_t rd64(const uint8_t* p) { return uint64_t(rd32(p)) | (uint64_t(rd32(p + 4)) << 32); }

}  // namespace

std::vector<uint8_t> write_image(const KernelImage& img) {
  std::vector<Sec> secs;
  for (const auto& t : img.tensors) {
    Out o;
    o.u32(t.addr);
    o.u32(t.len);
    o.u8(uint8_t(t.dir));
    o.u8(t.count);
    o.u16(uint16_t(t.name.size()));
    o.bytes(t.name.data(), t.name.size());
    if (!t.shape.empty()) {
      o.u8(uint8_t(t.shape.size()));
      for (uint32_t d : t.shape) o.u32(d);
    }
    secs.push_back({SectionType::Tensor, t.tile, 0, 0, std::move(o.b)});
  }
  for (const auto& x : img.xbars) {
    Out o;
    o.u16(x.rows);
    o.u16(x.cols);
    o.u32(0);
    size_t n = size_t(x.rows) * x.cols;
    for (size_t i = 0; i < n; ++i) {
      int32_t v = i < x.w.size() ? x.w[i] : 0;
      if (img.header.panther) o.u32(uint32_t(v));
      else o.u16(uint16_t(v));
    }
    secs.push_back({SectionType::XbarWeights, x.tile, x.core, x.mvmu, std::move(o.b)});
  }
  for (const auto& d : img.data) {
    Out o;
    o.u32(d.addr);
    o.u16(d.count);
    o.u16(0);
    for (int16_t v : d.words) o.u16(uint16_t(v));
    secs.push_back({SectionType::Data, d.tile, 0, 0, std::move(o.b)});
  }
  for (const auto& p : img.programs) {
    Out o;
    for (uint64_t w : p.words) o.u64(w);
    secs.push_back({p.is_tile() ? SectionType::TileProgram : SectionType::CoreProgram, p.tile,
                    uint8_t(p.is_tile() ? 0 : p.core), 0, std::move(o.b)});
  }
  if (!img.symbols.empty()) {
    Out o;
    for (const auto& s : img.symbols) {
      o.u16(s.tile);
      o.u8(s.core);
      o.u8(0);
      o.u32(s.index);
      o.u16(uint16_t(s.name.size()));
      o.bytes(s.name.data(), s.name.size());
    }
    secs.push_back({SectionType::Symbols, 0, 0, 0, std::move(o.b)});
  }

  Out f;
  f.bytes("PUMAKIMG", 8);
  f.u16(kImageVersion);
  f.u16(img.header.panther ? 1 : 0);
  f.u16(img.header.tiles);
  f.u8(img.header.cores_per_tile);
  f.u8(img.header.num_mvmu);
  f.u16(img.header.xbar_size);
  f.u8(img.header.bits_per_cell);
  f.u8(img.header.slices);
  f.u8(img.header.frac_bits);
  f.u8(0); f.u8(0); f.u8(0);
  f.u32(uint32_t(secs.size()));
  f.u32(0);  // CRC, patched below
  for (int i = 0; i < 32; ++i) f.u8(0);
  uint64_t off = kHeaderBytes + kSectionEntryBytes * secs.size();
  for (const auto& s : secs) {
    f.u16(uint16_t(s.type));
    f.u16(s.tile);
    f.u8(s.core);
    f.u8(s.mvmu);
    f.u16(0);
    f.u32(uint32_t(off));
    f.u32(uint32_t(s.payload.size()));
    off += (s.payload.size() + 7) / 8 * 8;
  }
  for (const auto& s : secs) {
    f.bytes(s.payload.data(), s.payload.size());
    f.pad8();
  }
  uint32_t crc = crc_of(f.b.data() + kHeaderBytes, f.b.size() - kHeaderBytes);
  for (int i = 0; i < 4; ++i) f.b[28 + i] = uint8_t(crc >> (8 * i));
  return f.b;
}

// ---------------------------------------------------------------------------------------
// Reader

namespace {

bool is_ident(const std::string& s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

}  // namespace

bool valid_tensor_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7F || c == ',' || c == '#' || c == '=' || c == ':') return false;
  return true;
}

ImageResult read_image(const uint8_t* data, size_t size, const Geometry* platform) {
  ImageResult res;
  auto err = [&](ErrorCode c, std::string m) {
    res.image.reset();
    res.error = {c, std::move(m)};
    return res;
  };
  if (size < 8 || std::memcmp(data, "PUMAKIMG", 8) != 0)
    return err(ErrorCode::BadImage, "bad image magic (expected \"PUMAKIMG\")");
  if (size < kHeaderBytes)
    return err(ErrorCode::BadImage, "truncated image header (" + std::to_string(size) +
                                        " bytes, need 64)");
  uint16_t version = rd16(data + 8);
  if (version != kImageVersion)
    return err(ErrorCode::BadImage, "unsupported image version " + std::to_string(version) +
                                        " (expected 1)");
  uint32_t crc = rd32(data + 28);
  uint32_t actual = crc_of(data + kHeaderBytes, size - kHeaderBytes);
  if (crc != actual) {
    char b[96];
    std::snprintf(b, sizeof b, "image CRC mismatch (header 0x%08x, computed 0x%08x)", crc, actual);
    return err(ErrorCode::Crc, b);
  }
  uint16_t flags = rd16(data + 10);
  if (flags & ~1u)
    return err(ErrorCode::Malformed, "image header: undefined flag bits set (flags " +
                                         std::to_string(flags) + ")");
  if (data[21] || data[22] || data[23])
    return err(ErrorCode::Malformed, "image header: zero bytes 21..23 are not zero");
  for (int i = 32; i < 64; ++i)
    if (data[i]) return err(ErrorCode::Malformed, "image header: zero bytes 32..63 are not zero");

  KernelImage img;
  ImageHeader& h = img.header;
  h.panther = flags & 1;
  h.tiles = rd16(data + 12);
  h.cores_per_tile = data[14];
  h.num_mvmu = data[15];
  h.xbar_size = rd16(data + 16);
  h.bits_per_cell = data[18];
  h.slices = data[19];
  h.frac_bits = data[20];
  {
    Geometry g = img.geometry(Geometry{});
    g.rf_size = 0;
    std::string why = g.check();
    if (!why.empty()) return err(ErrorCode::Geometry, "image geometry: " + why);
  }

  uint32_t nsec = rd32(data + 24);
  uint64_t table_end = kHeaderBytes + uint64_t(kSectionEntryBytes) * nsec;
  if (table_end > size)
    return err(ErrorCode::Malformed, "section table (" + std::to_string(nsec) +
                                         " sections) extends beyond the file");

  struct Span { uint64_t off, size; uint32_t idx; };
  std::vector<Span> spans;
  std::set<std::tuple<uint16_t, uint8_t, uint8_t>> seen_prog, seen_xbar;
  std::set<std::string> seen_tensor;
  std::map<std::pair<uint16_t, uint8_t>, std::set<std::string>> seen_sym;

  // Payload placement first (bounds, alignment, overlap), before any payload is parsed.
  for (uint32_t i = 0; i < nsec; ++i) {
    const uint8_t* e = data + kHeaderBytes + size_t(kSectionEntryBytes) * i;
    uint64_t off = rd32(e + 8), sz = rd32(e + 12);
    std::string where = "section " + std::to_string(i) + ": ";
    if (sz == 0) return err(ErrorCode::Malformed, where + "empty payload");
    if (off % 8)
      return err(ErrorCode::Malformed, where + "payload offset " + std::to_string(off) + " is not 8-byte aligned");
    if (off < table_end) return err(ErrorCode::Malformed, where + "payload overlaps the header or section table");
    if (off + sz > size)
      return err(ErrorCode::Malformed, where + "payload (offset " + std::to_string(off) + ", " +
                                           std::to_string(sz) + " bytes) extends beyond the file");
    spans.push_back({off, sz, i});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.off < b.off; });
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].off < spans[i - 1].off + spans[i - 1].size)
      return err(ErrorCode::Malformed, "sections " + std::to_string(spans[i - 1].idx) + " and " +
                                           std::to_string(spans[i].idx) + " overlap");

  for (uint32_t i = 0; i < nsec; ++i) {
    const uint8_t* e = data + kHeaderBytes + size_t(kSectionEntryBytes) * i;
    uint16_t type = rd16(e);
    uint16_t tile = rd16(e + 2);
    uint8_t core = e[4], mvmu = e[5];
    uint16_t zero = rd16(e + 6);
    uint64_t off = rd32(e + 8), sz = rd32(e + 12);
    std::string where = "section " + std::to_string(i);
    auto bad = [&](const std::string& m) { return err(ErrorCode::Malformed, where + ": " + m); };
    if (type < 1 || type > 6) return bad("unknown section type " + std::to_string(type));
    if (zero) return bad("zero field is not zero");
    const uint8_t* p = data + off;
    SectionType st = static_cast<SectionType>(type);
    bool uses_tile = st != SectionType::Symbols;
    bool uses_core = st == SectionType::CoreProgram || st == SectionType::XbarWeights;
    bool uses_mvmu = st == SectionType::XbarWeights;
    if (!uses_tile && tile) return bad("tile field must be 0");
    if (!uses_core && core) return bad("core field must be 0");
    if (!uses_mvmu && mvmu) return bad("MVMU field must be 0");
    if (uses_tile && tile >= h.tiles)
      return bad("tile " + std::to_string(tile) + " beyond the image's " +
                 std::to_string(h.tiles) + " tiles");
    if (uses_core && core >= h.cores_per_tile)
      return bad("core " + std::to_string(core) + " beyond the image's " +
                 std::to_string(h.cores_per_tile) + " cores per tile");
    if (uses_mvmu && mvmu >= h.num_mvmu)
      return bad("MVMU " + std::to_string(mvmu) + " beyond the image's " +
                 std::to_string(h.num_mvmu) + " MVMUs per core");
    switch (st) {
      case SectionType::TileProgram:
      case SectionType::CoreProgram: {
        if (sz % 8) return err(ErrorCode::Malformed, where + ": program size " + std::to_string(sz) +
                                                         " is not a multiple of 8 bytes");
        uint8_t c = st == SectionType::TileProgram ? kTileUnit : core;
        if (!seen_prog.insert({tile, c, 0}).second)
          return bad(std::string("second program for ") +
                     (c == kTileUnit ? "tile " + std::to_string(tile)
                                     : "core " + std::to_string(tile) + "." + std::to_string(c)));
        Program pr;
        pr.tile = tile;
        pr.core = c;
        pr.words.resize(sz / 8);
        for (size_t k = 0; k < pr.words.size(); ++k) pr.words[k] = rd64(p + 8 * k);
        img.programs.push_back(std::move(pr));
        break;
      }
      case SectionType::XbarWeights: {
        if (sz < 8) return bad("XBAR_WEIGHTS shorter than its 8-byte header");
        XbarWeights x;
        x.tile = tile; x.core = core; x.mvmu = mvmu;
        x.rows = rd16(p);
        x.cols = rd16(p + 2);
        if (rd32(p + 4)) return bad("XBAR_WEIGHTS zero field is not zero");
        if (x.rows < 1 || x.rows > h.xbar_size || x.cols < 1 || x.cols > h.xbar_size)
          return bad("XBAR_WEIGHTS shape " + std::to_string(x.rows) + "x" +
                     std::to_string(x.cols) + " outside 1.." + std::to_string(h.xbar_size));
        unsigned es = h.panther ? 4 : 2;
        uint64_t n = uint64_t(x.rows) * x.cols;
        if (sz != 8 + n * es)
          return bad("XBAR_WEIGHTS size " + std::to_string(sz) + " does not match " +
                     std::to_string(x.rows) + "x" + std::to_string(x.cols) + " weights (" +
                     std::to_string(8 + n * es) + " bytes)");
        if (!seen_xbar.insert({tile, core, mvmu}).second)
          return bad("second XBAR_WEIGHTS for MVMU " + std::to_string(tile) + "." +
                     std::to_string(core) + "." + std::to_string(mvmu));
        x.w.resize(n);
        for (uint64_t k = 0; k < n; ++k)
          x.w[k] = h.panther ? int32_t(rd32(p + 8 + 4 * k)) : int16_t(rd16(p + 8 + 2 * k));
        img.xbars.push_back(std::move(x));
        break;
      }
      case SectionType::Tensor: {
        if (sz < 12) return bad("TENSOR shorter than its 12-byte header");
        Tensor t;
        t.tile = tile;
        t.addr = rd32(p);
        t.len = rd32(p + 4);
        uint8_t dir = p[8];
        t.count = p[9];
        uint16_t n = rd16(p + 10);
        if (dir > 1) return bad("TENSOR direction " + std::to_string(dir) + " (0 in, 1 out)");
        t.dir = static_cast<TensorDir>(dir);
        if (t.dir == TensorDir::In && t.count == 0) return bad("input TENSOR with count 0");
        if (t.dir == TensorDir::Out && t.count != 0) return bad("output TENSOR with count != 0");
        if (t.len == 0) return bad("TENSOR of length 0");
        if (n < 1 || n > 64) return bad("TENSOR name length " + std::to_string(n) + " (1..64)");
        if (sz < 12u + n) return bad("TENSOR size does not match its name length");
        if (sz > 12u + n) {
          const unsigned rank = p[12 + n];
          if (rank < 1 || rank > 8) return bad("TENSOR shape rank " + std::to_string(rank) + " (1..8)");
          if (sz != 12u + n + 1 + 4 * rank) return bad("TENSOR size does not match its name and shape");
          uint64_t prod = 1;
          for (unsigned k = 0; k < rank; ++k) {
            const uint32_t d = rd32(p + 13 + n + 4 * k);
            if (d == 0) return bad("TENSOR shape with a zero dimension");
            prod *= d;
            if (prod > t.len) return bad("TENSOR shape holds more than its length");
            t.shape.push_back(d);
          }
          if (prod != t.len) return bad("TENSOR shape does not hold its length");
        }
        t.name.assign(reinterpret_cast<const char*>(p + 12), n);
        if (!valid_tensor_name(t.name)) return bad("TENSOR name has forbidden characters");
        if (!seen_tensor.insert(t.name).second) return bad("duplicate TENSOR name \"" + t.name + "\"");
        img.tensors.push_back(std::move(t));
        break;
      }
      case SectionType::Data: {
        if (sz < 10) return bad("DATA without words");
        if (sz % 2) return bad("DATA size is odd");
        DataBlock d;
        d.tile = tile;
        d.addr = rd32(p);
        d.count = rd16(p + 4);
        if (rd16(p + 6)) return bad("DATA zero field is not zero");
        if (d.count == 0) return bad("DATA consumer count 0");
        d.words.resize((sz - 8) / 2);
        for (size_t k = 0; k < d.words.size(); ++k) d.words[k] = int16_t(rd16(p + 8 + 2 * k));
        img.data.push_back(std::move(d));
        break;
      }
      case SectionType::Symbols: {
        uint64_t q = 0;
        while (q < sz) {
          if (sz - q < 10) return bad("SYMBOLS entry truncated");
          Symbol s;
          s.tile = rd16(p + q);
          s.core = p[q + 2];
          if (p[q + 3]) return bad("SYMBOLS zero byte is not zero");
          s.index = rd32(p + q + 4);
          uint16_t n = rd16(p + q + 8);
          q += 10;
          if (n == 0 || sz - q < n) return bad("SYMBOLS name truncated or empty");
          s.name.assign(reinterpret_cast<const char*>(p + q), n);
          q += n;
          if (!is_ident(s.name)) return bad("SYMBOLS name is not an identifier");
          if (s.tile >= h.tiles) return bad("SYMBOLS tile beyond the image geometry");
          if (s.core != kTileUnit && s.core >= h.cores_per_tile)
            return bad("SYMBOLS core beyond the image geometry");
          if (!seen_sym[{s.tile, s.core}].insert(s.name).second)
            return bad("duplicate label \"" + s.name + "\"");
          img.symbols.push_back(std::move(s));
        }
        break;
      }
    }
  }
  // Bytes outside every payload (alignment padding) must be zero.
  {
    uint64_t pos = table_end;
    auto zero_gap = [&](uint64_t a, uint64_t b) {
      for (uint64_t k = a; k < b; ++k)
        if (data[k]) return false;
      return true;
    };
    for (const Span& s : spans) {
      if (s.off > pos && !zero_gap(pos, s.off))
        return err(ErrorCode::Malformed, "non-zero padding before section " + std::to_string(s.idx));
      pos = std::max(pos, s.off + s.size);
    }
    if (!zero_gap(pos, size)) return err(ErrorCode::Malformed, "non-zero bytes after the last section");
  }
  if (platform) {
    LoadError le = validate_for_platform(img, *platform);
    if (le) return err(le.code, le.message);
  }
  res.image = std::move(img);
  return res;
}

// ---------------------------------------------------------------------------------------
// Platform validation

LoadError check_program(const Program& p, const Geometry& g) {
  LoadError e;
  e.tile = p.tile;
  e.core = p.core;
  std::string unit = p.is_tile() ? "tile " + std::to_string(p.tile)
                                 : "core " + std::to_string(p.tile) + "." + std::to_string(p.core);
  size_t cap = p.is_tile() ? g.tile_imem_words : g.core_imem_words;
  if (p.words.size() > cap) {
    e.code = ErrorCode::Malformed;
    e.message = "program size: " + unit + " has " + std::to_string(p.words.size()) +
                " instructions, the instruction memory holds " + std::to_string(cap);
    return e;
  }
  for (size_t pc = 0; pc < p.words.size(); ++pc) {
    uint64_t w = p.words[pc];
    IsaError ie;
    if (p.is_tile()) {
      auto d = decode_tile(w, g);
      if (!d.ok()) ie = std::move(d.error);
    } else {
      auto d = decode_core(w, g);
      if (!d.ok()) {
        ie = std::move(d.error);
      } else if ((d.instr.opcode == Opcode::Jmp || d.instr.opcode == Opcode::Brn) &&
                 d.instr.target >= p.words.size()) {
        ie.code = ErrorCode::AddressRange;
        ie.message = "branch target " + std::to_string(d.instr.target) + " beyond the " +
                     std::to_string(p.words.size()) + " instructions loaded (" +
                     disassemble(d.instr, g) + ")";
      }
    }
    if (ie) {
      e.code = ie.code;
      e.pc = int64_t(pc);
      e.message = unit + " pc " + std::to_string(pc) + ": " + ie.message;
      return e;
    }
  }
  return LoadError{};
}

LoadError validate_for_platform(const KernelImage& img, const Geometry& platform) {
  LoadError e;
  auto fail = [&](ErrorCode c, std::string m) {
    e.code = c;
    e.message = std::move(m);
    return e;
  };
  std::string why = platform.check();
  if (!why.empty()) return fail(ErrorCode::Geometry, "platform geometry: " + why);
  const ImageHeader& h = img.header;
  auto mism = [&](const char* what, unsigned k, unsigned p, const char* rel) {
    return fail(ErrorCode::Geometry, std::string("geometry mismatch: kernel built for ") +
                                         std::to_string(k) + " " + what + ", platform has " +
                                         std::to_string(p) + " (must be " + rel + ")");
  };
  if (h.tiles > platform.tiles) return mism("tiles", h.tiles, platform.tiles, "<=");
  if (h.cores_per_tile > platform.cores_per_tile)
    return mism("cores per tile", h.cores_per_tile, platform.cores_per_tile, "<=");
  if (h.num_mvmu != platform.num_mvmu)
    return mism("MVMUs per core", h.num_mvmu, platform.num_mvmu, "equal");
  if (h.xbar_size != platform.xbar_size)
    return mism("crossbar size", h.xbar_size, platform.xbar_size, "equal");
  if (h.frac_bits != platform.frac_bits)
    return mism("frac bits", h.frac_bits, platform.frac_bits, "equal");
  if (h.panther != platform.panther)
    return fail(ErrorCode::Geometry, std::string("geometry mismatch: kernel built ") +
                                         (h.panther ? "with" : "without") + " PANTHER, platform " +
                                         (platform.panther ? "has" : "lacks") + " it");
  Geometry g = img.geometry(platform);
  // Unit indices (an in-memory image may not have passed read_image).
  for (const auto& p : img.programs) {
    if (p.tile >= h.tiles || (!p.is_tile() && p.core >= h.cores_per_tile))
      return fail(ErrorCode::Malformed, "program for a unit outside the image geometry");
    LoadError pe = check_program(p, g);
    if (pe) return pe;
  }
  int64_t lo = g.weight_lo(), hi = g.weight_hi();
  for (const auto& x : img.xbars) {
    if (x.tile >= h.tiles || x.core >= h.cores_per_tile || x.mvmu >= h.num_mvmu ||
        x.rows < 1 || x.cols < 1 || x.rows > g.xbar_size || x.cols > g.xbar_size ||
        x.w.size() != size_t(x.rows) * x.cols)
      return fail(ErrorCode::Malformed, "XBAR_WEIGHTS block with a bad unit or shape");
    for (size_t k = 0; k < x.w.size(); ++k)
      if (x.w[k] < lo || x.w[k] > hi) {
        e.tile = x.tile;
        e.core = x.core;
        return fail(ErrorCode::Malformed,
                    "weight range: MVMU " + std::to_string(x.tile) + "." + std::to_string(x.core) +
                        "." + std::to_string(x.mvmu) + " weight [" + std::to_string(k / x.cols) +
                        "][" + std::to_string(k % x.cols) + "] = " + std::to_string(x.w[k]) +
                        " outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      }
  }
  for (const auto& d : img.data) {
    if (d.tile >= h.tiles || d.count == 0 || d.words.empty())
      return fail(ErrorCode::Malformed, "DATA block with a bad tile, count or length");
    if (uint64_t(d.addr) + d.words.size() > g.shared_mem_words) {
      e.tile = d.tile;
      return fail(ErrorCode::AddressRange,
                  "tile memory range: DATA of tile " + std::to_string(d.tile) + " words " +
                      std::to_string(d.addr) + ".." + std::to_string(d.addr + d.words.size() - 1) +
                      " beyond the shared memory (" + std::to_string(g.shared_mem_words) + " words)");
    }
  }
  for (const auto& t : img.tensors) {
    if (t.tile >= h.tiles || t.len == 0)
      return fail(ErrorCode::Malformed, "TENSOR \"" + t.name + "\" with a bad tile or length");
    if (uint64_t(t.addr) + t.len > g.shared_mem_words) {
      e.tile = t.tile;
      return fail(ErrorCode::AddressRange,
                  "tile memory range: tensor \"" + t.name + "\" (tile " + std::to_string(t.tile) +
                      ", words " + std::to_string(t.addr) + ".." +
                      std::to_string(uint64_t(t.addr) + t.len - 1) + ") beyond the shared memory (" +
                      std::to_string(g.shared_mem_words) + " words)");
    }
  }
  return LoadError{};
}

}  // namespace pumavp::isa
