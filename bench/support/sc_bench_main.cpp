// Entry point for benchmarks that use SystemC: libsystemc owns main() and calls sc_main.
#include <benchmark/benchmark.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::benchmark::Initialize(&argc, argv);
  if (::benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ::benchmark::RunSpecifiedBenchmarks();
  ::benchmark::Shutdown();
  return 0;
}

// Our own entry point, so that the SystemC banner is off before the kernel prints it.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
