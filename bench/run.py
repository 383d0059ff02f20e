#!/usr/bin/env python3
"""`make bench`: aips against DuckDB and ClickHouse on the same events, in the same run (issue #7).

Simulates the world (default: 2 M users, 100 brands, 90 days, about 20 M events; the same CSV for every
engine), loads it into each engine, runs the workloads below several times, checks that every engine gives
the same answer before any time counts, and writes bench/results/<date>.json and .md (medians, peak
memory, the ratio aips/peer per workload, the machine), and the table into docs/performance.md.

  a  load the CSV durably
  b  one brand's stage sizes on one day: cold (from the events) and warm (aips's snapshots)
  c  one brand's flow matrix between two days, cold and warm
  d  every brand's stage sizes on one day, from the events
  e  the daily refresh job: 90 days of daily stage snapshots for every brand (the peers run one query per day;
     on the full world they run every 9th day and the time is scaled to 90 days, see the report)
  f  a crowd expression count: two stage sets, `and not`

usage: bench/run.py [--users N] [--runs R] [--work DIR] [--peers duckdb,clickhouse] [--tiny]
"""
import argparse
import collections
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc import timed  # noqa: E402
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TI = "'deep_read', 'collect', 'comment', 'share', 'follow', 'screenshot', 'search', 'product_click', " \
     "'add_to_cart', 'store_visit'"
CH_NODE = "127.0.0.1:19123"


def sh(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))} failed ({p.returncode}): {p.stderr.strip()[-3000:]}")
    return p.stdout


# ---- the peers' SQL: the default rules of docs/definitions.md#stage-rules, written as a user would -------------------------
def stage_expr(any_fn, d, extra=""):
    c = lambda acts, w: f"{any_fn}({extra}action IN ({acts}) AND day > {d} - {w})"
    return (f"CASE WHEN {c(repr('post'), 365)} THEN 5 WHEN {c(repr('purchase'), 30)} THEN 4 "
            f"WHEN {c(TI, 30)} THEN 3 WHEN {c(repr('click') + ', ' + repr('like'), 30)} THEN 2 "
            f"WHEN {c(repr('impression'), 30)} THEN 1 ELSE 0 END")


def peer_sql(dialect, brand, competitor, date, d0, days_e):
    any_fn = "bool_or" if dialect == "duckdb" else "max"
    lit = (lambda d: f"DATE '{d}'") if dialect == "duckdb" else (lambda d: f"toDate('{d}')")
    t = "events" if dialect == "duckdb" else "bench.events"
    D, D0 = lit(date), lit(d0)
    b = f"brand = '{brand}'"
    q = {}
    q["b_cold"] = [f"SELECT st, count(*) FROM (SELECT user_id, {stage_expr(any_fn, D)} AS st FROM {t} WHERE {b} AND "
                   f"day > {D} - 365 AND day <= {D} GROUP BY user_id) WHERE st > 0 GROUP BY st ORDER BY st"]
    q["c_cold"] = [f"SELECT s0, s1, count(*) FROM (SELECT user_id, {stage_expr(any_fn, D0, f'day <= {D0} AND ')} AS s0, "
                   f"{stage_expr(any_fn, D)} AS s1 FROM {t} WHERE {b} AND day > {D0} - 365 AND day <= {D} GROUP BY "
                   f"user_id) WHERE s0 > 0 OR s1 > 0 GROUP BY s0, s1 ORDER BY s0, s1"]
    all_brands = lambda d: (f"SELECT brand, st, count(*) FROM (SELECT brand, user_id, {stage_expr(any_fn, d)} AS st "
                            f"FROM {t} WHERE day > {d} - 365 AND day <= {d} GROUP BY brand, user_id) WHERE st > 0 "
                            f"GROUP BY brand, st ORDER BY brand, st")
    q["d_cold"] = [all_brands(D)]
    q["e_refresh"] = [all_brands(lit(d)) for d in days_e]
    sb = stage_expr(any_fn, D, f"brand = '{brand}' AND ")
    sc = stage_expr(any_fn, D, f"brand = '{competitor}' AND ")
    q["f_crowd"] = [f"SELECT count(*) FROM (SELECT user_id, {sc} AS sc, {sb} AS sb FROM {t} WHERE brand IN "
                    f"('{brand}', '{competitor}') AND day > {D} - 365 AND day <= {D} GROUP BY user_id) WHERE sc >= 3 "
                    f"AND sb = 0"]
    return q


