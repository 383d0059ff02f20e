#!/usr/bin/env python3
"""`aips forget` (issue #8): after erasing users, a data directory answers exactly as a directory that never
received their rows (stages, trends, flows and penetration of every brand, a portrait), no file under it
holds their ids any more, it verifies clean, saved crowds lost them, and their rows sent again are refused
(with the row text redacted) unless --no-block.

usage: forget_test.py AIPS
"""
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from store_files import plain_bytes  # noqa: E402


def run(*cmd, ok=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if ok and p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: {p.stderr.strip()}")
    return p.stdout


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def holders(data, names):
    """Files under data that contain any of names as a whole token."""
    pats = [re.compile(rb"(?<![0-9A-Za-z_])" + re.escape(n.encode()) + rb"(?![0-9A-Za-z_])") for n in names]
    found = []
    for root, _, files in os.walk(data):
        for f in files:
            p = os.path.join(root, f)
            b = plain_bytes(p)
            if any(x.search(b) for x in pats):
                found.append(os.path.relpath(p, data))
    return found


def main():
    aips = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="aips-forget-")
    world = os.path.join(work, "world")
    run(aips, "simulate", "--out", world, "--users", "4000", "--days", "45", "--seed", "21")
    tables = {n: read(os.path.join(world, n + ".csv"))
              for n in ("events", "identity", "orders", "user_attributes")}
    side = [os.path.join(world, f) for f in ("brands.csv", "categories.csv", "campaigns.csv", "spend.csv")]
    ev, idn, orders, attrs = tables["events"], tables["identity"], tables["orders"], tables["user_attributes"]
    u = ev[0].index("user_id")
    # Victims: ids of at least 5 bytes (u1000+, so a chance byte match in binary files is negligible): the
    # two busiest users and one with an identity link whose orders matched.
    count = {}
    for r in ev[1:]:
        count[r[u]] = count.get(r[u], 0) + 1
    big = [x for x in sorted(count, key=lambda k: -count[k]) if len(x) >= 5][:2]
    hashes_with_orders = {r[2] for r in orders[1:]}
    linked = next(r[2] for r in idn[1:] if len(r[2]) >= 5 and r[1] in hashes_with_orders and r[2] not in big)
    victims = big + [linked]
    victim_hashes = {r[1] for r in idn[1:] if r[2] in victims}

    full, fresh = os.path.join(work, "full"), os.path.join(work, "fresh")
    files = [os.path.join(world, n + ".csv") for n in ("events", "identity", "orders", "user_attributes")]
    run(aips, "ingest", "--data", full, *files, *side)
    # Event ids that embed a victim's id in their prefix (`<user>-000001`): enough of them for the id run to
    # store the shape exactly, with its prefix in clear, until forget hashes it.
    embedded = os.path.join(work, "embedded.csv")
    first_row = next(r for r in ev[1:] if r[u] == victims[1])
    write(embedded, [ev[0]] + [[f"{victims[1]}-{i:06d}"] + first_row[1:] for i in range(1, 101)])
    run(aips, "ingest", "--data", full, embedded)
    if not any(x.startswith("ids/") for x in holders(full, [victims[1]])):
        sys.exit("FAIL: the embedded event ids are not stored with their prefix in clear (test cannot tell)")
    # A rejected row that names a victim (bad action) lands in the rejects file.
    bad = os.path.join(work, "bad.csv")
    write(bad, [ev[0], [("x" if i == 0 else v) if ev[0][i] != "action" else "teleport" for i, v in
                        enumerate(next(r for r in ev[1:] if r[u] == victims[0]))]])
    run(aips, "ingest", "--data", full, bad)
    run(aips, "compute", "--data", full)
    info = json.loads(run(aips, "info", "--data", full, "--json"))
    brand = max(info["brands"], key=lambda b: b["events"])["brand"]
    last = info["last_day"]
    expr = f'stage(brand: "{brand}", date: "{last}") in [A, I, TI, P, S]'
    everyone = " or ".join(f'stage(brand: "{x["brand"]}", date: "{last}") in [A, I, TI, P, S]'
                           for x in info["brands"])
    run(aips, "crowd", "save", "--data", full, "--expr", everyone, "--name", "all-of-brand")
    before = json.loads(run(aips, "crowd", "list", "--data", full, "--json"))
    held = holders(full, victims)
    if "dict/user.dict" not in held:
        sys.exit(f"FAIL: the victims' ids are not found in the user dictionary before forget (test cannot tell): {held}")

    r = json.loads(run(aips, "forget", "--data", full, *sum((["--user", v] for v in victims), []),
                       "--user", "u-nobody-at-all", "--json"))
    want_events = sum(count[v] for v in victims)
    if r["users_found"] != 3 or r["events_removed"] < want_events or r["identity_links_removed"] < 1 \
            or r["reject_lines_removed"] < 1 or not r["blocked"] or not r["snapshots_recomputed"]:
        sys.exit(f"FAIL: forget counts {r} (expected 3 users, >= {want_events} events, links, rejects)")
    if r["id_shapes_hashed"] != 1:
        sys.exit(f"FAIL: forget hashed {r['id_shapes_hashed']} event-id shapes (expected the one naming a victim)")
    left = holders(full, victims)
    if left:
        sys.exit(f"FAIL: after forget these files still hold a forgotten id: {left}")
    chk = json.loads(run(aips, "check", "--data", full, "--json"))
    if not chk["ok"]:
        sys.exit(f"FAIL: check after forget: {chk['damaged']}")

    # The same world as if the victims had never been there.
    keep = lambda rows, col: [rows[0]] + [x for x in rows[1:] if x[col] not in victims]
    paths = []
    for name, rows in (("events", keep(ev, u)), ("identity", keep(idn, 2)),
                       ("orders", [orders[0]] + [x for x in orders[1:] if x[2] not in victim_hashes]),
                       ("user_attributes", keep(attrs, 0))):
        p = os.path.join(work, name + ".csv")
        write(p, rows)
        paths.append(p)
    run(aips, "ingest", "--data", fresh, *paths, *side)
    a = json.loads(run(aips, "info", "--data", full, "--json"))
    b = json.loads(run(aips, "info", "--data", fresh, "--json"))
    strip = lambda doc: [{k: v for k, v in x.items() if k != "computed_through"} for x in doc["brands"]]
    if a["events"] != b["events"] or strip(a) != strip(b):
        sys.exit(f"FAIL: after forget {a['events']} events; a directory without them has {b['events']}")
    first = a["first_day"]
    checks = 0
    for br in [x["brand"] for x in b["brands"]]:
        for q in (["trend", "--brand", br, "--from", first, "--to", last], ["flow", "--brand", br],
                  ["penetration", "--brand", br], ["stages", "--brand", br]):
            got = run(aips, q[0], "--data", full, *q[1:], "--json")
            want = run(aips, q[0], "--data", fresh, *q[1:], "--json")
            if got != want:
                sys.exit(f"FAIL: aips {' '.join(q)} after forget:\n {got[:400]}\nexpected:\n {want[:400]}")
            checks += 1
    got = run(aips, "crowd", "portrait", "--data", full, "--expr", expr, "--json")
    want = run(aips, "crowd", "portrait", "--data", fresh, "--expr", expr, "--json")
    if got != want:
        sys.exit(f"FAIL: portrait after forget differs:\n {got[:400]}\nexpected:\n {want[:400]}")
    after = json.loads(run(aips, "crowd", "list", "--data", full, "--json"))
    size = lambda doc: [c["size"] for c in doc["crowds"] if c["name"] == "all-of-brand"][0]
    if size(after) >= size(before) or r["crowds_changed"] != 1:
        sys.exit(f"FAIL: the saved crowd kept its size {size(before)} -> {size(after)}")

    # Sent again: refused, redacted; with --no-block on another directory they are accepted.
    again = os.path.join(work, "again.csv")
    # Without event ids, so that only the block (not the id runs) can refuse them.
    write(again, [ev[0]] + [[""] + x[1:] for x in ev[1:] if x[u] in victims][:50])
    out = json.loads(run(aips, "ingest", "--data", full, again, "--json"))
    if out["accepted"] != 0 or out["rejected"] == 0:
        sys.exit(f"FAIL: a forgotten user's rows sent again: {out}")
    if holders(full, victims):
        sys.exit(f"FAIL: refusing a forgotten user's rows stored their id: {holders(full, victims)}")
    other = os.path.join(work, "other")
    run(aips, "ingest", "--data", other, os.path.join(world, "events.csv"))
    run(aips, "forget", "--data", other, "--user", victims[0], "--no-block")
    out = json.loads(run(aips, "ingest", "--data", other, again, "--json"))
    if out["accepted"] == 0:
        sys.exit(f"FAIL: with --no-block the rows sent again were refused: {out}")
    # Hashed by forget, the embedded ids are still known: sent again, they are duplicates.
    run(aips, "ingest", "--data", other, embedded)
    run(aips, "forget", "--data", other, "--user", victims[1], "--no-block")
    if holders(other, [victims[1]]):
        sys.exit(f"FAIL: after forget these files still hold a forgotten id: {holders(other, [victims[1]])}")
    out = json.loads(run(aips, "ingest", "--data", other, embedded, "--json"))
    if out["accepted"] != 0 or out["duplicates"] != 100:
        sys.exit(f"FAIL: event ids hashed by forget were not recognised when sent again: {out}")
    subprocess.run(["rm", "-rf", work])
    print(f"forget: 3 users ({r['events_removed']} events, {r['identity_links_removed']} identity links, "
          f"{r['attribute_tags_removed']} tags, {r['reject_lines_removed']} reject lines) erased; {checks} queries "
          f"and a portrait equal a directory that never had them; no file holds their ids; check clean; "
          f"rows sent again refused; event ids naming them hashed and still known")


if __name__ == "__main__":
    main()
