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

#endif
