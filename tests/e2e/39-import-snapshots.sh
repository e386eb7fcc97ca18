#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An import keeps the snapshots beside the data file current (issue 19): it builds and writes the
# engine's after regions and persons, the tracer's after venues (and persons once there is one),
# extends the engine's with what samples and results add and the tracer's with what scans, pings
# and cases add, and leaves the other as it was, so the first verb after any import maps its
# snapshot. Rows that change nothing, rounds, users and control imports leave both current. At
# every step the answers are those of indexes built afresh, and the extended files are a build's.
. "$(dirname "$0")/lib.sh"
fk demo --people 3000 --seed 7 --out city --finished 2>/dev/null; expect_rc 0 demo
ENG="$FANGKONG_DB.engine"
TRC="$FANGKONG_DB.tracer"
IFS=, read -r name region start end <city/round.txt

# import TYPE FILE: imports, its stderr in import-TYPE.err
import() {
    fk import "$1" "$2" 2>"import-$1.err"
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $1 exited $rc: $(cat "import-$1.err")"
}
# snap_id FILE: the file's inode and change time ("none" when missing): a rewrite changes it
snap_id() { stat -c '%i %Z %s' "$1" 2>/dev/null || echo none; }
# engine_state: what the engine's first use said ("loaded from its snapshot" or "built from …")
engine_state() { "$FANGKONG" status 2>&1 >/dev/null | grep -o "loaded from its snapshot\|built from the store" || true; }
# tracer_state NAME: a depth-2 trace into NAME.csv; prints what the tracer's opening said
tracer_state() {
    "$FANGKONG" trace --depth 2 >"$1.csv" 2>"$1.err" || fail "trace $1 failed: $(cat "$1.err")"
    grep -o "mapped from its snapshot\|built from the store" "$1.err" || true
}

# The screening files first: the engine's snapshot is built by the first two and extended by the
# others, the tracer's written by none.
import regions city/regions.csv
contains import-regions.err "snapshots: engine built"
[ -s "$ENG" ] || fail "the regions import wrote no engine snapshot"
import persons city/persons.csv
contains import-persons.err "snapshots: engine built"
[ -e "$TRC" ] && fail "a persons import built a tracer for a city that does not trace"
[ -s "$FANGKONG_DB.roster" ] || fail "the persons import wrote no roster"
import samples city/samples.csv
contains import-samples.err "snapshots: engine extended"
grep -q "roster" import-samples.err && fail "a samples import rewrote a current roster: $(cat import-samples.err)"
import results city/results.csv
contains import-results.err "snapshots: engine extended"
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
[ "$(engine_state)" = "loaded from its snapshot" ] || fail "the first verb after the imports and a round built the engine"
fk coverage "$name" --by grid >cov-kept.csv; expect_rc 0 coverage
fk missing "$name" --region "$region" >miss-kept.csv; expect_rc 0 missing

# The tracing files: venues build the tracer's snapshot, scans, pings and cases extend it; the
# engine's stays as it was.
eng_before=$(snap_id "$ENG")
import venues city/venues.csv
contains import-venues.err "snapshots: tracer built"
for t in scans pings cases; do
    import "$t" "city/$t.csv"
    contains "import-$t.err" "snapshots: tracer extended"
done
for t in venues scans pings cases; do
    grep -q "engine built" "import-$t.err" && fail "an import of $t rebuilt the engine"
done
[ "$(snap_id "$ENG")" = "$eng_before" ] || fail "the tracing imports rewrote the engine's snapshot"
[ "$(engine_state)" = "loaded from its snapshot" ] || fail "the engine went stale after the tracing imports"
[ "$(tracer_state kept)" = "mapped from its snapshot" ] || fail "the first trace after the imports built the tracer"
[ "$(wc -l <kept.csv)" -gt 20 ] || fail "too few contacts to compare: $(wc -l <kept.csv)"

# Samples leave the tracer's snapshot untouched (the same file) and current.
trc_before=$(snap_id "$TRC")
# (thirty of the residents missing, sampled in one new tube in the round's first hour)
awk -F, -v t="$start" 'NR == 1 { print "tube,id_number,time,site"; next }
    NR <= 31 { print "XT0001," $1 "," t ",SITE0001" }' miss-kept.csv >more-samples.csv
