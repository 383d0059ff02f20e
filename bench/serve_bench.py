#!/usr/bin/env python3
"""The serving benchmark (issue #14 §5): `aips serve` on the bench world, loaded with wrk over loopback.

Before any figure counts, every endpoint's answer over HTTP is checked equal to the CLI's `--json` answer
to the same question. Then:
- stages, trend and flow: requests per second and latency percentiles with wrk (2 threads, 64
  connections, keep-alive), each for --seconds;
- one brand's campaigns: the first (cold) and a warm request;
- every request of one dashboard page fired together (the overview, flow and campaigns pages), on a
  fresh generation (nothing cached) and again (cached);
- an ingest through the API during a wrk run: no request may fail, and the ingest must be seen;
- the server's resident memory sampled once a second through a --soak-second mixed run: it must stay flat.

Writes bench/results/<date>-serve.{json,md} and the "serve" section of docs/performance.md (unless --tiny).

usage: serve_bench.py [--users 2000000] [--data DIR] [--seconds 10] [--soak 60] [--tiny]
"""
import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def sh(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"serve_bench: {' '.join(cmd)}: {p.stderr}")
    return p.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(port, path, key, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": "Bearer " + key}
    if body is not None:
        headers["Content-Type"] = "text/csv"
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data, (time.perf_counter() - t0) * 1000


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(port, path, key, seconds, script=None):
    cmd = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {key}"]
    if script:
        cmd += ["-s", script]
    out = sh(cmd + [f"http://127.0.0.1:{port}{path}"])
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(x) for x in m.groups()) if m else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50_ms": pct(50), "p99_ms": pct(99), "requests": total, "errors": errors}


def start_server(args, data, extra=()):
    port = free_port()
    log = open(os.path.join(args.work, "serve-bench.log"), "a")
    server = subprocess.Popen([args.aips, "serve", "--data", data, "--port", str(port), "--quiet", *extra],
                              stderr=log)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return port, server