# ---- answers in one shape, to compare -------------------------------------------------------------------
def sizes_from_rows(rows):
    s = [0] * 5
    for st, n in rows:
        s[int(st) - 1] = int(n)
    return s


def flow_from_rows(rows):
    m = [[0] * 6 for _ in range(6)]
    for a, b, n in rows:
        m[int(a)][int(b)] = int(n)
    return m


def brands_from_rows(rows):
    out = {}
    for brand, st, n in rows:
        out.setdefault(brand, [0] * 5)[int(st) - 1] = int(n)
    return out


def peer_answers(results):
    """results: name -> list of row lists (one per statement)."""
    return {
        "b_cold": sizes_from_rows(results["b_cold"][0]),
        "c_cold": flow_from_rows(results["c_cold"][0]),
        "d_cold": brands_from_rows(results["d_cold"][0]),
        "e_refresh": [brands_from_rows(r) for r in results["e_refresh"]],
        "f_crowd": int(results["f_crowd"][0][0][0]),
    }


# ---- engines --------------------------------------------------------------------------------------------
def run_duckdb(csv, work, queries, runs, load_runs):
    # DuckDB from npm, installed from the lock file in the work directory (not in the source tree). `npm ci`
    # refuses this lock file: npm records the other platforms' optional binding packages without entries.
    peers = os.path.join(work, "peers")
    os.makedirs(peers, exist_ok=True)
    for f in ("package.json", "package-lock.json", "duckdb_bench.mjs"):
        shutil.copy(os.path.join(HERE, "peers", f), peers)
    if not os.path.isdir(os.path.join(peers, "node_modules", "@duckdb", "node-api")):
        sh(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=peers)
    db = os.path.join(work, "duck.db")
    loads, load_rss = [], 0
    for _ in range(load_runs):
        for f in (db, db + ".wal"):
            if os.path.exists(f):
                os.remove(f)
        spec = os.path.join(work, "duck-load.json")
        json.dump({"db": db, "csv": csv, "load": True, "queries": []}, open(spec, "w"))
        _, rss, out = timed(["node", os.path.join(peers, "duckdb_bench.mjs"), spec])
        loads.append(json.loads(out)["load_ms"] / 1000)
        load_rss = max(load_rss, rss)
    spec = os.path.join(work, "duck-q.json")
    json.dump({"db": db, "csv": csv, "load": False,
               "queries": [{"name": n, "sql": s, "runs": 1 if n == "e_refresh" else runs} for n, s in queries.items()]},
              open(spec, "w"))
    _, rss, out = timed(["node", os.path.join(peers, "duckdb_bench.mjs"), spec])
    res = json.loads(out)
    db_bytes = sum(os.path.getsize(f) for f in (db, db + ".wal") if os.path.exists(f))
    return {"version": res["version"], "load_s": loads, "load_rss_mb": load_rss, "query_rss_mb": rss,
            "store_bytes": db_bytes,
            "ms": {n: q["ms"] for n, q in res["queries"].items()},
            "answers": peer_answers({n: q["rows"] for n, q in res["queries"].items()})}


def ch(sql, data=None, params=""):
    url = f"http://{CH_NODE}/?{params}"
    if data is None:
        req = urllib.request.Request(url, data=sql.encode())
    else:
        req = urllib.request.Request(url + ("&" if params else "") + "query=" + urllib.parse.quote(sql), data=data)
    with urllib.request.urlopen(req, timeout=3600) as r:
        return r.read().decode()


