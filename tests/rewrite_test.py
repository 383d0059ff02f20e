#!/usr/bin/env python3
"""Old data directories (issue #20): a directory written in the formats of before issue #20 (AIPS_STORE_FORMAT=1:
plain segments, hashed id runs, unpacked dictionaries and tables, Roaring snapshots, full engine states) answers
exactly as one written in the current formats; forget, retain and repair work on it; `aips rewrite` turns it into
the current formats in one commit, after which every answer is the same, check is clean, every file is in the
current format, the events sent again are all duplicates, the directory is smaller, and a second rewrite changes
nothing. Usage: tests/rewrite_test.py AIPS_BINARY"""
import csv
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

OLD = dict(os.environ, AIPS_STORE_FORMAT="1")
NEW = {k: v for k, v in os.environ.items() if k != "AIPS_STORE_FORMAT"}


def run(aips, *args, env=None, ok=True):
    p = subprocess.run([aips, *args], capture_output=True, text=True, env=env or NEW)
    if ok and p.returncode != 0:
        sys.exit(f"FAIL: aips {' '.join(args)} ({p.returncode}): {p.stderr.strip()[-800:]}")
    return p.stdout


def head(path, n=12):
    with open(path, "rb") as f:
        return f.read(n)


def formats(d):
    """What format each kind of file of directory d is in: {kind: set of formats}."""
    out = {}

    def add(kind, what):
        out.setdefault(kind, set()).add(what)
    for name in os.listdir(os.path.join(d, "seg")):
        add("segments", head(os.path.join(d, "seg", name), 8).decode())
    for name in os.listdir(os.path.join(d, "ids")):
        add("id runs", f"v{struct.unpack_from('<I', head(os.path.join(d, 'ids', name)), 8)[0]}")
    for name in os.listdir(os.path.join(d, "snap")):
        add("snapshots and states", head(os.path.join(d, "snap", name), 8).decode())
    for name in os.listdir(d):
        if name.endswith(".bin") and name != "crowds.bin" and name != "tenants.bin":
            b = head(os.path.join(d, name))
            add("tables", f"{b[:8].decode()} v{struct.unpack_from('<I', b, 8)[0]}")
    for name in os.listdir(os.path.join(d, "dict")):
        with open(os.path.join(d, "dict", name), "rb") as f:
            b = f.read()
        pos, kinds = 0, []
        while pos + 24 <= len(b):
            magic, _, n = struct.unpack_from("<IIQ", b, pos)
            kinds.append("packed" if magic == 0x4B434432 else "plain" if n < 4096 else "plain, large")
            pos += 24 + n
        add("dictionaries", f"{len(kinds)} chunks" if len(kinds) > 1 else (kinds[0] if kinds else "empty"))
    return out


def answers(aips, d, brands, last):
    """Every query's answer (JSON text) by query."""
    out = {}
    for b in brands:
        for q in (["stages", "--brand", b, "--date", last], ["trend", "--brand", b], ["flow", "--brand", b],
                  ["penetration", "--brand", b]):
            out[" ".join(q)] = run(aips, q[0], "--data", d, *q[1:], "--json")
    expr = f'stage(brand: "{brands[0]}", date: "{last}") in [TI, P, S] and not stage(brand: "{brands[1]}", ' \
           f'date: "{last}") in [A, I, TI, P, S]'
    out["crowd count"] = run(aips, "crowd", "count", "--data", d, "--expr", expr)
    out["campaigns"] = run(aips, "campaign", "--data", d, "--brand", brands[0], "--json")
    out["spectrum"] = run(aips, "spectrum", "--data", d, "--brand", brands[0], "--json")
    info = json.loads(run(aips, "info", "--data", d, "--json"))
    out["info"] = json.dumps({k: info[k] for k in ("events", "users", "first_day", "last_day", "days", "brands")},
                             sort_keys=True)
    return out


def compare(got, want, what):
    for q, a in want.items():
        if got.get(q) != a:
            sys.exit(f"FAIL: {what}: aips {q}\n got  {got.get(q, '')[:400]}\n want {a[:400]}")


