#!/usr/bin/env python3
"""Proves lookalike tiers on a simulated world with a holdout: seed = a brand's buyers (P) on day D0;
the users the lookalike ranks highest must become buyers in (D0, D0 + 30] at a clearly higher rate than
the other users. Writes precision@k and lift to OUTPUT_FILE and fails when the lift is below 2.

Usage: lookalike_holdout.py AIPS_BINARY OUTPUT_FILE
"""
import json, os, shutil, subprocess, sys, tempfile

aips, out_file = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="aips-lookalike-")


def run(*args):
    p = subprocess.run([aips, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"aips {' '.join(args)} failed: {p.stderr}")
    return json.loads(p.stdout) if "--json" in args else p.stdout


def count(data, expr):
    return run("crowd", "count", "--data", data, "--expr", expr, "--json")["count"]


try:
    world, data = os.path.join(work, "world"), os.path.join(work, "data")
    run("simulate", "--out", world, "--users", "20000", "--days", "90", "--seed", "13")
    run("ingest", "--data", data, *[os.path.join(world, f) for f in sorted(os.listdir(world)) if f.endswith(".csv")])
    brand, d0, d1 = "serum-01", "2024-10-15", "2024-11-14"
    seed = f'stage(brand: "{brand}", date: "{d0}") in [P]'
    run("crowd", "save", "--data", data, "--name", "seed", "--expr", seed)
    la = run("lookalike", "--data", data, "--expr", seed, "--date", d0, "--tiers", "300,1000,3000", "--name", "la", "--json")
    new_buyers = f'stage(brand: "{brand}", date: "{d1}") in [P] and not crowd("seed")'
    base_rate = count(data, new_buyers) / count(data, 'not crowd("seed")')
    lines = [f"lookalike holdout: seed = {brand} buyers on {d0} ({la['seed']} users), outcome = new buyers by {d1}",
             f"  base rate among all other users: {100 * base_rate:.2f}%"]
    worst = None
    for tier in la["tiers"]:
        hits = count(data, f'crowd("la-{tier["name"]}") and stage(brand: "{brand}", date: "{d1}") in [P]')
        precision = hits / tier["size"]
        lift = precision / base_rate if base_rate else float("inf")
        worst = lift if worst is None else min(worst, lift)
        lines.append(f"  {tier['name']:<15} precision@{tier['size']:<5} {100 * precision:6.2f}%   lift {lift:5.2f}")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out_file)), exist_ok=True)
    open(out_file, "w").write(text)
    print(text, end="")
    if worst is None or worst < 2.0:
        sys.exit(f"FAIL: lookalike lift {worst:.2f} is below 2.0")
    print("lookalike beats random by more than 2x in every tier")
finally:
    shutil.rmtree(work, ignore_errors=True)
