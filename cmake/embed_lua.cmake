# Writes a C++ source holding the queue's Lua as ONE Redis Functions library: the shared prelude
# (_lib.lua) once, then each transition script registered as a function named <script>_<version>.
# The version (a hash of all the Lua) is in the library's and the functions' names, so nodes of two
# releases can share a Redis during a rolling upgrade, each calling its own code.
# Run as: cmake -DOUTPUT=… -DLIB=…/_lib.lua -DSCRIPTS="a.lua|b.lua" -P embed_lua.cmake
string(REPLACE "|" ";" SCRIPTS "${SCRIPTS}")
file(READ "${LIB}" lib)
set(all_lua "${lib}")
foreach(path IN LISTS SCRIPTS)
  file(READ "${path}" body)
  string(APPEND all_lua "${body}")
endforeach()
string(SHA1 digest "${all_lua}")
string(SUBSTRING "${digest}" 0 12 version)

set(library "#!lua name=hotline_${version}\n${lib}\n")
set(names "")
foreach(path IN LISTS SCRIPTS)
  get_filename_component(name "${path}" NAME_WE)
  file(READ "${path}" body)
  # Read-only scripts say so, so Redis runs them on replicas and when out of memory.
  if(name MATCHES "^view_")
    set(flags "{'no-writes'}")
  else()
    set(flags "{}")
  endif()
  # A transition publishes the new state of what it changed once its body is done.
  string(APPEND library "redis.register_function{function_name = '${name}_${version}', flags = ${flags},\n"
                        "  callback = function(keys_, argv_)\n"
                        "    local refused = begin_call(keys_, argv_)\n"
                        "    if refused then return refused end\n"
                        "    local result = (function()\n${body}\n    end)()\n"
                        "    publish_changes()\n"
                        "    return result\n"
                        "end}\n")
  string(APPEND names "    \"${name}\",\n")
endforeach()

set(out "// Generated from queue/lua/*.lua by cmake/embed_lua.cmake. Do not edit.\n")
string(APPEND out "#include \"embedded_scripts.hpp\"\n\nnamespace hotline::queue::detail {\n\n")
string(APPEND out "const embedded_library& embedded_scripts() {\n  static const embedded_library library{\n")
string(APPEND out "    \"hotline_${version}\",\n    \"${version}\",\n    R\"lua(${library})lua\",\n    {\n${names}    },\n  };\n")
string(APPEND out "  return library;\n}\n\n}  // namespace hotline::queue::detail\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
