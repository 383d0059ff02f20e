#!/usr/bin/env python3
"""Checks the engine against an independent brute-force reading of docs/definitions.md (stage rules, measures) on a simulated world.

Simulates a world with `aips simulate`, ingests and computes it, then recomputes every brand's and SPU's
stage sizes on every day, flow matrices and penetration from the raw CSV in plain Python (default rules,
Asia/Shanghai days) and compares them with `aips trend/flow/penetration --json`. Any difference fails.

Usage: oracle_check.py AIPS_BINARY [--users N] [--days N] [--seed N]
       oracle_check.py AIPS_BINARY --events EVENTS.csv [--brands BRANDS.csv] [--max-scopes N]
The second form checks an existing events file (e.g. real data mapped by scripts/realdata/to_events.py);
rows that docs/input.md rejects are left out of the oracle's reading and their number is compared too.
"""
import argparse, collections, csv, datetime, json, os, random, shutil, subprocess, sys, tempfile
from zoneinfo import ZoneInfo

STAGES = ["A", "I", "TI", "P", "S"]
ACTION_STAGE = {"impression": 0, "click": 1, "like": 1, "purchase": 3, "post": 4}
for a in ["deep_read", "collect", "comment", "share", "follow", "screenshot", "search", "product_click",
          "add_to_cart", "store_visit"]:
    ACTION_STAGE[a] = 2
WINDOW = [30, 30, 30, 30, 365]
TZ = ZoneInfo("Asia/Shanghai")


def valid_day(row):
    """The event's local day, or None when docs/input.md rejects the row."""
    if not row.get("user_id") or not row.get("brand") or row.get("action") not in ACTION_STAGE:
        return None
    ts = row.get("ts") or ""
    try:
        if ts.isdigit():
            t = datetime.datetime.fromtimestamp(int(ts), TZ)
        else:
            t = datetime.datetime.fromisoformat(ts)
            if t.tzinfo is None:
                return None
    except ValueError:
        return None
    if not (946684800 <= t.timestamp() < 4102444800):
        return None
    amount = row.get("amount") or ""
    if row["action"] == "purchase" and (amount == "" or float(amount) < 0):
        return None
    if amount and float(amount) < 0:
        return None
    if row["action"] == "post" and row.get("sentiment") not in ("positive", "neutral", "negative"):
        return None
    return t.astimezone(TZ).date()


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
    ap.add_argument("--events")
    ap.add_argument("--brands")
    ap.add_argument("--max-scopes", type=int, default=1000000)
    o = ap.parse_args()
    work = tempfile.mkdtemp(prefix="aips-oracle-")
    try:
        world, data = os.path.join(work, "world"), os.path.join(work, "data")
        if o.events:
            events_file, brands_file = o.events, o.brands
            files = [events_file] + ([brands_file] if brands_file else [])
        else:
            aips(o.aips, "simulate", "--out", world, "--users", str(o.users), "--days", str(o.days), "--seed",
                 str(o.seed), "--brands", "6", "--json")
            events_file, brands_file = os.path.join(world, "events.csv"), os.path.join(world, "brands.csv")
            files = [events_file, brands_file]
        ing = aips(o.aips, "ingest", "--data", data, "--json", *files)
        aips(o.aips, "compute", "--data", data, "--json")

        # Independent reading of the raw files, with the rejection rules of docs/input.md.
        seen, events, rejected = set(), [], 0
        with open(events_file, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                day = valid_day(row)
                if day is None:
                    rejected += 1
                    continue
                eid = row.get("event_id") or ""
                if eid:
                    if eid in seen:
                        continue
                    seen.add(eid)
                events.append((row["user_id"], row["brand"], row.get("spu") or "", ACTION_STAGE[row["action"]], day))
        category = {}
        if brands_file:
            with open(brands_file, newline="") as f:
                for row in csv.DictReader(f):
                    category[row["brand"]] = row["category"]
        for e in events:
            category.setdefault(e[1], "brand:" + e[1])
        if ing["files"][0]["accepted"] != len(events) or ing["rejected"] != rejected:
            sys.exit(f"aips accepted {ing['files'][0]['accepted']} events and rejected {ing['rejected']}; "
                     f"the oracle counts {len(events)} and {rejected}")
        first = min(e[4] for e in events)
        last = max(e[4] for e in events)
        n = (last - first).days + 1 + 35  # past the end, so that expiries are checked too
        # Days outside the data are refused (docs/cli.md): one event of a brand the oracle does not check,
        # on the last day it asks, keeps every asked day inside the data.
        filler = os.path.join(work, "filler.csv")
        with open(filler, "w") as f:
            f.write("event_id,ts,user_id,brand,action\n")
            f.write(f"oracle-filler,{last + datetime.timedelta(days=35)}T12:00:00+08:00,oracle-filler,zz-filler,impression\n")
        aips(o.aips, "ingest", "--data", data, "--json", filler)
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
        chosen = sorted(scopes.items(), key=lambda kv: (-len(kv[1]), kv[0][0], kv[0][1] or ""))
        if len(chosen) > o.max_scopes:  # the largest scopes, and a random sample of the rest
            rest = chosen[o.max_scopes // 2:]
            chosen = chosen[:o.max_scopes // 2] + random.Random(1).sample(rest, o.max_scopes - o.max_scopes // 2)
        for (b, s), users in chosen:
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
        print(f"oracle: {len(events)} events ({rejected} rejected), {len(chosen)} of {len(scopes)} scopes, "
              f"{checked} scope-days: stages, flows and penetration agree")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
