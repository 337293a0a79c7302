// Worst-case error of a quantised graph against its real-valued ONNX definition: a forward
// pass over the (parameter-bound) ONNX graph carrying, for each tensor, a bound A on its
// magnitude and a bound e on |computed − exact| (both over all elements, in real units),
// from the fixed-point semantics of docs/decisions-compiler.md. With u = 2^-f, h = u/2 (the
// largest rounding error of rne or of q):
//
//   data input x        e = max |q(x)/2^f − x| (exact, ≤ h),  A = max |x|
//   Gemm/MatMul/Conv    per output o: e_o = Σ_i |W_oi|·e_in + Σ_i |q(W_oi) − W_oi|·A_in
//                       + B·h (one rne per crossbar row block, B blocks) + |q(b_o) − b_o|;
//                       e = max_o e_o, A = max_o Σ_i |W_oi|·A_in + |b_o|  (a following
//                       BatchNormalization is folded into W and b first, as the compiler does)
//   Add/Sub             e = e_a + e_b (a constant operand c: e_a + max |q(c) − c|), A = A_a + A_b
//   Mul                 e = A_a·e_b + A_b·e_a + e_a·e_b + h (constant c: its quantisation error)
//   Relu, MaxPool, layout ops (Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Identity,
//   Dropout, Concat, zero Pad)     e and A unchanged (1-Lipschitz in the max norm)
//   LeakyRelu α         e = max(e, (α + δα)·e + A·δα + h),  δα = |q(α) − α|
//   Sigmoid / Tanh      e = L·e_in + h + L·2^(15−lut_bits)·u (slope L = 1/4 resp. 1; the table
//                       entry is rounded once; an index of 16−lut_bits dropped bits is at most
//                       half a bucket from the point it stands for)
//   AveragePool         window of n positions, m ≤ n inside the input: each term
//                       rne(x·q(1/n)) errs by e/n + (A + e)·δn + h, δn = |q(1/n) − 1/n|, so
//                       e = max_n [ (m/n)·e + m·(A + e)·δn + m·h ] over the possible n, m
//   GlobalAveragePool   AveragePool over the whole H×W map
//   BatchNormalization  (not after a Conv/Gemm/MatMul) per channel y = s·x + t:
//                       e = max|s|·e + A·max δs + h + max δt
//   Softmax/LogSoftmax  at the graph output: left to the host; the kernel output (logits)
//                       carries e, and the host result is within p·(exp(2e) − 1) (Softmax,
//                       p the exact probability) or 2e (LogSoftmax)
//
// The bound assumes no saturation: `max_range` reports the largest magnitude bound A + e of
// any tensor or partial sum, so a caller can tell when Q format saturation may explain a
// mismatch. Operators without a rule make the model fail (the case is then skipped, stated).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tensor_file.h"

namespace onnx {
class ModelProto;
}

namespace pumavp::conformance {

struct Numerics {
  unsigned frac_bits = 12;
  unsigned xbar_size = 128;
  unsigned lut_bits = 16;
};

struct OutputBound {
  double e = 0;                 // error bound of the kernel's output
  double A = 0;                 // magnitude bound of the kernel's output
  std::string host_op;          // "Softmax" / "LogSoftmax" when left to the host, else ""
  int64_t host_axis = -1;       // that operator's axis
  bool host_legacy = false;     // opset < 13 (the input is coerced to 2-D at the axis)
  std::string host_input;       // the operator's input (what the kernel outputs)
};

struct ErrorModel {
  bool ok = false;
  std::string error;                      // why no bound (unknown operator, ...)
  std::map<std::string, OutputBound> outputs;
  double max_range = 0;                   // largest A + e of any tensor
  std::string max_range_at;               // where ("node NAME (OP)")
};

// `model` is the case's ModelProto with its parameters bound as initializers; `data` the
// data inputs (real values, before quantisation), by name.
ErrorModel error_model(const onnx::ModelProto& model, const std::map<std::string, TensorData>& data,
                       const Numerics& num);

// Rounding of a real constant as the compiler quantises it: |q(v) − v| (0 if it saturates is
// not claimed: saturation makes the error |sat − v|).
double quant_error(double v, unsigned frac_bits);

}  // namespace pumavp::conformance