def prepare(args):
    work = args.work
    os.makedirs(work, exist_ok=True)
    data = args.data or os.path.join(work, f"serve-data-{args.users}")
    world = os.path.join(work, f"world-{args.users}")
    if not os.path.exists(os.path.join(data, "MANIFEST")):
        if not os.path.exists(os.path.join(world, "events.csv")):
            print(f"simulating {args.users} users ...", file=sys.stderr)
            sh([args.aips, "simulate", "--out", world, "--users", str(args.users), "--days", "90", "--seed", "7",
                "--duplicate-rate", "0"])
        print("ingest + compute ...", file=sys.stderr)
        tables = [os.path.join(world, f) for f in ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv",
                                                   "events.csv")]
        sh([args.aips, "ingest", "--data", data] + [t for t in tables if os.path.exists(t)])
        sh([args.aips, "compute", "--data", data])
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aips", default=os.path.join(ROOT, "build", "aips"))
    ap.add_argument("--users", type=int, default=2000000)
    ap.add_argument("--data", help="an existing data directory (else the bench world is made in --work)")
    ap.add_argument("--work", default="/tmp/aips-bench")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--soak", type=int, default=60)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--tiny", action="store_true", help="a 20,000-user world and 2-second runs")
    args = ap.parse_args()
    if args.tiny:
        args.users, args.seconds, args.soak = 20000, 2, 4
    if not shutil.which("wrk"):
        sys.exit("serve_bench: wrk is missing (apt-get install wrk)")
    data = prepare(args)
    info = json.loads(sh([args.aips, "info", "--data", data, "--json"]))
    brand = info["brands"][0]["brand"]
    last = info["last_day"]
    d = datetime.date.fromisoformat(last)
    prev = (d - datetime.timedelta(days=30)).isoformat()
    t_from = (d - datetime.timedelta(days=89)).isoformat()
    admin = sh([args.aips, "key", "create", "--data", data, "--admin"]).strip()
    port, server = start_server(args, data)
    try:
        q = {
            "stages": (f"/api/v1/stages?brand={brand}&date={last}", ["stages", "--brand", brand, "--date", last]),
            "trend": (f"/api/v1/trend?brand={brand}&from={prev}&to={last}",
                      ["trend", "--brand", brand, "--from", prev, "--to", last]),
            "flow": (f"/api/v1/flow?brand={brand}&from={prev}&to={last}",
                     ["flow", "--brand", brand, "--from", prev, "--to", last]),
            "campaigns": (f"/api/v1/campaigns?brand={brand}", ["campaign", "--brand", brand]),
        }
        result = {"date": datetime.date.today().isoformat(), "users": args.users, "events": info["events"],
                  "brand": brand, "day": last, "cpus": os.cpu_count()}
        # Answers first: the server's must equal the CLI's.
        cold_campaigns = None
        for name, (path, cli) in q.items():
            s, body, ms = get(port, path, admin)
            if name == "campaigns":
                cold_campaigns = ms
            want = json.loads(sh([args.aips] + cli + ["--data", data, "--json"]))
            if s != 200 or json.loads(body) != want:
                sys.exit(f"serve_bench: {name}: the server's answer differs from the CLI's; no time counts")
        print("every answer equal to the CLI's", file=sys.stderr)
        _, _, warm_campaigns = get(port, q["campaigns"][0], admin)
        result["campaigns_ms"] = {"first": cold_campaigns, "warm": warm_campaigns}
        for name in ("stages", "trend", "flow"):
            print(f"wrk {name} ...", file=sys.stderr)
            result[name] = wrk(port, q[name][0], admin, args.seconds)
        # One dashboard page: its requests together, on a fresh generation and again.
        pages = {
            "overview": ["/api/v1/me", "/api/v1/info", q["stages"][0], f"/api/v1/stages?brand={brand}&date={prev}",
                         f"/api/v1/trend?brand={brand}&from={t_from}&to={last}"],
            "flow": ["/api/v1/me", "/api/v1/info", q["flow"][0]],
            "campaigns": ["/api/v1/me", "/api/v1/info", q["campaigns"][0]],
        }
        result["pages_ms"] = {}
        for page, paths in pages.items():
            sh([args.aips, "key", "create", "--data", data, "--admin"])  # a commit to tenants.bin: a new generation
            time.sleep(0.5)
            row = {}
            for label in ("first", "again"):
                t0 = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(len(paths)) as ex:
                    statuses = list(ex.map(lambda p: get(port, p, admin)[0], paths))
                row[label] = (time.perf_counter() - t0) * 1000
                if any(s != 200 for s in statuses):
                    sys.exit(f"serve_bench: page {page}: statuses {statuses}")
            result["pages_ms"][page] = row
        # An ingest through the API while wrk runs: nothing fails, and the new events are seen.
        print("ingest during load ...", file=sys.stderr)
        events_before = json.loads(get(port, "/api/v1/info", admin)[1])["events"]
        stamp = int(time.time())
        body = "event_id,ts,user_id,brand,spu,action,campaign,note,amount,channel,sentiment\n" + "".join(
            f"sb{stamp}-{i},{last}T12:00:00+08:00,sb-user-{i % 50},{brand},,impression,,,,,\n" for i in range(200))
        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            fut = ex.submit(wrk, port, q["stages"][0], admin, max(2, args.seconds // 2))
            time.sleep(0.5)
            s, ingest_body, ingest_ms = get(port, "/api/v1/ingest/events", admin, "POST", body.encode())
            during = fut.result()
        time.sleep(0.5)
        events_after = json.loads(get(port, "/api/v1/info", admin)[1])["events"]
        result["ingest_during_load"] = {"status": s, "ms": ingest_ms, "wrk": during,
                                        "events_before": events_before, "events_after": events_after}
        if s != 200 or during["errors"] or events_after <= events_before:
            sys.exit(f"serve_bench: ingest during load: status {s}, {during['errors']} failed requests, events "
                     f"{events_before} -> {events_after}")
        # Memory over a mixed soak.
        print(f"soak {args.soak} s ...", file=sys.stderr)
        samples = []
        with concurrent.futures.ThreadPoolExecutor(1) as ex:
            os.environ["KEY"], os.environ["DAY"] = admin, last  # tests/load/mix.lua: the dashboard's mix
            fut = ex.submit(wrk, port, q["stages"][0], admin, args.soak, os.path.join(ROOT, "tests", "load", "mix.lua"))
            for _ in range(args.soak):
                time.sleep(1)
                samples.append(rss_mb(server.pid))
            soak = fut.result()
        result["soak"] = {"wrk": soak, "rss_mb": samples}
    finally:
        server.terminate()
        server.wait(timeout=60)
    # The engines alone: the same requests with the answer cache off (every request computed).
    port, server = start_server(args, data, ["--cache-mb", "0"])
    try:
        for name in ("stages", "trend", "flow"):
            print(f"wrk {name}, no answer cache ...", file=sys.stderr)
            result[name + "_uncached"] = wrk(port, q[name][0], admin, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=60)
    md = report(result)
    os.makedirs(args.out, exist_ok=True)
    stem = os.path.join(args.out, result["date"] + ("-serve-tiny" if args.tiny else "-serve"))
    json.dump(result, open(stem + ".json", "w"), indent=1)
    open(stem + ".md", "w").write(md)
    if not args.tiny:
        sys.path.insert(0, HERE)
        from run import update_performance_doc  # noqa: E402
        update_performance_doc(md, "serve")
    print(md)


def report(r):
    def row(name, w, target):
        return f"| {name} | {w['rps']:,.0f} | {w['p50_ms']:.2f} | {w['p99_ms']:.2f} | {w['errors']} | {target} |"

    s = r["soak"]["rss_mb"]
    half = max(1, len(s) // 2)
    first, second = sum(s[:half]) / half, sum(s[half:]) / max(1, len(s) - half)
    out = [f"# Serving — {r['date']}", "",
           f"`aips serve` on {r['events']:,} events ({r['users']:,} users), {r['cpus']} cores shared by the server "
           f"and wrk (2 threads, 64 keep-alive connections, loopback); brand `{r['brand']}`, day {r['day']}. "
           "Every answer was checked equal to the CLI's first.", "",
           "| request | req/s | p50 ms | p99 ms | failed | target |", "|---|---|---|---|---|---|",
           row("stages", r["stages"], "≥ 20,000 req/s, p99 ≤ 5 ms"),
           row("trend (30 days)", r["trend"], "≥ 20,000 req/s, p99 ≤ 5 ms"),
           row("flow (30 days)", r["flow"], "≥ 5,000 req/s"),
           row("stages, answer cache off", r["stages_uncached"], "(the engine alone)"),
           row("trend, answer cache off", r["trend_uncached"], "(the engine alone)"),
           row("flow, answer cache off", r["flow_uncached"], "(the engine alone)"), "",
           "The first three rows repeat one request, so after the first they are answered from the "
           "generation's answer cache; the last three start the server with `--cache-mb 0`, so every request "
           "runs the engine (warm: snapshots mapped, per-user arrays reused).", "",
           f"- A brand's campaigns: first request {r['campaigns_ms']['first']:.1f} ms, warm "
           f"{r['campaigns_ms']['warm']:.2f} ms (target ≤ 20 ms warm).",
           "- One dashboard page, every request together (fresh generation → again): "
           + "; ".join(f"{p} {v['first']:.1f} → {v['again']:.1f} ms" for p, v in r["pages_ms"].items())
           + " (target ≤ 50 ms).",
           f"- An ingest of 200 events through the API during a stages run: HTTP {r['ingest_during_load']['status']} "
           f"in {r['ingest_during_load']['ms']:.0f} ms, {r['ingest_during_load']['wrk']['requests']:,} requests "
           f"answered meanwhile, {r['ingest_during_load']['wrk']['errors']} failed; events "
           f"{r['ingest_during_load']['events_before']:,} → {r['ingest_during_load']['events_after']:,}.",
           f"- Memory over a {len(s)}-s mixed run ({r['soak']['wrk']['requests']:,} requests, "
           f"{r['soak']['wrk']['errors']} failed): resident {min(s):.0f}–{max(s):.0f} MB, first half mean "
           f"{first:.0f} MB, second half {second:.0f} MB."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
