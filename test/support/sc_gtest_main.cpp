// Entry point for GoogleTest executables that use SystemC: libsystemc owns main() and
// calls sc_main. ctest runs each test in its own process because a SystemC simulation
// elaborates only once per process.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
