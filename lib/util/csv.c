/* SPDX-License-Identifier: MIT */
/* The streaming CSV reader of fk/csv.h. Input comes in fixed chunks through read(2), or from
 * memory, is decoded to UTF-8 when it is GB18030, and lands in a window that the parser walks in
 * two steps: a scan finds where the current record ends, then the record is split into fields in
 * a second buffer. Memory stays near two chunks plus one record whatever the size of the file.
 *
 * DESIGN NOTES
 *
 * Buffers. Raw bytes wait in `in` (the sniffed head, GB18030 input, and the non-ASCII bytes that
 * will settle an open encoding); decoded text sits in the window `win`, where `pos` is the start
 * of the current record. UTF-8, and ASCII while the encoding is open, is read straight into the
 * window. Before a read the window is compacted so that it holds only the unfinished record,
 * which is never longer than max_record + 1 bytes (longer ones switch to skipping, below), so the
 * window stays under max_record + chunk. A finished record is copied into `rec`, where its
 * fields are unquoted and NUL-terminated; fk_csv_raw() points into the window, which no one
 * touches until the next call.
 *
 * Scanning. The scan resumes across reads, so it keeps its state in the reader: `scan` (bytes
 * of the record already looked at), `st` (outside quotes, inside, or just after a quote inside)
 * and `nl` (newlines inside quotes, for line numbers). Outside quotes it jumps with memchr to
 * the next LF and asks whether a quote comes first. Where the next quote and the next LF are in
 * the window is remembered, so a file without quotes costs one search for quotes per chunk, not
 * one per record, and a record with many quoted fields looks for its LF once. A quote opens a
 * quoted field only at the start of a field (the record's first byte or after a comma);
 * anywhere else it is a literal character. The split step runs the same rules, and only for
 * records that hold a quote; the others are split with memchr on commas.
 *
 * Oversize records. When a record passes max_record + 1 bytes without ending, its first
 * max_record bytes are copied aside for fk_csv_raw() and the reader skips: it keeps scanning
 * (quotes still decide where the record ends) but drops each window it has seen except the last
 * byte, which the quote rule may need to look at.
 *
 * Encodings. A regular file or input in memory is judged whole at open (mmap, one pass, ASCII
 * eight bytes at a time): how many bytes start no well-formed UTF-8 sequence, how many
 * well-formed multi-byte ones there are, and, only when some bytes are not UTF-8, how many
 * bytes start no GB18030 sequence. UTF-8 wins unless GB18030 explains the file clearly better
 * (decide()), so a UTF-8 file with a few bad bytes is UTF-8 and only their records fail. A
 * UTF-16 byte order mark or a NUL-heavy head refuses the input. In UTF-8 every record's fields
 * are checked for ill-formed sequences and NUL bytes even when the whole input was found clean:
 * the file may change between the look and the read, and the check costs little (ASCII goes
 * eight bytes at a time).
 * A pipe cannot be looked at whole: "auto" reads its first 64 KiB; if they hold a non-ASCII
 * byte, up to 64 KiB from there are judged by the same evidence (sniff()). If they are all
 * ASCII the question stays open, and every later chunk is looked at the same way until the
 * first non-ASCII byte settles it; both encodings agree on ASCII, so the bytes passed on before
 * are right either way.
 * GB18030 is decoded with iconv; a character cut by the end of a read waits in `in` for the
 * rest. Bytes iconv rejects become one 0xFF byte per run, which UTF-8 never contains, and their
 * input offsets go to a small ring; a record holding 0xFF fails with FK_EINVAL, and its raw
 * text shows '?' there. The counters bad_emitted and bad_seen let clean files skip that check.
 * Quotes, commas and line ends are looked for only after decoding.
 *
 * Line ends. The first line end settles them (detect_eol()): a CR that no LF follows means
 * CR-only lines, and then `eol` is CR wherever the scan looks for LF. A lone quote inside a
 * quoted field ("ab"c) fails the record in split(): reading on would store text no one wrote. */
#include "fk/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/vec.h"

#define CHUNK              (256u * 1024u) /* bytes per read */
#define MEM_MIN_CHUNK      4096u          /* a small input in memory needs no full chunk */
#define SNIFF              (64u * 1024u)  /* bytes looked at to tell UTF-8 from GB18030 */
#define DEFAULT_MAX_RECORD (1024u * 1024u)
#define DEFAULT_MAX_FIELDS 256u
#define BAD_RING           64u   /* offsets of undecodable runs remembered at once */
#define BAD_BYTE           0xFFu /* stands for a run of undecodable bytes in the window */
#define NOT_FOUND          SIZE_MAX

enum enc { ENC_AUTO, ENC_UTF8, ENC_GB };

/* Errors that lie in one field of a record: fk_csv_error_named() can name the field. */
enum field_err { FERR_NONE, FERR_UTF8, FERR_NUL, FERR_QUOTE };

/* What the whole input says about its encoding (see "Encodings" above). */
struct evidence {
    uint64_t utf8_good; /* well-formed multi-byte UTF-8 sequences */
    uint64_t utf8_bad;  /* bytes that start no well-formed UTF-8 sequence */
    uint64_t gb_bad;    /* bytes that start no well-formed GB18030 sequence */
};

/* Where the scan stands inside the current record. */
enum scan_state {
    ST_OUT,  /* outside quotes */
    ST_IN,   /* inside a quoted field */
    ST_QUOTE /* just after a quote inside a quoted field: closing, or the first of a pair */
};

