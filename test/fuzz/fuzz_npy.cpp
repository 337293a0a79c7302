// Fuzz harness: the .npy reader (isa::parse_npy); on success the writer and a re-parse of
// what it wrote. Errors are the false return + message: a normal outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_common.h"
#include "isa/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;
  pumavp::fuzz::guarded("fuzz_npy", [&] {
    using namespace pumavp::isa;
    NpyArray a;
    std::string err;
    if (!parse_npy(data, size, a, err)) return;
    const size_t n = a.rows() * a.cols();
    if (a.data.size() != n) pumavp::fuzz::fail("fuzz_npy", "data size does not match the shape");
    if (n) (void)a.at(a.rows() - 1, a.cols() - 1);
    const std::vector<uint8_t> bytes = npy_bytes(a);
    NpyArray b;
    if (!parse_npy(bytes.data(), bytes.size(), b, err))
      pumavp::fuzz::fail("fuzz_npy", "npy_bytes output does not parse: " + err);
  });
  return 0;
}
