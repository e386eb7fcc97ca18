/* SPDX-License-Identifier: MIT */
/* Gate checks (场所核验, 数字哨兵, issue 18), pure: the colour a gate shows for one person from
 * what is known of them at a moment, with a reason code and never a name. Red: a positive result
 * not yet cleared, an open control order, or a home in a lockdown zone (in that order of
 * precedence); green: a negative sample taken within the gate type's window before the moment (the
 * window's edge counts: 48 h exactly is green, a second more is not); yellow otherwise. The windows
 * come from the profile's [gate] (scenic 48 h, station 48 h, other 72 h). No I/O and no clock;
 * every function is thread-safe and every string returned is static storage. */
#ifndef FK_GATE_H
#define FK_GATE_H

#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* Gate types, as requests and the profile's keys name them (FK_GATE_NTYPES is in fk/profile.h,
 * which keeps a window per type). */
enum fk_gate_type { FK_GATE_SCENIC = 0, FK_GATE_STATION, FK_GATE_OTHER };

enum fk_gate_colour { FK_GATE_GREEN = 0, FK_GATE_YELLOW, FK_GATE_RED };

enum fk_gate_reason {
    FK_GATE_NEGATIVE = 0, /* green: a negative sample within the window */
    FK_GATE_NO_TEST,      /* yellow: none within it (none at all, or too old) */
    FK_GATE_POSITIVE,     /* red: a positive result not cleared */
    FK_GATE_CONTROLLED,   /* red: under an open control order */
    FK_GATE_LOCKDOWN,     /* red: lives in a lockdown zone (封控区) */
    FK_GATE_NREASONS
};

/* What is known of a person at the moment of the check (all times Unix seconds, 0: none). */
struct fk_gate_facts {
    int controlled;   /* an open control order */
    int lockdown;     /* home in a lockdown zone */
    int64_t positive; /* the result time of the latest positive known */
    int64_t cleared;  /* when that positive was cleared (released as recovered); 0: not */
    int64_t negative; /* the sampling time of the latest sample with a negative result known */
};

/* The colour at `now` for a gate whose window is `window` seconds, the reason into *why. */
enum fk_gate_colour fk_gate_check(const struct fk_gate_facts *f, int64_t window, int64_t now,
                                  enum fk_gate_reason *why);
/* The window of gate type t under p, in seconds. */
int64_t fk_gate_window(const struct fk_profile *p, enum fk_gate_type t);

/* The ID number a gate read (scanned or typed) normalised (trimmed, upper case) into out (cap
 * bytes, at least 33): its length; or 0 when it is none: empty, longer than 32 bytes, a character
 * other than an ASCII letter or digit, or 17 digits and a check character that does not fit them
 * (a misread: scan again). */
size_t fk_gate_id(const char *s, size_t n, char *out, size_t cap);

/* scenic|station|other (also 景区, 车站 / 交通站点, 其他): FK_OK or FK_EINVAL. */
int fk_gate_type_parse(fk_slice s, enum fk_gate_type *out);
const char *fk_gate_type_name(int t);   /* "" out of range */
const char *fk_gate_colour_name(int c); /* green|yellow|red */
const char *fk_gate_reason_name(int r); /* negative|no_test|positive|controlled|lockdown */

#endif
