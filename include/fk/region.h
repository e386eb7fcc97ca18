/* SPDX-License-Identifier: MIT */
/* Administrative levels of the region tree (省 → 市 → 区县 → 乡镇街道 → 社区村 → 网格) and the
 * rules between them. Pure. */
#ifndef FK_REGION_H
#define FK_REGION_H

#include "fk/str.h"

enum fk_level {
    FK_LEVEL_NONE = 0,
    FK_LEVEL_PROVINCE = 1,
    FK_LEVEL_CITY = 2,
    FK_LEVEL_COUNTY = 3,
    FK_LEVEL_TOWNSHIP = 4,
    FK_LEVEL_COMMUNITY = 5,
    FK_LEVEL_GRID = 6
};

#define FK_REGION_CODE_MAX 32 /* bytes of a region code, with the NUL */

/* Parses a level: province, city, county, township, community, grid (any case), or the Chinese
 * 省, 市, 区县/县/区, 乡镇/街道, 社区/村, 网格. FK_OK and *out, or FK_EINVAL. */
int fk_level_parse(fk_slice s, enum fk_level *out);
/* "province" … "grid"; "" for FK_LEVEL_NONE. Static storage. */
const char *fk_level_name(enum fk_level l);
/* FK_OK when a region of level child may sit under one of level parent (strictly deeper), else
 * FK_EINVAL. A region with no parent must be a province or a city. */
int fk_level_child_ok(enum fk_level parent, enum fk_level child);
/* FK_OK when code is usable as a region code: 1..31 bytes of letters, digits, '-', '_', '.'. */
int fk_region_code_ok(fk_slice code);

/* Coordinates of a grid or venue (the optional lon,lat columns): decimal degrees (WGS-84 or
 * GCJ-02 as the city's maps give them), inside China's extent, east longitude 73 to 136 and north
 * latitude 3 to 54, so a pair typed the wrong way round is caught. */
#define FK_LON_MIN 73.0
#define FK_LON_MAX 136.0
#define FK_LAT_MIN 3.0
#define FK_LAT_MAX 54.0
#define FK_COORD_MAX 16 /* bytes of a normalised coordinate, with the NUL */
/* Checks a lon,lat pair of an input row: both empty (no coordinates: lon_out and lat_out ""), or
 * both decimal numbers in range, written normalised into lon_out and lat_out (FK_COORD_MAX bytes
 * each: at most 6 decimals, no trailing zeros, "112.7523"). FK_OK, or FK_EINVAL with a clerk's
 * reason in why ("lon 37.69 is outside 73 to 136 (east longitude): are lon and lat the wrong way
 * round?", "lat is empty but lon is 112.75: give both or neither"). Pure; thread-safe. */
int fk_coord_parse(fk_slice lon, fk_slice lat, char *lon_out, char *lat_out, char *why,
                   size_t whylen);

#endif
