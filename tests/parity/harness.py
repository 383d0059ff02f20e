"""What the parity suite (run.py) and the distributed benchmark (bench/distributed_bench.py) share: running
aips, one long-lived `aips batch` per backend, `aips serve` with its own admin key, ClickHouse over HTTP,
and the fields allowed to differ between backends."""
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def ch(node, sql):
    req = urllib.request.Request(f"http://{node}/", data=sql.encode())
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read().decode()


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p.stdout


class Batch:
    """One long-lived `aips batch` process: a command line in, its JSON Lines record out."""

    def __init__(self, aips):
        self.p = subprocess.Popen([aips, "batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  bufsize=1)

    def __call__(self, args):
        """(exit code, stdout, stderr) of one command; self.seconds is how long it took."""
        t0 = time.perf_counter()
        self.p.stdin.write(json.dumps(args) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        self.seconds = time.perf_counter() - t0
        if not line:
            fail(f"aips batch died (exit {self.p.wait()}) on {' '.join(args)}")
        rec = json.loads(line)
        return rec["exit"], rec["stdout"], rec["stderr"]

    def close(self):
        self.p.stdin.close()
        code = self.p.wait()
        if code != 0:
            fail(f"aips batch exited {code}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`aips serve` over one backend, with its own admin key."""

    def __init__(self, aips, where, log, extra=()):
        self.key = run([aips, "key", "create", *where, "--admin"]).strip()
        self.port = free_port()
        self.p = subprocess.Popen([aips, "serve", *where, "--port", str(self.port), *extra],
                                  stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        for _ in range(600):
            try:
                self.get("/healthz")
                return
            except OSError:
                if self.p.poll() is not None:
                    fail(f"aips serve {' '.join(where)} exited {self.p.returncode}; see {log}")
                time.sleep(0.1)
        fail(f"aips serve {' '.join(where)} did not answer within 60 s")

    def get(self, path, key=None):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        req.add_header("Authorization", "Bearer " + (key or self.key))
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()


def normalise(out):
    """Where the data lives, how far a data directory has precomputed, and the second a crowd was saved in
    are the backend's own."""
    out = re.sub(r'"data_dir":"[^"]*"', '"data_dir":"…"', out)
    out = re.sub(r'"saved_at":\d+', '"saved_at":…', out)
    return re.sub(r'"computed_through":("[^"]*"|null)', '"computed_through":…', out)
