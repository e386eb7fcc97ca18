# SPDX-License-Identifier: MIT
# Turns the numbered migrations in DIR (sql/sqlite or sql/pg) into a C array of strings in OUT, so
# the binary carries its schema and needs no files beside it. Run by the build, never committed.
file(GLOB files "${DIR}/*.sql")
list(SORT files)
set(content "/* Generated from ${DIR} by scripts/embed-sql.cmake; do not edit. */\n")
string(APPEND content "static const char *const ${NAME}[] = {\n")
foreach(f IN LISTS files)
    file(READ "${f}" sql)
    string(REPLACE "\\" "\\\\" sql "${sql}")
    string(REPLACE "\"" "\\\"" sql "${sql}")
    string(REPLACE "\n" "\\n\"\n    \"" sql "${sql}")
    string(APPEND content "    \"${sql}\",\n")
endforeach()
string(APPEND content "};\n")
file(WRITE "${OUT}" "${content}")
