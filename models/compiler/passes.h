// pumavp::compiler::graph passes — each takes a Graph, changes it in place (or reads it) and
// throws CompileError naming the file and "node NAME (OP)" when it cannot do its job.
//
//   infer_shapes     static output shapes of every node whose input shapes are known
//   fold_constants   evaluates nodes whose inputs are all constants (the Shape/Gather/
//                    Unsqueeze/Concat/Reshape chains exporters emit; Shape of a known shape)
//   canonicalize     drops Identity and Dropout, folds BatchNormalization into the Conv/Gemm/
//                    MatMul before it (a MatMul that receives a bias becomes a Gemm)
//   host_softmax     a Softmax/LogSoftmax producing the graph output is left to the host (the
//                    kernel's output, under the ONNX output name, is then its input: the
//                    logits; the argmax, hence the classification, is the same); noted
//   check_supported  every remaining operator and attribute is one the back end takes, else
//                    "unsupported operator X at node Y" / "... attribute A=V of X at node Y"
//   lower_to_model   the chain of fully connected layers the MLP back end maps (Flatten,
//                    Reshape, Squeeze/Unsqueeze and size-1 Transposes are layout only)
//
// run_frontend() runs them in that order (shapes again after folding and canonicalising).
#pragma once

#include "compiler/graph.h"
#include "compiler/model.h"

namespace pumavp::compiler::graph {

void infer_shapes(Graph& g);
// Returns the number of nodes folded away.
size_t fold_constants(Graph& g);
// Returns the number of nodes removed or merged.
size_t canonicalize(Graph& g);
// Returns a note for each Softmax it left to the host (empty: none).
std::vector<std::string> host_softmax(Graph& g);
void check_supported(const Graph& g);
// True when the graph has one data input, at least one Gemm/MatMul and only operators the MLP
// back end takes (check_supported would pass the operator names): the graph goes to
// lower_to_model, otherwise to the graph back end.
bool is_fully_connected_chain(const Graph& g);
// `check_shapes` (optional) sees the layer shapes before any weight is copied (compiler::
// check_fits: a model too big is refused from its shapes alone).
Model lower_to_model(const Graph& g, const ShapeCheck& check_shapes = {});

// The graph-to-graph passes every back end starts from: shapes, folding, canonicalisation,
// host softmax (returns its notes). A CPU reference of the quantised graph evaluates the
// graph as prepare() leaves it.
std::vector<std::string> prepare(Graph& g);
Model run_frontend(Graph& g, const ShapeCheck& check_shapes = {});

// Broadcast of two shapes by the ONNX (numpy) rule; throws with `where` when incompatible.
Shape broadcast(const Shape& a, const Shape& b, const std::string& where);

}  // namespace pumavp::compiler::graph
