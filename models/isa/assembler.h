// pumavp::isa — the .pasm assembler (isa.md §9) and the image disassembler.
//
// Usage:
//   Diagnostics diag;
//   std::optional<KernelImage> img = assemble_file("k.pasm", platform_geometry, diag);
//   std::cerr << diag.str();                     // errors and warnings, file:line:col
//   if (img) bytes = write_image(*img);
//   std::string text = disassemble(*img);        // re-assembles to the same bytes
//
// `platform_defaults` supplies the geometry values a `.config` does not set and the platform
// sizes used by the static checks (RF size, instruction memories, shared memory, FIFOs).
// Errors do not stop the assembler: every statement is checked and all errors are reported;
// the result is nullopt if there was any error.
#pragma once

#include <optional>
#include <string>

#include "isa/diagnostics.h"
#include "common/geometry.h"
#include "isa/kimage.h"

namespace pumavp::isa {

std::optional<KernelImage> assemble_file(const std::string& path, const Geometry& platform_defaults,
                                         Diagnostics& diag);

// `filename` is used in diagnostics; `base_dir` resolves relative `file=` paths.
std::optional<KernelImage> assemble_string(const std::string& text, const std::string& filename,
                                           const std::string& base_dir,
                                           const Geometry& platform_defaults, Diagnostics& diag);

// Whole image → .pasm text: .config (every header field), .tensor, .xbar / .data inline
// blocks (raw values), then one .tile/.core section per program with labels from SYMBOLS;
// words that do not pass the load checks become `.word 0x…  # <error>`.
// `platform` supplies the platform-only sizes used to decode (defaults: isa.md §1).
std::string disassemble(const KernelImage& img, const Geometry& platform = Geometry{});

}  // namespace pumavp::isa
