#!/usr/bin/env python3
"""A daily refresh equals a full compute: ingests a simulated world one day at a time, running
`aips compute` after each day (which continues from the stored engine state instead of recomputing),
and compares every brand's trend, flows and penetration with a store that ingested everything and
computed once. Usage: incremental_test.py AIPS_BINARY [--old OLD_BINARY]

With --old, the first half of the daily rounds run OLD_BINARY (a build that writes older file formats) and
the rest AIPS_BINARY, which must read what the old build stored, continue from it where it can (or compute
from the first day) and then continue from its own state.
"""
import collections, csv, glob, json, os, shutil, subprocess, sys, tempfile

aips = sys.argv[1]
old = sys.argv[sys.argv.index("--old") + 1] if "--old" in sys.argv else None
work = tempfile.mkdtemp(prefix="aips-incr-")


def run(*args, binary=None):
    p = subprocess.run([binary or aips, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"aips {' '.join(args)} failed: {p.stderr}")
    return json.loads(p.stdout) if "--json" in args else p.stdout


try:
    world = os.path.join(work, "world")
    run("simulate", "--out", world, "--users", "3000", "--days", "45", "--seed", "17", "--brands", "6")
    by_day = collections.defaultdict(list)
    with open(os.path.join(world, "events.csv"), newline="") as f:
        r = csv.reader(f)
        header = next(r)
        for row in r:
            by_day[row[1][:10]].append(row)
    side = [os.path.join(world, n) for n in ("categories.csv", "brands.csv")]
    full, daily = os.path.join(work, "full"), os.path.join(work, "daily")
    run("ingest", "--data", full, *side, os.path.join(world, "events.csv"))
    run("compute", "--data", full, "--json")
    run("ingest", "--data", daily, *side)
    resumed = 0
    old_days = set(sorted(by_day)[:len(by_day) // 2]) if old else set()
    switched = False
    resumed_new = 0
    for day in sorted(by_day):
        binary = old if day in old_days else None
        first_new = bool(old) and binary is None and not switched
        if first_new:  # what the old build left
            switched = True
            stored = sorted({open(f, "rb").read(8).decode() for f in glob.glob(os.path.join(daily, "snap", "*.state"))})
        path = os.path.join(work, f"day-{day}.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(by_day[day])
        run("ingest", "--data", daily, path, binary=binary)
        n = run("compute", "--data", daily, "--json", binary=binary)["subjects_resumed"]
        resumed += n
        if old and binary is None:
            resumed_new += n
        if first_new:  # it continues from what it can read and may compute the rest from the first day
            print(f"{old} stored states {stored}; the first compute of {aips} continued {n} subjects from them")
    days = sorted(by_day)
    brands = [b["brand"] for b in run("info", "--data", full, "--json")["brands"]]
    for b in brands:
        args = ["--brand", b, "--json"]
        for cmd in (["trend", "--from", days[0], "--to", days[-1]], ["flow", "--from", days[5], "--to", days[-1]],
                    ["penetration", "--date", days[-3]]):
            a, c = run(*cmd, "--data", full, *args), run(*cmd, "--data", daily, *args)
            if a != c:
                sys.exit(f"FAIL: {cmd[0]} of {b} differs between the daily refresh and the full compute")
    if resumed == 0 or (old and resumed_new == 0):
        sys.exit("FAIL: no daily compute continued from the stored state")
    print(f"incremental: {len(days)} daily ingest+compute rounds ({resumed} subject refreshes continued from stored "
          f"state) equal one full compute for {len(brands)} brands")
finally:
    shutil.rmtree(work, ignore_errors=True)