/* States of the split step, which also knows where fields start. */
enum split_state {
    SP_START,
    SP_PLAIN,
    SP_IN,
    SP_QUOTE, /* just after a quote inside a quoted field */
    SP_CLOSED /* after a quoted field and spaces: only more spaces, a comma or the end may come */
};

/* Step results of the record reader besides FK_E* codes. */
enum { REC_EOF = 0, REC_OK = 1, REC_EMPTY = 2 };

/* What a search of the window for one byte found: the byte is not in [from, pos), and it is at
 * pos when `real`, else pos is where the search stopped (the end of the window then). */
struct seen {
    size_t from, pos;
    int real;
};

struct bad_mark {
    uint64_t seq; /* the number of this run of undecodable bytes, from 0 */
    uint64_t off; /* its input byte offset */
};

struct fk_csv {
    /* source */
    int fd;          /* -1 for input in memory */
    const char *mem; /* borrowed */
    size_t mem_len, mem_pos;
    uint64_t size;   /* total input bytes, 0 when unknown */
    uint64_t offset; /* input bytes read so far */
    int src_eof;     /* the source has no more bytes */
    int eof;         /* ... and all of them are in the window */
    int failed;      /* FK_EIO or FK_ENOMEM once the reader cannot go on */

    /* decoding */
    int gb;        /* decoding GB18030 with cd */
    int tentative; /* "auto" and every byte so far was ASCII */
    int last_ff;   /* the last byte decoded into the window was BAD_BYTE */
    iconv_t cd;
    char *in; /* raw bytes not yet in the window */
    size_t in_cap, in_pos, in_len;
    uint64_t bad_emitted, bad_seen;
    struct bad_mark bad[BAD_RING];

    /* window */
    fk_buf win; /* decoded text; win.len is its end */
    size_t chunk;
    size_t pos; /* start of the current record in the window */
    int bom_done;
    char eol; /* the line end: '\n' (LF or CRLF), or '\r' for CR-only files (old Mac Excel) */

    /* scan of the current record; offsets relative to pos unless said */
    size_t scan;       /* bytes looked at */
    size_t counted;    /* bytes checked for BAD_BYTE */
    size_t rend, next; /* window offsets: end of the record's text, start of the next */
    int st;
    int quoted;          /* the record holds a quote outside a quoted field's body */
    int skipping;        /* the record is over max_record and is being skipped */
    uint64_t nl;         /* newlines inside quotes so far */
    uint64_t quote_line; /* line on which the last quoted field opened */
    struct seen quote;   /* the next quote in the window */
    struct seen lf;      /* the next LF in the window */

    /* the current record */
    fk_buf rec;     /* fields, unquoted and NUL-terminated */
    fk_buf rawcopy; /* the head of an oversize record */
    fk_slice *fields;
    size_t nfields, fields_cap;
    fk_slice raw;
    uint64_t line;     /* line on which the next record starts */
    uint64_t rec_line; /* line on which the current record started */

    size_t max_record, max_fields;
    char err[192];
    enum field_err ferr; /* the last error lies in field ferr_field at byte ferr_byte */
    size_t ferr_field, ferr_byte;
};

static const fk_slice empty_slice = {"", 0};

