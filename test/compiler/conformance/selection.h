// Which ONNX test cases become ctests: those whose every operator is one the compiler takes
// or is being taught (the FC path and the CNN operators). A case is selected by its operator
// list alone, so new compiler support is picked up without touching the harness: a selected
// case the compiler still refuses is a skipped ctest naming the compiler's message.
#pragma once

#include <cctype>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "conformance.h"

namespace pumavp::conformance {

inline const std::set<std::string>& candidate_operators() {
  static const std::set<std::string> s = {
      // fully connected path
      "Gemm", "MatMul", "Add", "Relu", "Sigmoid", "Tanh", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
      "Transpose", "Identity", "Dropout", "Softmax", "LogSoftmax", "Constant",
      // convolutional path
      "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "LeakyRelu", "Sub", "Mul",
      "Concat", "Pad"};
  return s;
}

inline bool is_candidate(const std::vector<std::string>& ops) {
  if (ops.empty()) return false;
  for (const auto& o : ops)
    if (!candidate_operators().count(o)) return false;
  return true;
}

// The selected cases of `root` (default_data_root()).
inline std::vector<CaseInfo> candidate_cases(const std::string& root) {
  std::vector<CaseInfo> r;
  for (const auto& c : list_cases(root))
    if (is_candidate(case_operators(c))) r.push_back(c);
  return r;
}

// A gtest-safe name of a case id ("node/test_gemm_x" -> "node_test_gemm_x").
inline std::string test_name(const CaseInfo& c) {
  std::string s;
  for (char ch : c.id) s += (std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  return s;
}

// gtest prints a parameter by its id.
inline void PrintTo(const CaseInfo& c, std::ostream* os) { *os << c.id; }

}  // namespace pumavp::conformance
