#!/usr/bin/env python3
"""A year of operations (issue #19, item 4): a simulated world replayed one day at a time into one live
data directory, under everything operations throw at it, ends answering exactly as a directory built
from scratch out of the data that should have survived.

The world is `aips simulate`'s; its side tables (categories, brands, campaigns, spend) are ingested on the
first day, its events are split by local day into daily batches, and a share of each day's events is
delivered late: 4 % one to five days later, 0.3 % 20 to 40 days later (stragglers, older than the
retention window when they arrive). Every day:
  - the day's batch is ingested, then `aips compute` runs;
  - every 7th day `aips forget` erases three users (two with stored events, one not seen yet whose
    events are still to come), sometimes with --no-compute;
  - every 28th day `aips retain --keep-days K` (K random in 14..24) drops the oldest days, and a crowd is
    saved (`aips crowd save`) whose members are recorded with `aips crowd export --raw`;
  - any of these writes may run (25 %) under `aips_fault` with AIPS_FAULT=ENOSPC|EIO:any:N, N random up
    to a little past the most write/fsync/rename calls seen in that command so far (a third of them
    sticky, `N+`: every call from the N-th on fails, a disk that stays full): when the fault
    fires the command must exit 1 with an `aips:` error naming the system's text (but a fault that hits
    only the storing of a snapshot that `crowd save` reads is answered from memory with a warning, as
    docs/http-api.md says, and the save succeeds); or it is SIGKILLed (25 %) after a random delay within
    its usual run time. After each failure `aips check` must be clean and the same command run again
    with `aips` must succeed;
  - each ingest, forget and retain that ran through at its first attempt must count what the model below
    says (accepted / duplicates / refused rows; events removed; cutoff and rows dropped), and after the
    day `aips info` must count exactly the events the model holds.
An `aips serve` runs all along; a reader thread asks it for info, me, stages, trend, flow and campaigns
of random brands (default dates, and explicit dates inside the range /me last named) while the writes
happen. Every answer must be HTTP 200 with one JSON document. The only refusal accepted is the
documented one for an explicit date outside the data ("... is before the data: events run from X to Y
...; nothing is answered outside them", HTTP 400), and only when the date is indeed outside the range
the message names and a retain or forget (which may move the first day) committed after the reader
learnt its range.

The model of what survives follows the documented semantics (docs/operations.md, docs/cli.md):
  - an event is stored when it first arrives (ingest is idempotent by event id; the ids of dropped or
    erased events stay known, so a copy arriving later is a duplicate);
  - `forget` removes every stored event of the users and refuses their later rows (blocked users never
    come back: --no-block is not used);
  - `retain --keep-days K` drops the events dated before last_day - K + 1 (last_day: the last day with
    stored events), once: it is not a standing policy, so a straggler dated before that cutoff that
    arrives afterwards is stored (until the next retain drops it); users it leaves with no event are
    dropped (`users_dropped`; no attributes or assignments are loaded here), leave the saved crowds, and
    come back as new users if an event of theirs arrives later.
At the end the live directory must check clean, and a fresh directory that received only the side tables
and the surviving events must answer exactly alike, as text (`--json`), for every brand: stages (last
day, a middle day, the first SPU), trend (whole range), flow (default and whole range), penetration,
campaigns, two crowd counts; one global `not` crowd count; `info` (events, users, days, first and last
day, brands without computed_through). The server's final answers (stages, trend, flow, campaigns of every
brand) must equal the fresh directory's, and every saved crowd must hold exactly its recorded members
minus the users erased after it was saved (by forget, or by a retain that left them with nothing).

Usage: ops_test.py AIPS AIPS_FAULT OUTPUT_FILE [--days 60] [--seed 19] [--users 40000]
  make test runs --days 60, make soak --days 365. The world, the batches and the choices are fixed by the
  seed; where a kill lands (before or after a commit) is not.
"""
import argparse
import collections
import csv
import datetime
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import aips_cli
from aips_cli import run, strip_times

