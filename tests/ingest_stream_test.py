#!/usr/bin/env python3
"""Inputs of any size (issue #20): events read from standard input or a pipe in pieces, and rows spilled to sorted
runs on disk when the row buffer fills, store exactly what one ingest of the mapped file stores.

A simulated world (with malformed and repeated rows) is ingested three ways: (A) the CSV file, all rows held in
memory; (B) the same bytes on standard input, read in 64 KiB pieces, with a 1 MiB row buffer, so its rows are
spilled several times and merged at the commit; (C) the events as JSON Lines through a FIFO, also spilled. Every
segment, dictionary and id run of B equals A's byte for byte, and C's events give the same segments; the rejects
name the same lines, fields and reasons; answers agree; no spilled run is left behind. (A spill that cannot be written
is one of tests/fault_test.py's scenarios.)
Usage: tests/ingest_stream_test.py AIPS_BINARY"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading


def run(aips, *args, stdin=None, env=None, ok=True):
    p = subprocess.run([aips, *args], input=stdin, capture_output=True, env=dict(os.environ, **(env or {})))
    if ok and p.returncode != 0:
        sys.exit(f"FAIL: aips {' '.join(args)} ({p.returncode}): {p.stderr.decode().strip()[-800:]}")
    return p


def files_of(d, sub):
    out = {}
    for name in sorted(os.listdir(os.path.join(d, sub))):
        with open(os.path.join(d, sub, name), "rb") as f:
            out[name] = f.read()
    return out


def rejects(d, result):
    with open(result["rejects_file"]) as f:
        return sorted((r["line"], r["field"], r["reason"]) for r in map(json.loads, f))


def check(cond, what):
    if not cond:
        sys.exit(f"FAIL: {what}")
    print(f"ok   {what}")


def main():
    aips = sys.argv[1]
    with tempfile.TemporaryDirectory() as t:
        world = os.path.join(t, "world")
        run(aips, "simulate", "--out", world, "--users", "12000", "--days", "30", "--seed", "5", "--bad-rows", "40",
            "--duplicate-rate", "0.01")
        events = os.path.join(world, "events.csv")
        with open(events, "rb") as f:
            data = f.read()
        a, b, c = (os.path.join(t, x) for x in "abc")
        ra = json.loads(run(aips, "ingest", "--data", a, "--json", events).stdout)
        rb = json.loads(run(aips, "ingest", "--data", b, "--json", "--buffer-mb", "1", "-", stdin=data,
                            env={"AIPS_INGEST_PIECE_BYTES": "65536"}).stdout)
        check(ra["spilled_runs"] == 0 and rb["spilled_runs"] >= 2,
              f"the file fits the default buffer; standard input with a 1 MiB buffer spilled {rb['spilled_runs']} runs")
        check((ra["accepted"], ra["rejected"], ra["duplicates"]) == (rb["accepted"], rb["rejected"], rb["duplicates"])
              and ra["rejected"] > 0 and ra["duplicates"] > 0,
              f"same counts: accepted {ra['accepted']}, rejected {ra['rejected']}, duplicates {ra['duplicates']}")
        for sub in ("seg", "dict", "ids"):
            fa, fb = files_of(a, sub), files_of(b, sub)
            check(fa == fb and len(fa) > 0, f"{sub}/: {len(fa)} files, byte for byte equal (no spilled run left)")
        check(rejects(a, ra) == rejects(b, rb), f"rejects name the same {len(rejects(a, ra))} lines, fields and reasons")

        # C: JSON Lines through a FIFO (a pipe given by name), spilled too.
        rows = list(csv.DictReader(open(events, newline="")))
        fifo = os.path.join(t, "events.jsonl")
        os.mkfifo(fifo)

        def feed():
            with open(fifo, "w") as f:
                for r in rows:
                    if None in r or None in r.values():
                        f.write("{\"bad\": \n")  # a malformed line stands for the malformed CSV row
                    else:
                        f.write(json.dumps({k: v for k, v in r.items() if v != ""}) + "\n")
        th = threading.Thread(target=feed)
        th.start()
        rc = json.loads(run(aips, "ingest", "--data", c, "--json", "--buffer-mb", "1", fifo,
                            env={"AIPS_INGEST_PIECE_BYTES": "100000"}).stdout)
        th.join()
        check(rc["spilled_runs"] >= 2 and (rc["accepted"], rc["duplicates"]) == (ra["accepted"], ra["duplicates"]),
              f"a FIFO of JSON Lines: accepted {rc['accepted']}, duplicates {rc['duplicates']}, rejected "
              f"{rc['rejected']} (CSV: {ra['rejected']}), spilled {rc['spilled_runs']} runs")
        check(files_of(c, "seg") == files_of(a, "seg"), "its segments equal the CSV's byte for byte")
        check([x[0] for x in rejects(c, rc)] == [x[0] - 1 for x in rejects(a, ra)],
              "its rejects name the same rows (JSON Lines have no header line)")
        brand = json.loads(run(aips, "info", "--data", a, "--json").stdout)["brands"][0]["brand"]
        sa = run(aips, "stages", "--data", a, "--brand", brand, "--json").stdout
        sb = run(aips, "stages", "--data", b, "--brand", brand, "--json").stdout
        check(sa == sb, f"stages of {brand} equal (A, B)")

        # `aips simulate --events-stdout` piped into `aips ingest -`: the same world as its events.csv.
        d = os.path.join(t, "d")
        sim = subprocess.Popen([aips, "simulate", "--out", os.path.join(t, "world2"), "--users", "12000", "--days",
                                "30", "--seed", "5", "--bad-rows", "40", "--duplicate-rate", "0.01", "--events-stdout"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        rd = json.loads(subprocess.run([aips, "ingest", "--data", d, "--json", "-"], stdin=sim.stdout,
                                       capture_output=True, check=True).stdout)
        sim.stdout.close()
        check(sim.wait() == 0 and (rd["accepted"], rd["rejected"], rd["duplicates"]) ==
              (ra["accepted"], ra["rejected"], ra["duplicates"]), "simulate --events-stdout | ingest -: the same counts")
        check(run(aips, "stages", "--data", d, "--brand", brand, "--json").stdout == sa,
              f"... and the same stages of {brand}")
        for f in ("user_attributes.csv", "orders.csv", "identity.csv", "experiments.csv"):
            check(sorted(open(os.path.join(t, "world2", f))) == sorted(open(os.path.join(world, f))),
                  f"... and the same {f} rows")

if __name__ == "__main__":
    main()
