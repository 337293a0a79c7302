// Entry point for GoogleTest executables that use SystemC: libsystemc owns main() and
// calls sc_main. ctest runs each test in its own process because a SystemC simulation
// elaborates only once per process.
#include <gtest/gtest.h>
#include <cstdlib>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

// Our own entry point, so that the SystemC banner is off before the kernel prints it.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
