#!/usr/bin/env python3
"""Scale run (issue #7): aips's load and 90-day compute at growing world sizes, per event.

For each size (users; about 10 events per user) it simulates a 90-day world, ingests it, computes every
snapshot, answers one `aips stages` in a fresh process, and reports seconds and bytes per million events
(flat = linear cost). Worlds and data directories are deleted after each size to save disk.

usage: bench/scale.py [--users 2000000,10000000] [--work /tmp/aips-scale]
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aips", default=os.path.join(ROOT, "build", "aips"))
    ap.add_argument("--users", default="2000000,10000000")
    ap.add_argument("--work", default="/tmp/aips-scale")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    rows = []
    for users in [int(u) for u in args.users.split(",")]:
        world, data = os.path.join(args.work, f"world-{users}"), os.path.join(args.work, f"data-{users}")
        shutil.rmtree(data, ignore_errors=True)
        print(f"{users} users: simulate ...", file=sys.stderr)
        sim_s, _, _ = timed([args.aips, "simulate", "--out", world, "--users", str(users), "--days", "90", "--seed",
                             "7", "--duplicate-rate", "0"])
        csv = os.path.join(world, "events.csv")
        events = sum(1 for _ in open(csv, "rb")) - 1
        csv_bytes = os.path.getsize(csv)
        print(f"  {events} events: ingest ...", file=sys.stderr)
        ing_s, ing_rss, _ = timed([args.aips, "ingest", "--data", data, csv])
        print("  compute ...", file=sys.stderr)
        cmp_s, cmp_rss, _ = timed([args.aips, "compute", "--data", data])
        info = json.loads(subprocess.run([args.aips, "info", "--data", data, "--json"], capture_output=True,
                                         text=True).stdout)
        brand = info["brands"][0]["brand"]
        q_s, q_rss, _ = timed([args.aips, "stages", "--data", data, "--brand", brand, "--json"])
        store = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(data) for f in fs)
        rows.append({"users": users, "events": events, "csv_bytes": csv_bytes, "simulate_s": sim_s, "ingest_s": ing_s,
                     "ingest_rss_mb": ing_rss, "compute_s": cmp_s, "compute_rss_mb": cmp_rss, "stages_ms": q_s * 1000,
                     "stages_rss_mb": q_rss, "store_bytes": store})
        shutil.rmtree(world, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    date = datetime.date.today().isoformat()
    os.makedirs(args.out, exist_ok=True)
    json.dump(rows, open(os.path.join(args.out, f"scale-{date}.json"), "w"), indent=1)
    md = [f"# aips scale run — {date}", "",
          f"{os.cpu_count()} vCPU; `aips simulate --days 90 --seed 7`; one run per size (the machine is noisy).", "",
          "| events | ingest s | s per M events | ingest peak MB | compute s (90 days, all subjects) | s per M events "
          "| compute peak MB | fresh `aips stages` ms | store bytes/event |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r["events"] / 1e6
        md.append(f"| {r['events']:,} | {r['ingest_s']:.1f} | {r['ingest_s'] / m:.2f} | {r['ingest_rss_mb']:.0f} | "
                  f"{r['compute_s']:.1f} | {r['compute_s'] / m:.3f} | {r['compute_rss_mb']:.0f} | {r['stages_ms']:.0f} | "
                  f"{r['store_bytes'] / r['events']:.1f} |")
    text = "\n".join(md) + "\n"
    open(os.path.join(args.out, f"scale-{date}.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
