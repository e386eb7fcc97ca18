/* SPDX-License-Identifier: MIT */
/* See fk/snapfile.h. */
#include "fk/snapfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fk/error.h"

/* Syncs the directory that holds path, so a name just given there survives a crash. 0 or -1. */
static int sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    int fd, rc;

    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

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
    if (sync && sync_dir(path) != 0) {
        snprintf(err, errlen, "cannot sync the directory of %s: %s", path, strerror(errno));
        unlink(path);
        return FK_EIO;
    }
    return FK_OK;
}

int fk__snap_section(const char *path, size_t headlen, size_t sect_at, const char *const *names,
                     int n, const char *name, uint64_t *off, uint64_t *len)
{
    unsigned char head[4096];
    FILE *f = fopen(path, "rb");
    int k, got = f && headlen <= sizeof head &&
                 sect_at + (size_t)n * sizeof(struct fk_snap_sect) <= headlen &&
                 fread(head, headlen, 1, f) == 1;

    if (f)
        fclose(f);
    for (k = 0; got && k < n; k++)
        if (strcmp(names[k], name) == 0) {
            struct fk_snap_sect s;

            memcpy(&s, head + sect_at + (size_t)k * sizeof s, sizeof s);
            *off = s.off;
            *len = s.len;
            return FK_OK;
        }
    return FK_ENOENT;
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

/* ---- writing ---- */

#define SECT_ALIGN 64

static uint64_t block_size = FK_SNAP_BLOCK;

void fk__snap_set_block(uint64_t block)
{
    block_size = block ? block : FK_SNAP_BLOCK;
}

/* Files the sum of the block just ended (or of the last, partial one) and starts the next. */
static int file_sum(struct fk_snapwriter *w)
{
    if (w->nsums == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        uint64_t *s = realloc(w->sums, cap * sizeof *s);

        if (!s) {
            w->failed = 1;
            return 0;
        }
        w->sums = s;
        w->cap = cap;
    }
    w->sums[w->nsums++] = XXH3_64bits_digest(w->h);
    XXH3_64bits_reset(w->h);
    return 1;
}

/* Writes n bytes and sums them into their blocks. */
static void emit(struct fk_snapwriter *w, const void *p, uint64_t n)
{
    const char *c = p;

    if (w->failed)
        return;
    if (n && fwrite(p, 1, (size_t)n, w->f) != n) {
        w->failed = 1;
        return;
    }
    while (n) {
        uint64_t in = (w->at - w->head) % w->block, take = w->block - in;

        if (take > n)
            take = n;
        XXH3_64bits_update(w->h, c, (size_t)take);
        w->at += take;
        c += take;
        n -= take;
        if ((w->at - w->head) % w->block == 0 && !file_sum(w))
            return;
    }
}

static void pad(struct fk_snapwriter *w, uint64_t align)
{
    static const char zero[SECT_ALIGN];
    uint64_t n = (align - w->at % align) % align;

    emit(w, zero, n);
}

int fk_snapwriter_open(struct fk_snapwriter *w, const char *path, size_t headlen, char *err,
                       size_t errlen)
{
    static const char zero[4096];

    memset(w, 0, sizeof *w);
    w->path = path;
    w->head = w->at = headlen;
    w->block = block_size;
    fk_snapfile_sweep(path);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp%ld", path, (long)getpid());
    w->h = XXH3_createState();
    if (!w->h) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    XXH3_64bits_reset(w->h);
    w->f = fopen(w->tmp, "wb");
    if (!w->f || headlen > sizeof zero || fwrite(zero, 1, headlen, w->f) != headlen) {
        snprintf(err, errlen, "cannot write %s: %s", w->tmp, strerror(errno));
        fk_snapwriter_abort(w);
        return FK_EIO;
    }
    return FK_OK;
}

void fk_snapwriter_put(struct fk_snapwriter *w, struct fk_snap_sect *s, const void *p, uint64_t n)
{
    pad(w, SECT_ALIGN);
    s->off = w->at;
    s->len = n;
    emit(w, p, n);
}

int fk_snapwriter_close(struct fk_snapwriter *w, void *head, size_t headlen,
                        struct fk_snap_blocks *b, char *err, size_t errlen)
{
    int rc;

    pad(w, 8);
    if (!w->failed && (w->at - w->head) % w->block != 0)
        file_sum(w);
    b->end = w->at;
    b->nsums = w->nsums;
    b->block = w->block;
    b->sum = XXH3_64bits(w->sums ? (const void *)w->sums : "", w->nsums * sizeof *w->sums);
    if (!w->failed && w->nsums && fwrite(w->sums, sizeof *w->sums, w->nsums, w->f) != w->nsums)
        w->failed = 1;
    if (w->failed) {
        snprintf(err, errlen, "cannot write %s: %s", w->tmp, strerror(errno));
        fk_snapwriter_abort(w);
        return FK_EIO;
    }
    {
        uint64_t seal = XXH3_64bits(head, headlen - sizeof seal);

        memcpy((char *)head + headlen - sizeof seal, &seal, sizeof seal);
    }
    /* No fsync for a snapshot: a cache, and one torn by a crash fails its checksums and is
     * built again; waiting for the disk cost a third of the first trace after an import. */
    rc = fk_snapfile_finish(w->f, head, headlen, w->sync, w->tmp, w->path, err, errlen);
    w->f = NULL;
    fk_snapwriter_abort(w);
    return rc;
}

void fk_snapwriter_abort(struct fk_snapwriter *w)
{
    if (w->f) {
        fclose(w->f);
        unlink(w->tmp);
    }
    w->f = NULL;
    XXH3_freeState(w->h);
    w->h = NULL;
    free(w->sums);
    w->sums = NULL;
    w->nsums = w->cap = 0;
}

/* ---- reading ---- */

int fk_snapmap_open(struct fk_snapmap *m, const char *path, const char magic[8], uint32_t version,
                    size_t headlen, size_t blocks_at, char *err, size_t errlen)
{
    struct fk_snap_prefix pre;
    struct fk_snap_blocks b;
    struct stat sb;
    uint64_t seal, checked;
    void *base = MAP_FAILED;
    int fd;

    memset(m, 0, sizeof *m);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "no snapshot at %s", path);
        return FK_ENOENT;
    }
    if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_size >= headlen && headlen >= sizeof pre + 8)
        base = mmap(NULL, (size_t)sb.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    close(fd);
    if (base == MAP_FAILED) {
        snprintf(err, errlen, "%s is not a snapshot of this version", path);
        return FK_ENOENT;
    }
    m->base = base;
    m->len = (uint64_t)sb.st_size;
    m->head = headlen;
    memcpy(&pre, base, sizeof pre);
    memcpy(&seal, (const char *)base + headlen - sizeof seal, sizeof seal);
    if (memcmp(pre.magic, magic, sizeof pre.magic) != 0 || pre.version != version ||
        pre.endian != FK_SNAP_ENDIAN) {
        snprintf(err, errlen, "%s is not a snapshot of this version", path);
        goto fail;
    }
    memcpy(&b, (const char *)base + blocks_at, sizeof b);
    checked = b.end >= headlen ? b.end - headlen : 0;
    /* The header sealed; the sums right after the checked bytes, one per block, to the file's
     * end, and their own checksum. */
    if (seal != XXH3_64bits(base, headlen - sizeof seal) || b.end < headlen || b.end % 8 ||
        b.block < SECT_ALIGN || b.block > FK_SNAP_BLOCK || (b.block & (b.block - 1)) ||
        b.end > m->len || b.nsums != (checked + b.block - 1) / b.block ||
        b.nsums > (m->len - b.end) / 8 || m->len - b.end != b.nsums * 8 ||
        XXH3_64bits((const char *)base + b.end, b.nsums * 8) != b.sum) {
        snprintf(err, errlen, "the snapshot %s is damaged", path);
        goto fail;
    }
    m->end = b.end;
    m->block = b.block;
    m->sums = (const uint64_t *)((const char *)base + b.end);
    m->nsums = b.nsums;
    m->state = calloc(b.nsums ? b.nsums : 1, 1);
    if (!m->state) {
        snprintf(err, errlen, "out of memory");
        fk_snapmap_close(m);
        return FK_ENOMEM;
    }
    return FK_OK;
fail:
    fk_snapmap_close(m);
    return FK_ENOENT;
}

