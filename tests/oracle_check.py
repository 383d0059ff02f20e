#!/usr/bin/env python3
"""Checks the engine against an independent brute-force reading of AIPS.md §3–§4 on a simulated world.

Simulates a world with `aips simulate`, ingests and computes it, then recomputes every brand's and SPU's
stage sizes on every day, flow matrices and penetration from the raw CSV in plain Python (default rules,
Asia/Shanghai days) and compares them with `aips trend/flow/penetration --json`. Any difference fails.

Usage: oracle_check.py AIPS_BINARY [--users N] [--days N] [--seed N]
"""
import argparse, collections, csv, datetime, json, os, shutil, subprocess, sys, tempfile
from zoneinfo import ZoneInfo

STAGES = ["A", "I", "TI", "P", "S"]
ACTION_STAGE = {"impression": 0, "click": 1, "like": 1, "purchase": 3, "post": 4}
for a in ["deep_read", "collect", "comment", "share", "follow", "screenshot", "search", "product_click",
          "add_to_cart", "store_visit"]:
    ACTION_STAGE[a] = 2
WINDOW = [30, 30, 30, 30, 365]
TZ = ZoneInfo("Asia/Shanghai")


def aips(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"aips {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout) if "--json" in args else p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--users", type=int, default=1500)
    ap.add_argument("--days", type=int, default=50)
    ap.add_argument("--seed", type=int, default=11)
    o = ap.parse_args()
    work = tempfile.mkdtemp(prefix="aips-oracle-")
    try:
        world, data = os.path.join(work, "world"), os.path.join(work, "data")
        aips(o.aips, "simulate", "--out", world, "--users", str(o.users), "--days", str(o.days), "--seed", str(o.seed),
             "--brands", "6", "--json")
        files = [os.path.join(world, f) for f in sorted(os.listdir(world))]
        ing = aips(o.aips, "ingest", "--data", data, "--json", *files)
        aips(o.aips, "compute", "--data", data, "--json")

        # Independent reading of the raw files.
        seen, events = set(), []
        with open(os.path.join(world, "events.csv"), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["event_id"] in seen:
                    continue
                seen.add(row["event_id"])
                day = datetime.datetime.fromisoformat(row["ts"]).astimezone(TZ).date()
                events.append((row["user_id"], row["brand"], row["spu"], ACTION_STAGE[row["action"]], day))
        category = {}
        with open(os.path.join(world, "brands.csv"), newline="") as f:
            for row in csv.DictReader(f):
                category[row["brand"]] = row["category"]
        if ing["accepted"] != len(events) + sum(1 for _ in open(os.path.join(world, "brands.csv"))) - 1 + \
                sum(1 for _ in open(os.path.join(world, "categories.csv"))) - 1 + \
                sum(1 for _ in open(os.path.join(world, "campaigns.csv"))) - 1 + \
                sum(1 for _ in open(os.path.join(world, "spend.csv"))) - 1:
            sys.exit(f"accepted {ing['accepted']} rows, the oracle counts {len(events)} distinct events plus side rows")
        first = min(e[4] for e in events)
        last = max(e[4] for e in events)
        n = (last - first).days + 1 + 35  # past the end, so that expiries are checked too
        day = lambda d: (d - first).days

        # scope -> user -> per-day stage (0 none, 1..5)
        scopes = collections.defaultdict(lambda: collections.defaultdict(lambda: [0] * n))
        hits = collections.defaultdict(list)
        for u, b, s, st, d in events:
            hits[(b, None, u)].append((st, day(d)))
            if s:
                hits[(b, s, u)].append((st, day(d)))
        for (b, s, u), hs in hits.items():
            arr = scopes[(b, s)][u]
            for st, q in sorted(hs):  # ascending stage: a higher stage overrides a lower one
                for d in range(q, min(q + WINDOW[st], n)):
                    arr[d] = max(arr[d], st + 1)
        crowd = collections.defaultdict(lambda: [set() for _ in range(n)])
        for u, b, s, st, d in events:
            for x in range(day(d), min(day(d) + 30, n)):
                crowd[category[b]][x].add(u)

        checked = 0
        fmt = lambda i: (first + datetime.timedelta(days=i)).isoformat()
        for (b, s), users in sorted(scopes.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            args = ["trend", "--data", data, "--brand", b, "--from", fmt(0), "--to", fmt(n - 1), "--json"]
            if s:
                args[5:5] = ["--spu", s]
            got = aips(o.aips, *args)["days"]
            for i in range(n):
                want = [0] * 5
                for arr in users.values():
                    if arr[i]:
                        want[arr[i] - 1] += 1
                have = [got[i]["stages"][k] for k in STAGES]
                if have != want:
                    sys.exit(f"stages differ: brand {b} spu {s} day {fmt(i)}: aips {have}, oracle {want}")
                checked += 1
            # Flows between a few pairs of days.
            for d0, d1 in [(5, n - 40), (10, 30), (0, n - 1), (20, 21)]:
                if d1 <= d0 or d1 >= n:
                    continue
                args = ["flow", "--data", data, "--brand", b, "--from", fmt(d0), "--to", fmt(d1), "--json"]
                if s:
                    args[5:5] = ["--spu", s]
                m = aips(o.aips, *args)["matrix"]
                want = collections.Counter((arr[d0], arr[d1]) for arr in users.values())
                names = ["none"] + STAGES
                for a in range(6):
                    for c in range(6):
                        w = 0 if a == 0 and c == 0 else want[(a, c)]
                        if m[names[a]][names[c]] != w:
                            sys.exit(f"flow differs: brand {b} spu {s} {fmt(d0)}->{fmt(d1)} {names[a]}->{names[c]}: "
                                     f"aips {m[names[a]][names[c]]}, oracle {w}")
            if s is None:
                for i in [n - 36, 25, 40]:
                    if i < 0 or i >= n:
                        continue
                    p = aips(o.aips, "penetration", "--data", data, "--brand", b, "--date", fmt(i), "--json")
                    c = crowd[category[b]][i]
                    want = [0] * 5
                    for u, arr in users.items():
                        if arr[i] and u in c:
                            want[arr[i] - 1] += 1
                    have = [p[k] for k in STAGES]
                    if p["category_crowd"] != len(c) or have != want:
                        sys.exit(f"penetration differs: brand {b} day {fmt(i)}: aips crowd {p['category_crowd']} {have}, "
                                 f"oracle crowd {len(c)} {want}")
        print(f"oracle: {len(events)} events, {len(scopes)} scopes, {checked} scope-days, flows and penetration agree")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
