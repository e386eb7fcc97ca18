/* SPDX-License-Identifier: MIT */
/* Region levels and the rules between them (see fk/region.h). */
#include "fk/region.h"

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