SIDE = ("categories.csv", "brands.csv", "campaigns.csv", "spend.csv")
TEXTS = {"ENOSPC": "No space left on device", "EIO": "Input/output error"}
LATE_SHARE, LATE_DAYS = 0.04, (1, 5)
STRAGGLER_SHARE, STRAGGLER_DAYS = 0.003, (20, 40)
FORGET_EVERY, RETAIN_EVERY, KEEP_DAYS = 7, 28, (14, 24)
FAULT_SHARE, KILL_SHARE, EIO_SHARE, STICKY_SHARE = 0.25, 0.25, 0.25, 0.3
# Commands that read before they write: a snapshot they cannot store is computed in memory instead, with a
# warning (docs/http-api.md, "A full disk"); their own commit must still succeed or fail as a whole.
READS_THAT_STORE = ("crowd save",)
FIGURES = ["days replayed", "batches ingested", "late events", "stragglers (20-40 days late)",
           "forget requests", "users forgotten", "rows refused (forgotten users)", "retains", "rows dropped by retain",
           "users dropped by retain (left with nothing)",
           "late events stored though older than the last retain's cutoff", "faults injected",
           "faults past the end of the run", "faults absorbed by a read (answered from memory)", "SIGKILLs",
           "kills that came after the end", "checks clean", "server answers during writes",
           "server refusals (date outside the data after retain/forget)", "events surviving", "answers compared",
           "mismatches"]
VISIBLE_WITHIN = 2.0  # seconds after its commit a write is surely seen by the server (it polls every 0.2 s)
OUTSIDE = re.compile(r"is (before|after) the data: events run from (\S+) to (\S+) \(local days\)")


class Failure(Exception):
    """A broken guarantee: the test stops and reports it."""


def must(binary, args):
    def fail(message):
        raise Failure(message)
    return aips_cli.must(binary, args, fail)


def absorbed(stderr, errno):
    """Whether the fault hit only the storing of a snapshot, which the read then answered from memory."""
    warnings = [line for line in stderr.splitlines() if "could not store the snapshot" in line]
    return bool(warnings) and all("answering from memory" in w and TEXTS[errno] in w for w in warnings) \
        and not any(line.startswith("aips:") and "warning" not in line for line in stderr.splitlines())


def fields(line):
    """One CSV line's fields (the simulated events quote nothing and hold no line breaks)."""
    return next(csv.reader([line])) if '"' in line else line.split(",")


def days_between(a, b):
    return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days


def delay(rng):
    """Days after its own day an event is delivered."""
    u = rng.random()
    if u < STRAGGLER_SHARE:
        return rng.randint(*STRAGGLER_DAYS)
    if u < STRAGGLER_SHARE + LATE_SHARE:
        return rng.randint(*LATE_DAYS)
    return 0


def shift(date, days):
    return (datetime.date.fromisoformat(date) + datetime.timedelta(days=days)).isoformat()


# ---------------------------------------------------------------------------------------------- the world

# One event row: its id, user and local day, and its CSV line as simulated.
Event = collections.namedtuple("Event", "id user day line")


class World:
    """The simulated world: side tables and the events of each delivery day (late ones included)."""

    def __init__(self, aips, work, args, rng):
        self.dir = os.path.join(work, "world")
        must(aips, ["simulate", "--out", self.dir, "--users", str(args.users), "--days", str(args.days),
                    "--seed", str(args.seed)])
        self.side = [os.path.join(self.dir, n) for n in SIDE]
        events = self.read_events(os.path.join(self.dir, "events.csv"))
        first, last = min(e.day for e in events), max(e.day for e in events)
        self.days = [shift(first, i) for i in range(days_between(first, last) + 1)]
        self.batches = [[] for _ in self.days]
        self.late = self.stragglers = 0
        for e in events:
            own = days_between(first, e.day)
            i = own + delay(rng)
            if i >= len(self.batches):
                continue  # it would arrive after the last day: it never does
            self.batches[i].append(e)
            self.late += i > own
            self.stragglers += i - own >= STRAGGLER_DAYS[0]
        with open(os.path.join(self.dir, "brands.csv"), newline="") as f:
            self.brands = [r[0] for r in list(csv.reader(f))[1:]]
        self.first_seen = {}  # user -> the first day one of their events is delivered
        for i, batch in enumerate(self.batches):
            for e in batch:
                self.first_seen.setdefault(e.user, i)

    def read_events(self, path):
        with open(path, newline="") as f:
            self.header = f.readline().rstrip("\r\n")
            col = {name: i for i, name in enumerate(next(csv.reader([self.header])))}
            # Simulated timestamps carry the zone's +08:00: their date part is the local day.
            return [Event(r[col["event_id"]], sys.intern(r[col["user_id"]]), r[col["ts"]][:10], line)
                    for line in f.read().splitlines() for r in [fields(line)]]

    def write_csv(self, path, events):
        with open(path, "w") as f:
            f.write("\n".join([self.header, *(e.line for e in events)]) + "\n")
        return path


