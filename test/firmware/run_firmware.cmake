# Runs one firmware ELF on the virtual SoC and checks its exit code and UART output.
#   cmake -DPUMAVP=... -DCONFIG=... -DELF=... -DEXIT_CODE=n [-DSET=key=value] [-DMAX_TIME=1s]
#         [-DREGEX=r1<SEP>r2...] [-DERR_REGEX=r1<SEP>r2...] -P this
# Every REGEX must match stdout (the UART), every ERR_REGEX stderr (messages, run report).
if(NOT EXISTS "${ELF}")
  message(FATAL_ERROR "firmware ELF not found: ${ELF} (build the top-level project first)")
endif()
set(extra)
if(SET)
  set(extra --set "${SET}")
endif()
if(NOT MAX_TIME)
  set(MAX_TIME 1s)
endif()
execute_process(
  COMMAND "${PUMAVP}" run --config "${CONFIG}" ${extra} --max-time ${MAX_TIME} "${ELF}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 25)
message("${out}")
if(err)
  message("--- stderr ---\n${err}")
endif()
if(NOT "${rc}" STREQUAL "${EXIT_CODE}")
  message(FATAL_ERROR "exit code ${rc}, expected ${EXIT_CODE}")
endif()
if(REGEX)
  string(REPLACE "<SEP>" ";" regexes "${REGEX}")
  foreach(re IN LISTS regexes)
    if(NOT "${out}" MATCHES "${re}")
      message(FATAL_ERROR "UART output does not match: ${re}")
    endif()
  endforeach()
endif()
if(ERR_REGEX)
  string(REPLACE "<SEP>" ";" regexes "${ERR_REGEX}")
  foreach(re IN LISTS regexes)
    if(NOT "${err}" MATCHES "${re}")
      message(FATAL_ERROR "stderr does not match: ${re}")
    endif()
  endforeach()
endif()