static void set_msg(char *dst, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_msg(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if (!dst || cap == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

/* Reads up to n bytes of the source into dst; *got is 0 at the end of the input. */
static int src_read(fk_csv *c, char *dst, size_t n, size_t *got)
{
    size_t k;

    *got = 0;
    if (c->fd < 0) {
        k = c->mem_len - c->mem_pos;
        if (k > n)
            k = n;
        if (k)
            memcpy(dst, c->mem + c->mem_pos, k);
        c->mem_pos += k;
    } else {
        ssize_t r;

        do {
            r = read(c->fd, dst, n);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            set_msg(c->err, sizeof c->err, "the file could not be read: %s", strerror(errno));
            return FK_EIO;
        }
        k = (size_t)r;
    }
    if (k == 0)
        c->src_eof = 1;
    c->offset += k;
    *got = k;
    return FK_OK;
}

/* Moves the bytes still waiting in `in` to its front and reads more behind them. */
static int read_in(fk_csv *c)
{
    size_t keep = c->in_len - c->in_pos, got;
    int rc;

    if (keep && c->in_pos)
        memmove(c->in, c->in + c->in_pos, keep);
    c->in_pos = 0;
    c->in_len = keep;
    /* Only a cut-off character (under 4 bytes) is ever left behind, so there is room. */
    rc = src_read(c, c->in + keep, c->in_cap - keep, &got);
    c->in_len += got;
    return rc;
}

/* The length of the ASCII prefix of the n bytes at p. */
static size_t ascii_prefix(const char *p, size_t n)
{
    size_t i = 0;

    while (i + 8 <= n) {
        uint64_t w;

        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080u)
            break;
        i += 8;
    }
    while (i < n && !((unsigned char)p[i] & 0x80))
        i++;
    return i;
}

static int start_gb(fk_csv *c)
{
    c->cd = iconv_open("UTF-8", "GB18030");
    if (c->cd == (iconv_t)-1) {
        set_msg(c->err, sizeof c->err, "this system's iconv cannot decode GB18030");
        return FK_EINVAL;
    }
    c->gb = 1;
    return FK_OK;
}

static void gather(const unsigned char *s, size_t n, struct evidence *ev);
static enum enc decide(const struct evidence *ev);

/* While the encoding is open (a pipe), looks at the raw bytes waiting in `in`: from the first
 * non-ASCII byte, up to 64 KiB of what is there settle the question by the same evidence as a
 * whole file. *settled is how far the bytes may go on as they are: all of them, or up to a
 * non-ASCII tail too short to judge until the next read. */
static int sniff(fk_csv *c, size_t *settled)
{
    size_t k = c->in_pos + ascii_prefix(c->in + c->in_pos, c->in_len - c->in_pos), n, i;
    struct evidence ev;

    *settled = c->in_len;
    if (k == c->in_len) {
        if (c->src_eof)
            c->tentative = 0;
        return FK_OK;
    }
    n = c->in_len - k;
    if (n < 4 && !c->src_eof) {
        *settled = k;
        return FK_OK;
    }
    if (n > SNIFF)
        n = SNIFF;
    /* A character may be cut by the end of what we have, unless the input ends there: its
     * bytes (at most 3 non-ASCII ones) are left out of the evidence. */
    if (!(c->src_eof && k + n == c->in_len))
        for (i = 0; i < 3 && n > 1 && ((unsigned char)c->in[k + n - 1] & 0x80); i++)
            n--;
    c->tentative = 0;
    gather((const unsigned char *)c->in + k, n, &ev);
    if (decide(&ev) == ENC_UTF8)
        return FK_OK;
    return start_gb(c);
}

/* Notes the input offset of a new run of undecodable bytes, unless the ring is full of runs
 * the parser has not reached yet (then that record's message goes without an offset). */
static void note_bad(fk_csv *c, uint64_t off)
{
    if (c->bad_emitted - c->bad_seen < BAD_RING) {
        c->bad[c->bad_emitted % BAD_RING].seq = c->bad_emitted;
        c->bad[c->bad_emitted % BAD_RING].off = off;
    }
    c->bad_emitted++;
}

/* Decodes GB18030 from `in` into the free part of the window. */
static void decode(fk_csv *c)
{
    char *ip = c->in + c->in_pos;
    size_t il = c->in_len - c->in_pos;
    char *op = c->win.data + c->win.len;
    size_t ol = c->win.cap - 1 - c->win.len;

    while (il > 0 && ol > 0) {
        char *o0 = op;
        size_t r = iconv(c->cd, &ip, &il, &op, &ol);
        int e = errno;

        if (op != o0)
            c->last_ff = 0;
        if (r != (size_t)-1 || e == E2BIG)
            break;
        if (e == EINVAL && !c->src_eof)
            break; /* a character cut by the end of the read: wait for its other bytes */
        /* EILSEQ, or a character cut off by the end of the file. */
        if (!c->last_ff) {
            if (ol == 0)
                break;
            note_bad(c, c->offset - c->in_len + (uint64_t)(ip - c->in));
            *op++ = (char)BAD_BYTE;
            ol--;
            c->last_ff = 1;
        }
        if (e == EINVAL) {
            ip += il;
            il = 0;
        } else {
            ip++;
            il--;
        }
    }
    c->in_pos = (size_t)(ip - c->in);
    c->win.len = (size_t)(op - c->win.data);
}

/* Passes UTF-8 (or still undecided ASCII) bytes from `in` into the window as they are. */
static int pass(fk_csv *c)
{
    size_t settled = c->in_len, n, room;
    int rc;

    if (c->tentative) {
        rc = sniff(c, &settled);
        if (rc != FK_OK || c->gb)
            return rc;
    }
    n = settled - c->in_pos;
    room = c->win.cap - 1 - c->win.len;
    if (n > room)
        n = room;
    if (n)
        memcpy(c->win.data + c->win.len, c->in + c->in_pos, n);
    c->win.len += n;
    c->in_pos += n;
    return FK_OK;
}

/* Drops the consumed part of the window; the search caches go with it. */
static void compact(fk_csv *c)
{
    size_t n = c->win.len - c->pos;

    if (c->pos) {
        if (n)
            memmove(c->win.data, c->win.data + c->pos, n);
        c->win.len = n;
        c->pos = 0;
    }
    memset(&c->quote, 0, sizeof c->quote);
    memset(&c->lf, 0, sizeof c->lf);
}

/* Appends at least one decoded byte to the window, or sets eof. FK_OK, FK_EIO, FK_ENOMEM, or
 * FK_EINVAL when GB18030 turns out to be needed and iconv lacks it. */
static int fill(fk_csv *c)
{
    size_t before, got;
    int rc;

    compact(c);
    if (fk_buf_reserve(&c->win, c->chunk) != FK_OK) {
        set_msg(c->err, sizeof c->err, "out of memory");
        return FK_ENOMEM;
    }
    before = c->win.len;
    for (;;) {
        if (c->in_pos < c->in_len) {
            if (c->gb) {
                decode(c);
            } else {
                rc = pass(c);
                if (rc != FK_OK)
                    return rc;
                if (c->gb)
                    continue;
            }
            if (c->win.len > before)
                return FK_OK;
        }
        if (c->src_eof) {
            /* decode() and pass() take everything once the source is done; nothing is left. */
            c->in_pos = c->in_len;
            c->eof = 1;
            return FK_OK;
        }
        if (!c->gb && c->in_pos == c->in_len) {
            char *p = c->win.data + c->win.len;

            /* UTF-8, or all ASCII so far: straight into the window. While the encoding is
             * open, a non-ASCII tail goes back to `in` for pass() to judge. */
            rc = src_read(c, p, c->chunk, &got);
            if (rc != FK_OK)
                return rc;
            if (c->tentative && got) {
                size_t k = ascii_prefix(p, got);

                if (k < got) {
                    memcpy(c->in, p + k, got - k);
                    c->in_pos = 0;
                    c->in_len = got - k;
                    got = k;
                }
            }
            c->win.len += got;
            if (c->win.len > before)
                return FK_OK;
            continue;
        }
        rc = read_in(c);
        if (rc != FK_OK)
            return rc;
    }
}

/* Settles the line end from the first one in the input: a CR that no LF follows makes the file
 * one of CR-only lines (Excel for Mac before 2011), where every CR ends a line; otherwise lines
 * end with LF, and a CR before it is dropped. Reads ahead until the window holds a line end and
 * the byte after it, or a chunk of text (or a record's worth) with none: LF it is. */
static int detect_eol(fk_csv *c)
{
    const char *w, *cr, *lf;
    int rc;

    for (;;) {
        size_t n = c->win.len - c->pos;

        w = c->win.data + c->pos;
        cr = n ? memchr(w, '\r', n) : NULL;
        lf = n ? memchr(w, '\n', n) : NULL;
        if (lf && (!cr || lf < cr))
            break;
        if (cr && (size_t)(cr - w) + 1 < n) {
            if (cr[1] != '\n')
                c->eol = '\r';
            break;
        }
        if (c->eof) {
            if (cr)
                c->eol = '\r';
            break;
        }
        /* The window holds at most one chunk beyond a record of max_record bytes. */
        if (n >= c->chunk || n > c->max_record)
            break;
        rc = fill(c);
        if (rc != FK_OK)
            return rc;
    }
    return FK_OK;
}

/* Skips a UTF-8 byte order mark (also what GB18030's mark decodes to) at the very start. */
static int skip_bom(fk_csv *c)
{
    int rc;

    while (c->win.len - c->pos < 3 && !c->eof) {
        rc = fill(c);
        if (rc != FK_OK)
            return rc;
    }
    if (c->win.len - c->pos >= 3 && memcmp(c->win.data + c->pos, "\xEF\xBB\xBF", 3) == 0)
        c->pos += 3;
    c->bom_done = 1;
    return detect_eol(c);
}

/* The first byte ch in window[from, lim), or NOT_FOUND. Each search runs on to the end of the
 * window and is remembered in *sn, so a file without quotes costs one search for quotes per
 * chunk rather than one per record, and the LF ending a record is found once however many
 * quoted fields it has. */
static size_t find_byte(const fk_csv *c, struct seen *sn, char ch, size_t from, size_t lim)
{
    const char *w = c->win.data;

    if (from < sn->from || from > sn->pos) {
        sn->from = from;
        sn->pos = from;
        sn->real = 0;
    }
    if (!sn->real && sn->pos < lim) {
        const char *q = memchr(w + sn->pos, ch, c->win.len - sn->pos);

        sn->pos = q ? (size_t)(q - w) : c->win.len;
        sn->real = q != NULL;
    }
    return sn->real && sn->pos < lim ? sn->pos : NOT_FOUND;
}

static uint64_t count_nl(const char *p, size_t n, char eol)
{
    const char *e = p + n;
    uint64_t k = 0;

    while (p < e) {
        const char *q = memchr(p, eol, (size_t)(e - p));

        if (!q)
            break;
        k++;
        p = q + 1;
    }
    return k;
}

/* Scans the current record on from where the last call stopped. 1 when its end is in the
 * window (c->rend and c->next are set), 0 when the window ends first. */
static int scan(fk_csv *c)
{
    const char *w = c->win.data;
    size_t end = c->win.len, i = c->pos + c->scan, lim, lf, q;

    while (i < end) {
        if (c->st == ST_IN) {
            const char *qp = memchr(w + i, '"', end - i);
            size_t stop = qp ? (size_t)(qp - w) : end;

            if (find_byte(c, &c->lf, c->eol, i, stop) != NOT_FOUND)
                c->nl += count_nl(w + i, stop - i, c->eol);
            if (!qp) {
                i = end;
                break;
            }
            i = stop + 1;
            c->st = ST_QUOTE;
            if (i == end)
                break;
        }
        if (c->st == ST_QUOTE) {
            if (w[i] == '"') {
                i++;
                c->st = ST_IN;
                continue;
            }
            c->st = ST_OUT;
        }
        lf = find_byte(c, &c->lf, c->eol, i, end);
        lim = lf == NOT_FOUND ? end : lf;
        for (;;) {
            q = find_byte(c, &c->quote, '"', i, lim);
            if (q == NOT_FOUND)
                break;
            c->quoted = 1;
            i = q + 1;
            if (q == c->pos || w[q - 1] == ',') {
                c->st = ST_IN;
                c->quote_line = c->rec_line + c->nl;
                break;
            }
        }
        if (c->st == ST_IN)
            continue;
        if (lf == NOT_FOUND) {
            i = end;
            break;
        }
        c->rend = lim;
        c->next = lim + 1;
        return 1;
    }
    c->scan = i - c->pos;
    return 0;
}

/* Counts the runs of BAD_BYTE in the current record up to window offset stop that were not
 * counted before, and marks them seen. Free while the input has had no undecodable bytes. */
static uint64_t take_bad(fk_csv *c, size_t stop)
{
    const unsigned char *w = (const unsigned char *)c->win.data;
    size_t i = c->pos + c->counted;
    uint64_t runs = 0;
    int prev;

    if (c->bad_emitted == c->bad_seen)
        return 0;
    prev = c->counted > 0 && w[i - 1] == BAD_BYTE;
    for (; i < stop; i++) {
        int ff = w[i] == BAD_BYTE;

        runs += (uint64_t)(ff && !prev);
        prev = ff;
    }
    c->bad_seen += runs;
    c->counted = stop - c->pos;
    return runs;
}

/* Skipping an oversize record: drops what was scanned, keeping the last byte. */
static void discard(fk_csv *c)
{
    take_bad(c, c->win.len);
    c->pos = c->win.len - 1;
    c->scan = 1;
    c->counted = 1;
}

static int start_skip(fk_csv *c)
{
    fk_buf_reset(&c->rawcopy);
    if (fk_buf_append(&c->rawcopy, c->win.data + c->pos, c->max_record) != FK_OK) {
        set_msg(c->err, sizeof c->err, "out of memory");
        return FK_ENOMEM;
    }
    c->skipping = 1;
    return FK_OK;
}

static int add_field(fk_csv *c, size_t *nf, const char *p, size_t n)
{
    if (*nf == c->max_fields) {
        set_msg(c->err, sizeof c->err, "record has more than %zu fields", c->max_fields);
        return FK_ETOOBIG;
    }
    if (fk_vec_grow((void **)&c->fields, &c->fields_cap, *nf + 1, sizeof *c->fields) != FK_OK) {
        set_msg(c->err, sizeof c->err, "out of memory");
        return FK_ENOMEM;
    }
    c->fields[*nf].p = p;
    c->fields[*nf].n = n;
    (*nf)++;
    return FK_OK;
}

/* Field numbers in messages count from 1, as a person counts columns. */
static void field_message(const fk_csv *c, const char *name, char *out, size_t cap)
{
    char num[32];

    if (!name) {
        snprintf(num, sizeof num, "%zu", c->ferr_field + 1);
        name = num;
    }
    switch (c->ferr) {
    case FERR_UTF8:
        set_msg(out, cap, "invalid UTF-8 in field %s at byte %zu", name, c->ferr_byte);
        break;
    case FERR_NUL:
        set_msg(out, cap, "a NUL byte in field %s at byte %zu", name, c->ferr_byte);
        break;
    case FERR_QUOTE:
        set_msg(out, cap,
                "a quote inside a field must be doubled (field %s, byte %zu: write \"\" "
                "for \")",
                name, c->ferr_byte);
        break;
    case FERR_NONE: set_msg(out, cap, "%s", c->err); break;
    }
}

/* Records an error at byte (from 1) of field (from 0) of the current record. */
static void field_error(fk_csv *c, enum field_err e, size_t field, size_t byte)
{
    c->ferr = e;
    c->ferr_field = field;
    c->ferr_byte = byte;
    field_message(c, NULL, c->err, sizeof c->err);
}

/* The length of the well-formed UTF-8 sequence at s (n bytes available), or 0 when none starts
 * there: no overlong forms, surrogates or code points past U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, k;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF)
        need = 2;
    else if (c >= 0xF0 && c <= 0xF4)
        need = 3;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (need >= n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (k = 2; k <= need; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

/* Checks the fields of the current record: NUL bytes, and in UTF-8 input ill-formed sequences. */
static int check_fields(fk_csv *c)
{
    size_t i, j;

    for (i = 0; i < c->nfields; i++) {
        const unsigned char *p = (const unsigned char *)c->fields[i].p;
        const unsigned char *z = memchr(p, '\0', c->fields[i].n);
        size_t n = c->fields[i].n, k;

        /* GB18030 comes out of iconv as UTF-8; bytes it could not decode were caught before. */
        for (j = 0; !c->gb && j < n; j += k) {
            j += ascii_prefix((const char *)p + j, n - j);
            if (j == n)
                break;
            k = utf8_seq(p + j, n - j);
            if (k == 0) {
                field_error(c, FERR_UTF8, i, j + 1);
                return FK_EINVAL;
            }
        }
        if (z) {
            field_error(c, FERR_NUL, i, (size_t)(z - p) + 1);
            return FK_EINVAL;
        }
    }
    return FK_OK;
}

/* Splits the n bytes at p (one whole record without its line end) into fields in c->rec. */
static int split(fk_csv *c, const char *p, size_t n)
{
    const char *s = p, *se = p + n;
    char *o, *f;
    size_t nf = 0;
    int rc, st = SP_START;

    fk_buf_reset(&c->rec);
    if (fk_buf_reserve(&c->rec, n) != FK_OK) {
        set_msg(c->err, sizeof c->err, "out of memory");
        return FK_ENOMEM;
    }
    o = c->rec.data;
    if (!c->quoted) {
        char *e = o + n;

        memcpy(o, p, n);
        *e = '\0';
        f = o;
        for (;;) {
            char *comma = memchr(f, ',', (size_t)(e - f));
            char *fe = comma ? comma : e;

            rc = add_field(c, &nf, f, (size_t)(fe - f));
            if (rc != FK_OK)
                return rc;
            *fe = '\0';
            if (!comma)
                break;
            f = comma + 1;
        }
        c->nfields = nf;
        return FK_OK;
    }
    f = o;
    while (s < se) {
        char ch = *s;

        if (st == SP_IN) {
            /* Copy the quoted text up to the next quote in one go. */
            const char *q = memchr(s, '"', (size_t)(se - s));
            size_t k = q ? (size_t)(q - s) : (size_t)(se - s);

            memcpy(o, s, k);
            o += k;
            s += k + (q != NULL);
            st = SP_QUOTE;
            continue;
        }
        s++;
        if (ch == '"' && st != SP_PLAIN && st != SP_CLOSED) {
            /* Opens a quoted field, or (after a quote inside one) is the second of a pair. */
            if (st == SP_QUOTE)
                *o++ = '"';
            st = SP_IN;
        } else if ((st == SP_QUOTE || st == SP_CLOSED) && ch == ' ') {
            st = SP_CLOSED; /* "ab" ,c: spaces after the closing quote are dropped */
        } else if ((st == SP_QUOTE || st == SP_CLOSED) && ch != ',') {
            /* "ab"c: a lone quote inside a quoted field. Taking it for the end of the field
             * would store abc, which no one wrote. */
            field_error(c, FERR_QUOTE, nf, (size_t)(o - f) + 1);
            return FK_EINVAL;
        } else if (ch == ',') {
            rc = add_field(c, &nf, f, (size_t)(o - f));
            if (rc != FK_OK)
                return rc;
            *o++ = '\0';
            f = o;
            st = SP_START;
        } else {
            *o++ = ch;
            st = SP_PLAIN;
        }
    }
    rc = add_field(c, &nf, f, (size_t)(o - f));
    if (rc != FK_OK)
        return rc;
    *o = '\0';
    c->nfields = nf;
    return FK_OK;
}

static void bad_message(fk_csv *c, uint64_t first)
{
    const struct bad_mark *m = &c->bad[first % BAD_RING];

    if (m->seq == first)
        set_msg(c->err, sizeof c->err, "bytes that are not valid GB18030 near byte offset %llu",
                (unsigned long long)m->off);
    else
        set_msg(c->err, sizeof c->err, "bytes that are not valid GB18030 in this record");
}

/* Undecodable bytes show as '?' in raw text. */
static void mask_bad(char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if ((unsigned char)p[i] == BAD_BYTE)
            p[i] = '?';
}

/* The record's end is known (or the input ended): consumes it and says what it was. */
static int finish(fk_csv *c, int at_eof)
{
    char *w = c->win.data;
    size_t start = c->pos, rend, next, len;
    uint64_t first = c->bad_seen, runs;
    int open_quote = at_eof && c->st == ST_IN;
    char *rawp;
    size_t rawn;
    int rc;

    if (at_eof) {
        rend = c->win.len;
        next = rend;
    } else {
        rend = c->rend;
        next = c->next;
    }
    if (c->eol == '\n' && !c->skipping && !open_quote && rend > start && w[rend - 1] == '\r')
        rend--;
    runs = take_bad(c, next);
    c->pos = next;
    c->line += c->nl + 1;
    if (c->skipping || open_quote) {
        if (c->skipping) {
            rawp = c->rawcopy.data;
            rawn = c->rawcopy.len;
        } else {
            rawp = w + start;
            rawn = rend - start < c->max_record ? rend - start : c->max_record;
        }
        if (c->gb)
            mask_bad(rawp, rawn);
        c->raw.p = rawp;
        c->raw.n = rawn;
        if (open_quote) {
            set_msg(c->err, sizeof c->err, "quoted field opened on line %llu is never closed",
                    (unsigned long long)c->quote_line);
            return FK_EINVAL;
        }
        set_msg(c->err, sizeof c->err, "record is longer than %zu bytes", c->max_record);
        return FK_ETOOBIG;
    }
    len = rend - start;
    if (len == 0)
        return REC_EMPTY;
    c->raw.p = w + start;
    c->raw.n = len < c->max_record ? len : c->max_record;
    if (runs) {
        mask_bad(w + start, len);
        bad_message(c, first);
        return FK_EINVAL;
    }
    if (len > c->max_record) {
        set_msg(c->err, sizeof c->err, "record is longer than %zu bytes", c->max_record);
        return FK_ETOOBIG;
    }
    rc = split(c, w + start, len);
    if (rc == FK_OK)
        rc = check_fields(c);
    if (rc != FK_OK) {
        c->nfields = 0;
        return rc;
    }
    return REC_OK;
}

/* The raw text of a failed record goes to rejects files and over HTTP as UTF-8 text, so what is
 * not text in it shows as '?', as undecodable GB18030 does: NUL bytes and the bytes of
 * ill-formed sequences (or of a character cut by max_record). raw points into the window or
 * rawcopy, which are ours. */
static void mask_raw(fk_csv *c)
{
    unsigned char *p = (unsigned char *)(uintptr_t)c->raw.p;
    size_t n = c->raw.n, i = 0, k;

    while (i < n) {
        i += ascii_prefix((const char *)p + i, n - i);
        if (i == n)
            break;
        k = utf8_seq(p + i, n - i); /* GB18030 too: a raw text cut at max_record may cut a char */
        if (k == 0) {
            p[i] = '?';
            k = 1;
        }
        i += k;
    }
    for (i = 0; i < n; i++)
        if (p[i] == 0)
            p[i] = '?';
}

/* A failure after which the reader cannot go on: every later call returns the same code. */
static int fatal(fk_csv *c, int rc)
{
    c->failed = rc;
    c->nfields = 0;
    c->raw = empty_slice;
    return rc;
}

static int read_record(fk_csv *c)
{
    int rc;

    c->scan = 0;
    c->counted = 0;
    c->st = ST_OUT;
    c->quoted = 0;
    c->skipping = 0;
    c->nl = 0;
    c->rec_line = c->line;
    for (;;) {
        if (scan(c))
            return finish(c, 0);
        if (c->eof) {
            if (!c->skipping && c->pos == c->win.len)
                return REC_EOF;
            return finish(c, 1);
        }
        if (c->skipping) {
            discard(c);
        } else if (c->scan > c->max_record + 1) {
            rc = start_skip(c);
            if (rc != FK_OK)
                return fatal(c, rc);
            discard(c);
        }
        rc = fill(c);
        if (rc != FK_OK)
            return fatal(c, rc);
    }
}

int fk_csv_next(fk_csv *c)
{
    int rc;

    if (c->failed)
        return c->failed;
    c->err[0] = '\0';
    c->ferr = FERR_NONE;
    c->nfields = 0;
    c->raw = empty_slice;
    if (!c->bom_done) {
        rc = skip_bom(c);
        if (rc != FK_OK)
            return fatal(c, rc);
    }
    do {
        rc = read_record(c);
    } while (rc == REC_EMPTY);
    if (rc == FK_ENOMEM)
        return fatal(c, rc);
    if (rc < 0 && c->raw.n)
        mask_raw(c);
    return rc;
}

static int parse_encoding(const char *name, enum enc *e)
{
    fk_slice s;

    *e = ENC_AUTO;
    if (!name)
        return FK_OK;
    s.p = name;
    s.n = strlen(name);
    if (fk_slice_eqi(s, "auto"))
        *e = ENC_AUTO;
    else if (fk_slice_eqi(s, "utf-8") || fk_slice_eqi(s, "utf8"))
        *e = ENC_UTF8;
    else if (fk_slice_eqi(s, "gb18030") || fk_slice_eqi(s, "gbk") || fk_slice_eqi(s, "gb2312"))
        *e = ENC_GB;
    else
        return FK_EINVAL;
    return FK_OK;
}

/* A reader with its buffers but no source yet. */
static int create(const struct fk_csv_opts *opts, size_t chunk, enum enc *e, fk_csv **out,
                  char *err, size_t errlen)
{
    fk_csv *c = NULL;
    size_t i;
    int rc;

    *out = NULL;
    rc = parse_encoding(opts ? opts->encoding : NULL, e);
    if (rc != FK_OK) {
        set_msg(err, errlen, "unknown encoding \"%s\": use auto, utf-8, gb18030, gbk or gb2312",
                opts->encoding);
        goto out;
    }
    rc = FK_ENOMEM;
    c = calloc(1, sizeof *c);
    if (!c)
        goto out;
    c->fd = -1;
    c->cd = (iconv_t)-1;
    c->line = 1;
    c->eol = '\n';
    c->raw = empty_slice;
    c->chunk = chunk;
    c->max_record = opts && opts->max_record ? opts->max_record : DEFAULT_MAX_RECORD;
    if (c->max_record > SIZE_MAX / 4)
        c->max_record = SIZE_MAX / 4;
    c->max_fields = opts && opts->max_fields ? opts->max_fields : DEFAULT_MAX_FIELDS;
    if (c->max_fields > SIZE_MAX / (4 * sizeof(fk_slice)))
        c->max_fields = SIZE_MAX / (4 * sizeof(fk_slice));
    for (i = 0; i < BAD_RING; i++)
        c->bad[i].seq = UINT64_MAX;
    fk_buf_init(&c->win, c->max_record + chunk + 16);
    fk_buf_init(&c->rec, c->max_record + 1);
    fk_buf_init(&c->rawcopy, c->max_record);
    c->in = malloc(chunk);
    if (!c->in)
        goto out;
    c->in_cap = chunk;
    *out = c;
    c = NULL;
    rc = FK_OK;
out:
    if (rc == FK_ENOMEM)
        set_msg(err, errlen, "out of memory");
    fk_csv_close(c);
    return rc;
}

/* 1 when the head of the input is UTF-16: a UTF-16 byte order mark, or NUL bytes in a quarter
 * of the first bytes or more (text in UTF-16 has a NUL in every other byte, CSV text none). */
static int utf16_head(const unsigned char *p, size_t n)
{
    size_t i, nul = 0;

    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return 1;
    if (n > 4096)
        n = 4096;
    for (i = 0; i < n; i++)
        nul += p[i] == 0;
    return n >= 2 && nul * 4 >= n;
}

static int refuse_utf16(char *err, size_t errlen)
{
    set_msg(err, errlen, "UTF-16 is not supported: save as UTF-8 or GBK");
    return FK_EINVAL;
}

/* Counts the evidence of the n bytes at s: one pass for UTF-8, and one for GB18030 only when
 * some bytes are not UTF-8. ASCII goes eight bytes at a time. */
static void gather(const unsigned char *s, size_t n, struct evidence *ev)
{
    size_t i = 0, k;

    memset(ev, 0, sizeof *ev);
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;

            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (i == n)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_seq(s + i, n - i);
        if (k) {
            ev->utf8_good++;
            i += k;
        } else {
            ev->utf8_bad++;
            i++;
        }
    }
    if (ev->utf8_bad == 0)
        return;
    for (i = 0; i < n;) {
        unsigned b = s[i];

        if (b < 0x80) {
            i++;
        } else if (b == 0x80 || b == 0xFF) {
            ev->gb_bad++;
            i++;
        } else if (i + 1 < n && s[i + 1] >= 0x40 && s[i + 1] <= 0xFE && s[i + 1] != 0x7F) {
            i += 2;
        } else if (i + 3 < n && s[i + 1] >= 0x30 && s[i + 1] <= 0x39 && s[i + 2] >= 0x81 &&
                   s[i + 2] <= 0xFE && s[i + 3] >= 0x30 && s[i + 3] <= 0x39) {
            i += 4;
        } else {
            ev->gb_bad++;
            i++;
        }
    }
}

/* UTF-8 unless GB18030 explains the input clearly better: it must leave far fewer bytes
 * unexplained (an eighth), and UTF-8 must fail often, not now and then among many good
 * sequences. So a UTF-8 file with a few stray bytes stays UTF-8 and only their rows are
 * rejected, while GBK text, where few byte pairs happen to be UTF-8, is GB18030. */
static enum enc decide(const struct evidence *ev)
{
    if (ev->utf8_bad == 0)
        return ENC_UTF8;
    if (ev->gb_bad * 8 < ev->utf8_bad && ev->utf8_good < ev->utf8_bad * 4)
        return ENC_GB;
    return ENC_UTF8;
}

/* "auto" over n bytes at p that are the whole input: settles the encoding from all of it. */
static enum enc judge_all(const char *p, size_t n)
{
    struct evidence ev;

    gather((const unsigned char *)p, n, &ev);
    return decide(&ev);
}

/* Sets the encoding up once the source is attached; "auto" reads the head of the input. */
static int start(fk_csv *c, enum enc e, char *err, size_t errlen)
{
    size_t head = c->in_cap < SNIFF ? c->in_cap : SNIFF, got, settled;
    int rc = FK_OK;

    if (e == ENC_GB) {
        rc = start_gb(c);
    } else if (e == ENC_AUTO) {
        c->tentative = 1;
        while (c->in_len < head && !c->src_eof) {
            rc = src_read(c, c->in + c->in_len, head - c->in_len, &got);
            if (rc != FK_OK)
                goto out;
            c->in_len += got;
        }
        rc = sniff(c, &settled);
    }
out:
    if (rc != FK_OK)
        set_msg(err, errlen, "%s", c->err);
    return rc;
}

int fk_csv_open_path(const char *path, const struct fk_csv_opts *opts, fk_csv **out, char *err,
                     size_t errlen)
{
    fk_csv *c = NULL;
    struct stat st;
    enum enc e;
    int fd = -1, rc;

    *out = NULL;
    set_msg(err, errlen, "%s", "");
    rc = create(opts, CHUNK, &e, &c, err, errlen);
    if (rc != FK_OK)
        goto out;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            rc = FK_ENOENT;
            set_msg(err, errlen, "there is no file %s", path);
        } else {
            rc = FK_EIO;
            set_msg(err, errlen, "%s could not be opened: %s", path, strerror(errno));
        }
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        rc = FK_EIO;
        set_msg(err, errlen, "%s could not be examined: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = FK_EIO;
        set_msg(err, errlen, "%s is a folder, not a file", path);
        goto out;
    }
    c->fd = fd;
    fd = -1;
    c->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    if (c->size > 0 && c->size <= SIZE_MAX) {
        /* A regular file is looked at whole before it is read: its head for UTF-16, all of
         * it for the encoding. A pipe has only the streaming sniff (see DESIGN NOTES). */
        void *m = mmap(NULL, (size_t)c->size, PROT_READ, MAP_PRIVATE, c->fd, 0);

        if (m != MAP_FAILED) {
            (void)madvise(m, (size_t)c->size, MADV_SEQUENTIAL);
            if (utf16_head(m, (size_t)c->size)) {
                munmap(m, (size_t)c->size);
                rc = refuse_utf16(err, errlen);
                goto out;
            }
            if (e == ENC_AUTO)
                e = judge_all(m, (size_t)c->size);
            munmap(m, (size_t)c->size);
        }
    }
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(c->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    rc = start(c, e, err, errlen);
    if (rc != FK_OK)
        goto out;
    *out = c;
    c = NULL;
out:
    if (fd >= 0)
        close(fd);
    fk_csv_close(c);
    return rc;
}

int fk_csv_open_mem(const char *p, size_t n, const struct fk_csv_opts *opts, fk_csv **out,
                    char *err, size_t errlen)
{
    fk_csv *c = NULL;
    size_t chunk = n < CHUNK ? (n < MEM_MIN_CHUNK ? MEM_MIN_CHUNK : n) : CHUNK;
    enum enc e;
    int rc;

    *out = NULL;
    set_msg(err, errlen, "%s", "");
    rc = create(opts, chunk, &e, &c, err, errlen);
    if (rc != FK_OK)
        goto out;
    c->mem = p;
    c->mem_len = n;
    c->size = n;
    if (utf16_head((const unsigned char *)p, n)) {
        rc = refuse_utf16(err, errlen);
        goto out;
    }
    if (e == ENC_AUTO)
        e = judge_all(p, n);
    rc = start(c, e, err, errlen);
    if (rc != FK_OK)
        goto out;
    *out = c;
    c = NULL;
out:
    fk_csv_close(c);
    return rc;
}

void fk_csv_close(fk_csv *c)
{
    if (!c)
        return;
    if (c->fd >= 0)
        close(c->fd);
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    free(c->in);
    fk_buf_fini(&c->win);
    fk_buf_fini(&c->rec);
    fk_buf_fini(&c->rawcopy);
    free(c->fields);
    free(c);
}

size_t fk_csv_nfields(const fk_csv *c)
{
    return c->nfields;
}

fk_slice fk_csv_field(const fk_csv *c, size_t i)
{
    return i < c->nfields ? c->fields[i] : empty_slice;
}

fk_slice fk_csv_raw(const fk_csv *c)
{
    return c->raw;
}

uint64_t fk_csv_line(const fk_csv *c)
{
    return c->rec_line;
}

const char *fk_csv_error(const fk_csv *c)
{
    return c->err;
}

int fk_csv_error_place(const fk_csv *c, size_t *field, size_t *byte)
{
    if (c->ferr == FERR_NONE)
        return 0;
    *field = c->ferr_field;
    *byte = c->ferr_byte;
    return 1;
}

const char *fk_csv_error_named(const fk_csv *c, const char *name, char *out, size_t cap)
{
    field_message(c, name, out, cap);
    return out;
}

uint64_t fk_csv_offset(const fk_csv *c)
{
    return c->offset;
}

uint64_t fk_csv_size(const fk_csv *c)
{
    return c->size;
}

const char *fk_csv_encoding(const fk_csv *c)
{
    return c->gb ? "gb18030" : "utf-8";
}
