#!/usr/bin/env python3
"""Commands and dashboard pages on a 2-shard ClickHouse cluster against the embedded engine (issue #16 §6).

On the bench world (default 2,000,000 users, about 20 M events), loaded into a data directory (then
`aips compute`) and into a 2-shard Debian ClickHouse 18.16 cluster (scripts/clickhouse-cluster.sh):
- every command once per backend through one `aips batch` process each: the answers must be equal (stdout
  and exit code) before any time counts; each command runs --runs times, the median is reported;
- every dashboard page: the API requests the page makes (web/src/pages/*.js), fired together against
  `aips serve` over each backend, on a fresh generation (nothing cached) and again (cached);
- the slowest ClickHouse statements of the run, from system.query_log (rows and bytes read, memory, time),
  so that docs/distributed.md can say why a command is slow.

Writes bench/results/<date>-distributed.{json,md}; the markdown is pasted into docs/distributed.md.

usage: distributed_bench.py [--users 2000000] [--runs 3] [--work /tmp/aips-bench] [--aips build/aips]
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLUSTER = os.path.join(ROOT, "scripts", "clickhouse-cluster.sh")
sys.path.insert(0, os.path.join(ROOT, "tests", "parity"))
from harness import Batch, Server, ch, normalise  # noqa: E402  (the parity suite's helpers)
NODE1, NODE2 = "127.0.0.1:19123", "127.0.0.1:19223"
URL = f"clickhouse://127.0.0.1:19123/bench?cluster=two_shards&nodes={NODE1},{NODE2}"


def sh(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"distributed_bench: {' '.join(cmd)}: {p.stderr[-2000:]}")
    return p.stdout


def page_time(server, paths):
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(len(paths)) as ex:
        answers = list(ex.map(server.get, paths))
    return time.perf_counter() - t0, answers


def q(params):
    return urllib.parse.urlencode(params)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aips", default=os.path.join(ROOT, "build", "aips"))
    ap.add_argument("--users", type=int, default=2000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/aips-bench")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    os.makedirs(args.work, exist_ok=True)
    world = os.path.join(args.work, f"world-{args.users}")
    if not os.path.exists(os.path.join(world, "truth.json")):  # a world of the simulator with holdouts
        shutil.rmtree(world, ignore_errors=True)
        print(f"simulating {args.users} users ...", file=sys.stderr)
        sh([aips, "simulate", "--out", world, "--users", str(args.users), "--days", "90", "--seed", "7",
            "--duplicate-rate", "0"])
    files = sorted(os.path.join(world, f) for f in os.listdir(world) if f.endswith(".csv"))
    data = os.path.join(args.work, f"dist-data-{args.users}")
    chdir = os.path.join(args.work, "dist-ch")
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(chdir, ignore_errors=True)
    where = {"embedded": ["--data", data], "2 shards": ["--engine", URL]}
    result = {"date": datetime.date.today().isoformat(), "users": args.users, "runs": args.runs,
              "cpus": os.cpu_count(), "load_seconds": {}, "commands": [], "pages": [], "slowest_sql": []}
    sh([CLUSTER, "start", chdir])
    try:
        users_xml = os.path.join(chdir, "users.xml")  # log every statement for the slowest-SQL table
        text = open(users_xml).read()
        if "<log_queries>" not in text:
            open(users_xml, "w").write(text.replace("<default>", "<default><log_queries>1</log_queries>", 1))
            time.sleep(6)  # the servers reload users.xml by themselves
        for name, w in where.items():
            t0 = time.time()
            out = json.loads(sh([aips, "ingest", *w, "--json", *files]))
            if name == "embedded":
                sh([aips, "compute", *w])
            result["load_seconds"][name] = round(time.time() - t0, 1)
            print(f"load into {name}: {out['accepted']} events in {result['load_seconds'][name]} s", file=sys.stderr)
        result["events"] = out["accepted"]
        bench(aips, where, args, result)
    finally:
        subprocess.run([CLUSTER, "stop", chdir], capture_output=True)
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, f"{result['date']}-distributed")
    with open(stem + ".json", "w") as f:
        json.dump(result, f, indent=1)
    md = render(result)
    with open(stem + ".md", "w") as f:
        f.write(md)
    print(md)


def bench(aips, where, args, result):
    info = json.loads(sh([aips, "info", *where["embedded"], "--json"]))
    last, first = info["last_day"], info["first_day"]
    brands = [b["brand"] for b in info["brands"]]
    brand = brands[0]
    category = next((b.get("category") for b in info["brands"] if b.get("category")), "")
    competitor = next(b["brand"] for b in info["brands"][1:] if b.get("category") == category)
    campaign = info["campaigns"][0]
    with open(os.path.join(args.work, f"world-{args.users}", "truth.json")) as f:
        holdout = next(c["campaign"] for c in json.load(f)["campaigns"] if c["holdout"] and c["brand"] == brand)
    d0 = (datetime.date.fromisoformat(last) - datetime.timedelta(days=30)).isoformat()
    stage = f'stage(brand: "{brand}", date: "{last}") in [TI]'
    commands = {
        "info": ["info"],
        "stages": ["stages", "--brand", brand],
        "trend (30 days)": ["trend", "--brand", brand],
        "trend (90 days)": ["trend", "--brand", brand, "--from", first, "--to", last],
        "flow": ["flow", "--brand", brand, "--from", d0, "--to", last],
        "penetration": ["penetration", "--brand", brand],
        "report": ["report", "--brand", brand],
        "campaign": ["campaign", "--campaign", campaign],
        "campaigns of a brand": ["campaign", "--brand", brand],
        "compare": ["compare", "--brand", brand, "--with", competitor],
        "overlap": ["overlap", "--brands", f"{brand},{competitor}"],
        "defeated": ["defeated", "--brand", brand],
        "searchback": ["searchback", "--brand", brand],
        "aurora": ["aurora", "--category", category],
        "firstparty": ["firstparty", "--brand", brand],
        "spectrum": ["spectrum", "--brand", brand],
        "crowd count (redelivery)": ["crowd", "count", "--preset", "redelivery", "--brand", brand],
        "crowd count (conquest)": ["crowd", "count", "--preset", "conquest", "--brand", brand,
                                   "--competitor", competitor],
        "crowd export": ["crowd", "export", "--expr", stage, "--raw"],
        "crowd portrait": ["crowd", "portrait", "--expr", stage],
        "correction": ["correction", "--campaign", campaign, "--target", stage],
        "lookalike": ["lookalike", "--expr", stage],
        "lift": ["lift", "--campaign", holdout],
        "topics": ["topics", "--category", category, "--brand", brand],
        "consult": ["consult"],
    }
    batches = {n: Batch(aips) for n in where}
    for label, cmd in commands.items():
        times, outs = {}, {}
        for n, w in where.items():
            runs = []
            for _ in range(args.runs):
                code, out, _ = batches[n]([*cmd, *w, "--json"])
                runs.append((batches[n].seconds, code, normalise(out)))
            times[n] = statistics.median(r[0] for r in runs)
            outs[n] = (runs[0][1], runs[0][2])
        equal = outs["embedded"] == outs["2 shards"]
        if not equal:
            print(f"distributed_bench: {label}: answers differ (exit {outs['embedded'][0]} vs "
                  f"{outs['2 shards'][0]}); its time is reported as not comparable", file=sys.stderr)
        result["commands"].append({"command": label, "args": cmd, "equal": equal, "exit": outs["embedded"][0],
                                   "embedded_s": round(times["embedded"], 4),
                                   "shards_s": round(times["2 shards"], 4)})
        print(f"{label}: embedded {times['embedded']:.3f} s, 2 shards {times['2 shards']:.3f} s", file=sys.stderr)
    for b in batches.values():
        b.close()
    scope = {"brand": brand, "date": last}
    prev = (datetime.date.fromisoformat(last) - datetime.timedelta(days=7)).isoformat()
    pages = {
        "overview 总览": [f"/api/v1/stages?{q(scope)}", f"/api/v1/stages?{q({'brand': brand, 'date': prev})}",
                        f"/api/v1/trend?{q({'brand': brand, 'to': last})}"],
        "flow 人群流转": [f"/api/v1/flow?{q({'brand': brand, 'from': d0, 'to': last})}"],
        "penetration 渗透": [f"/api/v1/penetration?{q(scope)}", f"/api/v1/compare?{q(scope)}"],
        "campaigns 投放": [f"/api/v1/campaigns?{q({'brand': brand})}",
                         *[f"/api/v1/lift?{q({'campaign': c})}" for c in info["campaigns"] if c.startswith(brand + "-")]],
        "crowds 人群": [f"/api/v1/crowd/count?{q({'preset': 'redelivery', **scope})}",
                      f"/api/v1/crowd/portrait?{q({'expr': stage})}", "/api/v1/crowds"],
        "first party 一方": [f"/api/v1/firstparty?{q({'brand': brand})}", f"/api/v1/spectrum?{q(scope)}"],
        "aurora 极光": [f"/api/v1/aurora?{q(scope)}"],
        "topics 灵犀": ["/api/v1/info", f"/api/v1/topics?{q({'category': category, 'brand': brand, 'to': last})}"],
        "consult 私信": [f"/api/v1/consult?{q({'brand': brand, 'to': last})}"],
    }
    servers = {}
    try:
        for n, w in where.items():
            servers[n] = Server(aips, w, os.path.join(args.work, f"serve-{n.replace(' ', '-')}.log"), ["--quiet"])
        for label, paths in pages.items():
            row = {"page": label, "requests": len(paths)}
            answers = {}
            for n, server in servers.items():
                # A fresh generation: a new key moves the commit token of both backends (nothing cached).
                sh([aips, "key", "create", *where[n], "--admin"])
                time.sleep(0.5)
                cold, answers[n] = page_time(server, paths)
                warm, _ = page_time(server, paths)
                row[f"{n}_cold_s"], row[f"{n}_warm_s"] = round(cold, 4), round(warm, 4)
            row["equal"] = all((a[0], normalise(a[1])) == (b[0], normalise(b[1]))
                               for a, b in zip(answers["embedded"], answers["2 shards"]))
            row["statuses"] = sorted({s for s, _ in answers["2 shards"]})
            result["pages"].append(row)
            print(f"page {label}: {row}", file=sys.stderr)
    finally:
        for server in servers.values():
            server.stop()
    try:
        ch(NODE1, "SYSTEM FLUSH LOGS")
        rows = ch(NODE1, "SELECT query_duration_ms, read_rows, read_bytes, memory_usage, substring(replaceAll(query, "
                  "'\\n', ' '), 1, 700) FROM system.query_log WHERE type = 2 AND query LIKE '%bench.%' AND query "
                  "NOT LIKE 'INSERT%' ORDER BY query_duration_ms DESC LIMIT 8 FORMAT TabSeparated")
    except urllib.error.HTTPError as e:  # a server without <query_log> in its config has no such table
        print(f"distributed_bench: no system.query_log ({e.read().decode()[:200]})", file=sys.stderr)
        rows = ""
    for line in rows.splitlines():
        ms, rr, rb, mem, sql = line.split("\t", 4)
        result["slowest_sql"].append({"ms": int(ms), "read_rows": int(rr), "read_bytes": int(rb),
                                      "memory_bytes": int(mem), "sql": sql})


def render(r):
    out = [f"Bench world: {r['users']:,} users, {r['events']:,} events, 90 days; {r['cpus']} cores; 2 shards = two "
           f"ClickHouse 18.16 servers on this machine. Load: embedded {r['load_seconds']['embedded']} s (ingest + "
           f"compute), 2 shards {r['load_seconds']['2 shards']} s. Median of {r['runs']} runs through one `aips batch`"
           " process per backend.", "", "| command | embedded (s) | 2 shards (s) | ratio | equal |", "|---|---|---|---|---|"]
    for c in r["commands"]:
        ratio = c["shards_s"] / c["embedded_s"] if c["embedded_s"] > 0 else float("inf")
        out.append(f"| {c['command']} | {c['embedded_s']:.3f} | {c['shards_s']:.3f} | {ratio:.0f}× | "
                   f"{'yes' if c['equal'] else 'NO'} |")
    out += ["", "Dashboard pages: every API request of the page at once; cold = first view after a commit (a "
            "new generation, nothing cached), warm = the same view again.", "",
            "| page | requests | embedded cold (s) | 2 shards cold (s) | embedded warm (s) | 2 shards warm (s) | equal |",
            "|---|---|---|---|---|---|---|"]
    for p in r["pages"]:
        out.append(f"| {p['page']} | {p['requests']} | {p['embedded_cold_s']:.3f} | {p['2 shards_cold_s']:.3f} | "
                   f"{p['embedded_warm_s']:.3f} | {p['2 shards_warm_s']:.3f} | {'yes' if p['equal'] else 'NO'} |")
    out += ["", "Slowest ClickHouse statements of the run (system.query_log of the entry node):", "",
            "| ms | rows read | bytes read | memory | statement (start) |", "|---|---|---|---|---|"]
    for s in r["slowest_sql"]:
        out.append(f"| {s['ms']} | {s['read_rows']:,} | {s['read_bytes']:,} | {s['memory_bytes']:,} | "
                   f"`{s['sql'][:300].replace('|', '¦')}` |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
