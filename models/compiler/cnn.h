// pumavp::compiler — the graph back end: a Net (compiler/net.h) placed and scheduled on the
// node, then generated as a kernel image (docs/decisions-compiler.md, "Convolutional
// networks"). Usage: Compiled c = compile_net(lower_to_net(prepared_graph), target);
#pragma once

#include "compiler/compiler.h"
#include "compiler/net.h"

namespace pumavp::compiler {

// Crossbars one copy of every Conv/Gemm of the network needs (the fit check, from shapes).
unsigned net_crossbars(const net::Net& n, unsigned xbar_size);

// Throws CompileError (does not fit, an operator the back end cannot map, a program that
// does not fit the instruction memory even with one output pixel per copy, ...).
Compiled compile_net(const net::Net& n, const Target& t, const CompileOptions& opt = {});

// The mapping of every operator from shapes alone (no weight needed): row and column blocks,
// crossbars of one copy, the total against the target's capacity and the nodes it would take.
std::string net_mapping_report(const net::Net& n, const Target& t);

// YAML model descriptions of kind cnn (compiler/cnn_yaml.cpp): seeded random weights, or shapes
// only (`with_weights` false: weights stay empty, for the fit check and the mapping report).
bool is_cnn_yaml(const std::string& path);
net::Net load_cnn_yaml(const std::string& path, bool with_weights = true);
net::Net load_cnn_yaml_text(const std::string& text, const std::string& file, bool with_weights = true);

}  // namespace pumavp::compiler
