# Refuse includes that reach around the layers (CMakeLists.txt): a library
# source names the headers of its own layer and of the layers below it by
# file name only, found through its include directories; a path that goes
# up ("../") could reach a layer above.
# cmake -DROOT=<source dir> -P scripts/check-layers.cmake
file(GLOB_RECURSE files ${ROOT}/provision/*.[ch] ${ROOT}/osinfo/*.[ch] ${ROOT}/cmd/*.[ch]
     ${ROOT}/tests/unit/*.[ch])
set(bad "")
foreach(f ${files})
  file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"\\.\\./")
  if(lines)
    string(APPEND bad "  ${f}: ${lines}\n")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "includes that reach around the layers:\n${bad}")
endif()