class Model:
    """What the live directory must hold, by the documented semantics (see the module docstring)."""

    def __init__(self):
        self.stored = {}  # event id -> Event
        self.seen = set()  # every event id ever stored
        self.forgotten = set()
        self.retain_drops = []  # per retain, the users it left with nothing (a user may come back and go again)
        self.cutoff = None  # the last retain's
        self.older_than_cutoff = 0  # events stored although dated before the last retain's cutoff

    def ingest(self, batch):
        """(accepted, duplicates, refused) as `aips ingest` must count them."""
        accepted = duplicates = refused = 0
        for e in batch:
            if e.user in self.forgotten:
                refused += 1
            elif e.id in self.seen:
                duplicates += 1
            else:
                self.seen.add(e.id)
                self.stored[e.id] = e
                accepted += 1
                self.older_than_cutoff += bool(self.cutoff and e.day < self.cutoff)
        return accepted, duplicates, refused

    def forget(self, users):
        self.forgotten |= set(users)
        return self.drop(lambda e: e.user in users)

    def retain(self, keep_days):
        """(cutoff, rows dropped, users dropped: left with nothing, erased without blocking)."""
        cutoff = self.cutoff = shift(self.last_day(), 1 - keep_days)
        before = set(self.users_with_events())
        dropped = self.drop(lambda e: e.day < cutoff)
        gone = before - set(self.users_with_events())
        self.retain_drops.append(gone)
        return cutoff, dropped, len(gone)

    def drop(self, gone):
        ids = [k for k, e in self.stored.items() if gone(e)]
        for k in ids:
            del self.stored[k]
        return len(ids)

    def last_day(self):
        return max(e.day for e in self.stored.values())

    def users_with_events(self):
        return sorted({e.user for e in self.stored.values()})


# ------------------------------------------------------------------------------------- faults and kills

