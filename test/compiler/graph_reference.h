// CPU reference of a quantised graph (convolutional networks), written independently of the
// graph back end from "Convolutional networks: the quantised semantics" in
// docs/decisions-compiler.md and isa.md §2.2-§2.4. It evaluates a graph as
// compiler::graph::prepare() leaves it (constants folded, BatchNormalization folded, Identity /
// Dropout removed, static shapes, a final Softmax left to the host) node by node, on raw int16
// words in Q(15-f).f; tensors are in ONNX element order (NCHW, N = 1).
//
// Operators: Conv (group 1, pads / auto_pad, strides, dilations, bias; the crossbar row-block
// partition), Gemm / MatMul (transA/transB; alpha, beta folded into the weights in double; a
// Gemm whose input is a Flatten/Reshape of a C×H×W map uses the Conv partition of kernel H×W),
// Relu, LeakyRelu, Sigmoid, Tanh (LUTs), Add / Sub / Mul (tensors or quantised constants,
// numpy broadcasting), MaxPool, AveragePool (both count_include_pad), GlobalAveragePool, Pad
// (constant zero, spatial: evaluated as explicit zeros, which is what its folding into the
// Conv / pool after it computes), Concat, Flatten, Reshape, Squeeze, Unsqueeze, Transpose,
// Identity, Dropout. Anything else throws std::runtime_error naming the node.
//
// float_graph() evaluates the same graph in double with the real (unquantised) constants and
// exact functions: the accuracy baseline and the property tests' comparison.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compiler/graph.h"
#include "reference.h"  // RefParams, ref_quantize

namespace pumavp::compiler_test {

using QTensors = std::map<std::string, std::vector<int16_t>>;
using FTensors = std::map<std::string, std::vector<double>>;

// The graph outputs, each in ONNX element order. `inputs` holds every graph input (raw words).
QTensors reference_graph(const compiler::graph::Graph& g, const RefParams& p, const QTensors& inputs);
// Every tensor evaluated: the graph inputs and every node output (for tests of intermediates).
QTensors reference_graph_all(const compiler::graph::Graph& g, const RefParams& p, const QTensors& inputs);

FTensors float_graph(const compiler::graph::Graph& g, const FTensors& inputs);
FTensors float_graph_all(const compiler::graph::Graph& g, const FTensors& inputs);

// The crossbar row blocks of a Conv weight matrix with Cin input channels and a Kh×Kw kernel on
// X-row crossbars: block r covers channels [c0, c1) × kernel rows [ky0, ky1) × all kx.
struct RowBlock {
  int64_t c0, c1, ky0, ky1;
};
std::vector<RowBlock> conv_row_blocks(int64_t cin, int64_t kh, int64_t kw, unsigned xbar_size);

}  // namespace pumavp::compiler_test
