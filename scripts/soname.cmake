# SPDX-License-Identifier: MIT
# fk_pkg_soname(PREFIX NAME): the SONAME of the shared library libNAME.so that pkg_check_modules
# found for PREFIX (in ${PREFIX}_LINK_LIBRARIES), read from its dynamic section with objdump (or
# readelf), into ${PREFIX}_SONAME ("libzip.so.4"); and the Debian package that ships that file
# (dpkg-query -S) into ${PREFIX}_PACKAGE, "" when there is no dpkg or it does not know the file.
# The program opens such a library with dlopen on first use (fk/dynlib.h) by that SONAME: the
# name the linker would have recorded, so the version it was built against is the one it loads.
function(fk_pkg_soname prefix name)
    set(file "")
    foreach(lib IN LISTS ${prefix}_LINK_LIBRARIES)
        get_filename_component(base "${lib}" NAME)
        if(base STREQUAL "lib${name}.so")
            set(file "${lib}")
        endif()
    endforeach()
    if(NOT file)
        message(FATAL_ERROR "fk_pkg_soname: no lib${name}.so among ${prefix}_LINK_LIBRARIES "
                            "(${${prefix}_LINK_LIBRARIES})")
    endif()
    set(soname "")
    if(CMAKE_OBJDUMP)
        execute_process(COMMAND ${CMAKE_OBJDUMP} -p "${file}" OUTPUT_VARIABLE out
                        RESULT_VARIABLE res ERROR_QUIET)
        if(res EQUAL 0 AND out MATCHES "\n[ \t]*SONAME[ \t]+([^ \t\n]+)")
            set(soname "${CMAKE_MATCH_1}")
        endif()
    endif()
    if(NOT soname AND CMAKE_READELF)
        execute_process(COMMAND ${CMAKE_READELF} -d "${file}" OUTPUT_VARIABLE out
                        RESULT_VARIABLE res ERROR_QUIET)
        if(res EQUAL 0 AND out MATCHES "\\(SONAME\\)[^[]*\\[([^]]+)\\]")
            set(soname "${CMAKE_MATCH_1}")
        endif()
    endif()
    if(NOT soname)
        message(FATAL_ERROR "fk_pkg_soname: cannot read the SONAME of ${file} "
                            "(objdump or readelf, from binutils, are needed)")
    endif()
    # The package: asked about the file itself, then (merged /usr) about the path without /usr.
    set(package "")
    find_program(FK_DPKG_QUERY dpkg-query)
    mark_as_advanced(FK_DPKG_QUERY)
    if(FK_DPKG_QUERY)
        get_filename_component(real "${file}" REALPATH)
        get_filename_component(dir "${real}" DIRECTORY)
        string(REGEX REPLACE "^/usr/" "/" bare "${dir}/${soname}")
        foreach(path "${dir}/${soname}" "${bare}" "${real}")
            execute_process(COMMAND ${FK_DPKG_QUERY} -S "${path}" OUTPUT_VARIABLE out
                            RESULT_VARIABLE res ERROR_QUIET)
            if(res EQUAL 0 AND out MATCHES "^([^:, ]+)")
                set(package "${CMAKE_MATCH_1}")
                break()
            endif()
        endforeach()
    endif()
    message(STATUS "lib${name}: SONAME ${soname}, package ${package}")
    set(${prefix}_SONAME "${soname}" PARENT_SCOPE)
    set(${prefix}_PACKAGE "${package}" PARENT_SCOPE)
endfunction()
