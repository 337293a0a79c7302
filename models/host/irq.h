// Interrupt wiring inside the host SoC: a level-sensitive line is a callback called with the
// new level whenever the source changes it (synchronously, in the caller's process), so the
// ISS sees a device's interrupt at the instruction after the access that raised it.
#pragma once

#include <functional>

namespace pumavp::host {
using IrqLine = std::function<void(bool level)>;
}  // namespace pumavp::host
