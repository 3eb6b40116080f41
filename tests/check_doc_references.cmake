# Fails if a file of the repository cites a document the repository does not
# contain: the design page outside the project ("DESIGN" followed by a
# section sign, or its file name), or a document under docs/ that does not
# exist.
# Run by ctest (DocumentReferences) as: cmake -DREMIT_ROOT=DIR -P this file.
if(NOT REMIT_ROOT)
  message(FATAL_ERROR "pass -DREMIT_ROOT=<repository root>")
endif()
set(outside_page "DESIGN")
string(APPEND outside_page " §")
set(outside_file "DESIGN")
string(APPEND outside_file ".md")
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${REMIT_ROOT}
     ${REMIT_ROOT}/*.md ${REMIT_ROOT}/*.h ${REMIT_ROOT}/*.cc ${REMIT_ROOT}/*.proto
     ${REMIT_ROOT}/*.txt ${REMIT_ROOT}/*.go ${REMIT_ROOT}/*.py ${REMIT_ROOT}/*.cmake
     ${REMIT_ROOT}/scripts/* ${REMIT_ROOT}/bench/run ${REMIT_ROOT}/.ci/*)
set(problems "")
foreach(file IN LISTS files)
  if(file MATCHES "^(build[^/]*|\\.git)/")
    continue()
  endif()
  file(READ ${REMIT_ROOT}/${file} text)
  string(FIND "${text}" "${outside_page}" at)
  if(at GREATER_EQUAL 0)
    string(APPEND problems "\n  ${file} cites the design page outside the repository")
  endif()
  string(FIND "${text}" "${outside_file}" at)
  if(at GREATER_EQUAL 0)
    string(APPEND problems "\n  ${file} names the design page outside the repository")
  endif()
  string(REGEX MATCHALL "docs/[A-Za-z_]+\\.md" cited "${text}")
  foreach(document IN LISTS cited)
    if(NOT EXISTS ${REMIT_ROOT}/${document})
      string(APPEND problems "\n  ${file} cites ${document}, which does not exist")
    endif()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "documents cited but not in the repository:${problems}")
endif()
list(LENGTH files count)
message(STATUS "checked ${count} files: every cited document exists")
