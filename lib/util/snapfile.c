/* SPDX-License-Identifier: MIT */
/* See fk/snapfile.h. */
#include "fk/snapfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
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

void fk_snapfile_sweep(const char *path)
{
    char dir[4096], prefix[4096], full[8192];
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    struct dirent *d;
    size_t np;
    DIR *dh;

    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    snprintf(prefix, sizeof prefix, "%s.tmp", base);
    np = strlen(prefix);
    dh = opendir(dir[0] ? dir : "/");
    if (!dh)
        return;
    while ((d = readdir(dh)) != NULL) {
        char *end;
        long pid;

        if (strncmp(d->d_name, prefix, np) != 0 || !d->d_name[np])
            continue;
        errno = 0;
        pid = strtol(d->d_name + np, &end, 10);
        if (*end || errno || pid <= 0)
            continue; /* not such a name */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its writer may still be writing */
        snprintf(full, sizeof full, "%s/%s", dir[0] ? dir : "", d->d_name);
        unlink(full);
    }
    closedir(dh);
}
