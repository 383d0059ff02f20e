#!/usr/bin/env python3
"""Proves holdout lift on simulated worlds whose truth is known (issue #17; docs/measures.md#lift).

Every world is `aips simulate` with a fixed seed; its truth.json gives, per holdout campaign, the
intent-to-treat effect per stage worked out from each assigned user's outcome with and without the campaign.
`aips lift` must recover it:
  - A/A worlds (`--effects none`: no campaign changes anything): p < 0.05 in 2-9 % of the tests (stage TI
    of every holdout campaign);
  - planted worlds: the 95 % interval covers the truth in 92-98 % of (campaign, stage I/TI/P) cases, and
    the mean error of the lift is under one percentage point.
  - the matched design (campaigns without a holdout; observational) on larger worlds whose targeting selects
    users already closer to buying: its mean absolute error against truth_matched (the effect on the
    reached users) is below 0.75 x the naive comparison's (reached vs the brand's unreached asset).
The seeds are fixed, so the test never flakes; the figures go to OUTPUT_FILE (docs/measures.md quotes them).

Usage: lift_stats.py AIPS_BINARY OUTPUT_FILE [--worlds N] [--users U] [--matched-worlds M]
                     [--matched-users V] [--jobs J]
  --worlds: worlds of each kind (default 120: 240 in all); make soak uses more.
  --matched-worlds: worlds for the matched design (default 8, of --matched-users 100000 users).
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import sys
import tempfile

from simworld import run, simulate_and_ingest

STAGES = ("I", "TI", "P")


def world(aips, seed, users, planted, work):
    """(campaign, truth_holdout, lift JSON) of every holdout campaign of one world."""
    d = os.path.join(work, f"w{seed}{'p' if planted else 'a'}")
    _, data, truth = simulate_and_ingest(aips, d, "--users", users, "--days", 75, "--brands", 5, "--seed", seed,
                                         "--duplicate-rate", 0, *([] if planted else ["--effects", "none"]))
    out = []
    for c in truth["campaigns"]:
        if not c.get("holdout") or not c.get("truth_holdout"):
            continue
        lift = json.loads(run(aips, "lift", "--data", data, "--campaign", c["campaign"], "--json"))
        if lift["maturing"]:
            continue  # the truth is for the whole window; a maturing answer counts fewer days
        out.append((c["campaign"], c["truth_holdout"], lift))
    shutil.rmtree(d, ignore_errors=True)
    return out


def matched_world(aips, seed, users, work):
    """(campaign, truth_matched, matched lift JSON) of every campaign of one world that reached anyone."""
    d = os.path.join(work, f"m{seed}")
    _, data, truth = simulate_and_ingest(aips, d, "--users", users, "--days", 90, "--seed", seed, "--duplicate-rate", 0)
    out = []
    for c in truth["campaigns"]:
        if not c.get("truth_matched"):
            continue
        lift = json.loads(run(aips, "lift", "--data", data, "--campaign", c["campaign"], "--design", "matched", "--json"))
        if not lift["maturing"]:
            out.append((c["campaign"], c["truth_matched"], lift))
    shutil.rmtree(d, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("aips")
    ap.add_argument("out")
    ap.add_argument("--worlds", type=int, default=120)
    ap.add_argument("--users", type=int, default=4000)
    ap.add_argument("--matched-worlds", type=int, default=8)
    ap.add_argument("--matched-users", type=int, default=100000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    aips = os.path.abspath(args.aips)
    work = tempfile.mkdtemp(prefix="aips-liftstats-")
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            aa = list(pool.map(lambda s: world(aips, s, args.users, False, work), range(1, args.worlds + 1)))
            pl = list(pool.map(lambda s: world(aips, s, args.users, True, work), range(1001, 1001 + args.worlds)))
            mw = list(pool.map(lambda s: matched_world(aips, s, args.matched_users, work),
                               range(2001, 2001 + args.matched_worlds)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # A/A: every truth is 0; the share of tests rejecting at 5 %.
    pvals = [l["stages"]["TI"]["p_value"] for w in aa for _, t, l in w]
    for w in aa:
        for name, t, _ in w:
            if any(t[s] != 0 for s in STAGES):
                sys.exit(f"an A/A world's truth is not 0: {name} {t}")
    tested = [p for p in pvals if p is not None]
    rejected = sum(1 for p in tested if p < 0.05)
    aa_rate = rejected / max(1, len(tested))
    # Planted: coverage of the truth by the interval, and the bias of the lift.
    cases = [(t[s], l["stages"][s]) for w in pl for _, t, l in w for s in STAGES if l["stages"][s]["lift"] is not None]
    covered = sum(1 for truth, e in cases if e["ci_low"] <= truth <= e["ci_high"])
    coverage = covered / max(1, len(cases))
    bias = sum(e["lift"] - truth for truth, e in cases) / max(1, len(cases))
    mean_truth = sum(truth for truth, _ in cases) / max(1, len(cases))
    lines = [
        f"holdout lift on simulated worlds ({args.worlds} A/A + {args.worlds} planted, {args.users} users, 75 days, "
        f"5 brands each; seeds 1..{args.worlds} and 1001..{1000 + args.worlds})",
        f"  A/A: {rejected} of {len(tested)} tests (stage TI of every holdout campaign) reject at p < 0.05: "
        f"{100 * aa_rate:.1f}% (must be 2-9%)",
        f"  planted: the 95% interval covers the truth in {covered} of {len(cases)} (campaign, stage) cases: "
        f"{100 * coverage:.1f}% (must be 92-98%)",
        f"  planted: mean lift - truth = {100 * bias:+.3f} pp (must be under 1 pp; mean truth {100 * mean_truth:.2f} pp)",
    ]
    # Matched design against the effect on the reached, beside the naive comparison.
    mcases = [(t[s], l["stages"][s], l["naive"][s]) for w in mw for _, t, l in w for s in STAGES
              if l["stages"][s]["lift"] is not None and l["naive"][s]["lift"] is not None]
    n_m = max(1, len(mcases))
    mae_m = sum(abs(e["lift"] - truth) for truth, e, _ in mcases) / n_m
    mae_n = sum(abs(nv["lift"] - truth) for truth, _, nv in mcases) / n_m
    bias_m = sum(e["lift"] - truth for truth, e, _ in mcases) / n_m
    bias_n = sum(nv["lift"] - truth for truth, _, nv in mcases) / n_m
    cov_m = sum(1 for truth, e, _ in mcases if e["ci_low"] <= truth <= e["ci_high"]) / n_m
    lines += [
        f"matched design on {args.matched_worlds} worlds of {args.matched_users} users, 90 days (seeds 2001..{2000 + args.matched_worlds}); "
        f"{len(mcases)} (campaign, stage I/TI/P) cases, truth = truth_matched (effect on the reached):",
        f"  mean absolute error: matched {100 * mae_m:.2f} pp, naive (reached vs unreached asset) {100 * mae_n:.2f} pp "
        f"(matched must be below 0.75 x naive: {mae_m / max(mae_n, 1e-12):.2f} x)",
        f"  mean error (bias): matched {100 * bias_m:+.2f} pp, naive {100 * bias_n:+.2f} pp; matched 95% interval covers "
        f"the truth in {100 * cov_m:.1f}% (reported, not asserted: what the strata do not hold stays biased)",
    ]
    ok = 0.02 <= aa_rate <= 0.09 and 0.92 <= coverage <= 0.98 and abs(bias) < 0.01 and len(tested) >= 100 and len(cases) >= 200
    ok = ok and len(mcases) >= 100 and mae_m < 0.75 * mae_n
    lines.append("lift recovers the planted truth" if ok else "FAILED")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