const void *fk_snapmap_sect(const struct fk_snapmap *m, const struct fk_snap_sect *s, uint64_t want)
{
    if ((want != UINT64_MAX && s->len != want) || s->off % SECT_ALIGN || s->off < m->head ||
        s->off > m->end || s->len > m->end - s->off)
        return NULL;
    return (const char *)m->base + s->off;
}

/* Checks block k once; 1 when intact. */
static int check_block(struct fk_snapmap *m, uint64_t k)
{
    unsigned char st = __atomic_load_n(&m->state[k], __ATOMIC_ACQUIRE);
    uint64_t lo = m->head + k * m->block, n = m->end - lo < m->block ? m->end - lo : m->block;

    if (st == 0) {
        st = XXH3_64bits((const char *)m->base + lo, (size_t)n) == m->sums[k] ? 1 : 2;
        __atomic_store_n(&m->state[k], st, __ATOMIC_RELEASE);
        if (st == 2)
            __atomic_store_n(&m->damaged, 1, __ATOMIC_RELEASE);
    }
    return st == 1;
}

int fk_snapmap_need(struct fk_snapmap *m, const void *p, uint64_t n)
{
    uint64_t at = (uint64_t)((const char *)p - (const char *)m->base), k, last;

    if (!m->base || !n)
        return 1; /* nothing mapped (a built index) or nothing asked */
    if (at < m->head || at > m->end || n > m->end - at)
        return 0; /* not among the checked bytes */
    k = (at - m->head) / m->block;
    last = (at - m->head + n - 1) / m->block;
    for (; k <= last; k++)
        if (!check_block(m, k))
            return 0;
    return 1;
}

