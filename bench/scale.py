#!/usr/bin/env python3
"""Scale run (issues #7, #20): aips's ingest and 90-day compute at growing world sizes, per event.

For each size (users; about 10 events per user, 90 days, seed 7) it simulates a world, ingests its events in ONE
run, computes every snapshot (90 days x every brand, SPU and category scope), answers one `aips stages` in a fresh
process, and reports seconds, peak memory and bytes per million events (flat = linear cost).

Sizes up to --file-max-users are simulated to a CSV file first and ingested from the file, so the ingest figure is
aips alone. Larger worlds do not fit on the disk as CSV: they are simulated once into a zstd-compressed stream
(`aips simulate --events-stdout | zstd -1`) and ingested from `zstd -dc FILE | aips ingest --data DIR -`, standard
input read in pieces, rows spilled to sorted runs when the row buffer fills (docs/input.md "Inputs of any size");
zstd's decompression shares the two cores. Compute is skipped above --compute-max-users (its memory grows with the
users of the largest brand, docs/performance.md). Worlds and data directories are deleted after each size.

usage: bench/scale.py [--users 2000000,20000000,100000000] [--world-2000000 DIR] [--work /tmp/aips-scale]
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc import timed  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def timed_pipe(producer, consumer):
    """(seconds, peak RSS MB of the consumer, its stdout) of `producer | consumer`."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        prod = subprocess.Popen(producer, stdout=subprocess.PIPE)
        cons = subprocess.Popen(consumer, stdin=prod.stdout, stdout=out, stderr=err)
        prod.stdout.close()
        _, status, usage = os.wait4(cons.pid, 0)
        secs = time.perf_counter() - t0
        prod.wait()
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0 or prod.returncode != 0:
            sys.exit(f"scale: {' '.join(producer)} | {' '.join(consumer)} failed: {err.read().decode()[-2000:]}")
        return secs, usage.ru_maxrss / 1024, out.read().decode()


def dir_bytes(d):
    return sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(d) for f in fs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--aips", default=os.path.join(ROOT, "build", "aips"))
    ap.add_argument("--users", default="2000000,20000000,100000000")
    ap.add_argument("--file-max-users", type=int, default=20000000)
    ap.add_argument("--compute-max-users", type=int, default=30000000)
    ap.add_argument("--world", action="append", default=[],
                    help="USERS=DIR: an already simulated world of that size (kept)")
    ap.add_argument("--work", default="/tmp/aips-scale")
    ap.add_argument("--keep-data", action="store_true", help="keep the data directories (for profiling)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    given = dict((int(k), v) for k, v in (w.split("=", 1) for w in args.world))
    rows = []
    os.makedirs(args.work, exist_ok=True)
    for users in [int(u) for u in args.users.split(",")]:
        world, data = given.get(users, os.path.join(args.work, f"world-{users}")), os.path.join(args.work, f"data-{users}")
        shutil.rmtree(data, ignore_errors=True)
        streamed = users > args.file_max_users
        r = {"users": users, "streamed": streamed}
        sim = [args.aips, "simulate", "--out", world, "--users", str(users), "--days", "90", "--seed", "7",
               "--duplicate-rate", "0"]
        if streamed:
            packed = os.path.join(world, "events.csv.zst")
            if not os.path.exists(packed):
                print(f"{users} users: simulate | zstd ...", file=sys.stderr)
                os.makedirs(world, exist_ok=True)
                t0 = time.perf_counter()
                with open(packed + ".part", "wb") as f:
                    s = subprocess.Popen(sim + ["--events-stdout"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                    z = subprocess.run(["zstd", "-1", "-q", "-c"], stdin=s.stdout, stdout=f)
                    s.wait()
                    if s.returncode or z.returncode:
                        sys.exit("scale: simulate | zstd failed")
                os.rename(packed + ".part", packed)
                r["simulate_s"] = time.perf_counter() - t0
            print(f"{users} users: zstd -dc | aips ingest - ...", file=sys.stderr)
            r["ingest_s"], r["ingest_rss_mb"], out = timed_pipe(["zstd", "-dc", packed],
                                                                [args.aips, "ingest", "--data", data, "--json", "-"])
        else:
            csv = os.path.join(world, "events.csv")
            if not os.path.exists(csv):
                print(f"{users} users: simulate ...", file=sys.stderr)
                r["simulate_s"], _, _ = timed(sim)
            r["csv_bytes"] = os.path.getsize(csv)
            print(f"{users} users: ingest ...", file=sys.stderr)
            r["ingest_s"], r["ingest_rss_mb"], out = timed([args.aips, "ingest", "--data", data, "--json", csv])
        res = json.loads(out)
        r["events"], r["spilled_runs"] = res["accepted"], res["spilled_runs"]
        r["bytes_after_ingest"] = dir_bytes(data)
        print(f"  {r['events']:,} events in {r['ingest_s']:.1f} s, {r['ingest_rss_mb']:.0f} MB", file=sys.stderr)
        if users <= args.compute_max_users:
            print("  compute ...", file=sys.stderr)
            r["compute_s"], r["compute_rss_mb"], _ = timed([args.aips, "compute", "--data", data])
            info = json.loads(subprocess.run([args.aips, "info", "--data", data, "--json"], capture_output=True,
                                             text=True).stdout)
            brand = info["brands"][0]["brand"]
            q = [timed([args.aips, "stages", "--data", data, "--brand", brand, "--json"])[0] for _ in range(5)]
            r["stages_ms"] = sorted(q)[2] * 1000
            r["bytes_after_compute"] = dir_bytes(data)
        rows.append(r)
        print(json.dumps(r), file=sys.stderr)
        if users not in given:
            shutil.rmtree(world, ignore_errors=True)
        if not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    date = datetime.date.today().isoformat()
    os.makedirs(args.out, exist_ok=True)
    # Sizes measured earlier the same day (another invocation) are kept unless measured again.
    path = os.path.join(args.out, f"scale-{date}.json")
    if os.path.exists(path):
        done = {r["users"] for r in rows}
        rows = [r for r in json.load(open(path)) if r["users"] not in done] + rows
        rows.sort(key=lambda r: r["users"])
    json.dump(rows, open(os.path.join(args.out, f"scale-{date}.json"), "w"), indent=1)
    md = [f"# aips scale run — {date}", "",
          f"{os.cpu_count()} vCPU; `aips simulate --days 90 --seed 7 --duplicate-rate 0`; one ingest run and one "
          "compute per size; fresh `aips stages` = median of 5 processes. Streamed = `zstd -dc | aips ingest -`.", "",
          "| events | input | ingest s | s per M events | ingest peak MB | spilled runs | B/event after ingest "
          "| compute s | s per M events | compute peak MB | B/event after compute | fresh stages ms |",
          "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r["events"] / 1e6
        line = (f"| {r['events']:,} | {'streamed' if r['streamed'] else 'file'} | {r['ingest_s']:.1f} | "
                f"{r['ingest_s'] / m:.3f} | {r['ingest_rss_mb']:.0f} | {r['spilled_runs']} | "
                f"{r['bytes_after_ingest'] / r['events']:.2f} | ")
        if "compute_s" in r:
            line += (f"{r['compute_s']:.1f} | {r['compute_s'] / m:.3f} | {r['compute_rss_mb']:.0f} | "
                     f"{r['bytes_after_compute'] / r['events']:.2f} | {r['stages_ms']:.0f} |")
        else:
            line += "not run | | | | |"
        md.append(line)
    text = "\n".join(md) + "\n"
    open(os.path.join(args.out, f"scale-{date}.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
