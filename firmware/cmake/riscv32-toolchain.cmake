# CMake toolchain file for the pumavp RISC-V host firmware (architecture.md §1):
# riscv64-unknown-elf-gcc targeting rv32imac / ilp32 with picolibc.
#
# -misa-spec=2.2 keeps the CSR instructions (Zicsr) and fence.i (Zifencei) inside "i" while
# still selecting picolibc's rv32imac/ilp32 multilib; spelling _zicsr into -march would pick
# the default (rv64) library and the link fails.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(PUMAVP_RISCV_PREFIX "riscv64-unknown-elf-" CACHE STRING "Cross tool prefix")
find_program(CMAKE_C_COMPILER ${PUMAVP_RISCV_PREFIX}gcc REQUIRED)
set(CMAKE_ASM_COMPILER ${CMAKE_C_COMPILER})
find_program(CMAKE_OBJDUMP ${PUMAVP_RISCV_PREFIX}objdump)
find_program(CMAKE_OBJCOPY ${PUMAVP_RISCV_PREFIX}objcopy)
find_program(CMAKE_SIZE ${PUMAVP_RISCV_PREFIX}size)

set(PUMAVP_RISCV_ARCH_FLAGS "-march=rv32imac -misa-spec=2.2 -mabi=ilp32")
set(CMAKE_C_FLAGS_INIT "${PUMAVP_RISCV_ARCH_FLAGS} --specs=picolibc.specs -mcmodel=medany -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${PUMAVP_RISCV_ARCH_FLAGS} --specs=picolibc.specs")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections")

# Bare-metal: try_compile must not try to link a hosted executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
