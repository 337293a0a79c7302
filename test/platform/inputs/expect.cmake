# cmake -DCMD="a|b|c" -DCODE=N -DMATCH=regex [-DDIR=d] -P expect.cmake
# Runs CMD (arguments separated by '|') with a 60 s timeout, and passes only when it exits
# with exactly CODE and its stdout+stderr match MATCH (issue 15 input-handling tests).
string(REPLACE "|" ";" _cmd "${CMD}")
if(NOT DIR)
  set(DIR .)
endif()
execute_process(COMMAND ${_cmd} WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err TIMEOUT 60)
message("exit: ${rc}\n${out}${err}")
if(NOT "${rc}" STREQUAL "${CODE}")
  message(FATAL_ERROR "expected exit code ${CODE}, got '${rc}'")
endif()
if(NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'")
endif()
message("ok")
