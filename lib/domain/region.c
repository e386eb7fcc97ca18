/* SPDX-License-Identifier: MIT */
/* Region levels and the rules between them (see fk/region.h). */
#include "fk/region.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

static const struct {
    const char *word;
    enum fk_level level;
} words[] = {
    {"province", FK_LEVEL_PROVINCE}, {"city", FK_LEVEL_CITY},
    {"county", FK_LEVEL_COUNTY},     {"township", FK_LEVEL_TOWNSHIP},
    {"community", FK_LEVEL_COMMUNITY}, {"grid", FK_LEVEL_GRID},
    {"省", FK_LEVEL_PROVINCE},       {"市", FK_LEVEL_CITY},
    {"区县", FK_LEVEL_COUNTY},       {"县", FK_LEVEL_COUNTY},
    {"区", FK_LEVEL_COUNTY},         {"乡镇", FK_LEVEL_TOWNSHIP},
    {"街道", FK_LEVEL_TOWNSHIP},     {"乡镇街道", FK_LEVEL_TOWNSHIP},
    {"社区", FK_LEVEL_COMMUNITY},    {"村", FK_LEVEL_COMMUNITY},
    {"社区村", FK_LEVEL_COMMUNITY},  {"网格", FK_LEVEL_GRID},
};

int fk_level_parse(fk_slice s, enum fk_level *out)
{
    size_t i;

    s = fk_slice_trim(s);
    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (fk_slice_eqi(s, words[i].word)) {
            *out = words[i].level;
            return FK_OK;
        }
    }
    *out = FK_LEVEL_NONE;
    return FK_EINVAL;
}

const char *fk_level_name(enum fk_level l)
{
    switch (l) {
    case FK_LEVEL_PROVINCE: return "province";
    case FK_LEVEL_CITY: return "city";
    case FK_LEVEL_COUNTY: return "county";
    case FK_LEVEL_TOWNSHIP: return "township";
    case FK_LEVEL_COMMUNITY: return "community";
    case FK_LEVEL_GRID: return "grid";
    default: return "";
    }
}

int fk_level_child_ok(enum fk_level parent, enum fk_level child)
{
    if (child < FK_LEVEL_PROVINCE || child > FK_LEVEL_GRID)
        return FK_EINVAL;
    if (parent == FK_LEVEL_NONE)
        return child <= FK_LEVEL_CITY ? FK_OK : FK_EINVAL;
    return child > parent ? FK_OK : FK_EINVAL;
}

int fk_region_code_ok(fk_slice code)
{
    size_t i;

    if (code.n == 0 || code.n >= FK_REGION_CODE_MAX)
        return FK_EINVAL;
    for (i = 0; i < code.n; i++) {
        char c = code.p[i];

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              c == '-' || c == '_' || c == '.'))
            return FK_EINVAL;
    }
    return FK_OK;
}

/* One coordinate: a decimal number (sign, digits, at most one point; no exponent, no hex, no
 * "inf") in [lo, hi], normalised into out. */
static int coord_one(const char *name, fk_slice s, double lo, double hi, const char *axis,
                     char *out, char *why, size_t whylen)
{
    char buf[40], *end;
    size_t i, digits = 0, points = 0, n;
    double v;

    if (s.n >= sizeof buf) {
        snprintf(why, whylen, "%s '%.20s…' is not a number of degrees", name, s.p);
        return FK_EINVAL;
    }
    for (i = 0; i < s.n; i++) {
        char ch = s.p[i];

        if (ch >= '0' && ch <= '9')
            digits++;
        else if (ch == '.')
            points++;
        else if (!((ch == '-' || ch == '+') && i == 0))
            break;
    }
    if (i < s.n || digits == 0 || points > 1) {
        snprintf(why, whylen, "%s '%.*s' is not a number of degrees (like 112.7523)", name,
                 (int)s.n, s.p);
        return FK_EINVAL;
    }
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    v = strtod(buf, &end);
    if (!(v >= lo && v <= hi)) {
        snprintf(why, whylen, "%s %s is outside %g to %g (%s)%s", name, buf, lo, hi, axis,
                 (strcmp(name, "lon") == 0 ? v >= FK_LAT_MIN && v <= FK_LAT_MAX
                                           : v >= FK_LON_MIN && v <= FK_LON_MAX)
                     ? ": are lon and lat the wrong way round?"
                     : "");
        return FK_EINVAL;
    }
    snprintf(out, FK_COORD_MAX, "%.6f", v);
    n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
    return FK_OK;
}

int fk_coord_parse(fk_slice lon, fk_slice lat, char *lon_out, char *lat_out, char *why,
                   size_t whylen)
{
    lon_out[0] = lat_out[0] = '\0';
    if (lon.n == 0 && lat.n == 0)
        return FK_OK;
    if (lon.n == 0 || lat.n == 0) {
        fk_slice given = lon.n ? lon : lat;

        snprintf(why, whylen, "%s is empty but %s is %.*s: give both or neither",
                 lon.n ? "lat" : "lon", lon.n ? "lon" : "lat", (int)(given.n > 20 ? 20 : given.n),
                 given.p);
        return FK_EINVAL;
    }
    if (coord_one("lon", lon, FK_LON_MIN, FK_LON_MAX, "east longitude", lon_out, why, whylen) !=
            FK_OK ||
        coord_one("lat", lat, FK_LAT_MIN, FK_LAT_MAX, "north latitude", lat_out, why, whylen) !=
            FK_OK) {
        lon_out[0] = lat_out[0] = '\0';
        return FK_EINVAL;
    }
    return FK_OK;
}
