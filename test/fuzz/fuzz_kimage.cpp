// Fuzz harness: kernel-image reader (isa::read_image), then on what it accepts the platform
// checks (validate_for_platform, also through read_image's platform argument), the
// disassembler and the writer. Errors are IsaError / LoadError values: a normal outcome.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "isa/assembler.h"
#include "isa/kimage.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > pumavp::fuzz::kMaxInputBytes) return -1;  // refused, not added to the corpus
  pumavp::fuzz::guarded("fuzz_kimage", [&] {
    using namespace pumavp::isa;
    ImageResult r = read_image(data, size);
    if (!r.ok()) return;
    const pumavp::Geometry platform = r.image->geometry();  // the header's own geometry
    LoadError e = validate_for_platform(*r.image, platform);
    (void)validate_for_platform(*r.image, pumavp::Geometry{});  // the default platform
    ImageResult again = read_image(data, size, &platform);
    if (again.ok() != !e) pumavp::fuzz::fail("fuzz_kimage", "read_image(platform) disagrees with validate_for_platform");
    (void)disassemble(*r.image, platform);
    (void)write_image(*r.image);
  });
  return 0;
}
