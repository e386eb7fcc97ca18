/* SPDX-License-Identifier: MIT */
/* See fk/snapfile.h. */
#include "fk/snapfile.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fk/error.h"

int fk_snapfile_finish(FILE *f, const void *head, size_t n, int sync, const char *tmp,
                       const char *path, char *err, size_t errlen)
{
    int failed = fseek(f, 0, SEEK_SET) != 0 || fwrite(head, 1, n, f) != n || fflush(f) != 0 ||
                 (sync && fsync(fileno(f)) != 0);

    if (failed)
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (fclose(f) != 0 && !failed) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        failed = 1;
    }
    if (!failed && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s: %s", tmp, strerror(errno));
        failed = 1;
    }
    if (failed) {
        unlink(tmp);
        return FK_EIO;
    }
    return FK_OK;
}
