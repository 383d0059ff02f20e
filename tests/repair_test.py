#!/usr/bin/env python3
"""`aips check` and `aips repair` (issue #8) on deliberately damaged copies of one data directory:
- a damaged brand snapshot and a damaged category snapshot: check names the file, repair rebuilds it from
  the events and every answer equals the undamaged directory's;
- files left by an interrupted write: removed;
- a damaged day segment: repair refuses (exit 1, names the file and the way back); --drop-damaged keeps
  the intact brand blocks, counts the lost rows, and the directory checks clean with exactly that many
  fewer events; only the damaged brand's answers change;
- a damaged dictionary: named as not derivable (exit 1);
- a damaged event-id run: --drop-damaged drops it.

usage: repair_test.py AIPS
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile


def run(*cmd, code=0):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != code:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode} (expected {code}): {p.stdout[-400:]} {p.stderr.strip()}")
    return p.stdout


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x5A]))


def answers(aips, data, brands, first, last):
    out = {}
    for b in brands:
        for q in (["trend", "--brand", b, "--from", first, "--to", last], ["flow", "--brand", b],
                  ["penetration", "--brand", b]):
            out[(b, q[0])] = run(aips, q[0], "--data", data, *q[1:], "--json")
    return out


def fresh_copy(src, work, name):
    dst = os.path.join(work, name)
    shutil.copytree(src, dst)
    return dst


def main():
    aips = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="aips-repair-")
    world = os.path.join(work, "world")
    run(aips, "simulate", "--out", world, "--users", "3000", "--days", "40", "--seed", "8")
    base = os.path.join(work, "base")
    run(aips, "ingest", "--data", base, *[os.path.join(world, f) for f in sorted(os.listdir(world)) if f.endswith(".csv")])
    run(aips, "compute", "--data", base)
    info = json.loads(run(aips, "info", "--data", base, "--json"))
    brands = [b["brand"] for b in info["brands"]]
    first, last = info["first_day"], info["last_day"]
    want = answers(aips, base, brands, first, last)
    checks = 0

    # 1. Snapshots (a brand's and a category's) + garbage.
    d = fresh_copy(base, work, "snaps")
    snaps = sorted(os.listdir(os.path.join(d, "snap")))
    bsnap = next(n for n in snaps if n.startswith("b") and n.endswith(".snap"))
    csnap = next(n for n in snaps if n.startswith("c") and n.endswith(".snap"))
    for n in (bsnap, csnap):
        p = os.path.join(d, "snap", n)
        flip(p, os.path.getsize(p) // 2)
    open(os.path.join(d, "seg", "20240101-999.seg"), "wb").write(b"left by a crash")
    chk = json.loads(run(aips, "check", "--data", d, "--json", code=1))
    named = {os.path.basename(x["file"]) for x in chk["damaged"]}
    if not {bsnap, csnap} <= named:
        sys.exit(f"FAIL: check did not name the damaged snapshots {bsnap}, {csnap}: {chk['damaged']}")
    rep = json.loads(run(aips, "repair", "--data", d, "--json"))
    if not rep["ok"] or not rep["snapshots_recomputed"] or len(rep["rebuilt"]) < 2:
        sys.exit(f"FAIL: repair of snapshots: {rep}")
    if os.path.exists(os.path.join(d, "seg", "20240101-999.seg")):
        sys.exit("FAIL: repair left a file that the manifest does not name")
    if not json.loads(run(aips, "check", "--data", d, "--json"))["ok"]:
        sys.exit("FAIL: check after repairing snapshots")
    got = answers(aips, d, brands, first, last)
    if got != want:
        bad = [k for k in want if got[k] != want[k]]
        sys.exit(f"FAIL: answers after rebuilding snapshots differ: {bad[:5]}")
    checks += len(got)

    # 2. A day segment: one brand block damaged.
    d = fresh_copy(base, work, "segment")
    segs = sorted(os.listdir(os.path.join(d, "seg")))
    seg = os.path.join(d, "seg", segs[len(segs) // 2])
    with open(seg, "rb") as f:
        data = f.read()
    blocks, = struct.unpack_from("<I", data, 24)
    index_off, = struct.unpack_from("<Q", data, 32)
    brand_id, _, off, rows, _ = struct.unpack_from("<IIQQQ", data, index_off)  # the first block
    flip(seg, off + 3)
    out = run(aips, "repair", "--data", d, code=1)
    if "CANNOT REPAIR" not in out or os.path.basename(seg) not in out or "--drop-damaged" not in out:
        sys.exit(f"FAIL: repair of a damaged segment without --drop-damaged said: {out}")
    rep = json.loads(run(aips, "repair", "--data", d, "--drop-damaged", "--json"))
    if not rep["ok"] or rep["rows_lost"] != rows:
        sys.exit(f"FAIL: --drop-damaged lost {rep['rows_lost']} rows, the damaged block held {rows}: {rep}")
    if not json.loads(run(aips, "check", "--data", d, "--json"))["ok"]:
        sys.exit("FAIL: check after --drop-damaged")
    after = json.loads(run(aips, "info", "--data", d, "--json"))
    if after["events"] != info["events"] - rows:
        sys.exit(f"FAIL: {after['events']} events after dropping {rows} of {info['events']}")
    damaged_brand = brands_by_id(d)[brand_id]
    # Brands of other categories answer as before (their category crowd never held the damaged block).
    cat = {b["brand"]: b["category"] for b in info["brands"]}
    others = [b for b in brands if cat[b] != cat[damaged_brand]]
    got = answers(aips, d, others, first, last)
    if any(got[k] != want[k] for k in got):
        sys.exit("FAIL: brands of other categories changed after salvaging a segment")
    changed = answers(aips, d, [damaged_brand], first, last)
    if all(changed[k] == want[k] for k in changed):
        sys.exit(f"FAIL: losing {rows} rows of {damaged_brand} changed none of its answers")
    checks += len(got)

    # 3. A dictionary: not derivable.
    d = fresh_copy(base, work, "dict")
    p = os.path.join(d, "dict", "user.dict")
    flip(p, os.path.getsize(p) // 2)
    out = run(aips, "repair", "--data", d, code=1)
    if "CANNOT REPAIR" not in out or "user.dict" not in out or "aips restore" not in out:
        sys.exit(f"FAIL: repair of a damaged dictionary said: {out}")

    # 4. An id run: dropped with --drop-damaged.
    d = fresh_copy(base, work, "ids")
    run_file = os.path.join(d, "ids", sorted(os.listdir(os.path.join(d, "ids")))[0])
    flip(run_file, 40)
    run(aips, "repair", "--data", d, code=1)
    rep = json.loads(run(aips, "repair", "--data", d, "--drop-damaged", "--json"))
    if not rep["ok"] or not rep["lost"] or "ids" not in rep["lost"][0]["file"]:
        sys.exit(f"FAIL: repair --drop-damaged of an id run: {rep}")
    if not json.loads(run(aips, "check", "--data", d, "--json"))["ok"]:
        sys.exit("FAIL: check after dropping an id run")

    shutil.rmtree(work)
    print(f"repair: damaged snapshots rebuilt ({checks} answers equal the undamaged directory), garbage removed, "
          f"a damaged segment salvaged ({rows} rows of one brand block lost, counted), dictionary and id-run "
          f"damage named")


def brands_by_id(data):
    """brand id -> name, read from the brand dictionary (docs/formats.md §3)."""
    with open(os.path.join(data, "dict", "brand.dict"), "rb") as f:
        b = f.read()
    names, pos = [], 0
    while pos < len(b):
        _, count, length = struct.unpack_from("<IIQ", b, pos)
        body, i = b[pos + 16:pos + 16 + length], 0
        for _ in range(count):
            n, shift = 0, 0
            while True:
                c = body[i]
                i += 1
                n |= (c & 0x7F) << shift
                shift += 7
                if c < 0x80:
                    break
            names.append(body[i:i + n].decode())
            i += n
        pos += 24 + length
    return names


if __name__ == "__main__":
    main()
