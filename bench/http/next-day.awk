# SPDX-License-Identifier: MIT
# bench/run-http.sh's "another day of screening": copies a samples CSV (tube,id_number,time,site
# in any column order) with every time moved DAYS days later and every tube renamed with the
# prefix PREFIX, so the rows are new to the store (a sample's key is tube and person) and fall in
# the next round's window. Usage: awk -F, -v DAYS=1 -v PREFIX=D2 -f next-day.awk samples.csv
# Dates are shifted by civil-day arithmetic (days since 1970-01-01), so month ends are right; the
# time of day and the +08:00 offset are kept.
function days(y, m, d, era, yoe, doy) {
    y -= (m <= 2)
    era = int(y / 400)
    yoe = y - era * 400
    doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
    return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
function civil(z, era, doe, yoe, y, doy, mp, d, m) {
    z += 719468
    era = int(z / 146097)
    doe = z - era * 146097
    yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
    y = yoe + era * 400
    doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
    mp = int((5 * doy + 2) / 153)
    d = doy - int((153 * mp + 2) / 5) + 1
    m = mp + (mp < 10 ? 3 : -9)
    return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}
BEGIN { OFS = "," }
NR == 1 {
    for (i = 1; i <= NF; i++) {
        if ($i == "tube") tc = i
        if ($i == "time") mc = i
    }
    if (!tc || !mc) { print "next-day.awk: no tube or time column" > "/dev/stderr"; exit 1 }
    print
    next
}
{
    date = substr($mc, 1, 10)
    if (!(date in moved))
        moved[date] = civil(days(substr(date, 1, 4) + 0, substr(date, 6, 2) + 0,
                                 substr(date, 9, 2) + 0) + DAYS)
    $mc = moved[date] substr($mc, 11)
    $tc = PREFIX $tc
    print
}
