// Fuzz harness: the ONNX importer (compiler::load_onnx_model_bytes) and, when a model loads,
// the compiler on a small default target (one that fits the seeds; bigger models fail with
// CompileError, also a normal outcome). Errors are CompileError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/compiler.h"
#include "compiler/model.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_onnx", [&] {
    using namespace pumavp::compiler;
    try {
      Model m = load_onnx_model_bytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx");
      // Bound the work: the compiler's cost grows with the parameter count, not the input size
      // (dimensions come from the file); 1 M weights is far beyond what 64 KiB can carry.
      if (m.parameters() > (1u << 20)) return;
      Target t;
      t.geometry.tiles = 4;
      t.geometry.cores_per_tile = 2;
      CompileOptions opt;
      opt.asm_weights = false;
      (void)compile(m, t, opt);
    } catch (const CompileError&) {
    }
  });
  return 0;
}
