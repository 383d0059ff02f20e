"""Timing one process for the benchmarks: wall seconds from fork to exit and its own peak RSS, both from the
kernel (wait4's rusage of that child), so no wrapper's start-up (/usr/bin/time) is counted."""
import os
import subprocess
import sys
import tempfile
import time


def timed(cmd, what="bench"):
    """(seconds, peak RSS in MB, stdout) of running cmd; exits naming the command when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        sys.exit(f"{what}: {' '.join(map(str, cmd))} failed ({p.returncode}): {stderr.strip()[-3000:]}")
    return secs, usage.ru_maxrss / 1024, stdout