struct range {
    struct fk_snapmap *m;
    uint64_t lo, hi;
    int ok;
};

static void *check_range(void *ud)
{
    struct range *r = ud;
    uint64_t k;

    r->ok = 1;
    for (k = r->lo; k < r->hi; k++)
        r->ok &= check_block(r->m, k);
    return NULL;
}

/* Below this many blocks a second thread costs more than it saves. */
#define SPLIT_BLOCKS 32

int fk_snapmap_need_all(struct fk_snapmap *m)
{
    struct range a = {m, 0, m->base ? m->nsums : 0, 1}, b = a;
    pthread_t t;
    int two;

    /* Two halves on two threads when the file is large: hashing a freshly mapped file runs at
     * the pace its pages fault in, and the faults of two threads overlap. */
    a.hi = b.lo = a.hi / 2;
    two = b.hi - a.lo >= SPLIT_BLOCKS && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
          pthread_create(&t, NULL, check_range, &b) == 0;
    if (!two)
        a.hi = b.hi;
    check_range(&a);
    if (two)
        pthread_join(t, NULL);
    return a.ok && (!two || b.ok);
}

static void *check_all(void *ud)
{
    fk_snapmap_need_all(ud);
    return NULL;
}

int fk_snapmap_check_start(struct fk_snapmap *m)
{
    if (m->checking || !m->base)
        return FK_OK;
    if (pthread_create(&m->thread, NULL, check_all, m) != 0)
        return FK_ENOMEM;
    m->checking = 1;
    return FK_OK;
}

int fk_snapmap_check_join(struct fk_snapmap *m)
{
    if (m->checking) {
        pthread_join(m->thread, NULL);
        m->checking = 0;
    }
    return fk_snapmap_need_all(m);
}

void fk_snapmap_close(struct fk_snapmap *m)
{
    if (m->checking)
        pthread_join(m->thread, NULL);
    if (m->base)
        munmap(m->base, (size_t)m->len);
    free(m->state);
    memset(m, 0, sizeof *m);
}
