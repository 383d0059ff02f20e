#!/usr/bin/env python3
"""Runs the behaviour cases in tests/cases: each case is a folder of input files and a case.txt script.

case.txt, one directive per line ('#' starts a comment):
  rules: FILE                 install FILE (in the case folder) as the data directory's rules
  generate: SCRIPT            python3 SCRIPT OUTDIR (inputs too large to keep in git); later paths are
                              looked up in the case folder, then in OUTDIR
  ingest: FILE [FILE...]      aips ingest --json of those files (paths relative to the case folder)
  run: ARGS                   aips ARGS --data DIR --json (ARGS split like a shell: quotes group words)
  expect: JSON                the last command's JSON output contains JSON (objects: listed keys only,
                              recursively; arrays and scalars: equal)
  expect-exit: N              the last command's exit code (default expectation: 0)
  expect-stderr: TEXT         the last command's standard error contains TEXT
  expect-rejects: JSON        the last ingest's reject file, as a list of objects, matches JSON (same
                              length; each object contains the listed keys)
Usage: run_cases.py AIPS_BINARY CASES_DIR [NAME_FILTER]
"""
import json, os, shlex, shutil, subprocess, sys, tempfile


def contains(actual, expected, path="$"):
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {json.dumps(actual)[:200]}"
        for k, v in expected.items():
            if k not in actual:
                return f"{path}: missing key '{k}' in {json.dumps(actual)[:300]}"
            err = contains(actual[k], v, f"{path}.{k}")
            if err:
                return err
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: expected {len(expected)} elements, got {json.dumps(actual)[:300]}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            err = contains(a, e, f"{path}[{i}]")
            if err:
                return err
        return None
    if isinstance(expected, float) or isinstance(actual, float):
        if actual is None or abs(actual - expected) > 1e-9:
            return f"{path}: expected {expected}, got {actual}"
        return None
    if actual != expected:
        return f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"
    return None


def run_case(aips, case_dir):
    script = os.path.join(case_dir, "case.txt")
    data = tempfile.mkdtemp(prefix="aips-case-")
    generated = tempfile.mkdtemp(prefix="aips-case-gen-")

    def path(f):
        p = os.path.join(case_dir, f)
        return p if os.path.exists(p) else os.path.join(generated, f)

    last = None  # (argv, code, stdout, stderr)
    last_rejects = None
    checked_exit = True
    try:
        for lineno, raw in enumerate(open(script, encoding="utf-8"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, _, arg = line.partition(":")
            key, arg = key.strip(), arg.strip()
            where = f"{script}:{lineno}"
            if key == "generate":
                p = subprocess.run([sys.executable, os.path.join(case_dir, arg), generated], capture_output=True,
                                   text=True, timeout=120)
                if p.returncode != 0:
                    return f"{where}: {arg} failed: {p.stderr.strip()[:300]}"
                continue
            if key in ("ingest", "run", "rules"):
                if last is not None and not checked_exit and last[1] != 0:
                    return f"{where}: previous command failed ({last[1]}): {last[3].strip()}"
                if key == "rules":
                    argv = [aips, "rules", "set", "--data", data, path(arg)]
                elif key == "ingest":
                    argv = [aips, "ingest", "--data", data, "--json"] + [path(f) for f in arg.split()]
                else:
                    argv = [aips] + shlex.split(arg) + ["--data", data, "--json"]
                p = subprocess.run(argv, capture_output=True, text=True, timeout=120)
                last = (argv, p.returncode, p.stdout, p.stderr)
                checked_exit = False
                if key == "ingest" and p.returncode == 0:
                    rf = json.loads(p.stdout)["rejects_file"]
                    last_rejects = [json.loads(l) for l in open(rf, encoding="utf-8")] if os.path.exists(rf) else []
            elif key == "expect":
                if last[1] != 0:
                    return f"{where}: command exited {last[1]}: {last[3].strip()}"
                try:
                    out = json.loads(last[2])
                except ValueError:
                    return f"{where}: output is not one JSON document: {last[2][:300]!r}"
                err = contains(out, json.loads(arg))
                if err:
                    return f"{where}: {' '.join(os.path.basename(a) for a in last[0][1:])}\n      {err}"
                checked_exit = True
            elif key == "expect-exit":
                if last[1] != int(arg):
                    return f"{where}: expected exit {arg}, got {last[1]} (stderr: {last[3].strip()[:300]})"
                checked_exit = True
            elif key == "expect-stderr":
                if arg not in last[3]:
                    return f"{where}: stderr lacks {arg!r}: {last[3].strip()[:300]!r}"
            elif key == "expect-rejects":
                err = contains(last_rejects, json.loads(arg))
                if err:
                    return f"{where}: rejects: {err}"
            else:
                return f"{where}: unknown directive '{key}'"
        if last is not None and not checked_exit and last[1] != 0:
            return f"{script}: last command failed ({last[1]}): {last[3].strip()}"
        return None
    finally:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(generated, ignore_errors=True)


def main():
    aips, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    name_filter = sys.argv[3] if len(sys.argv) > 3 else ""
    cases = sorted(d for d, _, files in os.walk(root) if "case.txt" in files and name_filter in d)
    failed = 0
    for c in cases:
        err = run_case(aips, c)
        name = os.path.relpath(c, root)
        if err:
            failed += 1
            print(f"FAIL {name}\n   {err}")
        else:
            print(f"ok   {name}")
    print(f"{len(cases) - failed}/{len(cases)} behaviour cases passed")
    sys.exit(1 if failed or not cases else 0)


if __name__ == "__main__":
    main()
