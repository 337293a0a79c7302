// pumavp::isa::KernelImage — the kernel image of architecture.md §2.4: in-memory form,
// writer, validating reader, and the load-time static checks of isa.md §11.
//
// Usage:
//   std::vector<uint8_t> bytes = write_image(img);
//   ImageResult r = read_image(bytes);             // structural checks (codes 1-4)
//   if (!r.ok()) fail(r.error.code, r.error.message);
//   LoadError e = validate_for_platform(*r.image, platform_geometry);  // codes 3-6
//   if (e) fail(e.code, e.tile, e.core, e.pc, e.message);   // before touching any state
//
// Writer layout (canonical, what `pumavp asm` produces): header, section table, then the
// payloads 8-byte aligned in table order: TENSOR (tensors order), XBAR_WEIGHTS (xbars),
// DATA (data), TILE_PROGRAM/CORE_PROGRAM (programs order), SYMBOLS (one section, if any).
// read_image keeps the file's order within each vector, so write_image(read_image(x)) == x
// for canonical images.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "isa/encoding.h"
#include "common/geometry.h"

namespace pumavp::isa {

constexpr uint16_t kImageVersion = 1;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kSectionEntryBytes = 16;
constexpr uint8_t kTileUnit = 0xFF;  // "core" number of a tile program / tile-unit symbol

enum class SectionType : uint16_t {
  TileProgram = 1, CoreProgram = 2, XbarWeights = 3, Tensor = 4, Symbols = 5, Data = 6,
};

// The target geometry recorded in the header.
struct ImageHeader {
  uint16_t tiles = 1;
  uint8_t cores_per_tile = 1;
  uint8_t num_mvmu = 2;
  uint16_t xbar_size = 128;
  uint8_t bits_per_cell = 2;
  uint8_t slices = 8;
  uint8_t frac_bits = 12;
  bool panther = false;
  bool operator==(const ImageHeader& o) const;
};

struct Program {
  uint16_t tile = 0;
  uint8_t core = kTileUnit;       // kTileUnit (0xFF) = tile program
  std::vector<uint64_t> words;    // index 0 first
  bool is_tile() const { return core == kTileUnit; }
  bool operator==(const Program& o) const;
};

struct XbarWeights {
  uint16_t tile = 0;
  uint8_t core = 0;
  uint8_t mvmu = 0;
  uint16_t rows = 0, cols = 0;    // 1..X each
  std::vector<int32_t> w;         // rows*cols, row-major (row = input); int16 range unless PANTHER
  int32_t at(unsigned r, unsigned c) const { return w[size_t(r) * cols + c]; }
  bool operator==(const XbarWeights& o) const;
};

struct DataBlock {
  uint16_t tile = 0;
  uint32_t addr = 0;              // shared-memory word address
  uint16_t count = 1;             // consumer count >= 1
  std::vector<int16_t> words;     // >= 1 word
  bool operator==(const DataBlock& o) const;
};

enum class TensorDir : uint8_t { In = 0, Out = 1 };

struct Tensor {
  std::string name;               // 1..64 bytes
  uint16_t tile = 0;
  uint32_t addr = 0;              // shared-memory word address
  uint32_t len = 0;               // words, >= 1
  TensorDir dir = TensorDir::In;
  uint8_t count = 1;              // inputs 1..255, outputs 0
  // The tensor's shape in its model (ONNX order, e.g. 1,1,8,8); empty: a plain vector of len
  // words. Stored after the name as u8 rank (1..8) and rank u32 dims whose product is len
  // (docs/decisions-isa.md, "Tensor shapes").
  std::vector<uint32_t> shape;
  bool operator==(const Tensor& o) const;
};

struct Symbol {
  std::string name;               // identifier, 1..65535 bytes
  uint16_t tile = 0;
  uint8_t core = kTileUnit;       // kTileUnit = tile program
  uint32_t index = 0;             // instruction index
  bool operator==(const Symbol& o) const;
};

struct KernelImage {
  ImageHeader header;
  std::vector<Tensor> tensors;
  std::vector<XbarWeights> xbars;
  std::vector<DataBlock> data;
  std::vector<Program> programs;
  std::vector<Symbol> symbols;

  // Header geometry completed with the platform-only sizes of `platform`.
  Geometry geometry(const Geometry& platform = Geometry{}) const;
  const Program* find_program(unsigned tile, unsigned core) const;  // core 0xFF = tile
  const Tensor* find_tensor(const std::string& name) const;
  bool operator==(const KernelImage& o) const;
  bool operator!=(const KernelImage& o) const { return !(*this == o); }
};

// Serialize (canonical layout, CRC filled in). The image is not validated.
std::vector<uint8_t> write_image(const KernelImage& img);

struct ImageResult {
  std::optional<KernelImage> image;
  IsaError error;                 // code 1..4 (or 5/6 when a platform is given)
  bool ok() const { return image.has_value(); }
};

// Parse and validate an image: magic, version, flags, header geometry ranges, zero fields,
// CRC, section bounds / alignment / overlap, duplicates, payload sizes and field ranges,
// unit indices within the header geometry. Never reads out of bounds. With `platform`,
// validate_for_platform() also runs and its error is returned.
ImageResult read_image(const uint8_t* data, size_t size, const Geometry* platform = nullptr);
inline ImageResult read_image(const std::vector<uint8_t>& bytes,
                              const Geometry* platform = nullptr) {
  return read_image(bytes.data(), bytes.size(), platform);
}

struct LoadError {
  ErrorCode code = ErrorCode::None;
  int tile = -1;                  // -1: not about one unit
  int core = -1;                  // 0xFF = tile unit
  int64_t pc = -1;                // -1: not about one instruction
  std::string message;            // includes the word / disassembly where relevant
  explicit operator bool() const { return code != ErrorCode::None; }
};

// Every static check of isa.md §11 marked "load" plus the geometry rule of
// architecture.md §2.4, against the platform geometry. Returns the first error found
// (units in image order, instructions in index order).
LoadError validate_for_platform(const KernelImage& img, const Geometry& platform);

// Tensor names: 1..64 printable ASCII bytes without blanks, "," "#" "=" ":".
bool valid_tensor_name(const std::string& s);

// Static checks of one program with the given (complete) geometry: size against the
// instruction memory (code 4), decode of every word (5/6), branch targets (6).
LoadError check_program(const Program& p, const Geometry& g);

}  // namespace pumavp::isa
