// ONNX operator conformance harness: runs the operator tests that ONNX ships (Debian's
// libonnx-testdata: data/<suite>/test_*/model.onnx + test_data_set_0/{input,output}_N.pb)
// through the pumavp compiler and a runner (the SystemC node or the test interpreter) and
// compares with ONNX's expected outputs within a fixed-point tolerance (error_model.h).
//
// Per case:
//   1. The graph inputs that are *parameters* (every use is a parameter slot of its consumer:
//      Conv/Gemm weights and biases, MatMul's right operand, BatchNormalization statistics,
//      shape/axes/pads operands, ...: parameter_slot()) become initializers holding their
//      test values (the ModelProto is rewritten); the other graph inputs are data.
//   2. A batch (leading dimension N > 1 of every data input, a graph treating it as
//      independent samples) runs as N inferences. Data inputs are quantised to the target's
//      Q format (q(v) = rne(v·2^f)); data or expected outputs outside its range skip the case
//      (stated) unless the graph is positively homogeneous, f(s·x) = s^d·f(x): then both are
//      scaled by powers of two. A non-real data input or output skips the case.
//   3. compiler::compile_onnx: a CompileError makes the case *unsupported* (its message is
//      the reason); any other exception is a failure.
//   4. The runner executes the image with the quantised inputs; outputs are dequantised, a
//      Softmax/LogSoftmax the compiler left to the host is applied on the host, and every
//      element must be within the tolerance of error_model.h; the raw words must also equal
//      those of the CPU reference of the quantised semantics (test/compiler/graph_reference.h)
//      on the prepared graph.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/config.h"
#include "isa/kimage.h"

namespace pumavp::conformance {

enum class Status { Passed, Failed, Unsupported, Skipped };
const char* status_name(Status s);

struct CaseInfo {
  std::string id;    // "<suite>/<test name>", e.g. "node/test_gemm_default_no_bias"
  std::string dir;   // the case's directory
};

// Directory of the installed test data (CMake's ONNX_TESTDATA_DIR, or $PUMAVP_ONNX_TESTDATA).
std::string default_data_root();
// Every case under root/<suite>/test_*/ that has a model.onnx and a test_data_set_0,
// suites node, pytorch-converted, pytorch-operator and simple, sorted by id.
std::vector<CaseInfo> list_cases(const std::string& root);

// The operator types of a case's top-level graph (sorted, unique); empty on a bad model.
std::vector<std::string> case_operators(const CaseInfo& c);

// True if input `slot` of an `op` node is a parameter (weights, bias, statistics, shape or
// axes operand) rather than data.
bool parameter_slot(const std::string& op, size_t slot);

using Words = std::map<std::string, std::vector<int16_t>>;
// Executes an image: inputs by tensor name, outputs by tensor name; false with err on failure.
using Runner = std::function<bool(const isa::KernelImage& img, const Words& inputs, Words& outputs, std::string& err)>;

struct CaseResult {
  Status status = Status::Skipped;
  std::string reason;                 // why not passed (or a note when passed)
  std::vector<std::string> ops;
  double max_err = 0, tol = 0;        // worst |out - expected| and its tolerance (at that element)
  double worst_ratio = 0;             // max over elements of |err| / tol
};

// Runs one case for `cfg` with `run` (an empty runner: compile and classify only, status
// Passed stands for "compiled" then).
CaseResult run_case(const CaseInfo& c, const PlatformConfig& cfg, const Runner& run);

// Runner on the test interpreter (test/compiler/interp.h) for `cfg`.
Runner interpreter_runner(const PlatformConfig& cfg);

// The platform every conformance case is compiled for: configs/small.yaml with 16 tiles.
PlatformConfig conformance_config();

}  // namespace pumavp::conformance
