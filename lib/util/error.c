/* SPDX-License-Identifier: MIT */
/* fk_strerror: the words for the FK_E* codes of fk/error.h. */
#include "fk/error.h"

const char *fk_strerror(int code)
{
    switch (code) {
    case FK_OK: return "ok";
    case FK_EINVAL: return "invalid input";
    case FK_ENOENT: return "not found";
    case FK_ENOMEM: return "out of memory";
    case FK_ECONFLICT: return "conflict";
    case FK_ETOOBIG: return "too big";
    case FK_EIO: return "input/output error";
    case FK_EDB: return "database error";
    case FK_EPERM: return "permission denied";
    default: return "unknown error";
    }
}
