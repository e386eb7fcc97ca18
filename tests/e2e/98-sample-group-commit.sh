#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sampling tables' group commit (issue 21): 16 phones at once, each sending one entry a
# request on a keep-alive connection, as the page does while the network is up. The server
# commits the batches queued at one moment together: its log at the stop says it committed fewer
# groups than batches. It is stopped (SIGTERM) while the phones send: it commits and answers what
# was queued, then exits, and every entry answered as accepted is in the store, none is there
# twice, and nothing is there that no phone sent. Worked out here from the phones' own record of
# what they sent and what the server answered.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
cp "$DATA/regions.csv" "$DATA/persons.csv" .
for t in regions persons; do
    fk import "$t" "$t.csv" >/dev/null 2>"$t.err"
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc: $(cat "$t.err")"
done
echo "county-password-98" | "$FANGKONG" user add desk --role county --scope 140702 >/dev/null 2>&1 ||
    fail "user add"
# registered residents of 榆次区 (140702), whose ID numbers are well-formed
awk -F, 'NR > 1 && $4 ~ /^140702/ { print $1 }' persons.csv | grep -E '^[0-9]{17}[0-9X]$' |
    sort -u >ids.txt
# exited PID: the process has ended (a child not yet waited for is a zombie, which kill -0 sees)
exited() {
    local st
    st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$st" = Z ]
}
[ "$(wc -l <ids.txt)" -ge 800 ] || fail "too few residents of 140702 in city-3"
start_server
token=$(login desk county-password-98)

# The phones: each sends its share of the residents, one entry a request, 10 to a tube, and
# records each answer; once 300 entries are answered the script stops the server, and the phones
# stop at their first failed request.
"$PY" - "$PORT" "$token" "$FK_SERVER_PID" <<'PY' || fail "the phones"
import http.client, json, os, signal, sys, threading
port, token, server = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ids = open("ids.txt").read().split()
PHONES = 16
lock = threading.Lock()
answered, sent, errors = [], [], []
stopped = threading.Event()

def phone(k):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for n, idn in enumerate(ids[k::PHONES]):
        tube = "GC%02d-%03d" % (k, n // 10)
        body = json.dumps({"site": "PHONE%d" % k, "pool": 10, "entries": [
            {"tube": tube, "id_number": idn, "time": "2022-08-28T10:00:00+08:00"}]})
        with lock:
            sent.append((tube, idn))
        try:
            conn.request("POST", "/api/v1/sample/entries", body,
                         {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            res = conn.getresponse()
            a = json.loads(res.read())
        except Exception:
            return  # the server went away: the rest of this phone's queue stays on the phone
        if res.status == 503 and stopped.is_set() and "stopping" in a.get("error", ""):
            return  # not taken: it stays on the phone
        if res.status != 200:
            with lock:
                errors.append((res.status, a))
            return
        if a["accepted"] != 1 or a["rejected"]:
            with lock:
                errors.append(a)
            return
        with lock:
            answered.append((tube, idn))
            if len(answered) >= 300 and not stopped.is_set():
                stopped.set()
                os.kill(server, signal.SIGTERM)

threads = [threading.Thread(target=phone, args=(k,)) for k in range(PHONES)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors[:3]
assert stopped.is_set(), "the phones sent everything before 300 answers"
with open("answered.txt", "w") as f:
    f.writelines("%s,%s\n" % e for e in answered)
with open("sent.txt", "w") as f:
    f.writelines("%s,%s\n" % e for e in sent)
print("phones: %d sent, %d answered before the stop" % (len(sent), len(answered)))
PY
# The server commits what was queued and exits by itself.
wait_for 30 "the server to stop" exited "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || fail "the server exited with $? on SIGTERM"
FK_SERVER_PID=
line=$(grep "sampling tables: .* batches committed in .* groups" "$WORK/serve.log") ||
    fail "the server's log does not say what it committed"
read -r batches groups < <(sed -E 's/.*: ([0-9]+) batches committed in ([0-9]+) groups.*/\1 \2/' <<<"$line")
[ "$groups" -lt "$batches" ] || fail "every batch was committed alone: $line"
# What the store holds of the phones' tubes: each entry once, every answered one, only sent ones.
"$FANGKONG" export samples 2>/dev/null | awk -F, '$1 ~ /^GC/ { print $1 "," $2 }' | sort >stored.txt
twice=$(uniq -d stored.txt | awk 'NR <= 3')
[ -z "$twice" ] || fail "an entry is stored twice: $twice"
missing=$(comm -23 <(sort answered.txt) stored.txt | awk 'NR <= 3')
[ -z "$missing" ] || fail "answered entries are not in the store: $missing"
extra=$(comm -13 <(sort sent.txt) stored.txt | awk 'NR <= 3')
[ -z "$extra" ] || fail "stored entries no phone sent: $extra"
echo "sample group commit: $(wc -l <answered.txt) answered, $(wc -l <stored.txt) stored; $line"
