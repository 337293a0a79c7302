# Install rules and packaging (issue 21: cluster nodes run sweeps from a shared prefix).
#   cmake --install build --prefix P
#     P/bin/pumavp
#     P/share/pumavp/configs/           the shipped configs and the puma profile
#     P/share/pumavp/kernels/models/    the model descriptions
#     P/share/pumavp/scripts/           plot_stats.py, plot_sweep.py, slurm_local.sh
#     P/share/pumavp/firmware-sdk/      libpuma + HAL + runtime headers, pumavp_rt.o (crt0,
#                                       trap entry, HAL), libpuma.a, pumavp.ld, the toolchain file
#     P/lib/cmake/PumavpFirmware/       find_package(PumavpFirmware) for firmware projects
#   cpack -G DEB (in the build directory): a .deb of the same files under /usr.
include(GNUInstallDirs)
install(TARGETS pumavp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pumavp/configs
        FILES_MATCHING PATTERN "*.yaml" PATTERN "*.npy")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kernels/models/ DESTINATION ${CMAKE_INSTALL_DATADIR}/pumavp/kernels/models)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/plot_stats.py ${PROJECT_SOURCE_DIR}/scripts/plot_sweep.py
                 ${PROJECT_SOURCE_DIR}/scripts/slurm_local.sh
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pumavp/scripts)

set(_sdk ${CMAKE_INSTALL_DATADIR}/pumavp/firmware-sdk)
# Headers keep their source layout: hal/platform.h includes ../../../platform/memory_map.def.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/firmware/lib/ DESTINATION ${_sdk}/firmware/lib FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_SOURCE_DIR}/platform/memory_map.def DESTINATION ${_sdk}/platform)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/lib/rt/pumavp.ld DESTINATION ${_sdk}/lib)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/cmake/riscv32-toolchain.cmake DESTINATION ${_sdk}/cmake)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/cmake/PumavpFirmwareConfig.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/PumavpFirmware)
if(PUMAVP_FIRMWARE_AVAILABLE)
  install(FILES ${PUMAVP_FIRMWARE_DIR}/sdk/pumavp_rt.o ${PUMAVP_FIRMWARE_DIR}/sdk/libpuma.a DESTINATION ${_sdk}/lib)
endif()

set(CPACK_PACKAGE_NAME pumavp)
set(CPACK_PACKAGE_VENDOR "pumavp")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SystemC/TLM-2.0 virtual platform of a PUMA in-memory-computing accelerator and its RISC-V host")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "pumavp developers")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)   # dpkg-shlibdeps: libsystemc, yaml-cpp, fmt, ...
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf, python3-matplotlib, slurm-client")
include(CPack)
