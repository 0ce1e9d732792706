# Installation and the CMake package of mfg (included from the top-level CMakeLists.txt).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(MFG_LIBRARIES mfg_models mfg_parallel mfg_engine mfg_stationary mfg_learn mfg_io)
foreach(lib ${MFG_LIBRARIES})
  string(REPLACE "mfg_" "" short ${lib})
  set_target_properties(${lib} PROPERTIES EXPORT_NAME ${short})
  add_library(mfg::${short} ALIAS ${lib})  # the same names inside this build as for users
endforeach()

install(TARGETS mfg ${MFG_LIBRARIES}
        EXPORT mfgTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

# Public headers keep their repository paths, so user code includes them exactly as mfg does.
foreach(dir parallel solver io)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/mfg
          FILES_MATCHING PATTERN "*.hpp" PATTERN "cli" EXCLUDE PATTERN "plot" EXCLUDE)
endforeach()

set(MFG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/mfg)
install(EXPORT mfgTargets NAMESPACE mfg:: DESTINATION ${MFG_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/mfgConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/mfgConfig.cmake INSTALL_DESTINATION ${MFG_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/mfgConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/mfgConfig.cmake ${PROJECT_BINARY_DIR}/mfgConfigVersion.cmake
        DESTINATION ${MFG_CMAKE_DIR})

configure_file(${PROJECT_SOURCE_DIR}/cmake/mfg.pc.in ${PROJECT_BINARY_DIR}/mfg.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/mfg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The reference documentation (models, methods, reference values) next to the binary's users.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
