#!/usr/bin/env python3
"""Slow and idle clients cannot starve others (issue #8, serve/http_server.h), against a real `aips serve`
with only 4 workers:
- 40 slowloris clients trickle a request header byte by byte, 10 send a large body slowly, 20 connect and
  send nothing, 4 ask for answers and never read them;
- meanwhile ordinary requests on fresh connections must each be answered (200) within 2 s;
- the trickling clients get 408 once the request time limit passes; past --max-connections the server
  answers 503; a request header over the limit answers 431; a body over the limit 413;
- after all that the server still answers.

usage: slow_client_test.py AIPS
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL: {' '.join(cmd)}: {p.stderr.strip()}")
    return p.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def status_of(sock, timeout):
    """Reads until the status line of a response arrives; returns the code or None."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionError):
        return None
    parts = data.split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def main():
    aips = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="aips-slow-")
    data = os.path.join(work, "d")
    run(aips, "simulate", "--out", os.path.join(work, "w"), "--users", "3000", "--days", "30", "--seed", "4")
    run(aips, "ingest", "--data", data, *[os.path.join(work, "w", f) for f in ("brands.csv", "events.csv")])
    run(aips, "compute", "--data", data)
    run(aips, "tenant", "add", "--data", data, "--tenant", "t", "--brands", "serum-01")
    key = run(aips, "key", "create", "--data", data, "--tenant", "t").strip()
    port = free_port()
    limit_s = 6
    server = subprocess.Popen([aips, "serve", "--data", data, "--port", str(port), "--threads", "4", "--quiet",
                               "--timeout", str(limit_s), "--max-connections", "120", "--max-body-mb", "1"],
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    stop = threading.Event()
    results = {"slowloris": [], "slowbody": []}

    def slowloris(kind):
        s = socket.create_connection(("127.0.0.1", port))
        if kind == "slowloris":
            msg = f"GET /api/v1/stages?brand=serum-01 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n".encode()
        else:
            msg = b"POST /api/v1/ingest/events HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n" + b"x" * 5000
        i = 0
        try:
            while not stop.is_set() and i < len(msg):
                s.send(msg[i:i + 1] if kind == "slowloris" else msg[i:i + 1000])
                i += 1 if kind == "slowloris" else 1000
                time.sleep(0.3)
        except OSError:
            pass
        results[kind].append(status_of(s, limit_s + 5))
        s.close()

    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    threads = [threading.Thread(target=slowloris, args=("slowloris",)) for _ in range(40)]
    threads += [threading.Thread(target=slowloris, args=("slowbody",)) for _ in range(10)]
    for t in threads:
        t.start()
    # Clients that ask for an answer and never read it.
    nonreaders = []
    for _ in range(4):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.send(f"GET /api/v1/trend?brand=serum-01 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n".encode() * 50)
        nonreaders.append(s)
    time.sleep(0.5)
    worst = 0.0
    for i in range(30):
        req = urllib.request.Request(base + "/api/v1/stages?brand=serum-01", headers={"Authorization": "Bearer " + key})
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                body = json.loads(r.read())
                code = r.status
        except OSError as e:
            sys.exit(f"FAIL: an ordinary request failed while slow clients were connected: {e}")
        took = time.monotonic() - t0
        worst = max(worst, took)
        if code != 200 or "stages" not in body or took > 2.0:
            sys.exit(f"FAIL: ordinary request {i}: HTTP {code} after {took:.2f} s while slow clients were connected")
        time.sleep(0.1)
    for t in threads:
        t.join()
    stop.set()
    if results["slowloris"].count(408) < 35:
        sys.exit(f"FAIL: trickling clients should get 408 after {limit_s} s: {results['slowloris']}")
    if results["slowbody"].count(408) < 8:
        sys.exit(f"FAIL: slow bodies should get 408 after {limit_s} s: {results['slowbody']}")

    # Limits answered by the server itself (before any worker sees the request).
    many = [socket.create_connection(("127.0.0.1", port)) for _ in range(130)]
    codes = [status_of(s, 0.5) for s in many[-10:]]
    for s in many:
        s.close()
    if codes.count(503) < 5:
        sys.exit(f"FAIL: connections beyond --max-connections 120 should get 503: {codes}")
    def answer(request):
        # The server notices the 130 closed connections asynchronously: while it still counts them, a new
        # connection is (rightly) refused with 503, so ask again until it is below the limit.
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", port))
            s.send(request)
            code = status_of(s, 3)
            s.close()
            if code != 503:
                return code
            time.sleep(0.1)
        return code
    big_header = answer(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
    big_body = answer(b"POST /api/v1/ingest/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n")
    if big_header != 431 or big_body != 413:
        sys.exit(f"FAIL: a 70 KB header answered {big_header} (want 431), a 5 MB body {big_body} (want 413)")
    for s in idle + nonreaders:
        s.close()
    with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
        if r.status != 200:
            sys.exit("FAIL: the server does not answer after the slow clients")
    server.terminate()
    server.wait(timeout=20)
    subprocess.run(["rm", "-rf", work])
    print(f"slow clients: 40 trickling headers, 10 trickling bodies, 20 idle, 4 non-reading against 4 workers; "
          f"30 ordinary requests all 200, slowest {worst * 1000:.0f} ms; trickling ones got 408 after {limit_s} s; "
          f"503 past the connection limit, 431 and 413 past the size limits")


if __name__ == "__main__":
    main()
