"""Simulated worlds for the statistical tests (lift_stats, forecast_stats, planted_test): run an aips
command or stop the test with its error, and `aips simulate` a world into DIR/world and ingest every CSV
of it into DIR/data."""
import json
import os
import subprocess
import sys


def run(*args):
    """aips's standard output; the test stops with the command and its error when it fails."""
    p = subprocess.run(list(args), capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return p.stdout


def simulate_and_ingest(aips, d, *simulate_args):
    """(files, data, truth): the world's files, its ingested data directory and its truth.json."""
    files, data = os.path.join(d, "world"), os.path.join(d, "data")
    run(aips, "simulate", "--out", files, *map(str, simulate_args))
    run(aips, "ingest", "--data", data, *sorted(os.path.join(files, f) for f in os.listdir(files) if f.endswith(".csv")))
    with open(os.path.join(files, "truth.json")) as f:
        return files, data, json.load(f)