def run_clickhouse(csv, work, queries, runs, load_runs):
    chdir = os.path.join(work, "ch")
    sh([os.path.join(ROOT, "scripts", "clickhouse-cluster.sh"), "start", chdir])
    try:
        version = ch("SELECT version()").strip()
        loads = []
        for _ in range(load_runs):
            ch("CREATE DATABASE IF NOT EXISTS bench")
            ch("DROP TABLE IF EXISTS bench.events")
            ch("CREATE TABLE bench.events (event_id String, ts String, user_id String, brand String, spu String, "
               "action String, campaign String, note String, amount String, channel String, sentiment String, "
               "day Date MATERIALIZED toDate(substring(ts, 1, 10))) ENGINE = MergeTree ORDER BY (brand, user_id, ts)")
            t0 = time.time()
            with open(csv, "rb") as f:
                p = subprocess.run(["clickhouse-client", "--port", "19000", "--query",
                                    "INSERT INTO bench.events (event_id, ts, user_id, brand, spu, action, campaign, "
                                    "note, amount, channel, sentiment) FORMAT CSVWithNames"], stdin=f,
                                   capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"bench: clickhouse-client could not load the CSV: {p.stderr.strip()[-2000:]}")
            loads.append(time.time() - t0)
        # The events' compressed MergeTree parts (columns' .bin files; marks and indexes not counted).
        store_bytes = int(ch("SELECT sum(data_compressed_bytes) FROM system.parts WHERE database = 'bench' "
                             "AND table = 'events' AND active").strip() or 0)
        ms, rows = {}, {}
        for name, stmts in queries.items():
            ms[name] = []
            for _ in range(1 if name == "e_refresh" else runs):
                rows[name] = []
                t0 = time.time()
                for s in stmts:
                    rows[name].append([line.split("\t") for line in ch(s).splitlines()])
                ms[name].append((time.time() - t0) * 1000)
        rss = 0  # the server's peak resident memory (VmHWM)
        with open(os.path.join(chdir, "n1", "pid")) as f, open(f"/proc/{f.read().strip()}/status") as st:
            for line in st:
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1]) / 1024
        return {"version": version, "load_s": loads, "server_rss_mb": rss, "ms": ms, "store_bytes": store_bytes,
                "answers": peer_answers(rows)}
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "clickhouse-cluster.sh"), "stop", chdir], capture_output=True)


# The narrow shape (issue #20): seven columns, no event ids, campaigns, notes or channels (a purchase needs
# its amount and a post its sentiment); the first NARROW_ROWS events of the world.
NARROW_COLUMNS = ["ts", "user_id", "brand", "spu", "action", "amount", "sentiment"]
NARROW_ROWS = 5_000_000


def narrow_csv(csv, work):
    """Cuts the narrow shape out of the bench CSV (no field of the simulator holds a comma)."""
    out = os.path.join(work, "narrow.csv")
    with open(csv) as f, open(out, "w") as g:
        header = f.readline().rstrip("\n").split(",")
        idx = [header.index(c) for c in NARROW_COLUMNS]
        g.write(",".join(NARROW_COLUMNS) + "\n")
        rows = 0
        for line in f:
            if rows == NARROW_ROWS:
                break
            v = line.rstrip("\n").split(",")
            g.write(",".join(v[i] for i in idx) + "\n")
            rows += 1
    return out, rows


