#!/usr/bin/env python3
"""`--engine chdb:DIR` (ClickHouse 26.x in process) answers exactly as the embedded engine (issue #16).

Simulates a world, loads it through `aips ingest` into a data directory and into chdb:DIR (and, with
--clickhouse, into Debian's ClickHouse 18.16 through a URL with a user and a password), and compares
stdout and exit code of info, stages, trend, flow, penetration, campaign, report and rules show for every
brand, some SPUs and campaigns, and error cases. Also: a re-load adds nothing, a second process on the
same directory is refused with a clear message, rules set and forget agree, the password is never printed.
Prints load and query times per backend. One aips process per query (each boots chdb).

usage: chdb_check.py AIPS [--users N] [--days D] [--clickhouse]
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "..", "scripts", "clickhouse-cluster.sh")
LIBCHDB = os.environ.get("AIPS_LIBCHDB") or os.path.join(
    HERE, "..", "deps", "chdb", "node_modules", "@chdb", "lib-linux-x64-gnu", "libchdb.so")
PASSWORD, PASSWORD_URL = "p@ss:w/rd", "p%40ss%3Aw%2Frd"  # the `aips` user of scripts/clickhouse-cluster.sh


def run(cmd, ok=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if ok and p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--clickhouse", action="store_true", help="also compare and time ClickHouse 18.16")
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-chdb-")
    chdir = os.path.join(work, "ch")
    if args.clickhouse:
        started = run([CLUSTER, "start", chdir], ok=False)
        if started.returncode != 0:
            sys.exit(f"FAIL: ClickHouse did not start: {started.stderr.strip()}")
    try:
        check(aips, work, args)
    finally:
        if args.clickhouse:
            run([CLUSTER, "stop", chdir], ok=False)
    subprocess.run(["rm", "-rf", work])
    print("chdb check: ok")


def hold_chdb(path):
    """Opens chdb over `path` in this (python) process, as another aips process would."""
    lib = ctypes.CDLL(LIBCHDB, mode=os.RTLD_NOW | os.RTLD_LOCAL)
    lib.chdb_set_signal_handlers_enabled(0)
    lib.chdb_connect.restype = ctypes.c_void_p
    lib.chdb_connect.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    argv = (ctypes.c_char_p * 2)(b"python", f"--path={path}".encode())
    conn = lib.chdb_connect(2, argv)
    if not conn:
        sys.exit("FAIL: python could not open chdb to hold the directory")
    return lib, conn


def check(aips, work, args):
    world = os.path.join(work, "world")
    run([aips, "simulate", "--out", world, "--users", str(args.users), "--days", str(args.days), "--seed", "7"])
    files = sorted(os.path.join(world, f) for f in os.listdir(world) if f.endswith(".csv"))
    chdb_dir = os.path.join(work, "chdb")
    where = {"embedded": ["--data", os.path.join(work, "data")], "chdb": ["--engine", f"chdb:{chdb_dir}"]}
    if args.clickhouse:
        where["18.16"] = ["--engine", f"clickhouse://aips:{PASSWORD_URL}@127.0.0.1:19123/chdb_check"]
    for name, w in where.items():
        t0 = time.time()
        out = json.loads(run([aips, "ingest", *w, "--json", *files]).stdout)
        print(f"load into {name}: {out['accepted']} accepted, {out['duplicates']} duplicates, "
              f"{out['rejected']} rejected in {time.time() - t0:.1f} s")
        if name == "embedded":
            expected = out
        elif [f for f in out["files"] if f["kind"] == "events"] != \
                [f for f in expected["files"] if f["kind"] == "events"]:
            sys.exit(f"FAIL: {name}: event file counts differ from embedded")
    again = json.loads(run([aips, "ingest", *where["chdb"], "--json", *files]).stdout)
    if again["accepted"] != 0:
        sys.exit(f"FAIL: loading the same files again into chdb accepted {again['accepted']} rows")
    print(f"re-load into chdb: 0 accepted, {again['duplicates']} duplicates")

    # A second process on the directory is refused, naming the holder.
    lib, conn = hold_chdb(chdb_dir)
    p = run([aips, "info", *where["chdb"], "--json"], ok=False)
    if p.returncode == 0 or "in use by another process (pid " + str(os.getpid()) + ")" not in p.stderr:
        sys.exit(f"FAIL: a held chdb directory: exit {p.returncode}: {p.stderr.strip()[-500:]}")
    print(f"held directory: {p.stderr.strip().splitlines()[-1]}")
    lib.chdb_close_conn(ctypes.c_void_p(conn))

    info = json.loads(run([aips, "info", *where["embedded"], "--json"]).stdout)
    for name, w in where.items():
        text = run([aips, "info", *w, "--json"]).stdout
        if PASSWORD in text or PASSWORD_URL in text:
            sys.exit(f"FAIL: info on {name} prints the password")
        other = json.loads(text)
        for k in info:
            if k != "data_dir" and info[k] != other.get(k):
                sys.exit(f"FAIL: info.{k} differs on {name}: {str(other.get(k))[:300]} vs {str(info[k])[:300]}")
    if args.clickhouse:
        print(f"info on 18.16 with credentials: data_dir {json.loads(text)['data_dir']}")
        wrong = "clickhouse://aips:wr%40ng@127.0.0.1:19123/chdb_check"
        p = run([aips, "info", "--engine", wrong, "--json"], ok=False)
        if p.returncode == 0 or "wr@ng" in p.stderr or "wr%40ng" in p.stderr or "password" not in p.stderr:
            sys.exit(f"FAIL: a wrong password: exit {p.returncode}: {p.stderr.strip()[-500:]}")
        print(f"wrong password: {p.stderr.strip()[-200:]}")
    first, last, days = info["first_day"], info["last_day"], info["days"]
    queries = [["rules", "show"], ["stages", "--brand", "no-such-brand"], ["campaign", "--campaign", "nope"],
               ["stages", "--brand", info["brands"][0].get("brand", info["brands"][0].get("name")), "--spu", "nope"],
               ["stages", "--brand", info["brands"][0].get("brand", info["brands"][0].get("name")), "--date", "2001-01-01"]]
    for b in info["brands"]:
        scope = ["--brand", b.get("brand", b.get("name"))]
        queries += [["stages", *scope], ["stages", *scope, "--date", days[len(days) // 2]],
                    ["trend", *scope, "--from", first, "--to", last], ["trend", *scope], ["flow", *scope],
                    ["flow", *scope, "--from", first, "--to", last], ["campaign", *scope], ["report", *scope],
                    ["penetration", *scope], ["penetration", *scope, "--date", days[len(days) // 3]]]
        for spu in b.get("spus", [])[:2]:
            s = [*scope, "--spu", spu]
            queries += [["stages", *s], ["trend", *s, "--from", first, "--to", last], ["flow", *s],
                        ["penetration", *s]]
    queries += [["campaign", "--campaign", c] for c in info["campaigns"][:8]]
    compare(aips, where, queries, "")

    # rules set: the same rules in force everywhere, the same answers.
    rules = os.path.join(work, "rules.toml")
    with open(rules, "w") as f:
        f.write(info["rules"]["toml"].replace("window_days = 30\nmin_count = 1", "window_days = 14\nmin_count = 2", 1))
    for w in where.values():
        run([aips, "rules", "set", *w, rules])
    brands = [b.get("brand", b.get("name")) for b in info["brands"]]
    compare(aips, where, [["rules", "show"]] + [["stages", "--brand", b] for b in brands] +
            [["flow", "--brand", b] for b in brands[:4]], " under new rules")

    # forget: the same users erased everywhere, the same answers after.
    counts = {}
    with open(os.path.join(world, "events.csv")) as f:
        next(f)
        for line in f:
            u = line.split(",")[2]
            counts[u] = counts.get(u, 0) + 1
    victims = sorted(counts, key=lambda u: -counts[u])[:2]
    erased = {name: json.loads(run([aips, "forget", *w, *sum((["--user", v] for v in victims), []),
                                    "--json"]).stdout)["events_removed"] for name, w in where.items()}
    if len(set(erased.values())) != 1:
        sys.exit(f"FAIL: forget removed different event counts per engine: {erased}")
    compare(aips, where, [[q, "--brand", b] for b in brands for q in ("stages", "flow", "penetration")],
            f" after forgetting 2 users ({erased['embedded']} events)")


def compare(aips, where, queries, what):
    seconds = {name: 0.0 for name in where}
    for q in queries:
        results = {}
        for name, w in where.items():
            t0 = time.time()
            p = run([aips, *q, *w, "--json"], ok=False)
            seconds[name] += time.time() - t0
            results[name] = (p.returncode, p.stdout)
        want = results["embedded"]
        for name, got in results.items():
            if got != want:
                sys.exit(f"FAIL: aips {' '.join(q)} on {name}: exit {got[0]}\n  {got[1][:800]}\n"
                         f"embedded: exit {want[0]}\n  {want[1][:800]}")
    times = ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items())
    print(f"{len(queries)} queries{what} equal on {len(where)} backends ({times})")


if __name__ == "__main__":
    main()
