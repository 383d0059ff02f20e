#!/usr/bin/env python3
"""A long-lived `aips serve` sees every commit without a restart, and a request answers from one commit
(issue #14 §3).

The server starts on the first chunk of a simulated world. A writer then ingests the other chunks with
the CLI (each followed by `aips compute`) while four HTTP readers ask, in a loop and over keep-alive
connections, for `info` (events and last day), the whole-range `trend` and a `flow` of one brand. Every
answer must equal the answer of some committed prefix (its CLI answer, taken right after that commit), no
reader may see an older prefix after a newer one, and after the last commit the server must answer the
final state within one second. A key created with the CLI while the server runs must work within one
second, and nothing may fail with a 5xx meanwhile.

With --engine URL (a ClickHouse database, recreated; one server: a load into a cluster reaches its
shards one after the other, so a reader may see a part of it, docs/distributed.md) the world is loaded
there with `aips ingest --engine`, the server runs `aips serve --engine URL` and its generations follow
the database's commit token.

usage: serve_generation_test.py AIPS [--chunks N] [--engine URL]
"""
import argparse
import csv
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"FAIL: {' '.join(cmd)}: {p.stderr}")
    return p.stdout


def content(name, answer):
    """The answer without its bookkeeping: `computed_through` moves whenever any process (the server too)
    stores snapshots, which is a commit of its own that the writer here does not record."""
    if name == "info":
        for b in answer.get("brands", []):
            b.pop("computed_through", None)
    return answer


