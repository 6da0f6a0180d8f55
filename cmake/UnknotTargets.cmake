# Helpers that give every Unknot target the same warnings and include root, so the flags live in
# one place. Third-party headers come in as system headers and never trip -Werror.

function(unknot_target_options target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    -Wimplicit-fallthrough)
  # GCC 12 at -O3 reports an impossible memcpy overlap inside libstdc++ for `"x" + std::string`
  # (-Wrestrict, GCC bug 105329, fixed in GCC 13): a compiler bug, not ours, and it stopped plain
  # Release builds with -Werror in four places.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(UNKNOT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# unknot_library(NAME SOURCES ... DEPS ...)
function(unknot_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  unknot_target_options(${name})
endfunction()

# Where the CTest fixture `postgres` (tests/CMakeLists.txt) runs its throwaway server.
set(UNKNOT_TEST_POSTGRES_DIR ${CMAKE_BINARY_DIR}/pg-test-server)

# unknot_test(NAME [POSTGRES] SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
# POSTGRES: its tests need the test PostgreSQL server, which CTest then starts first.
function(unknot_test name)
  if(NOT UNKNOT_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "POSTGRES" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  # tests/support's header-only helpers (instants.hpp) for every test, linked to its library or not.
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
  unknot_target_options(${name})
  if(UNKNOT_UNITY_BUILD)
    set_target_properties(${name} PROPERTIES UNITY_BUILD ON)
  endif()
  if(ARG_POSTGRES)
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES
      FIXTURES_REQUIRED postgres
      ENVIRONMENT UNKNOT_TEST_POSTGRES_DIR=${UNKNOT_TEST_POSTGRES_DIR})
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
