// pumavp::exit_code — the one table of the `pumavp` process exit codes (README "Exit codes").
// Every command returns one of these; `pumavp run` returns the firmware's test-finisher code
// when the firmware ends the run that way (so a firmware code may coincide with a tool code:
// the run report on stderr always names the reason).
#pragma once

namespace pumavp::exit_code {

constexpr int kOk = 0;            // success (run: the finisher wrote 0)
constexpr int kFailure = 1;       // the command ran and failed: accelerator error (exec), compile
                                  // error, an output that could not be written
constexpr int kUsage = 2;         // bad usage or input: options, config, unreadable or malformed file
constexpr int kLoad = 3;          // a firmware ELF or kernel image refused by the loader
constexpr int kTimeLimit = 124;   // --max-time reached with the guest still running
constexpr int kDeadlock = 125;    // nothing left to simulate (CPU asleep with no wake-up source)
constexpr int kNoProgress = 126;  // the hart can make no progress (trap storm: a trap with no
                                  // usable handler, fetch from unmapped memory)

}  // namespace pumavp::exit_code
