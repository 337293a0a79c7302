// pumavp::compiler::net — the graph back end's IR: feature maps and the operators the
// accelerator computes on them (docs/decisions-compiler.md, "Convolutional networks").
//
//   graph::Graph (prepared) --lower_to_net--> Net --compile_net--> Compiled (kernel image)
//
// A Net tensor is a C×H×W map (a vector is C×1×1). Views of the ONNX graph (Flatten,
// Reshape to a vector, Squeeze/Unsqueeze of size-1 dimensions, a zero Pad before a window
// operator) are resolved here: a Gemm over a flattened map becomes a Conv whose kernel covers
// the map, a Pad becomes the consumer's padding. Graph inputs and outputs keep the ONNX
// element order (layout CHW); every other map is stored pixel by pixel (HWC).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/graph.h"

namespace pumavp::compiler::net {

enum class Act { None, Relu, Sigmoid, Tanh, Leaky };
const char* act_name(Act a);
enum class Layout { HWC, CHW };

struct Tensor {
  std::string name;
  unsigned c = 0, h = 1, w = 1;
  Layout layout = Layout::HWC;
  bool graph_input = false, graph_output = false;
  int producer = -1;  // op index, -1 for a graph input
  uint64_t words() const { return uint64_t(c) * h * w; }
};

enum class Kind { Conv, MaxPool, AvgPool, Eltwise, Act };
const char* kind_name(Kind k);
enum class Elt { Add, Sub, Mul };

struct Op {
  Kind kind = Kind::Conv;
  std::string name;            // ONNX node name (the first node of a fused group)
  std::string where;           // "node NAME (OP)" for diagnostics
  std::vector<unsigned> in;    // tensor indices (Eltwise: 1 or 2, others 1)
  unsigned out = 0;
  // Window (Conv, pools): kernel, strides, dilations, pads top/left/bottom/right.
  unsigned kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0, pb = 0, pr = 0;
  // Conv: real weights [cout][cin][kh][kw] and bias (cout values, or empty).
  unsigned cin = 0, cout = 0;
  std::vector<double> w, b;
  bool gemm = false;           // lowered from Gemm/MatMul (report)
  // AvgPool: padded positions count in n. MaxPool: padded positions are values 0 (a folded Pad).
  bool count_include_pad = false;
  bool pad_is_value = false;
  // Eltwise: the operation; with one tensor input the second operand is a real constant per
  // channel (`konst`, c values).
  Elt elt = Elt::Add;
  std::vector<double> konst;
  // The activation applied to the result (fused), LeakyRelu's slope.
  Act act = Act::None;
  double alpha = 0;
};

struct Net {
  std::string name, file;
  std::vector<Tensor> tensors;
  std::vector<Op> ops;          // topological order
  std::vector<unsigned> inputs, outputs;
  std::vector<std::string> notes;
  std::string error_prefix() const { return file.empty() ? name : file; }
};

// Output size of a window over `in` positions.
unsigned window_out(unsigned in, unsigned k, unsigned s, unsigned d, unsigned pad_begin, unsigned pad_end);

// The graph as prepare() left it (compiler/passes.h) into a Net; throws CompileError naming
// the node for an operator or attribute the back end does not take.
Net lower_to_net(const graph::Graph& g);

// Conv row blocks (docs/decisions-compiler.md): each block holds input channels [c0, c1) and
// kernel rows [k0, k1) of one crossbar; `group` and `rows` are the full sizes every block's
// operand layout uses (G channels, NKY kernel rows).
struct RowBlock {
  unsigned c0, c1, k0, k1;
};
struct RowBlocking {
  unsigned group = 1, nky = 1;
  std::vector<RowBlock> blocks;
};
RowBlocking row_blocks(unsigned cin, unsigned kh, unsigned kw, unsigned xbar);

}  // namespace pumavp::compiler::net
