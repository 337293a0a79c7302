// Shared helpers of the libFuzzer harnesses (test/fuzz/fuzz_*.cpp).
//
// Contract of every harness: a documented error (the parser's error return or its documented
// exception type) is a normal outcome; anything else must abort so that libFuzzer (or the
// ctest replay driver, replay_main.cpp) reports it. Undocumented exceptions are caught here
// only to print what escaped before aborting.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace pumavp::fuzz {

[[noreturn]] inline void fail(const char* harness, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", harness, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `body`; any exception it lets escape is a finding.
template <typename F>
void guarded(const char* harness, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    fail(harness, std::string("undocumented exception ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    fail(harness, "undocumented non-std exception");
  }
}

// Documented input cap of each harness: larger inputs are refused (not run) to bound the work
// per input.
constexpr size_t kMaxInputBytes = 64 * 1024;

}  // namespace pumavp::fuzz
