// ONNX operator conformance on the SystemC node (the real target): the selected cases
// (selection.h) whose operators are all on the fully connected path or pooling, each in its
// own child process (a batch runs as one inference per sample, each on a fresh node), against the same tolerance as the interpreter runs.
#include <gtest/gtest.h>

#include <cctype>

#include "conformance.h"
#include "node_runner.h"
#include "selection.h"

using namespace pumavp;
using namespace pumavp::conformance;

class OnnxConformanceNode : public ::testing::TestWithParam<CaseInfo> {};

TEST_P(OnnxConformanceNode, Node) {
  const PlatformConfig cfg = conformance_config();
  const CaseResult r = run_case(GetParam(), cfg, forked_runner(node_runner(cfg)));
  switch (r.status) {
    case Status::Passed: std::printf("passed: %s\n", r.reason.c_str()); break;
    case Status::Failed: FAIL() << r.reason; break;
    case Status::Unsupported: GTEST_SKIP() << "unsupported: " << r.reason; break;
    case Status::Skipped: GTEST_SKIP() << r.reason; break;
  }
}

INSTANTIATE_TEST_SUITE_P(Onnx, OnnxConformanceNode, ::testing::ValuesIn(candidate_cases(default_data_root())),
                         [](const ::testing::TestParamInfo<CaseInfo>& i) { return test_name(i.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxConformanceNode);
