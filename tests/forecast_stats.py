#!/usr/bin/env python3
"""Proves the purchase forecast (aips forecast; docs/measures.md#forecast) on simulated worlds.

Every world is `aips simulate` with a fixed seed (3001, 3002, ...). `aips forecast backtest --json` runs for
every brand of every world (default stage TI, x = the category's decision cycle, an origin every 7 days);
the rows of all brands and worlds are pooled, keeping those where the forecast and both baselines exist
(the share baseline is missing when day D - x is within the first 30 days of data). Over the pooled rows:
  - WAPE = sum |actual - forecast| / sum actual, for the model and for both baselines (the share of day
    D - x's crowd that bought in (D - x, D], times today's crowd; not-yet-converted users counted as never
    converting): the model's WAPE must be below both;
  - the 80 % interval covers the actual count in 70-90 % of the rows, the 95 % interval in at least 88 %;
  - at least 150 rows.
The seeds are fixed, so the test never flakes; the figures (pooled and per world) go to OUTPUT_FILE.

Usage: forecast_stats.py AIPS_BINARY OUTPUT_FILE [--worlds N] [--users U] [--days D] [--jobs J]
  --worlds: simulated worlds (default 36, of --users 20000 users: about 75 s on 2 cores); make soak uses
            more. On larger worlds the crowds are larger and the intervals cover less (docs/measures.md#forecast-backtests).
  --days: days per world (default 180; at least 150, so that there are origins: an origin needs 58 days of
          data before it and x days after it, and the share baseline needs day D - x to be 30 days or more
          into the data, so baby food's x = 70 has rows only from 171 days on).
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile
import time

from simworld import run, simulate_and_ingest


def world(aips, seed, users, days, work):
    """(seed, seconds, [(brand, x, row)]) of every backtest row of one world's brands."""
    t0 = time.monotonic()
    d = os.path.join(work, f"w{seed}")
    _, data, _ = simulate_and_ingest(aips, d, "--users", users, "--days", days, "--seed", seed)
    info = json.loads(run(aips, "info", "--data", data, "--json"))
    out = []
    for b in info["brands"]:
        bt = json.loads(run(aips, "forecast", "backtest", "--data", data, "--brand", b["brand"], "--json"))
        out += [(b["brand"], bt["x"], r) for r in bt["rows"]]
    shutil.rmtree(d, ignore_errors=True)
    return seed, time.monotonic() - t0, out


def usable(r):
    return r["expected_buyers"] is not None and r["baseline_share"] is not None and r["baseline_no_censoring"] is not None


def figures(rows):
    """WAPE of the model and both baselines, the two coverages, and the count of rows."""
    actual = sum(r["actual"] for r in rows)
    den = max(actual, 1e-12)
    return {
        "rows": len(rows),
        "actual": actual,
        "wape": sum(abs(r["actual"] - r["expected_buyers"]) for r in rows) / den,
        "share": sum(abs(r["actual"] - r["baseline_share"]) for r in rows) / den,
        "nocens": sum(abs(r["actual"] - r["baseline_no_censoring"]) for r in rows) / den,
        "cov80": sum(1 for r in rows if r["low80"] <= r["actual"] <= r["high80"]) / max(1, len(rows)),
        "cov95": sum(1 for r in rows if r["low95"] <= r["actual"] <= r["high95"]) / max(1, len(rows)),
    }


def fmt(f):
    return (f"{f['rows']:4d} rows, {f['actual']:6d} buyers: WAPE {100 * f['wape']:5.1f}% (share of day D-x "
            f"{100 * f['share']:5.1f}%, no censoring {100 * f['nocens']:5.1f}%), 80% covers {100 * f['cov80']:5.1f}%, "
            f"95% covers {100 * f['cov95']:5.1f}%")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("out")
    ap.add_argument("--worlds", type=int, default=36)
    ap.add_argument("--users", type=int, default=20000)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    if args.days < 150:
        sys.exit("--days must be at least 150 (origins for every decision cycle)")
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-forecaststats-")
    t0 = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            worlds = list(pool.map(lambda s: world(aips, s, args.users, args.days, work),
                                   range(3001, 3001 + args.worlds)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - t0
    lines = [
        f"purchase forecast backtests on {args.worlds} simulated worlds ({args.users} users, {args.days} days; "
        f"seeds 3001..{3000 + args.worlds}): every brand, stage TI, x = the category's decision cycle, an origin "
        f"every 7 days; rows with a forecast and both baselines",
    ]
    pooled, by_x = [], {}
    for seed, secs, out in worlds:
        rows = [r for _, _, r in out if usable(r)]
        pooled += rows
        lines.append(f"  world {seed}: {fmt(figures(rows))} ({len(out) - len(rows)} rows left out; {secs:.1f} s)")
        for _, x, r in out:
            if usable(r):
                by_x.setdefault(x, []).append(r)
    for x in sorted(by_x):
        lines.append(f"  x = {x:2d} days: {fmt(figures(by_x[x]))}")
    f = figures(pooled)
    lines += [
        f"  pooled: {fmt(f)}",
        f"  model WAPE {100 * f['wape']:.1f}% must be below both baselines' ({100 * f['share']:.1f}%, "
        f"{100 * f['nocens']:.1f}%); 80% coverage {100 * f['cov80']:.1f}% must be 70-90%; 95% coverage "
        f"{100 * f['cov95']:.1f}% must be at least 88%; {f['rows']} rows (at least 150) [{seconds:.0f} s]",
    ]
    ok = (0.70 <= f["cov80"] <= 0.90 and f["cov95"] >= 0.88 and f["wape"] < f["share"] and f["wape"] < f["nocens"]
          and f["rows"] >= 150)
    lines.append("the forecast beats both baselines and its intervals cover" if ok else "FAILED")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
