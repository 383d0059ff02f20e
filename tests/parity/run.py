#!/usr/bin/env python3
"""One parity suite for every backend (issue #16): the same commands and endpoints give byte-equal answers.

Backends: the embedded engine (a data directory), one ClickHouse 18.16 server, a 2-shard 18.16 cluster
(scripts/clickhouse-cluster.sh) and ClickHouse 26 in process (`--engine chdb:DIR`). The demo world is simulated
and loaded into each through `aips ingest`; then every query line of tests/parity/*.txt is expanded over the
world's brands, SPUs, campaigns, categories and days and run on every backend:
  cli ARGS...   `aips ARGS... --json` with --data / --engine appended, through one `aips batch` process per
                backend (the chdb backend boots once); exit code and stdout must be byte-equal;
  http PATH     GET on `aips serve` over each backend with an admin key; status and body must be byte-equal.
The only fields allowed to differ say where the data lives and how far a data directory has precomputed
snapshots (`data_dir` and `computed_through` in `info`).

Also checked, as before: loading the same files again adds nothing; every event sits on the shard its user
hashes to; a load killed half-way and run again ends with exactly the events of an uninterrupted load; and
`aips forget` erases the same users everywhere, after which the funnel queries are still equal.

Never skips: a ClickHouse that cannot be started, or a libchdb that is missing, fails the suite.

usage: run.py AIPS [--users N] [--days D] [--backends embedded,one,two,chdb] [--only FILE.txt] [--keep]
"""
import argparse
import itertools
import json
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import Batch, Server, ch, fail, normalise, run

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER = os.path.join(HERE, "..", "..", "scripts", "clickhouse-cluster.sh")
NODE1, NODE2 = "127.0.0.1:19123", "127.0.0.1:19223"
ALL_BACKENDS = ["embedded", "one", "two", "chdb"]
PASSWORD, PASSWORD_URL = "p@ss:w/rd", "p%40ss%3Aw%2Frd"  # the `aips` user of scripts/clickhouse-cluster.sh


PLACEHOLDER = re.compile(r"\{(\w+)([+-]\d+)?\}")


def expand(line, world):
    """Every concrete command of a template line: the product of its independent placeholders."""
    names = {m.group(1) for m in PLACEHOLDER.finditer(line)}
    for n in names:
        if n not in world["values"] and n not in ("spu", "competitor"):
            fail(f"unknown placeholder {{{n}}} in: {line}")
    bound = [n for n in ("spu", "competitor") if n in names]  # values that belong to {brand}
    if len(bound) > 1:
        fail(f"a line names {{spu}} or {{competitor}}, not both: {line}")
    free = sorted((names - set(bound)) | ({"brand"} if bound else set()))
    for combo in itertools.product(*(world["values"][n] for n in free)):
        bind = dict(zip(free, combo))
        deps = world[bound[0] + "s"].get(bind["brand"], []) if bound else [None]
        for dep in deps:
            b = dict(bind, **({bound[0]: dep} if bound else {}))

            def sub(m):
                v = b[m.group(1)]
                if m.group(2):
                    v = world["shift"](v, int(m.group(2)))
                return v
            yield PLACEHOLDER.sub(sub, line)


def load_templates(only):
    out = []
    for f in sorted(os.listdir(HERE)):
        if not f.endswith(".txt") or (only and f != only):
            continue
        with open(os.path.join(HERE, f)) as fh:
            for n, raw in enumerate(fh, 1):
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                kind, _, rest = line.partition(" ")
                if kind not in ("cli", "http"):
                    fail(f"{f}:{n}: a line starts with 'cli' or 'http': {line}")
                out.append((f"{f}:{n}", kind, rest.strip()))
    return out


