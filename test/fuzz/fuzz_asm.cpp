// Fuzz harness: the .pasm assembler (isa::assemble_string), then the writer, reader and
// disassembler on the image it produces. Errors are Diagnostics: a normal outcome.
// `.xbar file=` paths resolve in a private temporary directory holding small weight files
// (w.npy int16 2x3, wf.npy float32 2x2, w.csv); texts naming a path with '/' or ".." are refused so no other file is ever read.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fuzz_common.h"
#include "isa/assembler.h"
#include "isa/kimage.h"
#include "isa/npy.h"

namespace {

std::string make_base_dir() {
  char tmpl[] = "/tmp/pumavp-fuzz-asm-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (!d) pumavp::fuzz::fail("fuzz_asm", "mkdtemp failed");
  using pumavp::isa::NpyArray;
  using pumavp::isa::NpyType;
  std::string err;
  const std::string dir = d;
  if (!write_npy_file(dir + "/w.npy", NpyArray::make(NpyType::I16, {2, 3}, {1, 2, 3, -4, -5, -6}), err) ||
      !write_npy_file(dir + "/wf.npy", NpyArray::make(NpyType::F32, {2, 2}, {0.5, -0.25, 1.0, 7.99}), err))
    pumavp::fuzz::fail("fuzz_asm", err);
  std::ofstream(dir + "/w.csv") << "# comment\n1, 2\n3, 4\n5, 6\n";
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  static const std::string base_dir = make_base_dir();
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (text.find("file") != std::string::npos &&
      (text.find('/') != std::string::npos || text.find("..") != std::string::npos))
    return -1;
  pumavp::fuzz::guarded("fuzz_asm", [&] {
    using namespace pumavp::isa;
    Diagnostics diag;
    std::optional<KernelImage> img = assemble_string(text, "fuzz.pasm", base_dir, pumavp::Geometry{}, diag);
    (void)diag.str();
    if (!img) return;
    const std::vector<uint8_t> bytes = write_image(*img);
    ImageResult back = read_image(bytes);
    if (!back.ok())
      pumavp::fuzz::fail("fuzz_asm", "the assembler produced an image read_image refuses: " + back.error.message);
    (void)disassemble(*img);
  });
  return 0;
}
