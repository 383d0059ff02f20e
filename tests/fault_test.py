#!/usr/bin/env python3
"""Injected I/O faults at every write of every write command (issue #19; docs/reliability.md).

`aips_fault` is the aips binary built with AIPS_FAULT_INJECTION: it reads AIPS_FAULT=ERRNO:OP:N and fails
the N-th write, fsync or rename (OP any) with that errno, as a full (ENOSPC) or failing (EIO) disk would
(src/common/fault_env.h); it says "aips-fault: ..." on stderr when the fault fires. For each command below
and each fault point N = 1, 1 + stride, ... until a run passes without the fault firing:
  - the command exits 1, and its error on stderr names a file and the operating system's text;
  - with --json, stdout holds one JSON document or nothing;
  - `aips check` is clean;
  - the directory answers exactly as before the command or exactly as after an uninterrupted run (its last
    commit is one of the two);
  - running the command again without the fault ends equal to the uninterrupted run.
A fault that fires while the command still succeeds is a failure that was swallowed: it fails the test,
unless it hit a snapshot the command only reads through and the command said on stderr that it answered
from memory (reads when writes fail, tests/full_disk_test.py); it must then end as an uninterrupted run.

Usage: fault_test.py AIPS_BINARY AIPS_FAULT_BINARY OUTPUT_FILE [--stride N] [--eio-every K] [--jobs J]
  --stride: the step between fault points (1 = every point: make soak; make test uses 3).
  --eio-every: also inject EIO at every K-th point (default 4).
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from aips_cli import must, run, strip_times

TEXTS = {"ENOSPC": "No space left on device", "EIO": "Input/output error"}


class World:
    def __init__(self, aips, work):
        self.aips, self.work = aips, work
        w = os.path.join(work, "world")
        must(aips, ["simulate", "--out", w, "--users", "1500", "--days", "45", "--brands", "4", "--seed", "7",
                    "--duplicate-rate", "0"])
        with open(os.path.join(w, "events.csv")) as f:
            lines = f.readlines()
        half = len(lines) // 2
        self.first, self.second = os.path.join(work, "first.csv"), os.path.join(work, "second.csv")
        with open(self.first, "w") as f:
            f.writelines(lines[:half])
        with open(self.second, "w") as f:
            f.writelines(lines[:1] + lines[half:])
        self.side = [os.path.join(w, n) for n in ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv")]
        self.more = [os.path.join(w, n) for n in ("user_attributes.csv", "experiments.csv", "orders.csv",
                                                   "identity.csv", "notes.csv")]
        # The catalog tables again, changed (so that their ingest writes), with the consult tables.
        self.catalog = [os.path.join(w, n) for n in ("messages.csv", "accounts.csv")]
        for n in ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv"):
            with open(os.path.join(w, n)) as f:
                rows = f.readlines()
            changed = os.path.join(work, "changed-" + n)
            with open(changed, "w") as f:
                f.writelines(rows[:1] + rows[2:])  # one row fewer: the table is replaced
            self.catalog.append(changed)
        self.rules = os.path.join(work, "rules.toml")
        with open(self.rules, "w") as f:
            f.write(must(aips, ["rules", "show"]).replace("window_days = 30\nmin_count = 1\n\n[stages.I]",
                                                          "window_days = 21\nmin_count = 1\n\n[stages.I]"))
        self.base = os.path.join(work, "base")
        must(aips, ["ingest", "--data", self.base, *self.side, self.first])
        must(aips, ["compute", "--data", self.base])
        info = json.loads(must(aips, ["info", "--data", self.base, "--json"]))
        self.brands = [b["brand"] for b in info["brands"]][:2]
        # A saved crowd, so that forget and retain have one to change; forget erases two of its members.
        must(aips, ["crowd", "save", "--data", self.base, "--name", "base-pack", "--expr",
                    f'stage(brand: "{self.brands[0]}", date: "{info["last_day"]}") in [A, I, TI, P]'])
        members = must(aips, ["crowd", "export", "--data", self.base, "--expr", 'crowd("base-pack")', "--raw",
                              "--min-size", "0"]).split()[1:]
        self.forgotten = members[:2]
        # The same events in the formats of before issue #20, for `aips rewrite`.
        self.old_base = os.path.join(work, "old-base")
        old_env = dict(os.environ, AIPS_STORE_FORMAT="1")
        for args in (["ingest", "--data", self.old_base, *self.side, self.first], ["compute", "--data", self.old_base]):
            subprocess.run([aips, *args], check=True, capture_output=True, env=old_env)

    def answers(self, d):
        """What a user would ask of the directory, as text (exact comparison), asked in one `aips batch`."""
        asks = [[*args, "--brand", b] for b in self.brands for args in (["stages"], ["trend"], ["campaign"])]
        asks += [["crowd", "list"], ["tenant", "list"], ["consult"], ["rules", "show"], ["info"]]
        lines = "".join(json.dumps([*a, "--data", d, "--json"]) + "\n" for a in asks)
        p = subprocess.run([self.aips, "batch"], input=lines, capture_output=True, text=True)
        out = []
        for rec in map(json.loads, p.stdout.splitlines()):
            if rec["line"] == len(asks):  # info: what it holds, not where
                info = json.loads(rec["stdout"]) if rec["exit"] == 0 else {}
                out.append(json.dumps({k: info.get(k) for k in ("events", "users", "first_day", "last_day")}))
            else:
                out.append(f"{rec['exit']}:{strip_times(rec['stdout'])}")
        return out if len(out) == len(asks) else [f"batch failed: {p.returncode} {p.stderr[-300:]}"]


def scenarios(w):
    """(name, setup(dir), command(dir) -> args, json flag)."""
    def none(d):
        pass

    def ingested(d):
        must(w.aips, ["ingest", "--data", d, w.second])

    def tenant(d):
        must(w.aips, ["tenant", "add", "--data", d, "--tenant", "acme", "--brands", w.brands[0]])

    def backed_up(d):  # a backup of the directory, and the directory gone: restore brings it back
        must(w.aips, ["backup", "--data", d, "--to", d + ".bak"])
        shutil.rmtree(d)
    def old_formats(d):  # the directory as an older build wrote it
        shutil.rmtree(d)
        shutil.copytree(w.old_base, d)
    seed = f'stage(brand: "{w.brands[0]}", date: "2024-10-10") in [TI, P]'
    return [
        ("ingest events", none, lambda d: ["ingest", "--data", d, w.second], True),
        # A row buffer of 0.1 MiB: the rows are spilled to sorted runs (seg/spill-*) and merged at the commit.
        ("ingest events, spilled", none, lambda d: ["ingest", "--data", d, "--buffer-mb", "0.1", w.second], True),
        ("ingest side tables", none, lambda d: ["ingest", "--data", d, *w.more], True),
        ("compute", ingested, lambda d: ["compute", "--data", d], False),
        ("forget", none, lambda d: ["forget", "--data", d, "--user", w.forgotten[0], "--user", w.forgotten[1]], True),
        ("retain", none, lambda d: ["retain", "--data", d, "--keep-days", "20"], True),
        ("crowd save", none, lambda d: ["crowd", "save", "--data", d, "--name", "pack",
                                        "--expr", f'stage(brand: "{w.brands[0]}", date: "2024-10-10") in [I, TI]'], True),
        ("tenant add", none, lambda d: ["tenant", "add", "--data", d, "--tenant", "acme", "--brands", w.brands[0]], False),
        ("key create", tenant, lambda d: ["key", "create", "--data", d, "--tenant", "acme"], True),
        ("backup", none, lambda d: ["backup", "--data", d, "--to", d + ".bak"], True),
        ("restore", backed_up, lambda d: ["restore", "--from", d + ".bak", "--data", d], True),
        ("repair", none, lambda d: ["repair", "--data", d, "--rebuild-snapshots"], True),
        ("ingest catalog tables", none, lambda d: ["ingest", "--data", d, *w.catalog], True),
        ("rules set", none, lambda d: ["rules", "set", "--data", d, w.rules], False),
        ("rewrite", old_formats, lambda d: ["rewrite", "--data", d], True),
        ("lookalike save", none, lambda d: ["lookalike", "--data", d, "--expr", seed, "--tiers", "40,120",
                                            "--name", "la"], True),
    ]


def trial(w, aips_fault, name, setup, command, as_json, n, errno, work):
    """One fault point; returns (fired, problem or None)."""
    d = os.path.join(work, f"{name.replace(' ', '_')}-{errno}-{n}")
    shutil.copytree(w.base, d)
    setup(d)
    before = before_answers(w, name, d)
    env = dict(os.environ, AIPS_FAULT=f"{errno}:any:{n}")
    args = command(d) + (["--json"] if as_json else [])
    p = run(aips_fault, args, env)
    fired = "aips-fault:" in p.stderr
    try:
        if not fired:
            return False, None if p.returncode == 0 else f"{name} #{n}: exit {p.returncode} without a fault: {p.stderr[-300:]}"
        if p.returncode == 0 and "could not store the snapshot" in p.stderr:
            # A snapshot the command only reads through: it answered from memory and said so (reads when
            # writes fail). What it was asked to write must then be there, as after an uninterrupted run.
            if w.answers(d) != reference(w, name, setup, command, work):
                return True, f"{name} {errno} #{n}: answered from memory but did not end as an uninterrupted run"
            return True, None
        if p.returncode != 1:
            return True, f"{name} {errno} #{n}: the fault fired but the command exited {p.returncode} ({p.stderr[-300:]})"
        errors = [l for l in p.stderr.splitlines() if l.startswith("aips:")]
        if not errors or TEXTS[errno] not in errors[-1] or "/" not in errors[-1]:
            return True, f"{name} {errno} #{n}: the error does not name a file and the system's text: {p.stderr[-300:]}"
        if as_json and p.stdout.strip():
            try:
                json.loads(p.stdout)
            except ValueError:
                return True, f"{name} {errno} #{n}: stdout is not one JSON document: {p.stdout[:200]}"
        # A failed restore leaves its target as it found it: absent or empty (nothing to check there).
        c = run(w.aips, ["check", "--data", d]) if os.path.isdir(d) and os.listdir(d) else None
        if c is not None and c.returncode != 0:
            return True, f"{name} {errno} #{n}: aips check after the fault: {c.stdout[-300:]}{c.stderr[-300:]}"
        now = w.answers(d)
        if now != before and now != reference(w, name, setup, command, work):
            return True, f"{name} {errno} #{n}: the directory answers neither as before nor as after the command"
        r = run(w.aips, args)
        if r.returncode != 0:
            return True, f"{name} {errno} #{n}: the re-run failed: {r.stderr[-300:]}"
        if w.answers(d) != reference(w, name, setup, command, work):
            return True, f"{name} {errno} #{n}: the re-run does not end equal to an uninterrupted run"
        return True, None
    finally:
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(d + ".bak", ignore_errors=True)


_refs, _befores, _lock = {}, {}, threading.Lock()


def before_answers(w, name, d):
    """The answers before the command (the same for every trial of a scenario: its setup is fixed)."""
    with _lock:
        if name not in _befores:
            _befores[name] = w.answers(d)
        return _befores[name]


def reference(w, name, setup, command, work):
    if name not in _refs:
        d = os.path.join(work, f"ref-{name.replace(' ', '_')}")
        shutil.copytree(w.base, d)
        setup(d)
        must(w.aips, command(d))
        _refs[name] = w.answers(d)
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(d + ".bak", ignore_errors=True)
    return _refs[name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("aips_fault")
    ap.add_argument("out")
    ap.add_argument("--stride", type=int, default=3)
    ap.add_argument("--eio-every", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--only", action="append", help="run only this scenario (repeatable)")
    args = ap.parse_args()
    aips, aips_fault = os.path.abspath(args.aips), os.path.abspath(args.aips_fault)
    work = tempfile.mkdtemp(prefix="aips-fault-")
    lines, problems, total_points, total_fired = [], [], 0, 0
    try:
        w = World(aips, work)
        for name, setup, command, as_json in scenarios(w):
            if args.only and name not in args.only:
                continue
            reference(w, name, setup, command, work)
            fired_points, n, k, done = 0, 1, 0, False
            while not done:
                batch = []
                for _ in range(args.jobs * 2):
                    errno = "EIO" if args.eio_every and k % args.eio_every == args.eio_every - 1 else "ENOSPC"
                    batch.append((n, errno))
                    n += args.stride
                    k += 1
                with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
                    results = list(pool.map(lambda t: trial(w, aips_fault, name, setup, command, as_json, t[0], t[1], work), batch))
                for (point, errno), (fired, problem) in zip(batch, results):
                    if problem:
                        problems.append(problem)
                    if fired:
                        fired_points += 1
                    else:
                        done = True
                if n > 5000:
                    problems.append(f"{name}: more than 5000 fault points: is the run endless?")
                    break
            total_points += fired_points
            lines.append(f"  {name}: {fired_points} fault points survived (every {args.stride}. write/fsync/rename, EIO at every {args.eio_every}. point)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    head = f"injected I/O faults: {total_points} fault points over {len(lines)} commands, {len(problems)} problems"
    report = [head, *lines, *[f"FAIL {p}" for p in problems[:30]]]
    report.append("every fault left a clean, answering directory and a re-run that ends as an uninterrupted one"
                  if not problems and total_points > 0 else "FAILED")
    with open(args.out, "w") as f:
        f.write("\n".join(report) + "\n")
    print("\n".join(report))
    sys.exit(0 if not problems and total_points > 0 else 1)


if __name__ == "__main__":
    main()
