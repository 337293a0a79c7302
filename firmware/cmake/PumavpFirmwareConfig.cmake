# PumavpFirmwareConfig.cmake — the firmware SDK of an installed pumavp (`cmake --install`),
# for firmware projects outside the pumavp tree:
#
#   cmake -S app -B build -DCMAKE_TOOLCHAIN_FILE=<prefix>/share/pumavp/firmware-sdk/cmake/riscv32-toolchain.cmake \
#         -DCMAKE_PREFIX_PATH=<prefix>
#   # app/CMakeLists.txt:
#   #   project(app C ASM)
#   #   find_package(PumavpFirmware REQUIRED)
#   #   pumavp_firmware_app(app SOURCES main.c)      # -> app.elf, linked with crt0, the HAL,
#   #                                                 #    libpuma and the pumavp linker script
#
# Gives PumavpFirmware::rt (crt0, trap entry, HAL, linker script, include paths),
# PumavpFirmware::puma (libpuma), PUMAVP_EXECUTABLE (the installed pumavp) and
# PUMAVP_CONFIGS_DIR (its configs).
get_filename_component(_pvf_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(PUMAVP_FIRMWARE_SDK "${_pvf_prefix}/share/pumavp/firmware-sdk")
set(PUMAVP_EXECUTABLE "${_pvf_prefix}/bin/pumavp")
set(PUMAVP_CONFIGS_DIR "${_pvf_prefix}/share/pumavp/configs")

if(NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "riscv32")
  message(FATAL_ERROR "PumavpFirmware: configure with "
          "-DCMAKE_TOOLCHAIN_FILE=${PUMAVP_FIRMWARE_SDK}/cmake/riscv32-toolchain.cmake")
endif()

if(NOT TARGET PumavpFirmware::rt)
  set(_inc "${PUMAVP_FIRMWARE_SDK}/firmware/lib")
  add_library(PumavpFirmware::rt INTERFACE IMPORTED)
  set_target_properties(PumavpFirmware::rt PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_inc}"
    INTERFACE_LINK_LIBRARIES "${PUMAVP_FIRMWARE_SDK}/lib/pumavp_rt.o"
    INTERFACE_LINK_OPTIONS "-T${PUMAVP_FIRMWARE_SDK}/lib/pumavp.ld")
  add_library(PumavpFirmware::puma STATIC IMPORTED)
  set_target_properties(PumavpFirmware::puma PROPERTIES
    IMPORTED_LOCATION "${PUMAVP_FIRMWARE_SDK}/lib/libpuma.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_inc}/puma;${_inc}"
    INTERFACE_LINK_LIBRARIES PumavpFirmware::rt)
endif()

# pumavp_firmware_app(<name> SOURCES <files...> [LIBS <libs...>]) -> <name>.elf
function(pumavp_firmware_app name)
  cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_LIBS} PumavpFirmware::puma PumavpFirmware::rt)
  set_target_properties(${name} PROPERTIES SUFFIX ".elf"
    LINK_DEPENDS "${PUMAVP_FIRMWARE_SDK}/lib/pumavp.ld")
endfunction()
