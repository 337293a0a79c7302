// Conformance runners that execute a kernel image on the SystemC node (the real target).
#pragma once

#include "conformance.h"

namespace pumavp::conformance {

// Runs on a node built for `cfg` in this process. SystemC elaborates once per process: use it
// once (a ctest runs each test in its own process).
Runner node_runner(const PlatformConfig& cfg);

// Runs `inner` in a forked child process and passes its outputs back through a pipe, so that
// a process can run any number of node runs (the table generator). The child's lifetime is
// bounded by `timeout_s` of wall time.
Runner forked_runner(Runner inner, unsigned timeout_s = 60);

}  // namespace pumavp::conformance
