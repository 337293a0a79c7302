// pumavp::compiler::graph — the compiler's graph IR: typed tensors (shape, constant value)
// and operators, lowered by small passes (compiler/passes.h), each testable on its own.
//
//   ONNX file --import_onnx--> Graph --fold_constants--> --canonicalize--> --check_supported-->
//   --lower_to_model--> Model (the MLP backend: quantise, place, schedule, generate)
//
// A Graph keeps its nodes in topological order (ONNX requires it; every pass preserves it).
// Tensors are named; a tensor is a graph input, a constant (an ONNX initializer, a Constant
// node, or folded by a pass), or the output of exactly one node. Shapes are static: a dimension
// the file leaves symbolic (a batch "N") is taken as 1 at import, and every pass that needs a
// shape it cannot know says so naming the node.
//
// Diagnostics name the node as "node NAME (OP)"; an unnamed node is "#<index in the file>".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/model.h"  // CompileError

namespace pumavp::compiler::graph {

using Shape = std::vector<int64_t>;
int64_t elements(const Shape& s);            // product of the dimensions (1 for a scalar)
std::string shape_str(const Shape& s);       // "[1, 64, 8, 8]"

// A constant tensor's value. Integers (shape arithmetic: INT64/INT32) and reals are both kept
// as doubles: every integer the shape subgraphs carry is far below 2^53.
struct Constant {
  Shape dims;
  std::vector<double> v;  // elements(dims) values, row-major
  bool integer = false;   // from an integer type (INT64/INT32/BOOL)
};

struct Tensor {
  std::string name;
  Shape shape;
  bool shape_known = false;
  std::optional<Constant> value;  // set: a constant
};

struct Attr {
  enum class Kind { Int, Float, Ints, Floats, String, Tensor } kind = Kind::Int;
  int64_t i = 0;
  double f = 0;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::string s;
  Constant t;
};

// An attribute's value as diagnostics print it ("3", "[1,2]", "<tensor>").
std::string attr_text(const Attr& a);

struct Node {
  std::string name;    // the file's name, or "#<index>"
  std::string op;      // ONNX op_type ("Conv", "Gemm", ...)
  std::vector<std::string> inputs;   // "" = an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attr> attrs;

  std::string where() const { return "node " + name + " (" + op + ")"; }
  const Attr* attr(const std::string& key) const;
  int64_t attr_int(const std::string& key, int64_t dflt) const;
  double attr_float(const std::string& key, double dflt) const;
  std::vector<int64_t> attr_ints(const std::string& key, const std::vector<int64_t>& dflt) const;
};

struct Graph {
  std::string name = "model";
  std::string file;                     // for diagnostics ("m.onnx")
  std::vector<std::string> inputs;      // graph inputs that are not constants
  std::vector<std::string> outputs;
  std::map<std::string, Tensor> tensors;
  std::vector<Node> nodes;              // topological order

  Tensor& tensor(const std::string& name);              // created on first use
  const Tensor* find(const std::string& name) const;
  bool is_constant(const std::string& name) const;
  const Constant& constant(const std::string& name) const;  // throws unless a constant
  // Nodes that read `name` (indices into nodes), and the node producing it (-1: none).
  std::vector<size_t> consumers(const std::string& name) const;
  long producer(const std::string& name) const;
  bool is_graph_output(const std::string& name) const;
  // Every use of tensor `from` (node inputs and graph outputs) now reads `to`.
  void replace_uses(const std::string& from, const std::string& to);
  // Removes the nodes whose index is in `dead` (sorted or not) and tensors nobody refers to.
  void erase_nodes(const std::vector<size_t>& dead);
  std::string error_prefix() const { return file.empty() ? name : file; }
};

// Reads an ONNX ModelProto (the bytes of a .onnx file) into a Graph. `file` names it in errors.
// Initializers and Constant nodes become constants (type and payload size checked before
// anything is allocated); ops of a domain other than ai.onnx are refused.
Graph import_onnx(const std::string& bytes, const std::string& file);

}  // namespace pumavp::compiler::graph
