#!/usr/bin/env python3
"""The ClickHouse engine answers exactly as the embedded engine (issue #6).

Starts a 2-shard ClickHouse cluster on loopback (scripts/clickhouse-cluster.sh: Debian's clickhouse-server,
own ports and data directories), simulates the demo world, loads it through `aips ingest` into a data
directory, one ClickHouse server and the 2-shard cluster, and compares the JSON of info, stages, trend (every
day), flow, penetration and campaign for every brand (and SPUs) across the three. Also: a re-load adds
nothing, a load killed half-way and run again ends with exactly the same events, and every event sits on
the shard its user hashes to. Stops the servers by their PIDs. Never skips: a ClickHouse that cannot be
installed or started fails the test with the reason.

usage: clickhouse_parity.py AIPS [--users N] [--days D]
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "..", "scripts", "clickhouse-cluster.sh")
NODE1, NODE2 = "127.0.0.1:19123", "127.0.0.1:19223"


def ch(node, sql):
    req = urllib.request.Request(f"http://{node}/", data=sql.encode())
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read().decode()


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--users", type=int, default=200000)
    ap.add_argument("--days", type=int, default=90)
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-ch-")
    chdir = os.path.join(work, "ch")
    started = subprocess.run([CLUSTER, "start", chdir], capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"FAIL: the ClickHouse cluster did not start: {started.stderr.strip()}")
    try:
        check(aips, work, args)
    finally:
        subprocess.run([CLUSTER, "stop", chdir], capture_output=True)
    subprocess.run(["rm", "-rf", work])
    print("clickhouse parity: ok")


def check(aips, work, args):
    world = os.path.join(work, "world")
    run([aips, "simulate", "--out", world, "--users", str(args.users), "--days", str(args.days), "--seed", "7"])
    files = sorted(os.path.join(world, f) for f in os.listdir(world) if f.endswith(".csv"))
    single = "clickhouse://127.0.0.1:19123/parity_one"
    cluster = f"clickhouse://127.0.0.1:19123/parity_two?cluster=two_shards&nodes={NODE1},{NODE2}"
    where = {"embedded": ["--data", os.path.join(work, "data")], "one node": ["--engine", single],
             "two shards": ["--engine", cluster]}
    load_seconds = 0.0
    for name, w in where.items():
        t0 = time.time()
        out = json.loads(run([aips, "ingest", *w, "--json", *files]))
        print(f"load into {name}: {out['accepted']} accepted, {out['duplicates']} duplicates, "
              f"{out['rejected']} rejected in {time.time() - t0:.1f} s")
        if name == "embedded":
            expected = out
            continue
        load_seconds = max(load_seconds, time.time() - t0)
        events = [f for f in out["files"] if f["kind"] == "events"]
        exp_events = [f for f in expected["files"] if f["kind"] == "events"]
        if events != exp_events:
            sys.exit(f"FAIL: {name}: event file counts {events} != embedded {exp_events}")

    # A second load adds nothing.
    again = json.loads(run([aips, "ingest", *where["two shards"], "--json", *files]))
    if again["accepted"] != 0:
        sys.exit(f"FAIL: loading the same files again accepted {again['accepted']} rows")
    print(f"re-load: 0 accepted, {again['duplicates']} duplicates")

    # Every event lives on the shard its user hashes to, and both shards hold events.
    for shard, node in enumerate([NODE1, NODE2]):
        wrong, total = ch(node, "SELECT countIf(intHash64(user) % 2 != " + str(shard) +
                          "), count() FROM parity_two.events_local").split()
        if int(wrong) != 0 or int(total) == 0:
            sys.exit(f"FAIL: shard {shard + 1} holds {total} events, {wrong} of them of another shard's users")
    print("shard placement: every user's events on the shard of intHash64(user)")

    # A load killed half-way, then run again: exactly the events of an uninterrupted load.
    killed = f"clickhouse://127.0.0.1:19123/parity_kill?cluster=two_shards&nodes={NODE1},{NODE2}"
    p = subprocess.Popen([aips, "ingest", "--engine", killed, *files], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(load_seconds * 0.4)
    p.send_signal(signal.SIGKILL)
    p.wait()
    partial = ch(NODE1, "SELECT count() FROM parity_kill.events").strip()
    run([aips, "ingest", "--engine", killed, *files])
    full = ch(NODE1, "SELECT count() FROM parity_kill.events").strip()
    want = ch(NODE1, "SELECT count() FROM parity_two.events").strip()
    if full != want:
        sys.exit(f"FAIL: killed load ({partial} events at the kill) then re-run holds {full} events, expected {want}")
    print(f"killed load: {partial} events at the kill, {full} after the re-run (= uninterrupted)")
    after_kill = ["--engine", killed]

    info = json.loads(run([aips, "info", *where["embedded"], "--json"]))
    for name, w in where.items():
        other = json.loads(run([aips, "info", *w, "--json"]))
        for k in info:
            if k != "data_dir" and info[k] != other.get(k):
                sys.exit(f"FAIL: info.{k} differs on {name}: {str(other.get(k))[:300]} vs {str(info[k])[:300]}")
    first, last = info["first_day"], info["last_day"]
    days = info["days"]
    queries = []
    for b in info["brands"]:
        brand = b["brand"] if "brand" in b else b["name"]
        scope = ["--brand", brand]
        queries += [["stages", *scope], ["trend", *scope, "--from", first, "--to", last], ["flow", *scope],
                    ["flow", *scope, "--from", first, "--to", last], ["campaign", *scope]]
        for i in range(7, len(days), 14):
            queries += [["flow", *scope, "--from", days[i - 1], "--to", days[i]],
                        ["penetration", *scope, "--date", days[i]]]
        queries.append(["penetration", *scope])
        for spu in b.get("spus", [])[:2]:
            s = [*scope, "--spu", spu]
            queries += [["trend", *s, "--from", first, "--to", last], ["flow", *s], ["penetration", *s]]
    t0 = time.time()
    for q in queries:
        want = run([aips, *q, *where["embedded"], "--json"])
        for name, w in where.items():
            if name == "embedded":
                continue
            got = run([aips, *q, *w, "--json"])
            if got != want:
                sys.exit(f"FAIL: aips {' '.join(q)} on {name}:\n  {got[:800]}\nembedded:\n  {want[:800]}")
        if q[0] == "trend" and "--spu" not in q and run([aips, *q, *after_kill, "--json"]) != want:
            sys.exit(f"FAIL: aips {' '.join(q)} differs on the database whose load was killed and re-run")
    print(f"{len(queries)} queries × {len(where) - 1} ClickHouse databases equal the embedded engine "
          f"({len(info['brands'])} brands, days {first}..{last}) in {time.time() - t0:.0f} s")

    # aips forget on every engine: the same users erased, the same answers after.
    counts = {}
    with open(os.path.join(world, "events.csv")) as f:
        next(f)
        for line in f:
            u = line.split(",")[2]
            counts[u] = counts.get(u, 0) + 1
    victims = sorted(counts, key=lambda u: -counts[u])[:2]
    erased = {}
    for name, w in where.items():
        r = json.loads(run([aips, "forget", *w, *sum((["--user", v] for v in victims), []), "--json"]))
        erased[name] = r["events_removed"]
    if len(set(erased.values())) != 1 or erased["embedded"] < sum(counts[v] for v in victims) * 0.9:
        sys.exit(f"FAIL: forget removed different event counts per engine: {erased}")
    for name, w in where.items():
        rows = ch(NODE1, "SELECT count() FROM parity_two.users WHERE user_id IN ('" + "','".join(victims) + "')")
        if name == "two shards" and rows.strip() != "0":
            sys.exit(f"FAIL: forgotten users still in the users table: {rows}")
    checked = 0
    for b in info["brands"]:
        brand = b["brand"] if "brand" in b else b["name"]
        for q in (["stages", "--brand", brand], ["flow", "--brand", brand], ["penetration", "--brand", brand]):
            want = run([aips, *q, *where["embedded"], "--json"])
            for name, w in where.items():
                if name != "embedded" and run([aips, *q, *w, "--json"]) != want:
                    sys.exit(f"FAIL: aips {' '.join(q)} after forget differs on {name}")
            checked += 1
    print(f"forget: 2 users ({erased['embedded']} events) erased on every engine; {checked} queries still equal")

    # What ClickHouse does not answer yet is refused as such (exit 2, "not answered"), never answered wrongly.
    for q in (["compare", "--brand", brand], ["crowd", "count", "--preset", "redelivery", "--brand", brand]):
        p = subprocess.run([aips, *q, "--engine", single, "--json"], capture_output=True, text=True)
        if p.returncode != 2 or "is not answered by this engine yet" not in p.stderr or p.stdout:
            sys.exit(f"FAIL: aips {' '.join(q)} on ClickHouse: exit {p.returncode}, {p.stderr.strip()[:300]}")
    print("unsupported on ClickHouse: compare, crowd count exit 2 with 'not answered' and no output")


if __name__ == "__main__":
    main()