def run_narrow(aips, csv, work, peers):
    """Load time and bytes per event of the narrow CSV on every engine (the same file)."""
    path, rows = narrow_csv(csv, work)
    res = {"rows": rows, "csv_bytes": os.path.getsize(path)}
    data = os.path.join(work, "aips-narrow")
    shutil.rmtree(data, ignore_errors=True)
    secs, rss, _ = timed([aips, "ingest", "--data", data, path])
    after_ingest = store_bytes_by_part(data)
    compute_s, _, _ = timed([aips, "compute", "--data", data])
    res["aips"] = {"load_s": secs, "load_rss_mb": rss, "compute_s": compute_s,
                   "bytes_after_ingest": after_ingest, "bytes_after_compute": store_bytes_by_part(data)}
    if "duckdb" in peers:
        db = os.path.join(work, "duck-narrow.db")
        for f in (db, db + ".wal"):
            if os.path.exists(f):
                os.remove(f)
        spec = os.path.join(work, "duck-narrow.json")
        json.dump({"db": db, "csv": path, "load": True, "queries": [],
                   "columns": {c: "DOUBLE" if c == "amount" else "VARCHAR" for c in NARROW_COLUMNS}}, open(spec, "w"))
        _, _, out = timed(["node", os.path.join(work, "peers", "duckdb_bench.mjs"), spec])
        res["duckdb"] = {"load_s": json.loads(out)["load_ms"] / 1000,
                         "store_bytes": sum(os.path.getsize(f) for f in (db, db + ".wal") if os.path.exists(f))}
    if "clickhouse" in peers:
        chdir = os.path.join(work, "ch-narrow")
        sh([os.path.join(ROOT, "scripts", "clickhouse-cluster.sh"), "start", chdir])
        try:
            ch("CREATE DATABASE IF NOT EXISTS bench")
            ch("DROP TABLE IF EXISTS bench.narrow")  # a work directory kept from an earlier run
            ch("CREATE TABLE bench.narrow (" + ", ".join(f"{c} String" for c in NARROW_COLUMNS) +
               ", day Date MATERIALIZED toDate(substring(ts, 1, 10))) ENGINE = MergeTree ORDER BY (brand, user_id, ts)")
            t0 = time.time()
            with open(path, "rb") as f:
                p = subprocess.run(["clickhouse-client", "--port", "19000", "--query",
                                    f"INSERT INTO bench.narrow ({', '.join(NARROW_COLUMNS)}) FORMAT CSVWithNames"],
                                   stdin=f, capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit(f"bench: clickhouse-client could not load the narrow CSV: {p.stderr.strip()[-2000:]}")
            res["clickhouse"] = {"load_s": time.time() - t0, "store_bytes": int(ch(
                "SELECT sum(data_compressed_bytes) FROM system.parts WHERE database = 'bench' AND table = 'narrow' "
                "AND active").strip() or 0)}
        finally:
            subprocess.run([os.path.join(ROOT, "scripts", "clickhouse-cluster.sh"), "stop", chdir], capture_output=True)
    os.remove(path)
    return res


def store_bytes_by_part(data):
    """The data directory's bytes by what they hold (issue #20: bytes per event): day segments, event-id runs,
    dictionaries, brand and category snapshots, engine states, and the rest (side tables, manifest ...)."""
    parts = collections.Counter()
    for dp, _, fs in os.walk(data):
        sub = os.path.relpath(dp, data).split(os.sep)[0]
        for f in fs:
            n = os.path.getsize(os.path.join(dp, f))
            if sub == "seg":
                parts["segments"] += n
            elif sub == "ids":
                parts["event_ids"] += n
            elif sub == "dict":
                parts["dictionaries"] += n
            elif sub == "snap" and f.endswith(".snap"):
                parts["snapshots"] += n
            elif sub == "snap" and f.endswith(".state"):
                parts["engine_states"] += n
            else:
                parts["other"] += n
    return dict(parts)


def run_aips(aips, bench, world, work, brand, competitor, date, d0, days_e, runs, load_runs):
    data = os.path.join(work, "aips-data")
    loads, load_rss = [], 0
    for _ in range(load_runs):
        shutil.rmtree(data, ignore_errors=True)
        secs, rss, _ = timed([aips, "ingest", "--data", data, os.path.join(world, "events.csv")])
        loads.append(secs)
        load_rss = max(load_rss, rss)
    after_ingest = store_bytes_by_part(data)
    compute_s, compute_rss, _ = timed([aips, "compute", "--data", data])
    after_compute = store_bytes_by_part(data)
    fresh = []
    for _ in range(max(runs, 5)):
        secs, fresh_rss, out = timed([aips, "stages", "--data", data, "--brand", brand, "--date", date, "--json"])
        fresh.append(secs * 1000)
    _, bench_rss, out = timed([bench, "--data", data, "--brand", brand, "--competitor", competitor, "--date", date,
                               "--from", d0, "--runs", str(runs), "--sample-days", ",".join(days_e)]
                              + (["--self-check"] if runs == 1 else []))
    r = json.loads(out)
    answers = {k: r[k]["answer"] for k in ("b_cold", "b_warm", "c_cold", "c_warm", "d_cold", "f_crowd")}
    answers["e_refresh"] = [{b: r["e_refresh"]["answer"][b][i] for b in r["e_refresh"]["answer"]}
                            for i in range(len(days_e))]
    snap_bytes = sum(os.path.getsize(os.path.join(data, "snap", f)) for f in os.listdir(os.path.join(data, "snap"))
                     if f.startswith("b") and f.endswith(".snap"))
    store_bytes = sum(after_compute.values())  # nothing writes between the two
    return {"load_s": loads, "load_rss_mb": load_rss, "compute_s": compute_s, "compute_rss_mb": compute_rss,
            "fresh_stages_ms": fresh, "fresh_stages_rss_mb": fresh_rss, "bench_rss_mb": bench_rss,
            "ms": {k: r[k]["ms"] for k in r}, "answers": answers,
            "scopes": r["e_refresh"]["scopes"], "member_days": r["e_refresh"]["member_days"],
            "snapshot_bytes_in_memory": r["e_refresh"]["snapshot_bytes"], "snapshot_bytes_on_disk": snap_bytes,
            "store_bytes": store_bytes, "bytes_after_ingest": after_ingest, "bytes_after_compute": after_compute}


def strip_zero_brands(d):
    return {b: s for b, s in d.items() if any(s)}


def compare(aips_ans, peer_ans, peer):
    checks = [("b_cold", aips_ans["b_cold"]), ("b_cold", aips_ans["b_warm"]), ("c_cold", aips_ans["c_cold"]),
              ("c_cold", aips_ans["c_warm"]), ("f_crowd", aips_ans["f_crowd"])]
    for key, mine in checks:
        theirs = peer_ans[key]
        if key == "c_cold":
            mine = [row[:] for row in mine]
            mine[0][0] = 0
        if mine != theirs:
            sys.exit(f"bench: {key}: aips {mine} != {peer} {theirs}; no time counts")
    if strip_zero_brands(aips_ans["d_cold"]) != strip_zero_brands(peer_ans["d_cold"]):
        sys.exit(f"bench: d (every brand's stage sizes) differs between aips and {peer}")
    for i, (mine, theirs) in enumerate(zip(aips_ans["e_refresh"], peer_ans["e_refresh"])):
        if strip_zero_brands(mine) != strip_zero_brands(theirs):
            sys.exit(f"bench: e (daily snapshots), sample day {i}, differs between aips and {peer}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aips", default=os.path.join(ROOT, "build", "aips"))
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "aips_bench"))
    ap.add_argument("--micro", default=os.path.join(ROOT, "build", "aips_micro_bench"))
    ap.add_argument("--users", type=int, default=2000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--load-runs", type=int, default=1)
    ap.add_argument("--work", default="/tmp/aips-bench")
    ap.add_argument("--peers", default="duckdb,clickhouse")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--tiny", action="store_true", help="a 20,000-user world, one run: keeps the harness working")
    args = ap.parse_args()
    if args.tiny:
        args.users, args.runs = 20000, 1
    os.makedirs(args.work, exist_ok=True)
    world = os.path.join(args.work, f"world-{args.users}")
    if not os.path.exists(os.path.join(world, "events.csv")):
        print(f"simulating {args.users} users ...", file=sys.stderr)
        sh([args.aips, "simulate", "--out", world, "--users", str(args.users), "--days", "90", "--seed", "7",
            "--duplicate-rate", "0"])
    csv = os.path.join(world, "events.csv")
    rows = sum(1 for _ in open(csv, "rb")) - 1
    first = datetime.date(2024, 9, 1)
    last = first + datetime.timedelta(days=89)
    date, d0 = last.isoformat(), (last - datetime.timedelta(days=30)).isoformat()
    step = 1 if args.tiny else 9
    days_e = [(first + datetime.timedelta(days=i)).isoformat() for i in range(0, 90, step)]
    brands = [l.split(",")[0] for l in open(os.path.join(world, "brands.csv")).read().splitlines()[1:]]
    brand, competitor = brands[0], brands[1]
    print(f"world: {rows} events, {len(brands)} brands; workloads on {brand} (competitor {competitor}), {date}",
          file=sys.stderr)

    result = {"date": datetime.date.today().isoformat(),
              "machine": {"cpus": os.cpu_count(), "memory_gib": round(os.sysconf("SC_PAGE_SIZE") *
                                                                      os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                          "kernel": platform.release(), "cpu": cpu_model()},
              "world": {"users": args.users, "events": rows, "csv_bytes": os.path.getsize(csv), "brands": len(brands),
                        "brand": brand, "competitor": competitor, "date": date, "from": d0,
                        "e_days_run_by_peers": len(days_e)},
              "runs": args.runs}
    print("aips ...", file=sys.stderr)
    result["aips"] = run_aips(args.aips, args.bench, world, args.work, brand, competitor, date, d0, days_e,
                              args.runs, args.load_runs)
    peers = [p for p in args.peers.split(",") if p]
    for p in peers:
        print(f"{p} ...", file=sys.stderr)
        q = peer_sql(p, brand, competitor, date, d0, days_e)
        r = (run_duckdb if p == "duckdb" else run_clickhouse)(csv, args.work, q, args.runs, args.load_runs)
        compare(result["aips"]["answers"], r["answers"], p)
        del r["answers"]
        result[p] = r
    del result["aips"]["answers"]
    print("every answer equal across engines", file=sys.stderr)
    print("the narrow CSV shape on every engine ...", file=sys.stderr)
    result["narrow"] = run_narrow(args.aips, csv, args.work, peers)
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, result["date"] + ("-tiny" if args.tiny else ""))
    json.dump(result, open(stem + ".json", "w"), indent=1)
    micro = run_micro(args.micro, 0.01 if args.tiny else 0.3)
    md = report(result, peers, micro)
    md += "\n## Micro-benchmarks\n\n```\n" + micro + "```\n"
    open(stem + ".md", "w").write(md)
    if not args.tiny:
        update_performance_doc(md.split("\n## Micro-benchmarks", 1)[0] + "\n", "bench")
        update_performance_doc("```\n" + micro + "```\n", "micro", keep_title=True)
    print(md)


def run_micro(binary, min_time):
    """Google Benchmark's table (bench/micro_bench.cc)."""
    if not os.path.exists(binary):
        sys.exit(f"bench: {binary} is missing (libbenchmark-dev; make build)")
    out = sh([binary, f"--benchmark_min_time={min_time}"])
    return "\n".join(l for l in out.splitlines() if not l.startswith("***")) + "\n"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def med(v):
    return statistics.median(v) if v else float("nan")


def report(r, peers, micro=""):
    a = r["aips"]
    days_scale = 90 / r["world"]["e_days_run_by_peers"]
    rows = []  # (workload, aips value, unit, {peer: value}, target text, target check(a, peers))

    def peer_val(p, key, scale=1.0):
        return med(r[p]["ms"][key]) * scale if p in r else None

    rows.append(("a. load the CSV (s)", med(a["load_s"]), {p: med(r[p]["load_s"]) for p in peers},
                 "≥ 5× faster than DuckDB", lambda x, ps: ps.get("duckdb") and ps["duckdb"] / x >= 5))
    nw = r.get("narrow")
    if nw:
        rows.append((f"a. load the narrow CSV, {nw['rows']:,} events × 7 columns (s)", nw["aips"]["load_s"],
                     {p: nw[p]["load_s"] for p in peers if p in nw}, "≥ 5× faster than DuckDB",
                     lambda x, ps: ps.get("duckdb") and ps["duckdb"] / x >= 5))
    rows.append(("b. one brand's stages, cold (ms)", med(a["ms"]["b_cold"]), {p: peer_val(p, "b_cold") for p in peers},
                 "≤ 0.5× DuckDB", lambda x, ps: ps.get("duckdb") and x <= 0.5 * ps["duckdb"]))
    rows.append(("b. warm, in process (ms)", med(a["ms"]["b_warm"]), {p: peer_val(p, "b_cold") for p in peers},
                 "< 1 ms", lambda x, ps: x < 1))
    rows.append(("b. warm, fresh `aips stages --json` process (ms)", med(a["fresh_stages_ms"]),
                 {p: peer_val(p, "b_cold") for p in peers}, "< DuckDB in-process",
                 lambda x, ps: ps.get("duckdb") and x < ps["duckdb"]))
    rows.append(("c. one brand's flow, cold (ms)", med(a["ms"]["c_cold"]), {p: peer_val(p, "c_cold") for p in peers},
                 "—", None))
    rows.append(("c. warm, in process (ms)", med(a["ms"]["c_warm"]), {p: peer_val(p, "c_cold") for p in peers},
                 "< 1 ms", lambda x, ps: x < 1))
    rows.append(("d. every brand's stages, from events (ms)", med(a["ms"]["d_cold"]),
                 {p: peer_val(p, "d_cold") for p in peers}, "≥ 5× faster than DuckDB",
                 lambda x, ps: ps.get("duckdb") and ps["duckdb"] / x >= 5))
    rows.append(("e. daily snapshots, 90 days × every brand and SPU (ms)", med(a["ms"]["e_refresh"]),
                 {p: peer_val(p, "e_refresh", days_scale) for p in peers}, "≥ 20× faster than DuckDB and ≤ 1.5 s",
                 lambda x, ps: ps.get("duckdb") and ps["duckdb"] / x >= 20 and x <= 1500))
    rows.append(("f. crowd expression count (ms)", med(a["ms"]["f_crowd"]), {p: peer_val(p, "f_crowd") for p in peers},
                 "< 1 ms", lambda x, ps: x < 1))
    w = r["world"]
    out = [f"# aips vs DuckDB and ClickHouse — {r['date']}", "",
           f"Machine: {r['machine']['cpus']} vCPU ({r['machine']['cpu']}), {r['machine']['memory_gib']} GiB, "
           f"Linux {r['machine']['kernel']}. "
           + ", ".join(f"{p} {r[p]['version']}" for p in peers) + ".",
           f"World: {w['events']:,} events ({w['csv_bytes'] / 1e9:.2f} GB CSV), {w['users']:,} users, {w['brands']} "
           f"brands, 90 days; workloads on `{w['brand']}` (competitor `{w['competitor']}`) as of {w['date']}, flow "
           f"from {w['from']}. Medians of {r['runs']} runs (warm in-process figures: of at least 20); load: "
           f"{len(a['load_s'])} run(s). Every answer was checked equal across the engines before its time counts.",
           "", "| workload | aips | " + " | ".join(peers) + " | " + " | ".join(f"aips/{p}" for p in peers)
           + " | target | met |",
           "|---|---|" + "---|" * (2 * len(peers)) + "---|---|"]
    for name, mine, ps, target, check in rows:
        cells = [f"{ps[p]:.1f}" if ps.get(p) is not None else "—" for p in peers]
        ratios = [f"{mine / ps[p]:.3f}" if ps.get(p) else "—" for p in peers]
        met = "—" if check is None else ("yes" if check(mine, ps) else "**no**")
        out.append(f"| {name} | {mine:.3f} | " + " | ".join(cells) + " | " + " | ".join(ratios) + f" | {target} | {met} |")
    bpm = a["snapshot_bytes_on_disk"] / max(1, a["member_days"])
    peak = max(a["load_rss_mb"], a["compute_rss_mb"], a["bench_rss_mb"])
    out += ["",
            f"- e for the peers: {w['e_days_run_by_peers']} of the 90 days were run (one query per day, every "
            f"{90 // w['e_days_run_by_peers']}th day) and the time scaled to 90 days; aips computes all 90 days of "
            f"all {a['scopes']} brand and SPU scopes (in memory, two threads; `aips compute`, which also writes "
            f"the files and the category crowds, took {a['compute_s']:.1f} s).",
            f"- Peak memory: aips ingest {a['load_rss_mb']:.0f} MB, compute {a['compute_rss_mb']:.0f} MB, the "
            f"benchmark process {a['bench_rss_mb']:.0f} MB, a fresh `aips stages` {a['fresh_stages_rss_mb']:.0f} MB "
            f"(target ≤ 2048 MB: {'met' if peak <= 2048 else '**missed**'}); "
            + "; ".join(f"{p} " + (f"load {r[p]['load_rss_mb']:.0f} MB, queries {r[p]['query_rss_mb']:.0f} MB"
                                   if p == "duckdb" else f"server peak resident {r[p]['server_rss_mb']:.0f} MB")
                        for p in peers) + ".",
            f"- Snapshot store: {a['snapshot_bytes_on_disk'] / 1e6:.1f} MB of brand snapshots for "
            f"{a['member_days']:,} asset member-days (summed over {a['scopes']} scopes and 90 days) = {bpm:.3f} "
            f"bytes per member per scope per day (target ≤ 0.5: {'met' if bpm <= 0.5 else '**missed**'}); the "
            f"whole data directory is {a['store_bytes'] / 1e9:.2f} GB."]
    out += storage_lines(r, peers)
    out += ingest_speed_lines(r, micro)
    return "\n".join(out) + "\n"


def ingest_speed_lines(r, micro):
    """Ingest in MB/s of CSV beside the CSV reader's own speed (the micro-benchmark, one core)."""
    m = re.search(r"BM_CsvReadValidate .*?bytes_per_second=([0-9.]+)([kMG])/s", micro)
    reader = float(m.group(1)) * {"k": 1e-3, "M": 1, "G": 1e3}[m.group(2)] * 1.048576 if m else None
    wide = r["world"]["csv_bytes"] / 1e6 / med(r["aips"]["load_s"])
    line = f"- Ingest speed: {wide:.0f} MB/s of the bench CSV"
    nw = r.get("narrow")
    if nw:
        line += f", {nw['csv_bytes'] / 1e6 / nw['aips']['load_s']:.0f} MB/s of the narrow CSV"
    if reader:
        line += f"; the CSV reader alone (parse and validate, one core, BM_CsvReadValidate) {reader:.0f} MB/s"
    return [line + "."]


def storage_lines(r, peers):
    """Bytes per event of the stored events, for the bench CSV and the narrow one: aips by part after ingest
    and after compute, and the peers' (DuckDB's database file, ClickHouse's compressed MergeTree columns)."""
    def line(label, a, events, peer_bytes):
        events = max(1, events)

        def per_event(parts):
            return sum(parts.values()) / events

        def split(parts):
            return ", ".join(f"{k.replace('_', ' ')} {v / events:.1f}"
                             for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))
        ingest, compute = a["bytes_after_ingest"], a["bytes_after_compute"]
        peer = {p: b / events for p, b in peer_bytes.items() if b}
        targets = (f"target ≤ 12 after ingest: {'met' if per_event(ingest) <= 12 else '**missed**'}, ≤ 20 after "
                   f"compute: {'met' if per_event(compute) <= 20 else '**missed**'}; smaller than every peer after "
                   f"ingest: {'met' if peer and all(per_event(ingest) < v for v in peer.values()) else '**missed**'}")
        return (f"- Storage, bytes per event, {label}: aips after ingest **{per_event(ingest):.1f}** ({split(ingest)}), "
                f"after compute **{per_event(compute):.1f}** ({split(compute)}); "
                + "; ".join(f"{p} {v:.1f}" + (" (its database file)" if p == "duckdb" else
                                              " (compressed MergeTree column data)")
                            for p, v in peer.items()) + f" ({targets}).")
    out = [line("the bench CSV", r["aips"], r["world"]["events"],
                {p: r[p].get("store_bytes") for p in peers if p in r})]
    nw = r.get("narrow")
    if nw:
        out.append(line(f"the narrow CSV ({nw['rows']:,} events, 7 columns)", nw["aips"], nw["rows"],
                        {p: nw[p].get("store_bytes") for p in peers if p in nw}))
    return out


def update_performance_doc(md, marker, keep_title=False):
    path = os.path.join(ROOT, "docs", "performance.md")
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    text = open(path).read() if os.path.exists(path) else f"# Performance\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    body = md if keep_title else md.split("\n", 2)[2]  # without the title
    open(path, "w").write(f"{head}{begin}\n{body}{end}{tail}")


if __name__ == "__main__":
    import urllib.parse  # noqa: E402  (used by ch())
    main()
