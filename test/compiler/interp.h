// Functional interpreter of a kernel image for the compiler tests (no timing): every core and
// tile unit runs its program; shared memory obeys the attribute protocol of isa.md §6
// (producer waits for invalid words, consumer waits for valid words and decrements the
// count), receive FIFOs hold `fifo_depth` packets, a tile has at most `inject_depth` packets
// not yet accepted. Units are interleaved in a pseudo-random order drawn from `sched_seed`,
// one memory access / packet per step, so different seeds explore different interleavings.
// Written from the spec, independently of the compiler; it executes only what MLP kernels
// use (set, copy, load, store, alu add/sub/relu/sig/tanh/min/max, mvm, halt, send, receive)
// and reports anything else as an error.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "isa/kimage.h"

namespace pumavp::compiler_test {

struct InterpOptions {
  unsigned lut_bits = 16;
  unsigned fifo_depth = 2;
  unsigned inject_depth = 2;
  uint64_t sched_seed = 1;
  uint64_t max_steps = 200000000;
};

struct InterpResult {
  bool ok = false;
  std::string error;                                       // deadlock / protocol / unsupported
  std::map<std::string, std::vector<int16_t>> outputs;     // output tensors (consumed)
  uint64_t leftover_valid = 0;   // words still valid after the outputs were read
  uint64_t mvms = 0, packets = 0, steps = 0;
  bool fifo_shared = false;      // some FIFO received packets from two source tiles
};

InterpResult interpret(const isa::KernelImage& img, const Geometry& platform,
                       const std::map<std::string, std::vector<int16_t>>& inputs, const InterpOptions& o = {});

}  // namespace pumavp::compiler_test