# (and no roster, as a data file older than it has: the import that looks persons up writes it)
rm -f "$FANGKONG_DB.roster"
import samples more-samples.csv
contains import-samples.err "snapshots: engine extended"
contains import-samples.err "roster built"
[ -s "$FANGKONG_DB.roster" ] || fail "a samples import left the roster missing"
cp "$ENG" extended.engine
grep -q "tracer" import-samples.err && fail "a samples import touched the tracer: $(cat import-samples.err)"
[ "$(snap_id "$TRC")" = "$trc_before" ] || fail "a samples import rewrote the tracer's snapshot"
[ "$(tracer_state after-samples)" = "mapped from its snapshot" ] || fail "the tracer went stale after a samples import"

# Rows that change nothing, a user, a round and a control import leave both current.
import scans city/scans.csv
grep -q "snapshots:" import-scans.err && fail "a re-import of the same scans rebuilt: $(cat import-scans.err)"
echo 'Qx7-vTr9-kpL2-wZm4' | "$FANGKONG" user add clerk --role viewer --scope "$region" >/dev/null 2>&1 ||
    fail "user add clerk"
fk round create R2 --region "$region" --start "$start" --end "$end" >/dev/null 2>&1; expect_rc 0 "round R2"
import controls city/controls.csv
[ "$(snap_id "$TRC")" = "$trc_before" ] || fail "writes that change no scan rewrote the tracer's snapshot"
[ "$(engine_state)" = "loaded from its snapshot" ] || fail "the engine went stale after a user, a round or orders"
[ "$(tracer_state after-others)" = "mapped from its snapshot" ] || fail "the tracer went stale after a user, a round or orders"

# A new scan where and when a close contact met a case: written by the import, in the next answer.
IFS=, read -r venue when < <(awk -F, '$3 == "close" && $5 ~ /^venue:/ { sub(/^venue:/, "", $5); print $5 "," $6; exit }' kept.csv)
[ -n "$venue" ] || fail "no close contact at a venue"
other=$(awk -F, 'NR > 1 { print $1 }' city/persons.csv | grep -E '^[0-9]{17}[0-9X]$' |
    grep -vxFf <(cut -d, -f1 kept.csv city/cases.csv) | sed -n 1p)
printf 'id_number,venue,time\n%s,%s,%s\n' "$other" "$venue" "$when" >one-scan.csv
import scans one-scan.csv
contains import-scans.err "snapshots: tracer extended"
cp "$TRC" extended.tracer
[ "$(tracer_state new-scan)" = "mapped from its snapshot" ] || fail "the trace after the new scan built the tracer"
grep -q "^$other," new-scan.csv || fail "the imported scan put no contact: $other"

# Every kept answer is that of indexes built afresh.
fk coverage "$name" --by grid >cov-now.csv
fk missing "$name" --region "$region" >miss-now.csv
rm -f "$ENG" "$TRC"
fk coverage "$name" --by grid >cov-fresh.csv
fk missing "$name" --region "$region" >miss-fresh.csv
[ "$(tracer_state fresh)" = "built from the store" ] || fail "no snapshot, yet the tracer was mapped"
# past the headers (their generations differ), the extended files are the built ones: the
# sections and the block sums (the headers' sizes: struct tsnap_header, struct snap_header)
cmp -s -i 528 extended.tracer "$TRC" || fail "the extended tracer's snapshot is not the one a build writes"
cmp -s -i 488 extended.engine "$ENG" || fail "the extended engine's snapshot is not the one a build writes"
cmp -s cov-now.csv cov-fresh.csv || fail "coverage from the kept engine differs from a fresh build"
cmp -s miss-now.csv miss-fresh.csv || fail "the missing list from the kept engine differs from a fresh build"
cmp -s new-scan.csv fresh.csv || { diff new-scan.csv fresh.csv | sed -n 1,5p >&2; fail "the kept tracer's trace differs from a fresh build"; }
# and the samples imported after the first coverage moved it: the kept engine did not answer stale
cmp -s cov-kept.csv cov-now.csv && fail "coverage did not move after more samples"
echo "import keeps the snapshots: written by what feeds them, current through everything else, the same answers"