class Operator:
    """Runs the write commands on the live directory; some under an injected fault, some SIGKILLed, each
    failure followed by `aips check` and a retry that must succeed."""

    def __init__(self, aips, aips_fault, data, rng, figures):
        self.aips, self.aips_fault, self.data, self.rng, self.fig = aips, aips_fault, data, rng, figures
        self.seconds = collections.defaultdict(lambda: 0.1)  # usual run time per command, to aim the kills
        self.points = collections.defaultdict(lambda: 16)  # the highest fault point seen firing per command

    def write(self, name, args):
        """(stdout of the successful run, whether the first attempt was that run)."""
        u = self.rng.random()
        if u < FAULT_SHARE:
            out = self.faulted(name, args)
        elif u < FAULT_SHARE + KILL_SHARE:
            out = self.killed(name, args)
        else:
            out = self.clean(name, args)
        if out is not None:
            return out, True
        self.check(f"after the failed {name}")
        return self.clean(name, args), False

    def clean(self, name, args):
        t = time.time()
        out = must(self.aips, args)
        self.seconds[name] = 0.7 * self.seconds[name] + 0.3 * (time.time() - t)
        return out

    def faulted(self, name, args):
        """The output when the fault point lies past the run's end (the run must then succeed), else None."""
        errno = "EIO" if self.rng.random() < EIO_SHARE else "ENOSPC"
        n = self.rng.randint(1, self.points[name] * 5 // 4 + 2)  # up to a little past the run's end
        sticky = "+" if self.rng.random() < STICKY_SHARE else ""  # every call from the n-th on fails
        p = run(self.aips_fault, args, dict(os.environ, AIPS_FAULT=f"{errno}:any:{n}{sticky}"))
        if "aips-fault:" not in p.stderr:
            if p.returncode != 0:
                raise Failure(f"{name} under {errno}:any:{n}{sticky} failed without the fault firing: {p.stderr[-300:]}")
            self.fig["faults past the end of the run"] += 1
            return p.stdout
        if p.returncode == 0 and name in READS_THAT_STORE and absorbed(p.stderr, errno):
            self.fig["faults absorbed by a read (answered from memory)"] += 1
            self.check(f"after {name} answered from memory")
            return p.stdout
        errors = [line for line in p.stderr.splitlines() if line.startswith("aips:")]
        if p.returncode != 1 or not errors or TEXTS[errno] not in errors[-1]:
            raise Failure(f"{name}: {errno}:any:{n}{sticky} fired, but the command exited {p.returncode} "
                          f"without an 'aips:' error naming it: {p.stderr[-400:]}")
        if "--json" in args and p.stdout.strip():
            try:
                json.loads(p.stdout)
            except ValueError:
                raise Failure(f"{name}: {errno}:any:{n}{sticky}: stdout is not one JSON document: {p.stdout[:200]}")
        self.points[name] = max(self.points[name], n)
        self.fig["faults injected"] += 1
        return None

    def killed(self, name, args):
        """The output when the command ended before the kill, else None."""
        delay = self.rng.uniform(0, self.seconds[name])
        p = subprocess.Popen([self.aips, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = p.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            p.kill()  # SIGKILL, to this process only
            out, err = p.communicate()
        if p.returncode == -9:
            self.fig["SIGKILLs"] += 1
            return None
        if p.returncode != 0:
            raise Failure(f"{name} failed ({p.returncode}): {err[-300:]}")
        self.fig["kills that came after the end"] += 1
        return out

    def check(self, when):
        c = run(self.aips, ["check", "--data", self.data, "--json"])
        if c.returncode != 0 or not json.loads(c.stdout).get("ok"):
            raise Failure(f"aips check {when}: {c.stdout[-400:]}{c.stderr[-400:]}")
        self.fig["checks clean"] += 1


# ----------------------------------------------------------------------------------- the server's reader

class Writes:
    """When the writes that may move the data's first day (retain, forget) ran: a reader's range may be
    stale for those until the server sees their commit (it polls every 200 ms, docs/http-api.md)."""

    def __init__(self):
        self.lock, self.spans = threading.Lock(), []

    def start(self):
        with self.lock:
            self.spans.append([time.time(), None])
            return len(self.spans) - 1

    def end(self, i):
        with self.lock:
            self.spans[i][1] = time.time()

    def moved_since(self, t):
        """Whether such a write may have become visible after time t."""
        with self.lock:
            return any(e is None or e > t - VISIBLE_WITHIN for _, e in self.spans)


class Reader(threading.Thread):
    """Asks the server, in a loop over one keep-alive connection, what the dashboard asks."""

    def __init__(self, port, key, brands, seed, writes):
        super().__init__(daemon=True)
        self.port, self.key, self.brands, self.writes = port, key, brands, writes
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.range = None  # (first_day, last_day, time asked) of the latest /me answer
        self.answers, self.refused, self.errors = 0, 0, []
        self.by_route = collections.Counter()

    def run(self):
        conn = None
        while not self.stop.is_set():
            route, params, explicit = self.question()
            path = f"/api/v1/{route}" + ("?" + urllib.parse.urlencode(params) if params else "")
            asked = time.time()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                conn.request("GET", path, headers={"Authorization": "Bearer " + self.key})
                r = conn.getresponse()
                status, body = r.status, r.read().decode()
            except (OSError, http.client.HTTPException) as e:
                self.errors.append(f"GET {path}: {e!r}")
                conn = None
                continue
            self.judge(route, path, explicit, status, body, asked)
            time.sleep(0.005)

    def question(self):
        """(route, params, the explicit dates asked)."""
        b = self.rng.choice(self.brands)
        dates = self.dates()
        kind = self.rng.choice(["me", "info", "stages", "stages", "trend", "flow", "campaigns"])
        if kind in ("me", "info"):
            return kind, {}, []
        if kind == "campaigns":
            return kind, {"brand": b}, []
        if not dates or self.rng.random() < 0.5:
            return kind, {"brand": b}, []
        if kind == "stages":
            return kind, {"brand": b, "date": dates[0]}, dates[:1]
        if kind == "trend":
            return kind, {"brand": b, "from": dates[0], "to": dates[1]}, dates
        if dates[0] == dates[1]:
            return kind, {"brand": b}, []
        return kind, {"brand": b, "from": dates[0], "to": dates[1]}, dates

    def dates(self):
        """Two days inside the range /me last named, in order."""
        if not self.range:
            return []
        first, last, _ = self.range
        n = days_between(first, last)
        a, b = sorted(self.rng.randint(0, n) for _ in range(2))
        return [shift(first, a), shift(first, b)]

    def judge(self, route, path, explicit, status, body, asked):
        if status == 200:
            try:
                doc = json.loads(body)
            except ValueError:
                self.errors.append(f"GET {path}: 200 but not JSON: {body[:200]}")
                return
            self.answers += 1
            self.by_route[route] += 1
            if route == "me" and doc.get("first_day"):
                self.range = (doc["first_day"], doc["last_day"], asked)
            return
        m = OUTSIDE.search(body)
        if status == 400 and m and explicit and self.range and self.writes.moved_since(self.range[2]):
            first, last = m.group(2), m.group(3)
            if any(d < first or d > last for d in explicit):
                self.refused += 1
                return
        self.errors.append(f"GET {path}: HTTP {status} {body[:300]}")


class Server:
    """`aips serve` on a free port, with an admin key."""

    def __init__(self, aips, data, log):
        self.key = must(aips, ["key", "create", "--data", data, "--admin"]).strip()
        self.log = log  # its standard error (a pipe nobody reads would block it once full)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        with open(log, "w") as err:
            self.proc = subprocess.Popen([aips, "serve", "--data", data, "--port", str(self.port), "--quiet"],
                                         stdout=subprocess.DEVNULL, stderr=err)
        for _ in range(200):
            if self.proc.poll() is not None:
                raise Failure(f"aips serve exited {self.proc.returncode}: {self.said()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise Failure("aips serve did not answer /healthz within 10 s")

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path, headers={"Authorization": "Bearer " + self.key})
            r = conn.getresponse()
            return r.status, r.read().decode()
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.returncode not in (0, -15):
            raise Failure(f"aips serve ended with {self.proc.returncode}: {self.said()}")

    def said(self):
        with open(self.log) as f:
            return f.read()[-400:]


# ------------------------------------------------------------------------------------------- the replay

class Replay:
    """The year, one day at a time, on the live directory."""

    def __init__(self, aips, aips_fault, work, world, rng, figures):
        self.aips, self.work, self.w, self.rng, self.fig = aips, work, world, rng, figures
        self.data = os.path.join(work, "live")
        self.model = Model()
        self.op = Operator(aips, aips_fault, self.data, rng, figures)
        self.writes = Writes()
        self.crowds = {}  # saved crowd name -> (members at saving, users forgotten by then)

    def day(self, i):
        batch = self.w.batches[i]
        self.ingest(i, batch)
        if i % FORGET_EVERY == FORGET_EVERY - 1:
            self.forget(i)
        if i % RETAIN_EVERY == RETAIN_EVERY - 1:
            self.retain()
            self.save_crowd(i)
        self.op.write("compute", ["compute", "--data", self.data, "--json"])
        self.fig["days replayed"] += 1
        events = json.loads(must(self.aips, ["info", "--data", self.data, "--json"]))["events"]
        if events != len(self.model.stored):
            raise Failure(f"day {self.w.days[i]}: the live directory holds {events} events; "
                          f"{len(self.model.stored)} should have survived")

    def ingest(self, i, batch):
        path = self.w.write_csv(os.path.join(self.work, "batch.csv"), batch)
        want = self.model.ingest(batch)
        out, first = self.op.write("ingest", ["ingest", "--data", self.data, path, "--json"])
        got = json.loads(out)
        if first and (got["accepted"], got["duplicates"], got["rejected"]) != want:
            raise Failure(f"day {self.w.days[i]}: ingest counted accepted/duplicates/rejected "
                          f"{got['accepted']}/{got['duplicates']}/{got['rejected']}; expected {want}")
        self.fig["batches ingested"] += 1
        self.fig["rows refused (forgotten users)"] += want[2]

    def forget(self, i):
        known = self.model.users_with_events()
        later = sorted(u for u, d in self.w.first_seen.items() if d > i + 3 and u not in self.model.forgotten)
        users = self.rng.sample(known, min(2, len(known))) + self.rng.sample(later, min(1, len(later)))
        extra = ["--no-compute"] if self.rng.random() < 0.3 else []
        span = self.writes.start()
        removed = self.model.forget(users)
        flags = [f for u in users for f in ("--user", u)]
        out, first = self.op.write("forget", ["forget", "--data", self.data, *flags, *extra, "--json"])
        self.writes.end(span)
        got = json.loads(out)
        if first and got["events_removed"] != removed:
            raise Failure(f"forget {users}: {got['events_removed']} events removed; expected {removed}")
        self.fig["forget requests"] += 1
        self.fig["users forgotten"] += len(users)

    def retain(self):
        keep = self.rng.randint(*KEEP_DAYS)
        span = self.writes.start()
        cutoff, dropped, users_dropped = self.model.retain(keep)
        out, first = self.op.write("retain", ["retain", "--data", self.data, "--keep-days", str(keep), "--json"])
        self.writes.end(span)
        got = json.loads(out)
        if got["cutoff"] != cutoff or (first and (got["rows_dropped"], got["users_dropped"]) != (dropped, users_dropped)):
            raise Failure(f"retain --keep-days {keep}: cutoff {got['cutoff']}, {got['rows_dropped']} rows and "
                          f"{got['users_dropped']} users dropped; expected {cutoff}, {dropped}, {users_dropped}")
        self.fig["retains"] += 1
        self.fig["rows dropped by retain"] += dropped
        self.fig["users dropped by retain (left with nothing)"] += users_dropped

    def save_crowd(self, i):
        brand = self.rng.choice(self.w.brands)
        name = f"pack-{self.w.days[i]}"
        expr = f'stage(brand: "{brand}", date: "{self.model.last_day()}") in [A, I, TI, P, S]'
        self.op.write("crowd save", ["crowd", "save", "--data", self.data, "--name", name, "--expr", expr])
        self.crowds[name] = (self.members(name), set(self.model.forgotten), len(self.model.retain_drops))

    def members(self, name):
        out = os.path.join(self.work, "members.csv")
        must(self.aips, ["crowd", "export", "--data", self.data, "--expr", f'crowd("{name}")', "--raw",
                         "--min-size", "0", "--out", out])
        with open(out, newline="") as f:
            return {r[0] for r in list(csv.reader(f))[1:]}

    def check_crowds(self):
        """Every saved crowd holds its recorded members minus the users erased after it was saved (by forget,
        or by a retain that left them with nothing)."""
        listed = {c["name"]: c["size"] for c in
                  json.loads(must(self.aips, ["crowd", "list", "--data", self.data, "--json"]))["crowds"]}
        problems = []
        for name, (members, forgotten_then, retains_then) in self.crowds.items():
            want = members - (self.model.forgotten - forgotten_then)
            for gone in self.model.retain_drops[retains_then:]:
                want -= gone
            got = self.members(name)
            if got != want or listed.get(name) != len(want):
                problems.append(f"saved crowd {name}: {len(got)} members (listed {listed.get(name)}); expected "
                                f"{len(want)} ({len(got - want)} unexpected, {len(want - got)} missing)")
        return len(self.crowds) * 2, problems


# ------------------------------------------------------------------------------------------- comparison

def with_data(question, data):
    """The question's command line on a data directory (`crowd count` has two words)."""
    words = 2 if question[0] == "crowd" else 1
    return [*question[:words], "--data", data, *question[words:]]


def batch_answers(aips, commands):
    """Each command's exit code and output, run in one `aips batch` process."""
    lines = "\n".join(json.dumps(c) for c in commands)
    p = subprocess.run([aips, "batch"], input=lines + "\n", capture_output=True, text=True)
    if p.returncode != 0:
        raise Failure(f"aips batch failed ({p.returncode}): {p.stderr[-400:]}")
    records = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if len(records) != len(commands):
        raise Failure(f"aips batch answered {len(records)} of {len(commands)} commands")
    return [f"{r['exit']}:{strip_times(r['stdout']) if r['exit'] == 0 else r['stderr']}" for r in records]


def questions(info):
    """The CLI questions asked of both directories (without --data), for every brand."""
    first, last = info["first_day"], info["last_day"]
    mid = shift(first, days_between(first, last) // 2)
    qs = []
    for b in info["brands"]:
        name = b["brand"]
        qs += [["stages", "--brand", name], ["stages", "--brand", name, "--date", mid],
               ["trend", "--brand", name, "--from", first, "--to", last],
               ["flow", "--brand", name], ["flow", "--brand", name, "--from", first, "--to", last],
               ["penetration", "--brand", name], ["campaign", "--brand", name],
               ["crowd", "count", "--expr", f'stage(brand: "{name}", date: "{last}") in [TI, P, S]'],
               ["crowd", "count", "--expr", f'flowed(brand: "{name}", from: "{mid}", to: "{last}", '
                                            f'from_stage: [A, I, TI, P, S], to_stage: [none])']]
        if b["spus"]:
            qs.append(["stages", "--brand", name, "--spu", b["spus"][0]])
    anyone = " or ".join(f'stage(brand: "{b["brand"]}", date: "{last}") in [A, I, TI, P, S]' for b in info["brands"])
    qs.append(["crowd", "count", "--expr", f"not ({anyone})"])
    return qs


def info_summary(aips, data):
    info = json.loads(must(aips, ["info", "--data", data, "--json"]))
    brands = [{k: v for k, v in b.items() if k != "computed_through"} for b in info["brands"]]
    return {k: info[k] for k in ("events", "users", "first_day", "last_day", "days")} | {"brands": brands}


def from_scratch(aips, work, world, model):
    fresh = os.path.join(work, "fresh")
    survivors = world.write_csv(os.path.join(work, "survivors.csv"), model.stored.values())
    must(aips, ["ingest", "--data", fresh, *world.side, survivors])
    must(aips, ["compute", "--data", fresh])
    return fresh


def compare(aips, live, fresh, server):
    """(answers compared, mismatches)."""
    mismatches, compared = [], 0
    a, b = info_summary(aips, live), info_summary(aips, fresh)
    for k in a:
        compared += 1
        if a[k] != b[k]:
            mismatches.append(f"info {k}: live {str(a[k])[:200]} | from scratch {str(b[k])[:200]}")
    info = json.loads(must(aips, ["info", "--data", fresh, "--json"]))
    qs = [[*q, "--json"] for q in questions(info)]
    got = batch_answers(aips, [with_data(q, live) for q in qs])
    want = batch_answers(aips, [with_data(q, fresh) for q in qs])
    for q, x, y in zip(qs, got, want):
        compared += 1
        if x != y:
            mismatches.append(f"aips {' '.join(q)[:160]}: live {x[:200]} | from scratch {y[:200]}")
    for route, cli in server_questions(info):
        compared += 1
        status, body = server.get(route)
        y = must(aips, [cli[0], "--data", fresh, *cli[1:], "--json"])
        if status != 200 or json.loads(body) != json.loads(y):
            mismatches.append(f"server GET {route}: {status} {body[:300]} | from scratch {y[:300]}")
    return compared, mismatches


def server_questions(info):
    out = []
    for b in info["brands"]:
        name = b["brand"]
        for route in ("stages", "trend", "flow"):
            out.append((f"/api/v1/{route}?brand={name}", [route, "--brand", name]))
        out.append((f"/api/v1/campaigns?brand={name}", ["campaign", "--brand", name]))
    return out


def wait_for_server(server, events):
    """The server's answers come from the last commit within a second or two."""
    for _ in range(100):
        status, body = server.get("/api/v1/info")
        if status == 200 and json.loads(body)["events"] == events:
            return
        time.sleep(0.05)
    raise Failure(f"the server did not reach the last commit ({events} events) within 5 s")


# ------------------------------------------------------------------------------------------------ main

def replay_year(aips, aips_fault, work, args, fig):
    rng = random.Random(args.seed)
    world = World(aips, work, args, rng)
    fig["late events"] = world.late
    fig["stragglers (20-40 days late)"] = world.stragglers
    rp = Replay(aips, aips_fault, work, world, rng, fig)
    rp.op.write("ingest side tables", ["ingest", "--data", rp.data, *world.side, "--json"])
    rp.day(0)
    server = Server(aips, rp.data, os.path.join(work, "serve.log"))
    reader = Reader(server.port, server.key, world.brands, args.seed + 1, rp.writes)
    reader.start()
    t0 = time.time()
    try:
        for i in range(1, len(world.days)):
            rp.day(i)
            if i % 7 == 6 or i == len(world.days) - 1:
                print(f"  day {i + 1}/{len(world.days)} {world.days[i]}: {len(rp.model.stored)} events stored, "
                      f"{fig['faults injected']} faults, {fig['SIGKILLs']} kills, {reader.answers} server answers, "
                      f"{time.time() - t0:.0f} s", flush=True)
        reader.stop.set()
        reader.join(timeout=120)
        fig["server answers during writes"] = reader.answers
        fig["server refusals (date outside the data after retain/forget)"] = reader.refused
        problems = [f"server: {e}" for e in reader.errors]
        rp.op.check("at the end")
        wait_for_server(server, len(rp.model.stored))
        fresh = from_scratch(aips, work, world, rp.model)
        compared, mismatches = compare(aips, rp.data, fresh, server)
        crowd_checks, crowd_problems = rp.check_crowds()
        fig["answers compared"] = compared + crowd_checks
        fig["mismatches"] = len(mismatches) + len(crowd_problems)
        fig["events surviving"] = len(rp.model.stored)
        fig["late events stored though older than the last retain's cutoff"] = rp.model.older_than_cutoff
        return problems + mismatches + crowd_problems, reader
    finally:
        reader.stop.set()
        server.stop()


def report(out, args, fig, problems, seconds, reader):
    lines = [f"a year of operations: {args.days} days, {args.users} users, seed {args.seed}, {seconds:.0f} s"]
    lines += [f"  {k}: {fig.get(k, 0)}" for k in FIGURES]
    if reader:
        lines.append("  server answers by route: " + ", ".join(f"{k} {v}" for k, v in sorted(reader.by_route.items())))
    lines += [f"FAIL {p}" for p in problems[:40]]
    if len(problems) > 40:
        lines.append(f"FAIL ... and {len(problems) - 40} more")
    ok = not problems and all(fig.get(k, 0) > 0 for k in ("faults injected", "SIGKILLs", "answers compared"))
    lines.append("every fault and kill was survived and every answer equals a from-scratch build" if ok else "FAILED")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("aips")
    ap.add_argument("aips_fault")
    ap.add_argument("out")
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--users", type=int, default=40000)
    args = ap.parse_args()
    aips, aips_fault = os.path.abspath(args.aips), os.path.abspath(args.aips_fault)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    work = tempfile.mkdtemp(prefix="aips-ops-")
    fig, t0, reader = collections.Counter(), time.time(), None
    try:
        problems, reader = replay_year(aips, aips_fault, work, args, fig)
    except (Failure, OSError, ValueError, subprocess.SubprocessError) as e:
        problems = [str(e)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if report(args.out, args, fig, problems, time.time() - t0, reader) else 1)


if __name__ == "__main__":
    main()