def world_values(aips, where):
    info = json.loads(run([aips, "info", *where, "--json"]))
    days = info["days"]
    brands, spus, cat_of = [], {}, {}
    for b in info["brands"]:
        name = b["brand"]
        brands.append(name)
        spus[name] = list(b.get("spus", []))[:2]
        cat_of[name] = b.get("category") or ""
    competitors = {}
    for b in brands:
        same = [c for c in brands if c != b and cat_of[b] and cat_of[c] == cat_of[b]]
        competitors[b] = same[:1]
    mids = [days[i] for i in range(7, len(days), max(1, len(days) // 3))]
    accounts = []
    p = subprocess.run([aips, "consult", *where, "--json"], capture_output=True, text=True)
    if p.returncode == 0:
        accounts = sorted({a["account"] for a in json.loads(p.stdout).get("accounts", []) if "account" in a})[:3]
    import datetime

    def shift(day, n):
        return (datetime.date.fromisoformat(day) + datetime.timedelta(days=n)).isoformat()
    return {"values": {"brand": brands, "campaign": info.get("campaigns", []),
                       "category": [c["category"] for c in info["categories"]],
                       "first": [info["first_day"]], "last": [info["last_day"]], "mid": mids,
                       "account": accounts},
            "spus": spus, "competitors": competitors, "shift": shift, "info": info}


def compare_cli(aips, where, queries):
    batches = {name: Batch(aips) for name in where}
    results = {name: [] for name in where}

    def feed(name):
        for q in queries:
            results[name].append(batches[name]([*q, *where[name], "--json"]))

    threads = [threading.Thread(target=feed, args=(n,)) for n in where]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in batches.values():
        b.close()
    base = results["embedded"]
    for name in where:
        for q, want, got in zip(queries, base, results[name]):
            g, w = normalise(got[1]), normalise(want[1])
            if (got[0], g) != (want[0], w):
                at = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
                fail(f"aips {' '.join(q)} on {name}: exit {got[0]}, first difference at character {at}\n"
                     f"  {name}: …{g[max(0, at - 200):at + 300]}{got[2][:400]}\n"
                     f"  embedded (exit {want[0]}): …{w[max(0, at - 200):at + 300]}{want[2][:400]}")
    return base


def compare_http(servers, paths):
    got = {}
    lock = threading.Lock()

    def feed(name):
        r = [servers[name].get(p) for p in paths]
        with lock:
            got[name] = r

    threads = [threading.Thread(target=feed, args=(n,)) for n in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in servers:
        for p, want, have in zip(paths, got["embedded"], got[name]):
            if (have[0], normalise(have[1])) != (want[0], normalise(want[1])):
                fail(f"GET {p} on {name}: {have[0]}\n  {have[1][:800]}\nembedded: {want[0]}\n  {want[1][:800]}")
    return got["embedded"]


def load(aips, where, files, work):
    expected = None
    seconds = {}
    for name, w in where.items():
        t0 = time.time()
        out = json.loads(run([aips, "ingest", *w, "--json", *files]))
        seconds[name] = time.time() - t0
        print(f"load into {name}: {out['accepted']} accepted, {out['duplicates']} duplicates, "
              f"{out['rejected']} rejected in {seconds[name]:.1f} s")
        per_kind = sorted((f["kind"], f.get("accepted"), f.get("rejected")) for f in out["files"])
        if expected is None:
            expected = per_kind
        elif per_kind != expected:
            fail(f"{name}: per-file counts {per_kind} != embedded {expected}")
    return seconds


def kill_once_stored(cmd, database, deadline=None):
    """Runs cmd and SIGKILLs it as soon as the first events are stored in database (or at the deadline);
    the events stored then."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while p.poll() is None and (deadline is None or time.time() < deadline):
        try:
            if int(ch(NODE1, f"SELECT count() FROM {database}.events").strip() or 0) > 0:
                break
        except (OSError, ValueError, urllib.error.HTTPError):
            pass  # the tables are being created
        time.sleep(0.005)
    p.send_signal(signal.SIGKILL)
    p.wait()
    return ch(NODE1, f"SELECT count() FROM {database}.events").strip()


def check_loader(aips, where, files, seconds):
    if "two" not in where:
        return
    again = json.loads(run([aips, "ingest", *where["two"], "--json", *files]))
    if again["accepted"] != 0:
        fail(f"loading the same files again accepted {again['accepted']} rows")
    print(f"re-load: 0 accepted, {again['duplicates']} duplicates")
    for shard, node in enumerate([NODE1, NODE2]):
        wrong, total = ch(node, f"SELECT countIf(intHash64(user) % 2 != {shard}), count() "
                                "FROM parity_two.events_local").split()
        if int(wrong) != 0 or int(total) == 0:
            fail(f"shard {shard + 1} holds {total} events, {wrong} of them of another shard's users")
    print("shard placement: every user's events on the shard of intHash64(user)")
    killed = f"clickhouse://127.0.0.1:19123/parity_kill?cluster=two_shards&nodes={NODE1},{NODE2}"
    # Small batches (--batch-rows) so that the kill lands between batches of events, not before the first.
    partial = kill_once_stored([aips, "ingest", "--engine", killed, "--batch-rows", "20000", *files],
                               "parity_kill", time.time() + seconds["two"] * 10 + 5)
    run([aips, "ingest", "--engine", killed, *files])
    full = ch(NODE1, "SELECT count() FROM parity_kill.events").strip()
    want = ch(NODE1, "SELECT count() FROM parity_two.events").strip()
    if not 0 < int(partial) < int(want):
        fail(f"the load was killed with {partial} of {want} events stored: not half-way")
    if full != want:
        fail(f"killed load ({partial} events at the kill) then re-run holds {full} events, expected {want}")
    print(f"killed load: {partial} events at the kill, {full} after the re-run (= uninterrupted)")


def check_copy(aips, where, queries, work):
    """aips copy moves the embedded directory (after the suite's saves: crowds, lookalike tiers, keys) into a
    2-shard cluster: killed half-way and run again, then again adding nothing; every read-only query, the
    tenants, a tenant's salted export and its key then answer as over the directory (`queries`: those to
    compare; the writes among them are left out)."""
    data = where["embedded"][1]
    brand = sorted(json.loads(run([aips, "info", "--data", data, "--json"]))["brands"], key=lambda b: b["brand"])[0]["brand"]
    run([aips, "tenant", "add", "--data", data, "--tenant", "acme", "--brands", brand])
    acme_key = run([aips, "key", "create", "--data", data, "--tenant", "acme"]).strip()
    url = f"clickhouse://127.0.0.1:19123/parity_copy?cluster=two_shards&nodes={NODE1},{NODE2}"
    t0 = time.time()
    partial = kill_once_stored([aips, "copy", "--data", data, "--engine", url], "parity_copy")
    first = json.loads(run([aips, "copy", "--data", data, "--engine", url, "--json"]))
    again = json.loads(run([aips, "copy", "--data", data, "--engine", url, "--json"]))
    added = {k: v for k, v in again.items()
             if isinstance(v, (int, bool)) and v and not k.endswith("_already_there") and k != "users"}
    if added or again["skipped"]:
        fail(f"a second aips copy added {added} (left: {again['skipped']})")
    versions = len(json.loads(run([aips, "crowd", "list", "--data", data, "--json"]))["crowds"])
    if first["saved_crowd_versions"] > versions or first["tenants"] == 0 or first["api_keys"] < 2:
        fail(f"aips copy after a kill: {first} (the directory has {versions} saved crowd versions)")
    copied = {"embedded": where["embedded"], "copy": ["--engine", url]}
    reads = [q for q in queries if not (q[:2] == ["crowd", "save"] or "--name" in q or "--holdout" in q)]
    reads += [["tenant", "list"], ["crowd", "list"],
              ["crowd", "export", "--preset", "redelivery", "--brand", brand, "--tenant", "acme", "--min-size", "1"]]
    compare_cli(aips, copied, reads)
    servers = {name: Server(aips, w, os.path.join(work, f"serve-copy-{name}.log")) for name, w in copied.items()}
    try:
        got = {name: s.get(f"/api/v1/stages?brand={brand}", key=acme_key) for name, s in servers.items()}
    finally:
        for s in servers.values():
            s.stop()
    if got["copy"] != got["embedded"] or got["copy"][0] != 200:
        fail(f"the tenant's key after aips copy: {got}")
    print(f"copy: killed at {partial} events, re-run and a second run adding nothing; {len(reads)} read-only "
          f"queries, tenants, a salted export and a tenant's key equal to the directory's "
          f"({time.time() - t0:.0f} s)")


def check_forget(aips, where, world_dir, queries):
    counts = {}
    with open(os.path.join(world_dir, "events.csv")) as f:
        next(f)
        for line in f:
            u = line.split(",")[2]
            counts[u] = counts.get(u, 0) + 1
    victims = sorted(counts, key=lambda u: -counts[u])[:2]
    erased = {}
    # Counts of things only a data directory has (segments, snapshot files) are the embedded engine's own.
    local_only = {"segments_rewritten", "snapshot_files_deleted", "snapshots_recomputed"}
    for dry in (True, False):
        for name, w in where.items():
            r = json.loads(run([aips, "forget", *w, *sum((["--user", v] for v in victims), []), "--json",
                                *(["--dry-run"] if dry else [])]))
            erased[name] = {k: v for k, v in r.items() if k not in local_only}
        if any(e != erased["embedded"] for e in erased.values()):
            fail(f"forget{' --dry-run' if dry else ''} counted differently per backend: {erased}")
    if erased["embedded"]["events_removed"] < sum(counts[v] for v in victims) * 0.9:
        fail(f"forget removed {erased['embedded']['events_removed']} events of {sum(counts[v] for v in victims)}")
    compare_cli(aips, where, [["info"]] + queries)  # info's users: erased users excluded everywhere
    print(f"forget: 2 users ({erased['embedded']['events_removed']} events) erased on every backend; {len(queries)} queries "
          "still equal")


def check_access(aips, where):
    """Credentials are never printed, a wrong password is refused, a held chdb directory is named as such."""
    for name, w in where.items():
        for cmd in (["info", *w, "--json"], ["info", *w]):
            p = subprocess.run([aips, *cmd], capture_output=True, text=True)
            if PASSWORD in p.stdout + p.stderr or PASSWORD_URL in p.stdout + p.stderr:
                fail(f"aips {' '.join(cmd[:1])} on {name} prints the password")
    if "one" in where:
        wrong = "clickhouse://aips:wr%40ng@127.0.0.1:19123/parity_one"
        p = subprocess.run([aips, "info", "--engine", wrong, "--json"], capture_output=True, text=True)
        if p.returncode == 0 or "wr@ng" in p.stderr or "wr%40ng" in p.stderr or "password" not in p.stderr:
            fail(f"a wrong password: exit {p.returncode}: {p.stderr.strip()[-500:]}")
        print(f"credentials: never printed; a wrong password is refused ({p.stderr.strip()[-120:]})")
    if "chdb" in where:
        holder = Batch(aips)
        holder(["info", *where["chdb"], "--json"])
        p = subprocess.run([aips, "info", *where["chdb"], "--json"], capture_output=True, text=True)
        holder.close()
        if p.returncode == 0 or f"in use by another process (pid {holder.p.pid})" not in p.stderr:
            fail(f"a chdb directory held by another process: exit {p.returncode}: {p.stderr.strip()[-500:]}")
        print(f"chdb: a second process is refused ({p.stderr.strip().splitlines()[-1][:160]})")


def check_rules(aips, where, w, queries):
    """rules set: the same rules in force everywhere, the same answers."""
    toml = w["info"]["rules"]["toml"]
    changed = toml.replace("window_days = 30\nmin_count = 1", "window_days = 14\nmin_count = 2", 1)
    if changed == toml:
        fail("check_rules: the default rules no longer carry 'window_days = 30 / min_count = 1' to change")
    path = os.path.join(tempfile.mkdtemp(prefix="aips-rules-"), "rules.toml")
    with open(path, "w") as f:
        f.write(changed)
    for name, wh in where.items():
        run([aips, "rules", "set", *wh, path])
    compare_cli(aips, where, [["rules", "show"]] + queries)
    print(f"rules set: {len(queries) + 1} queries equal under changed rules on every backend")


def check_retain(aips, where, files, queries):
    """retain drops the same days everywhere; the answers stay equal; re-sent old events stay duplicates."""
    dry = {name: run([aips, "retain", *w, "--keep-days", "45", "--dry-run", "--json"]) for name, w in where.items()}
    answers = {name: run([aips, "retain", *w, "--keep-days", "45", "--json"]) for name, w in where.items()}
    if len(set(answers.values())) != 1 or json.loads(answers["embedded"])["rows_dropped"] == 0:
        fail(f"retain answered differently per backend (or dropped nothing): {answers}")
    if len(set(dry.values())) != 1 or dict(json.loads(dry["embedded"]), dry_run=False) != json.loads(answers["embedded"]):
        fail(f"retain --dry-run answered differently per backend or from the retain itself: {dry} vs {answers}")
    # The users left with nothing are gone alike: user counts, the crowd of everyone else, saved crowds.
    last = json.loads(run([aips, "info", *where["embedded"], "--json"]))["last_day"]
    brand = next(q[q.index("--brand") + 1] for q in queries if "--brand" in q)
    queries = queries + [["info"], ["crowd", "list"],
                         ["crowd", "count", "--expr", f'not stage(brand: "{brand}", date: "{last}") in [A, I]']]
    compare_cli(aips, where, queries)
    again = {}
    for name, w in where.items():
        r = json.loads(run([aips, "ingest", *w, "--json", *files]))
        again[name] = (r["accepted"], r["rejected"])
    if any(a != (0, again["embedded"][1]) for a in again.values()) or again["embedded"][1] == 0:
        fail(f"after forget and retain, re-sending the files: (accepted, rejected) per backend {again}; "
             "expected nothing accepted and the forgotten users' rows rejected alike")
    compare_cli(aips, where, queries)
    print(f"retain: {json.loads(answers['embedded'])['rows_dropped']} events and "
          f"{json.loads(answers['embedded'])['users_dropped']} users left with nothing dropped on every backend "
          "(as the dry run said); "
          f"{len(queries)} queries still equal; a re-sent old event stays a duplicate")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--brands", type=int, default=8,
                    help="brands of the world (the suite's time grows with them; every kind of brand is kept)")
    ap.add_argument("--backends", default=",".join(ALL_BACKENDS))
    ap.add_argument("--only", help="run only this template file (e.g. crowds.txt)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory and print it")
    ap.add_argument("--cli-only", action="store_true", help="development: leave out the http lines")
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    backends = args.backends.split(",")
    if "embedded" not in backends:
        fail("the embedded backend is the reference; keep it in --backends")
    work = tempfile.mkdtemp(prefix="aips-parity-")
    chdir = os.path.join(work, "ch")
    if "one" in backends or "two" in backends:
        started = subprocess.run([CLUSTER, "start", chdir], capture_output=True, text=True)
        if started.returncode != 0:
            fail(f"the ClickHouse cluster did not start: {started.stderr.strip()}")
    try:
        check(aips, work, args, backends)
    finally:
        if "one" in backends or "two" in backends:
            subprocess.run([CLUSTER, "stop", chdir], capture_output=True)
    if args.keep:
        print(f"work directory kept: {work}")
    else:
        subprocess.run(["rm", "-rf", work])
    print("parity: ok")


def check(aips, work, args, backends):
    t_start = time.time()
    world = os.path.join(work, "world")
    run([aips, "simulate", "--out", world, "--users", str(args.users), "--days", str(args.days), "--seed", "7",
         "--brands", str(args.brands)])
    files = sorted(os.path.join(world, f) for f in os.listdir(world) if f.endswith(".csv"))
    every = {"embedded": ["--data", os.path.join(work, "data")],
             # One server through the user with a password (scripts/clickhouse-cluster.sh): never printed.
             "one": ["--engine", f"clickhouse://aips:{PASSWORD_URL}@127.0.0.1:19123/parity_one"],
             "two": ["--engine", f"clickhouse://127.0.0.1:19123/parity_two?cluster=two_shards&nodes={NODE1},{NODE2}"],
             "chdb": ["--engine", "chdb:" + os.path.join(work, "chdb")]}
    where = {n: every[n] for n in ALL_BACKENDS if n in backends}
    seconds = load(aips, where, files, work)
    check_loader(aips, where, files, seconds)

    w = world_values(aips, where["embedded"])
    templates = load_templates(args.only)
    cli, http = [], []
    crowd_lines = set()  # indexes of the commands of crowds.txt
    for origin, kind, text in templates:
        for concrete in expand(text, w):
            if kind == "cli" and origin.startswith("crowds.txt:"):
                crowd_lines.add(len(cli))
            (cli if kind == "cli" else http).append(concrete)
    queries = [shlex.split(q) for q in cli]
    http = [urllib.parse.quote(p, safe="/?&=%:,") for p in http]
    t0 = time.time()
    answers = compare_cli(aips, where, queries)
    refused = sum(1 for a in answers if a[0] != 0)
    print(f"{len(queries)} commands × {len(where)} backends byte-equal ({len(queries) - refused} answers, {refused} "
          f"refusals; {len(w['values']['brand'])} brands, days {w['info']['first_day']}..{w['info']['last_day']}) "
          f"in {time.time() - t0:.0f} s")
    if refused > len(queries) // 4:
        fail(f"{refused} of {len(queries)} commands were refused: the templates test errors more than answers")
    if http and not args.cli_only:
        t0 = time.time()
        servers = {}
        try:
            for name in where:
                servers[name] = Server(aips, where[name], os.path.join(work, f"serve-{name}.log"))
            got = compare_http(servers, http)
            refused = sum(1 for g in got if g[0] != 200)
            if refused > len(http) // 4:
                fail(f"{refused} of {len(http)} endpoints answered an error: {[g for g in got if g[0] != 200][:3]}")
        finally:
            for s in servers.values():
                s.stop()
        print(f"{len(http)} endpoints × {len(where)} backends byte-equal in {time.time() - t0:.0f} s")

    funnel = [q for q in queries if q[0] in ("stages", "flow", "penetration")]
    if "two" in where:
        # Every crowd command (user order, attributes, saved crowds, lookalike) and every fourth other one.
        check_copy(aips, where, [q for i, q in enumerate(queries) if i in crowd_lines or i % 4 == 0], work)
    check_access(aips, where)
    check_rules(aips, where, w, funnel)
    check_forget(aips, where, world, funnel)
    check_retain(aips, where, files, funnel)
    print(f"parity suite: {time.time() - t_start:.0f} s")


if __name__ == "__main__":
    main()
