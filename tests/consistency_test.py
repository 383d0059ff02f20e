#!/usr/bin/env python3
"""Readers during ingest and compute always see one complete snapshot (issue #8, consistency).

A writer ingests a simulated world day-chunk by day-chunk into one data directory (each ingest followed by
a compute) while two readers query it in a loop (`info`, `trend` over the whole range, `flow`, and the
on-demand compute a stale query triggers). Every answer must equal the answer of some committed prefix
(0..N chunks), computed beforehand in separate directories, and no reader may ever see an older prefix after
a newer one.

usage: consistency_test.py AIPS [--chunks N] [--seconds S]
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--chunks", type=int, default=6)
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-consistency-")
    world = os.path.join(work, "world")
    code, _, err = run([aips, "simulate", "--out", world, "--users", "4000", "--days", "60", "--seed", "5"])
    if code:
        sys.exit(f"FAIL: simulate: {err}")
    with open(os.path.join(world, "events.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    ts = header.index("ts")
    body.sort(key=lambda r: r[ts])
    days = sorted({r[ts][:10] for r in body})
    per = (len(days) + args.chunks - 1) // args.chunks
    chunks = []
    for i in range(args.chunks):
        keep = set(days[i * per:(i + 1) * per])
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(r for r in body if r[ts][:10] in keep)
        path = os.path.join(work, f"chunk{i}.csv")
        open(path, "w").write(out.getvalue())
        chunks.append(path)
    side = [os.path.join(world, f) for f in ("brands.csv", "categories.csv")]
    brand = list(csv.reader(open(side[0])))[1][0]
    first, last = days[0], days[-1]
    queries = [["info", "--json"], ["trend", "--brand", brand, "--from", first, "--to", last, "--json"],
               ["flow", "--brand", brand, "--from", days[len(days) // 3], "--to", last, "--json"]]

    def answer(data, q):
        code, stdout, _ = run([aips, *q[:1], "--data", data, *q[1:]])
        return normalise(q, code, stdout)

    # Each query's answers after each committed prefix: answer -> the prefixes that give it.
    expected = [dict() for _ in queries]
    ref = os.path.join(work, "ref")

    def record(k):
        for i, q in enumerate(queries):
            expected[i].setdefault(answer(ref, q), set()).add(k)

    run([aips, "ingest", "--data", ref, *side])
    record(0)
    for k, c in enumerate(chunks, 1):
        run([aips, "ingest", "--data", ref, c])
        run([aips, "compute", "--data", ref])
        record(k)
    if len(expected[0]) != len(chunks) + 1:
        sys.exit("FAIL: the prefixes do not give distinct answers; the test would prove nothing")

    live = os.path.join(work, "live")
    run([aips, "ingest", "--data", live, *side])
    done = threading.Event()
    failures, seen = [], [0, 0]

    def reader(r):
        newest = 0
        while not done.is_set():
            for i, q in enumerate(queries):
                ks = expected[i].get(answer(live, q))
                if ks is None:
                    failures.append(f"reader {r}: aips {' '.join(q)}: an answer no committed prefix gives")
                    return
                if max(ks) < newest:
                    failures.append(f"reader {r}: aips {' '.join(q)}: saw prefix {sorted(ks)} after prefix {newest}")
                    return
                newest = max(newest, min(ks))
            seen[r] += 1

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(2)]
    for t in readers:
        t.start()
    for c in chunks:
        code, _, err = run([aips, "ingest", "--data", live, c])
        if code:
            failures.append(f"writer: ingest failed: {err}")
        code, _, err = run([aips, "compute", "--data", live])
        if code:
            failures.append(f"writer: compute failed: {err}")
        time.sleep(0.2)
    time.sleep(0.5)
    done.set()
    for t in readers:
        t.join()
    if failures:
        sys.exit("FAIL: " + failures[0])
    if expected[0].get(answer(live, queries[0])) != {len(chunks)}:
        sys.exit("FAIL: the live directory does not end with every chunk")
    subprocess.run(["rm", "-rf", work])
    print(f"consistency: {seen[0] + seen[1]} reader rounds of {len(queries)} queries during {len(chunks)} ingest+compute "
          f"commits; every answer was one committed prefix's, never an older one after a newer")


def normalise(q, code, stdout):
    if code != 0:
        return ("error", code)
    d = json.loads(stdout)
    if q[0] == "info":  # what a reader can see of the commit: events, days, brands' days
        return (d["events"], tuple(d["days"]), tuple((b["brand"], b.get("events")) for b in d["brands"]))
    return json.dumps(d, sort_keys=True)


if __name__ == "__main__":
    main()
