#!/usr/bin/env python3
"""`aips retain` (issue #8): after dropping the days before the cutoff, a data directory answers exactly as
a fresh directory that only ever received the kept days' events — stages, trends, flows and penetration of
every brand — and verifies clean; an old event sent again is still a duplicate.

usage: retention_test.py AIPS
"""
import csv
import json
import os
import subprocess
import sys
import tempfile


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: {p.stderr.strip()}")
    return p.stdout


def main():
    aips = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="aips-retain-")
    world = os.path.join(work, "world")
    run(aips, "simulate", "--out", world, "--users", "5000", "--days", "60", "--seed", "13")
    side = [os.path.join(world, f) for f in ("brands.csv", "categories.csv", "campaigns.csv", "spend.csv")]
    events = os.path.join(world, "events.csv")
    full, fresh = os.path.join(work, "full"), os.path.join(work, "fresh")
    run(aips, "ingest", "--data", full, events, *side)
    run(aips, "compute", "--data", full)
    keep = 25
    r = json.loads(run(aips, "retain", "--data", full, "--keep-days", str(keep), "--json"))
    cutoff = r["cutoff"]
    # The same world as if only the kept days had ever arrived (the simulated timestamps carry the zone's
    # +08:00 offset, so their date part is the local day).
    with open(events, newline="") as f:
        rows = list(csv.reader(f))
    ts = rows[0].index("ts")
    recent = os.path.join(work, "recent.csv")
    with open(recent, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(rows[0])
        w.writerows(x for x in rows[1:] if x[ts][:10] >= cutoff)
    old = next(x for x in rows[1:] if x[ts][:10] < cutoff)
    run(aips, "ingest", "--data", fresh, recent, *side)
    a = json.loads(run(aips, "info", "--data", full, "--json"))
    b = json.loads(run(aips, "info", "--data", fresh, "--json"))
    if (a["events"], a["days"], a["users"]) != (b["events"], b["days"], b["users"]):
        sys.exit(f"FAIL: after retain: {a['events']} events of {a['users']} users from {a['first_day']}; "
                 f"expected {b['events']} of {b['users']} from {b['first_day']}")
    if r["users_dropped"] == 0:
        sys.exit("FAIL: no user was left with nothing: the world does not test users_dropped")
    if r["rows_dropped"] + a["events"] != len(rows) - 1 - duplicates(rows):
        sys.exit(f"FAIL: rows dropped {r['rows_dropped']} + kept {a['events']} do not add up")
    last = a["last_day"]
    checks = 0
    for brand in [x["brand"] for x in b["brands"]]:
        for q in (["trend", "--brand", brand, "--from", cutoff, "--to", last], ["flow", "--brand", brand],
                  ["penetration", "--brand", brand], ["stages", "--brand", brand, "--date", cutoff]):
            got = run(aips, q[0], "--data", full, *q[1:], "--json")
            want = run(aips, q[0], "--data", fresh, *q[1:], "--json")
            if got != want:
                sys.exit(f"FAIL: aips {' '.join(q)} after retain:\n {got[:500]}\nexpected (fresh directory):\n {want[:500]}")
            checks += 1
    # Users outside every stage: the crowd of users the directory knows, as a fresh directory knows them.
    nobody = f'not stage(brand: "{b["brands"][0]["brand"]}", date: "{last}") in [A, I, TI, P, S]'
    for q in (["crowd", "count", "--expr", nobody], ["crowd", "export", "--expr", nobody, "--raw", "--min-size", "0"]):
        got, want = (run(aips, *q, "--data", d) for d in (full, fresh))
        if sorted(got.splitlines()) != sorted(want.splitlines()):
            sys.exit(f"FAIL: aips {' '.join(q)} after retain:\n {got[:300]}\nexpected (fresh directory):\n {want[:300]}")
        checks += 1
    out = json.loads(run(aips, "check", "--data", full, "--json"))
    if not out["ok"]:
        sys.exit(f"FAIL: check after retain: {out['damaged']}")
    old_file = os.path.join(work, "old.csv")
    with open(old_file, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([rows[0], old])
    again = json.loads(run(aips, "ingest", "--data", full, old_file, "--json"))
    if again["accepted"] != 0 or again["duplicates"] != 1:
        sys.exit(f"FAIL: an old event sent again after retain: {again}")
    subprocess.run(["rm", "-rf", work])
    print(f"retain: kept {keep} days from {cutoff} ({a['events']} events, {r['rows_dropped']} dropped); "
          f"{checks} queries equal a directory that only received those days; check clean; old ids still known")


def duplicates(rows):
    ids = [x[0] for x in rows[1:] if x[0]]
    return len(ids) - len(set(ids))


if __name__ == "__main__":
    main()
