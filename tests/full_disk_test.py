#!/usr/bin/env python3
"""Reads when writes fail (issue #19; docs/reliability.md "Reads when writes fail").

A query whose snapshots are not computed yet would compute and store them. On a disk that cannot take
them it must still answer, from memory, exactly as it would have, say on standard error that it could not
store them, and leave the directory as it was. Over HTTP, a write on a full disk answers 507 with a JSON
error while reads go on.

The full disk is `aips_fault` with AIPS_FAULT=ENOSPC:any:1+ (every write, fsync and rename fails, as on
a disk that stays full; src/common/fault_env.h). The read-only directory is a read-only bind mount in a
private mount namespace (`unshare -m`); where the namespace cannot be made (no CAP_SYS_ADMIN) that part
says so and is skipped.

Usage: full_disk_test.py AIPS AIPS_FAULT
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from aips_cli import free_port, must, run, wait_for_port

FULL = "ENOSPC:any:1+"
WARNING = "could not store the snapshot"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def tree(d):
    """Every file of a directory with its size and modification time (what a write would change)."""
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            st = os.stat(os.path.join(root, f))
            out[os.path.relpath(os.path.join(root, f), d)] = (st.st_size, st.st_mtime_ns)
    return out


def queries(brand, last):
    return [["stages", "--brand", brand], ["trend", "--brand", brand], ["flow", "--brand", brand],
            ["campaign", "--brand", brand], ["penetration", "--brand", brand],
            ["crowd", "count", "--expr", f'stage(brand: "{brand}", date: "{last}") in [I, TI]'],
            ["compare", "--brand", brand]]


def cli_full_disk(aips, aips_fault, data, brand, last, work):
    """Each query on a full disk answers as on a healthy one, warns, and writes nothing."""
    for q in queries(brand, last):
        d = os.path.join(work, "full")
        shutil.copytree(data, d)
        before = tree(d)
        p = run(aips_fault, [*q, "--data", d, "--json"], dict(os.environ, AIPS_FAULT=FULL))
        after = tree(d)
        healthy = run(aips, [*q, "--data", d, "--json"])
        name = " ".join(q[:2])
        check(p.returncode == 0 and p.stdout == healthy.stdout and healthy.returncode == 0,
              f"full disk: `{name}` answers exactly as on a healthy disk (exit {p.returncode})")
        check(WARNING in p.stderr and "No space left on device" in p.stderr,
              f"full disk: `{name}` says on stderr that it could not store its snapshot")
        check(before == after, f"full disk: `{name}` left every file as it was")
        shutil.rmtree(d)


def cli_read_only(aips, data, brand, last, work):
    """The same on a read-only directory (a read-only bind mount in a private mount namespace)."""
    if shutil.which("unshare") is None or run("unshare", ["-m", "true"]).returncode != 0:
        print("skip read-only directory: this machine cannot make a private mount namespace (unshare -m)")
        return
    d = os.path.join(work, "ro")
    shutil.copytree(data, d)
    for q in queries(brand, last)[:3]:
        script = f'mount --bind -o ro "{d}" "{d}" && exec "{aips}" "$@"'
        p = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *q, "--data", d, "--json"],
                           capture_output=True, text=True)
        healthy = run(aips, [*q, "--data", os.path.join(work, "healthy"), "--json"])
        name = " ".join(q[:2])
        check(p.returncode == 0 and p.stdout == healthy.stdout,
              f"read-only directory: `{name}` answers as on a writable one (exit {p.returncode})")
        check(WARNING in p.stderr and "Read-only file system" in p.stderr,
              f"read-only directory: `{name}` says on stderr that it could not store its snapshot")


def request(port, key, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=body, headers={"Authorization": f"Bearer {key}"})
    r = conn.getresponse()
    out = (r.status, r.read().decode())
    conn.close()
    return out


def server_full_disk(aips, aips_fault, data, brand, second_half, work):
    """An ingest over HTTP on a full disk answers 507 while reads, before and after it, answer 200."""
    d = os.path.join(work, "serve")
    shutil.copytree(data, d)
    key = must(aips, ["key", "create", "--data", d, "--admin"]).strip()
    expected = {q: must(aips, [q, "--data", os.path.join(work, "healthy"), "--brand", brand, "--json"])
                for q in ("stages", "trend", "flow")}
    info_before = must(aips, ["info", "--data", d, "--json"])
    port = free_port()
    log = open(os.path.join(work, "serve.log"), "w")
    server = subprocess.Popen([aips_fault, "serve", "--data", d, "--port", str(port)],
                              env=dict(os.environ, AIPS_FAULT=FULL), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port)
        answers, stop = [], threading.Event()

        def reader():
            while not stop.is_set():
                for q in expected:
                    status, body = request(port, key, "GET", f"/api/v1/{q}?brand={brand}")
                    answers.append((q, status, body))
        t = threading.Thread(target=reader)
        t.start()
        with open(second_half, "rb") as f:
            status, body = request(port, key, "POST", "/api/v1/ingest/events", f.read())
        time.sleep(0.3)
        stop.set()
        t.join()
        try:
            error = json.loads(body).get("error", "")
        except ValueError:
            error = ""
        check(status == 507 and "No space left on device" in error and "/" in error,
              f"HTTP: an ingest on a full disk answers 507 with a JSON error naming the file ({status} {body[:160]})")
        bad = [(q, s) for q, s, b in answers if s != 200 or b.strip() != expected[q].strip()]
        check(answers and not bad,
              f"HTTP: {len(answers)} reads during and after the failed ingest answered 200, equal to a "
              f"healthy disk's ({len(bad)} did not: {bad[:3]})")
        check(server.poll() is None, "HTTP: the server is still running")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    with open(os.path.join(work, "serve.log")) as f:
        check(WARNING in f.read(), "HTTP: the server's log says it answered from memory")
    check(run(aips, ["check", "--data", d]).returncode == 0, "HTTP: aips check is clean after the 507")
    check(must(aips, ["info", "--data", d, "--json"]) == info_before,
          "HTTP: the directory holds what it held before the refused ingest")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    aips, aips_fault = (os.path.abspath(a) for a in sys.argv[1:])
    work = tempfile.mkdtemp(prefix="aips-fulldisk-")
    try:
        w = os.path.join(work, "world")
        must(aips, ["simulate", "--out", w, "--users", "1500", "--days", "40", "--brands", "4", "--seed", "3"])
        with open(os.path.join(w, "events.csv")) as f:
            lines = f.readlines()
        half = len(lines) // 2
        first, second = os.path.join(work, "first.csv"), os.path.join(work, "second.csv")
        with open(first, "w") as f:
            f.writelines(lines[:half])
        with open(second, "w") as f:
            f.writelines(lines[:1] + lines[half:])
        side = [os.path.join(w, n) for n in ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv")]
        data = os.path.join(work, "data")  # ingested, never computed: every query needs new snapshots
        must(aips, ["ingest", "--data", data, *side, first])
        shutil.copytree(data, os.path.join(work, "healthy"))
        info = json.loads(must(aips, ["info", "--data", data, "--json"]))
        brand = info["brands"][0]["brand"]
        last = info["last_day"]  # the crowd expression's date
        cli_full_disk(aips, aips_fault, data, brand, last, work)
        cli_read_only(aips, data, brand, last, work)
        server_full_disk(aips, aips_fault, data, brand, second, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failures" if failures else "reads answered on a full and a read-only disk; "
          "a write over HTTP on a full disk answered 507")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
