// Fuzz harness: the ONNX importer and front-end passes (graph::import_onnx, graph::prepare),
// then either back end on a small default target — the MLP back end for chains of fully
// connected layers (compiler::load_onnx_model_bytes + compile), the graph back end otherwise
// (net::lower_to_net + compile_net). Bigger models fail with CompileError, a normal outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/cnn.h"
#include "compiler/compiler.h"
#include "compiler/graph.h"
#include "compiler/model.h"
#include "compiler/net.h"
#include "compiler/passes.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_onnx", [&] {
    using namespace pumavp::compiler;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    Target t;
    t.geometry.tiles = 4;
    t.geometry.cores_per_tile = 2;
    CompileOptions opt;
    opt.asm_weights = false;
    try {
      graph::Graph g = graph::import_onnx(bytes, "fuzz.onnx");
      graph::prepare(g);
      if (graph::is_fully_connected_chain(g)) {
        Model m = load_onnx_model_bytes(bytes, "fuzz.onnx");
        // Bound the work: the compiler's cost grows with the parameter count, not the input
        // size (dimensions come from the file); 1 M weights is far beyond what 64 KiB carries.
        if (m.parameters() > (1u << 20)) return;
        (void)compile(m, t, opt);
        return;
      }
      const net::Net n = net::lower_to_net(g);
      // The graph back end's work grows with output pixels x window size per operator.
      uint64_t work = 0;
      for (const net::Op& op : n.ops) {
        const net::Tensor& o = n.tensors[op.out];
        work += uint64_t(o.h) * o.w * (uint64_t(op.kh) * op.kw + 1) * (o.c / 128 + 1);
      }
      if (work > (1u << 16)) return;
      (void)compile_net(n, t, opt);
    } catch (const CompileError&) {
    }
  });
  return 0;
}
