#!/usr/bin/env python3
"""The forecast backtest of every brand of one data directory, as a Markdown table (docs/measures.md#forecast-backtests).

Runs `aips forecast backtest --data DIR --brand B --json` (default stage TI, x = the brand's category's
decision cycle, an origin every 7 days) for every brand `aips info` lists, and prints one row per brand:
x, origins, origins with a forecast, the WAPE of the model and of both baselines as aips reports them, and
the coverage of the 80 % and 95 % intervals; then a pooled row over the origins where the forecast and both
baselines exist (what tests/forecast_stats.py asserts on simulated worlds), and, when it differs, one over
the origins with a forecast and a non-empty crowd (real data sets rarely have the baselines' cohorts).

Usage: forecast_backtests.py AIPS_BINARY DATA_DIR [--stage TI] [--every 7] [--only-forecast | --summary]
                             [--jobs J]
  --only-forecast: list only the brands with at least one origin that has a forecast (real data sets have
                   thousands of brands, most with no crowd); the counts of the others are summed in a line.
  --summary: no row per brand, only the pooled rows and the counts.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed: {p.stderr.strip()[-500:]}")
    return p.stdout


def pct(v):
    return "—" if v is None else f"{100 * v:.1f}%"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("data")
    ap.add_argument("--stage", default="TI")
    ap.add_argument("--every", type=int, default=7)
    ap.add_argument("--only-forecast", action="store_true")
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    info = json.loads(run(args.aips, "info", "--data", args.data, "--json"))
    brands = [b["brand"] for b in info["brands"]]

    def backtest(b):
        return json.loads(run(args.aips, "forecast", "backtest", "--data", args.data, "--brand", b, "--stage",
                              args.stage, "--every", str(args.every), "--json"))

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(backtest, brands))
    print(f"{args.data}: {info['first_day']} .. {info['last_day']}, {info['users']} users, {info['events']} events, "
          f"{len(brands)} brands; stage {args.stage}, an origin every {args.every} days\n")
    print("| brand | x | origins | with a forecast | WAPE | share of day D−x | no censoring | 80% covers | 95% covers |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    pooled, hidden, hidden_origins = [], 0, 0
    for r in results:
        rows = r["rows"]
        with_f = sum(1 for x in rows if x["expected_buyers"] is not None)
        pooled += [x for x in rows if x["expected_buyers"] is not None and x["baseline_share"] is not None
                   and x["baseline_no_censoring"] is not None]
        if args.summary or (args.only_forecast and with_f == 0):
            hidden += 1
            hidden_origins += r["origins"]
            continue
        origins = str(r["origins"]) if r["origins"] else "0 (no origin)"
        print(f"| {r['brand']} | {r['x']} | {origins} | {with_f} | {pct(r['wape'])} | "
              f"{pct(r['baselines']['share_of_day_minus_x']['wape'])} | {pct(r['baselines']['no_censoring']['wape'])} | "
              f"{pct(r['coverage80'])} | {pct(r['coverage95'])} |")
    if hidden:
        print(f"| {hidden} {'brands' if args.summary else 'other brands'} | | {hidden_origins} | | | | | | |")
    print(pooled_row("**pooled**: origins with a forecast and both baselines", pooled))
    crowd = [x for r in results for x in r["rows"] if x["expected_buyers"] is not None and x["members"] > 0]
    if len(crowd) != len(pooled):
        print(pooled_row("**pooled**: origins with a forecast and a crowd (baselines where they exist)", crowd))
    print(f"\n{len(brands)} brands, {sum(1 for r in results if r['origins'])} with an origin; "
          f"{sum(r['origins'] for r in results)} origins, {len(crowd)} with a forecast and a crowd")


def pooled_row(label, rows):
    """A Markdown row: WAPE of the model and of each baseline (over the rows where it exists), coverages."""
    def wape(key):
        have = [x for x in rows if x[key] is not None]
        actual = sum(x["actual"] for x in have)
        if actual == 0:
            return "—"
        w = sum(abs(x["actual"] - x[key]) for x in have) / actual
        return pct(w) if len(have) == len(rows) else f"{pct(w)} ({len(have)} origins)"
    n = len(rows)
    buyers = sum(x["actual"] for x in rows)
    c80 = pct(sum(1 for x in rows if x["low80"] <= x["actual"] <= x["high80"]) / n) if n else "—"
    c95 = pct(sum(1 for x in rows if x["low95"] <= x["actual"] <= x["high95"]) / n) if n else "—"
    return (f"| {label}; {buyers} buyers | | {n} | {n} | {wape('expected_buyers')} | {wape('baseline_share')} | "
            f"{wape('baseline_no_censoring')} | {c80} | {c95} |")


if __name__ == "__main__":
    main()
