"""What the reliability tests (fault_test, full_disk_test, ops_test) share: running an aips binary, its
answers without wall-clock times, and a server's port."""
import json
import socket
import subprocess
import sys
import time


def run(binary, args, env=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, env=env)


def must(binary, args, fail=sys.exit):
    """The command's standard output; `fail` (default: stop the test) gets the command and its error."""
    p = run(binary, args)
    if p.returncode != 0:
        fail(f"{binary} {' '.join(args)} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    return p.stdout


def strip_times(text):
    """The answer without the wall-clock times a save records (two runs never save in the same second)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return text

    def walk(v):
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items() if k not in ("saved_at", "created_at")}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v
    return json.dumps(walk(doc), sort_keys=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=15):
    """True once something accepts connections on the loopback port."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