def main():
    aips = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="aips-rewrite-")
    world = os.path.join(work, "world")
    run(aips, "simulate", "--out", world, "--users", "4000", "--days", "40", "--seed", "23")
    tables = [os.path.join(world, f + ".csv") for f in ("brands", "categories", "campaigns", "spend",
                                                        "user_attributes", "identity", "orders", "notes",
                                                        "accounts", "messages", "experiments")]
    with open(os.path.join(world, "events.csv"), newline="") as f:
        rows = list(csv.reader(f))
    # Two ingests whose days overlap: days with two segments, two id runs, two dictionary chunks each.
    halves = [os.path.join(work, "events-1.csv"), os.path.join(work, "events-2.csv")]
    for i, path in enumerate(halves):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(rows[0])
            w.writerows(r for k, r in enumerate(rows[1:]) if (k % 3 != 0) == (i == 0))
    old, new = os.path.join(work, "old"), os.path.join(work, "new")
    for d, env in ((old, OLD), (new, NEW)):
        run(aips, "ingest", "--data", d, halves[0], *tables, env=env)
        run(aips, "compute", "--data", d, env=env)
        run(aips, "ingest", "--data", d, halves[1], env=env)
        run(aips, "compute", "--data", d, env=env)
    f_old = formats(old)
    want_old = {"segments": {"AIPSSEG1"}, "id runs": {"v1"}, "snapshots and states": {"AIPSSNP1", "AIPSSTA1"}}
    for kind, fmts in want_old.items():
        if f_old.get(kind) != fmts:
            sys.exit(f"FAIL: the old directory's {kind} are {f_old.get(kind)}, expected {fmts}")
    if any(not t.endswith(" v1") for t in f_old["tables"]) or "packed" in f_old["dictionaries"]:
        sys.exit(f"FAIL: the old directory holds current-format tables or dictionaries: {f_old}")

    info = json.loads(run(aips, "info", "--data", new, "--json"))
    brands, last = [b["brand"] for b in info["brands"]], info["last_day"]
    want = answers(aips, new, brands, last)
    compare(answers(aips, old, brands, last), want, "the old directory answers differently from a current one")

    # forget, retain and repair on copies of the old directory give what they give on the current one.
    victim = rows[1][rows[0].index("user_id")]
    for cmd in (["forget", "--user", victim], ["retain", "--keep-days", "20"], ["repair", "--rebuild-snapshots"]):
        a, b = os.path.join(work, "old-" + cmd[0]), os.path.join(work, "new-" + cmd[0])
        shutil.copytree(old, a)
        shutil.copytree(new, b)
        run(aips, cmd[0], "--data", a, *cmd[1:], env=OLD)
        run(aips, cmd[0], "--data", b, *cmd[1:])
        compare(answers(aips, a, brands, last), answers(aips, b, brands, last),
                f"after {cmd[0]} on an old directory")
        if not json.loads(run(aips, "check", "--data", a, "--json"))["ok"]:
            sys.exit(f"FAIL: check after {cmd[0]} on an old directory")

    dry = json.loads(run(aips, "rewrite", "--data", old, "--dry-run", "--json"))
    if not dry["changed"] or formats(old) != f_old:
        sys.exit(f"FAIL: rewrite --dry-run: {dry}, or it changed files")
    r = json.loads(run(aips, "rewrite", "--data", old, "--json"))
    if not (r["changed"] and r["days_rewritten"] > 0 and r["id_runs_after"] == 1 and r["tables_rewritten"] > 0
            and r["dictionaries_rewritten"] > 0 and r["snapshot_subjects_reset"] > 0 and r["snapshots_recomputed"]
            and r["bytes_after"] < r["bytes_before"]):
        sys.exit(f"FAIL: rewrite: {r}")
    f_after = formats(old)
    want_after = {"segments": {"AIPSSEG2"}, "id runs": {"v2"}, "snapshots and states": {"AIPSSNP2", "AIPSSTA2"}}
    for kind, fmts in want_after.items():
        if f_after.get(kind) != fmts:
            sys.exit(f"FAIL: after rewrite the {kind} are {f_after.get(kind)}, expected {fmts}")
    if any(not t.endswith(" v2") for t in f_after["tables"]) or f_after["dictionaries"] - {"packed", "plain"}:
        sys.exit(f"FAIL: after rewrite tables or dictionaries are not current: {f_after}")
    if len(os.listdir(os.path.join(old, "seg"))) != len(info["days"]):
        sys.exit("FAIL: after rewrite a day has more than one segment")
    compare(answers(aips, old, brands, last), want, "after rewrite")
    if not json.loads(run(aips, "check", "--data", old, "--json"))["ok"]:
        sys.exit("FAIL: check after rewrite")
    again = json.loads(run(aips, "ingest", "--data", old, *halves, "--json"))
    if again["accepted"] != 0 or again["duplicates"] == 0:
        sys.exit(f"FAIL: the events sent again after rewrite: {again}")
    second = json.loads(run(aips, "rewrite", "--data", old, "--json"))
    if second["changed"]:
        sys.exit(f"FAIL: a second rewrite changed something: {second}")
    shutil.rmtree(work)
    print(f"rewrite: an old directory answered {len(want)} queries as a current one (and after forget, retain, "
          f"repair); rewritten in one commit ({r['days_rewritten']} days, {r['id_runs_before']} -> 1 id runs, "
          f"{r['dictionaries_rewritten']} dictionaries, {r['tables_rewritten']} tables, "
          f"{r['snapshot_subjects_reset']} snapshots rebuilt; {r['bytes_before'] / 1e6:.1f} -> "
          f"{r['bytes_after'] / 1e6:.1f} MB): same answers, check clean, events sent again all duplicates, "
          f"a second rewrite changes nothing")


if __name__ == "__main__":
    main()
