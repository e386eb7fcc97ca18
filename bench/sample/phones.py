#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The sampling tables' phones against fangkong serve (bench/run-sample.sh; issue 21): PHONES
# threads, each a phone signed in as ACCOUNT, send their share of the entries in batches of
# BATCH to POST /api/v1/sample/entries, each waiting for the answer before the next (as the page
# does). Then the same entries, batch for batch, go into a bare SQLite table keyed on (tube, ID
# number), one durable transaction a batch (WAL, synchronous=FULL, as fangkong's store), from one
# thread: the baseline. Prints the two rates and their ratio.
# Usage: phones.py URL ACCOUNT PASSWORD PERSONS.CSV ENTRIES PHONES BATCH SQLITE_FILE
import csv, json, sqlite3, sys, threading, time, urllib.request

url, account, password, persons, n, phones, batch, lite = sys.argv[1:9]
n, phones, batch = int(n), int(phones), int(batch)
ids = [r["id_number"] for r in csv.DictReader(open(persons, encoding="utf-8"))][:n]
assert len(ids) == n, f"only {len(ids)} persons"
# tube k holds persons 10k..10k+9 (10:1), all sampled at one time inside the round
entries = [{"tube": f"BT{i // 10:07d}", "id_number": x, "time": "2022-08-28T10:00:00+08:00"} for i, x in enumerate(ids)]
batches = [entries[i:i + batch] for i in range(0, n, batch)]


def ask(path, body=None, token=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


token = ask("/api/v1/login", {"name": account, "password": password})["token"]
accepted = [0] * phones
errors = []


def phone(k):
    try:
        for b in batches[k::phones]:
            a = ask("/api/v1/sample/entries", {"site": f"PHONE{k}", "pool": 10, "entries": b}, token)
            if a["rejected"]:
                errors.append(a["rejects"][:2])
            accepted[k] += a["accepted"]
    except Exception as e:  # noqa: BLE001 - reported below
        errors.append(repr(e))


t0 = time.monotonic()
threads = [threading.Thread(target=phone, args=(k,)) for k in range(phones)]
for t in threads:
    t.start()
for t in threads:
    t.join()
api_s = time.monotonic() - t0
assert not errors, errors[:3]
assert sum(accepted) == n, f"{sum(accepted)} accepted of {n}"

db = sqlite3.connect(lite, isolation_level=None)
db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                 "CREATE TABLE samples (tube TEXT, id_number TEXT, time TEXT, site TEXT, PRIMARY KEY (tube, id_number)) WITHOUT ROWID")
t0 = time.monotonic()
for b in batches:
    db.execute("BEGIN")
    db.executemany("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, 'S')", [(e["tube"], e["id_number"], e["time"]) for e in b])
    db.execute("COMMIT")
lite_s = time.monotonic() - t0
print(f"fangkong API, {phones} phones, batches of {batch}: {n} entries in {api_s:.2f} s, {n / api_s:,.0f} entries/s")
print(f"sqlite3, one thread, same batches, bare keyed table: {lite_s:.2f} s, {n / lite_s:,.0f} entries/s")
print(f"fangkong / sqlite3: {(n / api_s) / (n / lite_s):.2f}")