def split_world(aips, work, chunks):
    world = os.path.join(work, "world")
    run(aips, "simulate", "--out", world, "--users", "3000", "--days", "50", "--seed", "7", "--brands", "6")
    with open(os.path.join(world, "events.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    ts = header.index("ts")
    days = sorted({r[ts][:10] for r in body})
    first = len(days) - (chunks - 1) * 3  # the first chunk holds all but the last 3 days per later chunk
    cuts = [days[:first]] + [days[first + 3 * i:first + 3 * (i + 1)] for i in range(chunks - 1)]
    paths = []
    for i, keep in enumerate(cuts):
        keep = set(keep)
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(r for r in body if r[ts][:10] in keep)
        paths.append(os.path.join(work, f"chunk{i}.csv"))
        open(paths[-1], "w").write(out.getvalue())
    side = [os.path.join(world, f) for f in ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv")]
    brand = list(csv.reader(open(os.path.join(world, "brands.csv"))))[1][0]
    return paths, side, brand, days[0], days[first - 1]  # a range inside every committed prefix


class Reader(threading.Thread):
    def __init__(self, port, key, paths, allowed, stop):
        super().__init__(daemon=True)
        self.port, self.key, self.paths, self.allowed, self.stop = port, key, paths, allowed, stop
        self.errors, self.answers, self.newest = [], 0, -1

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            for name, path in self.paths:
                try:
                    conn.request("GET", path, headers={"Authorization": "Bearer " + self.key})
                    r = conn.getresponse()
                    body = r.read().decode()
                except (OSError, http.client.HTTPException) as e:
                    self.errors.append(f"{name}: {e}")
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    continue
                if r.status != 200:
                    self.errors.append(f"{name}: HTTP {r.status} {body[:200]}")
                    continue
                got = content(name, json.loads(body))
                prefixes = [i for i, a in enumerate(self.allowed[name]) if a == got]
                self.answers += 1
                if not prefixes:
                    # A commit may have landed before its CLI answer was recorded: look again once.
                    time.sleep(0.3)
                    prefixes = [i for i, a in enumerate(self.allowed[name]) if a == got]
                if not prefixes:
                    near = min(self.allowed[name], key=lambda a: sum(a.get(k) != got.get(k) for k in got))
                    diff = {k: (got.get(k), near.get(k)) for k in got if got.get(k) != near.get(k)}
                    self.errors.append(f"{name}: an answer of no committed state; nearest differs in {str(diff)[:400]}")
                elif max(prefixes) < self.newest and name == "info":
                    self.errors.append(f"{name}: went back from state {self.newest} to {max(prefixes)}")
                elif name == "info":
                    self.newest = max(self.newest, min(prefixes))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--chunks", type=int, default=5)
    ap.add_argument("--engine", help="clickhouse://HOST:PORT/DATABASE of one server (recreated)")
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-generations-")
    server = None
    try:
        chunks, side, brand, first, last = split_world(aips, work, args.chunks)
        d = os.path.join(work, "d")
        where = ["--data", d]
        if args.engine:
            where = ["--engine", args.engine]
            node, db = args.engine.split("://")[1].split("?")[0].split("/")
            subprocess.run(["curl", "-sf", f"http://{node}/", "--data-binary", f"DROP DATABASE IF EXISTS {db}"],
                           check=True)
        compute = (lambda: None) if args.engine else (lambda: run(aips, "compute", *where))
        run(aips, "ingest", *where, *side, chunks[0])
        compute()
        admin = run(aips, "key", "create", *where, "--admin").strip()
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        server = subprocess.Popen([aips, "serve", *where, "--port", str(port), "--quiet"],
                                  stderr=subprocess.PIPE, text=True)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cli = {
            "info": ["info"],
            "trend": ["trend", "--brand", brand, "--from", first, "--to", last],
            "flow": ["flow", "--brand", brand, "--from", first, "--to", last],
        }
        paths = [("info", "/api/v1/info"),
                 ("trend", f"/api/v1/trend?brand={brand}&from={first}&to={last}"),
                 ("flow", f"/api/v1/flow?brand={brand}&from={first}&to={last}")]
        allowed = {name: [] for name in cli}

        def record():
            for name, c in cli.items():
                allowed[name].append(content(name, json.loads(run(aips, *c, *where, "--json"))))

        record()
        stop = threading.Event()
        readers = [Reader(port, admin, paths, allowed, stop) for _ in range(4)]
        for r in readers:
            r.start()
        time.sleep(0.5)
        for chunk in chunks[1:]:
            run(aips, "ingest", *where, chunk)
            record()  # readers may see the ingest before the compute: both are commits
            if not args.engine:
                compute()
                record()
            time.sleep(0.3)
        final = allowed["info"][-1]
        t0 = time.time()
        seen_final = None
        while time.time() - t0 < 5:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/info", headers={"Authorization": "Bearer " + admin})
            if content("info", json.loads(conn.getresponse().read())) == final:
                seen_final = time.time() - t0
                break
            time.sleep(0.05)
        new_key = run(aips, "key", "create", *where, "--admin").strip()
        t1 = time.time()
        key_ok = None
        while time.time() - t1 < 5:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + new_key})
            if conn.getresponse().status == 200:
                key_ok = time.time() - t1
                break
            time.sleep(0.05)
        time.sleep(0.5)
        stop.set()
        for r in readers:
            r.join(timeout=30)
        errors = [e for r in readers for e in r.errors]
        answers = sum(r.answers for r in readers)
        failed = False
        for e in errors[:10]:
            print("FAIL", e)
            failed = True
        if seen_final is None or seen_final > 1.0:
            print(f"FAIL: the final commit was not visible within 1 s ({seen_final})")
            failed = True
        if key_ok is None or key_ok > 1.0:
            print(f"FAIL: a key created with the CLI did not work within 1 s ({key_ok})")
            failed = True
        states = max(r.newest for r in readers)
        # On ClickHouse a chunk is one commit (no compute): the readers must reach the last one.
        if answers < 50 or states < (len(allowed["info"]) - 1 if args.engine else len(chunks)):
            print(f"FAIL: too little was observed: {answers} answers, newest state {states}")
            failed = True
        print(f"{answers} answers from 4 readers over {len(chunks)} commits, all of committed states, none going "
              f"back; final commit visible after {seen_final:.3f} s; a new key after {key_ok:.3f} s")
        sys.exit(1 if failed else 0)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
