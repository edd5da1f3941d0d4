#!/usr/bin/python3
"""scripts/chaos.py [SECONDS] - faults under load (run it through scripts/chaos).

The real stack of the integration tests (tests/integration/stack.py:
FerretDB, jobtuned, nginx) with the fake OpenAI and Sarvam, CHAOS_USERS (16)
signed-in users and wrk at 128 connections (one per thread) running
scripts/chaos.lua: support posts, resume creates, updates (If-Match) and
reads, lists, exports, interview creates and typed answers.  A side client
asks for question audio (Sarvam text-to-speech) one request at a time.

Meanwhile, each start and end recorded (time.time()):
  - kill:   a random worker SIGKILLed every 2 s (by pid, a child of this
            run's master);
  - db:     FerretDB terminated at 20 % of the run, started again on the
            same data directory and port after 10 s (5 s when SECONDS < 120);
            /api/health is then polled every 50 ms until it answers 200;
  - slow:   OpenAI and Sarvam answer after 3 s, from 50 % to 60 %;
  - 429:    OpenAI and Sarvam answer 429 with Retry-After, 70 % to 78 %;
            (each of these windows starts at least 2 s after the one before
            it ended, later than said when the one before ran long; a
            window that would end within 2 s of the traffic's end is left
            out, and the checks say which ran);
  - trickle: a slow client sends support posts' bodies 4 bytes a second on
            a raw socket, one after another, for the whole run (not a window
            that excuses anything: it must not disturb the others).

Afterwards (each a line "ok" or "FAIL"; exit status 1 if any fails):
  1. every acknowledged write exists exactly once: each ticket (201) by its
     number, with its marker in exactly that one ticket; each resume created
     (201) once in its owner's list, at the acknowledged version or later,
     with the acknowledged body when nothing later was stored; each answer
     (201) in its interview exactly once; each interview (201) listed;
     no unacknowledged marker stored twice;
  2. nothing half-written, after one list request per user (the repair):
     every chain's log is gap-free from 2 to its newest generation, whose
     body exists, and has a head; every "ok" directory entry has its object,
     every object its "ok" entry, no "new" entry whose object exists, no
     "deleting" entry; every ticket has its e-mail ref slot, and every
     slot key's numbers run 1..n;
  3. worker memory flat: the median VmRSS of the live workers over the last
     fifth of the traffic is at most 1.25 times that over the first fifth
     (workers are killed and recycled, so a median of the live ones, not one
     process; 25 % leaves room for ASan's quarantine and allocator caches);
     the master's RSS grows by less than 4 MiB;
  4. 5xx only inside injected windows: each 5xx answer's time falls in a
     window, extended by 1 s after a kill and 3 s after the other windows
     (the upstream's Retry-After of 1 s plus a retry, and queued requests);
  5. /api/health answers 200 within 2 s of FerretDB accepting connections
     again.

CHAOS_OUT=FILE writes the results between the markers of the "Faults under
load" section of FILE.  CHAOS_KEEP=1 keeps the run directory.
"""
import collections
import hashlib
import hmac
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402
from fake_sarvam import FakeSarvam  # noqa: E402
from stack import AuthStack, kill_quietly, rss_kb, wait_until  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402

SECRET = "chaos-secret-" + "0123456789abcdef" * 2
CONNECTIONS = 128
KILL_EVERY = 2.0
KILL_GRACE = 1.0
WINDOW_GRACE = 3.0
HEALTH_WITHIN = 2.0
RSS_RATIO = 1.25
MASTER_GROWTH_KB = 4096
WRITES = ("support", "rcreate", "rupdate", "icreate", "answer")


def asan_build(path):
    try:
        return b"__asan_init" in subprocess.run(["nm", "-D", path], capture_output=True).stdout
    except OSError:
        return False


class Run:
    def __init__(self, seconds):
        self.seconds = seconds
        self.short = seconds < 120
        self.db_down = 5.0 if self.short else 10.0
        self.users = int(os.environ.get("CHAOS_USERS", "16"))
        self.workers = int(os.environ.get("CHAOS_WORKERS", "4"))
        self.dir = tempfile.mkdtemp(prefix="jobtune-chaos-")
        self.logs = os.path.join(self.dir, "answers")
        os.makedirs(self.logs)
        self.windows = []        # (kind, start, end)
        self.kills = []          # (time, pid)
        self.rss = []            # (time, [worker rss kb], master rss kb)
        self.side = []           # (time, kind, status, fields...) of the side clients
        self.health_after = None
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.results = []        # (ok, text)
        self.errors = []         # exceptions of the injector threads

    # ---- setup --------------------------------------------------------------
    def start(self):
        self.key = tokens.Key(kid="ins_chaos")
        self.ai = FakeOpenAI().start()
        self.sv = FakeSarvam().start()
        env = {}
        if os.environ.get("ASAN_OPTIONS") is not None or asan_build(os.environ.get(
                "JOBTUNED_BIN", "")):
            # ASan's quarantine keeps up to 256 MiB of freed memory per process
            # by default, which a worker fills over its life: capped, the RSS
            # of workers of any age compares.
            env["ASAN_OPTIONS"] = ":".join(filter(None, (os.environ.get("ASAN_OPTIONS"),
                                                         "quarantine_size_mb=16")))
        self.stack = AuthStack(workers=self.workers, request_timeout=20,
                               support_rate="100000r/s", max_requests=2000, env={
                                   "CLERK_JWT_KEY": self.key.public_pem(),
                                   "CLERK_ISSUER": ISSUER, "CLERK_AUTHORIZED_PARTIES": ORIGIN,
                                   "JOBTUNE_SECRET": SECRET,
                                   "OPENAI_API_KEY": self.ai.api_key,
                                   "OPENAI_BASE_URL": self.ai.base_url,
                                   "OPENAI_TIMEOUT_MS": "10000",
                                   "SARVAM_API_KEY": self.sv.api_key,
                                   "SARVAM_BASE_URL": self.sv.base_url,
                                   "SARVAM_TIMEOUT_MS": "10000", **env})
        self.stack.start()
        self.user_ids = [tokens.new_user_id() for _ in range(self.users + 1)]
        self.tokens = [tokens.rs256(self.key, tokens.claims(u, lifetime=4 * 3600))
                       for u in self.user_ids]
        for t in self.tokens:  # the users documents
            r = self.call("GET", "/api/me", t)
            assert r.status == 200, r.text
        # the side client's user and interview (question audio)
        r = self.call("POST", "/api/interviews", self.tokens[-1],
                      body={"role": "Backend engineer", "questionCount": 3})
        assert r.status == 201, r.text
        self.audio_interview = r.json()["id"]

    def call(self, method, path, token, body=None, headers=None, timeout=30):
        h = {"Authorization": f"Bearer {token}", **(headers or {})}
        return self.stack.request(method, path, body=body, headers=h, timeout=timeout)

    def close(self):
        self.stop_event.set()
        try:
            self.stack.stop()
        finally:
            self.ai.stop()
            self.sv.stop()
            if os.environ.get("CHAOS_KEEP") == "1":
                print(f"kept {self.dir} and {self.stack.dir}")
            else:
                shutil.rmtree(self.dir, ignore_errors=True)

    def window(self, kind, start, end):
        with self.lock:
            self.windows.append((kind, start, end))

    # ---- injectors -------------------------------------------------------------
    def guarded(self, fn):
        def run():
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - reported as a failed check
                self.errors.append(f"{fn.__name__}: {e!r}")
        return threading.Thread(target=run, name=fn.__name__, daemon=True)

    def sleep_until(self, t):
        self.stop_event.wait(max(0.0, t - time.time()))
        return not self.stop_event.is_set()

    def killer(self):
        t = self.t0 + KILL_EVERY
        while t < self.t_end - 1 and self.sleep_until(t):
            pids = self.stack.worker_pids()
            if pids:
                pid = random.choice(pids)
                at = time.time()  # before the signal: its 502 cannot come earlier
                kill_quietly(pid)
                with self.lock:
                    self.kills.append((at, pid))
            t += KILL_EVERY

    def scenario(self):
        """The windows, one after another: the database, then the upstreams
        slow, then answering 429, each at least 2 s after the one before
        ends, so that each is judged alone."""
        self.database()
        for kind, a, b in (("slow", 0.5, 0.6), ("429", 0.7, 0.78)):
            start = max(self.t0 + a * self.seconds, self.windows[-1][2] + 2 if self.windows
                        else 0)
            self.upstream(kind, start, start + (b - a) * self.seconds)

    def database(self):
        if not self.sleep_until(self.t0 + 0.2 * self.seconds):
            return
        start = time.time()
        self.stack.stop_db()
        self.stop_event.wait(self.db_down)
        self.stack.start_db()
        back = time.time()
        healthy = None
        self.health_polls = []  # (sent, answered, status) after the return
        while time.time() - back < 30:
            sent = time.time()
            try:
                status = self.stack.get("/api/health", timeout=5).status
            except OSError:
                status = 0
            self.health_polls.append((sent - back, time.time() - back, status))
            if status == 200:
                healthy = time.time()
                break
            time.sleep(0.05)
        self.db_back = back
        self.health_after = None if healthy is None else healthy - back
        self.window("db", start, healthy or back)

    def upstream(self, kind, start, end):
        if end > self.t_end - 2 or not self.sleep_until(start):
            return
        start = time.time()
        if kind == "slow":
            self.ai.delay = self.sv.delay = 3.0
        else:
            self.ai.mode = "429"
            with self.sv.lock:
                self.sv.mode, self.sv.fail_times, self.sv.retry_after = "429", -1, "1"
        self.sleep_until(end)
        self.ai.delay = self.sv.delay = 0.0
        self.ai.mode = "success"
        with self.sv.lock:
            self.sv.mode = "success"
        self.window(kind, start, time.time())

    def trickle(self):
        """Support posts whose bodies arrive 4 bytes a second."""
        n = 0
        while time.time() < self.t_end - 5 and not self.stop_event.is_set():
            n += 1
            marker = f"slow{n}"
            body = json.dumps({"email": "slow@example.com", "subject": "Slow",
                               "message": f"Trickled {marker}"}).encode()
            head = (f"POST /api/support HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Content-Type: application/json\r\nAccept: application/json\r\n"
                    f"X-Forwarded-For: 203.0.113.77\r\nContent-Length: {len(body)}\r\n"
                    f"Connection: close\r\n\r\n").encode()
            start = time.time()
            status, ticket = 0, "-"
            try:
                with socket.create_connection(("127.0.0.1", self.stack.http_port), 10) as s:
                    s.sendall(head)
                    for i in range(0, len(body), 4):
                        if self.stop_event.wait(1.0):
                            break
                        s.sendall(body[i:i + 4])
                    s.settimeout(60)
                    data = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                m = re.match(rb"HTTP/1\.1 (\d+)", data)
                status = int(m.group(1)) if m else 0
                t = re.search(rb'"ticket"\s*:\s*"([^"]+)"', data)
                ticket = t.group(1).decode() if t else "-"
            except OSError:
                status = 0
            with self.lock:
                self.side.append((time.time(), "support", status, marker, ticket))
                self.trickles = getattr(self, "trickles", []) + [(start, time.time(), status)]

    def prober(self):
        """/api/health's latency through the loaded queue before the outage."""
        self.probe_latency = []
        while time.time() < self.t0 + 0.2 * self.seconds - 1 and not self.stop_event.is_set():
            sent = time.time()
            try:
                self.stack.get("/api/health", timeout=30)
            except OSError:
                continue
            self.probe_latency.append(time.time() - sent)
            self.stop_event.wait(0.2)

    def audio(self):
        """Question audio (Sarvam text-to-speech), one request at a time."""
        path = f"/api/interviews/{self.audio_interview}/questions/1/audio"
        while time.time() < self.t_end and not self.stop_event.is_set():
            try:
                status = self.call("GET", path, self.tokens[-1], timeout=30).status
            except OSError:
                status = 0
            with self.lock:
                self.side.append((time.time(), "audio", status))
            self.stop_event.wait(0.2)

    def sampler(self):
        while time.time() < self.t_end and not self.stop_event.is_set():
            workers = [v for v in (rss_kb(p) for p in self.stack.worker_pids()) if v]
            master = rss_kb(self.stack.jobtuned.pid)
            with self.lock:
                self.rss.append((time.time(), workers, master))
            self.stop_event.wait(1.0)

    # ---- the run -------------------------------------------------------------------
    def traffic(self):
        env = dict(os.environ, CHAOS_TOKENS=",".join(self.tokens[:-1]), CHAOS_LOG_DIR=self.logs)
        self.t0 = time.time()
        self.t_end = self.t0 + self.seconds
        threads = [self.guarded(f) for f in (self.killer, self.scenario, self.prober,
                                             self.trickle, self.audio, self.sampler)]
        for t in threads:
            t.start()
        with open(os.path.join(self.dir, "wrk.txt"), "w") as out:
            wrk = subprocess.run(
                ["wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", f"-d{self.seconds}s",
                 "--timeout", "30s", "-s", os.path.join(HERE, "chaos.lua"),
                 f"http://127.0.0.1:{self.stack.http_port}"],
                env=env, stdout=out, stderr=subprocess.STDOUT)
        self.t_traffic_end = time.time()
        for t in threads:
            t.join(120)
        self.wrk_status = wrk.returncode
        with open(os.path.join(self.dir, "wrk.txt")) as f:
            self.wrk_text = f.read()

    def answers(self):
        """Every answer the wrk threads logged: (time, kind, status, fields)."""
        out = []
        for name in sorted(os.listdir(self.logs)):
            with open(os.path.join(self.logs, name)) as f:
                for line in f:
                    parts = line.rstrip("\n").split("\t")
                    if len(parts) >= 3:
                        out.append((float(parts[0]), parts[1], int(parts[2]), *parts[3:]))
        return out + list(self.side)

    # ---- checks ------------------------------------------------------------------------
    def check(self, ok, text):
        self.results.append((bool(ok), text))
        print(("ok   " if ok else "FAIL ") + text, flush=True)

    def repair_lists(self):
        """One full list of resumes and of interviews per user (the repair);
        the resume ids the API lists, per user."""
        listed = {}
        for u, t in zip(self.user_ids, self.tokens):
            ids, cursor = [], None
            while True:
                q = "/api/resumes?limit=100" + (f"&cursor={cursor}" if cursor else "")
                r = wait_until(lambda: (lambda r: r if r.status == 200 else None)(
                    self.call("GET", q, t)), timeout=30, what="resume list")
                page = r.json()
                ids += [i["id"] for i in page["items"]]
                cursor = page.get("next")
                if not cursor:
                    break
            listed[u] = ids
            cursor = None
            while True:
                q = "/api/interviews?limit=100" + (f"&cursor={cursor}" if cursor else "")
                r = wait_until(lambda: (lambda r: r if r.status == 200 else None)(
                    self.call("GET", q, t)), timeout=30, what="interview list")
                cursor = r.json().get("next")
                if not cursor:
                    break
        return listed

    @staticmethod
    def chains(db, coll):
        """{key: (head doc or None, {gen: log doc})} of a chain collection."""
        out = collections.defaultdict(lambda: [None, {}])
        for h in db[coll].find({}):
            out[h["_id"]][0] = h
        for e in db[coll + "_log"].find({}):
            key, _, g = e["_id"].rpartition(":")
            out[key][1][int(g)] = e
        return out

    @staticmethod
    def newest(head, log):
        """(gen, body) as chain_read() sees it, and the problems found."""
        problems = []
        if head is None:
            return 0, None, ["log entries without a head"]
        g, body = head["gen"], head.get("body")
        while g + 1 in log:
            g += 1
            if isinstance(log[g].get("body"), dict):
                body = log[g]["body"]
            elif g + 1 not in log:
                problems.append(f"newest generation {g} has no body")
        # the log is pruned from its bottom (chain.h: past the prune age),
        # so what remains must run without a gap from its lowest entry
        kept = [n for n in log if n <= g]
        missing = [n for n in range(min(kept), g + 1) if n not in log] if kept else []
        if missing:
            problems.append(f"log missing generations {missing[:5]}")
        stray = [n for n in log if n > g]
        if stray:
            problems.append(f"log entries past a gap: {sorted(stray)[:5]}")
        if not isinstance(body, dict):
            problems.append("no body")
        return g, body, problems

    def verify(self, answers):
        db = self.stack.db()
        listed = self.repair_lists()
        for_user = lambda marker: self.user_ids[(int(marker[1:].split("s")[0]) - 1) % self.users]

        chains = {c: self.chains(db, c) for c in ("resumes", "interviews", "directories")}
        state = {}
        for c, items in chains.items():
            state[c] = {}
            bad = []
            for key, (head, log) in items.items():
                g, body, problems = self.newest(head, log)
                state[c][key] = (g, body)
                bad += [f"{key}: {p}" for p in problems]
            self.check(not bad, f"{c}: {len(items)} chains whole (gap-free log, head, newest "
                       f"body){'; ' + '; '.join(bad[:5]) if bad else ''}")

        # ---- acknowledged writes
        acked = [a for a in answers if a[1] in WRITES and a[2] in (200, 201)]
        by_kind = collections.Counter(a[1] for a in acked)
        self.acked_counts = by_kind
        served = collections.Counter(a[1] for a in answers if 200 <= a[2] < 300)
        kinds = ("support", "rcreate", "rupdate", "rread", "rlist", "me", "export", "icreate",
                 "answer", "audio")
        self.check(all(served[k] for k in kinds),
                   "traffic: every kind answered 2xx at least once (" +
                   ", ".join(f"{k} {served[k]}" for k in kinds) + f"); {len(self.kills)} "
                   f"workers killed; windows " + ", ".join(
                       f"{k} +{a - self.t0:.1f}..+{b - self.t0:.1f} s" for k, a, b in
                       sorted(self.windows, key=lambda w: w[1])))

        tickets = list(db["tickets"].find({}))
        marker_tickets = collections.defaultdict(list)
        for tk in tickets:
            for m in re.findall(r"\b(t\d+s\d+|slow\d+)\b", tk.get("message", "")):
                marker_tickets[m].append(str(tk["_id"]))
        bad = []
        for a in acked:
            if a[1] == "support" and marker_tickets.get(a[3]) != [a[4]]:
                bad.append(f"{a[3]} ticket {a[4]}: stored as {marker_tickets.get(a[3])}")
        dup = [m for m, ts in marker_tickets.items() if len(ts) > 1]
        self.check(not bad and not dup,
                   f"tickets: {by_kind['support']} acknowledged, each stored exactly once "
                   f"({len(tickets)} stored, {len(dup)} markers twice){'; ' + '; '.join(bad[:5]) if bad else ''}")

        # resumes: acknowledged versions and bodies
        best = {}  # id -> (version, marker) of the newest acknowledged write
        created = {}
        for a in acked:
            if a[1] in ("rcreate", "rupdate") and a[4] != "-":
                v = int(a[5])
                if a[1] == "rcreate":
                    created[a[4]] = for_user(a[3])
                if a[4] not in best or v > best[a[4]][0]:
                    best[a[4]] = (v, a[3])
        bad = []
        for rid, (v, marker) in best.items():
            g, body = state["resumes"].get(rid, (0, None))
            if body is None:
                bad.append(f"{rid}: missing")
            elif g < v:
                bad.append(f"{rid}: version {g} < acknowledged {v}")
            elif g == v and marker not in json.dumps(body):
                bad.append(f"{rid}: version {v} lacks its acknowledged body")
        for rid, user in created.items():
            n = listed.get(user, []).count(rid)
            if n != 1:
                bad.append(f"{rid}: listed {n} times")
        self.check(not bad, f"resumes: {by_kind['rcreate']} creates and {by_kind['rupdate']} "
                   f"updates acknowledged, {len(created)} resumes each listed once at the "
                   f"acknowledged version or later{'; ' + '; '.join(bad[:5]) if bad else ''}")

        # interviews: creates and answers
        bad = []
        answer_markers = collections.Counter()
        for iid, (g, body) in state["interviews"].items():
            for q in (body or {}).get("questions", []):
                text = (q.get("answer") or {}).get("text") or ""
                for m in re.findall(r"\bt\d+s\d+\b", text):
                    answer_markers[(iid, m)] += 1
        anywhere = collections.Counter(m for (_, m) in answer_markers.elements())
        for a in acked:
            if a[1] == "icreate" and state["interviews"].get(a[3], (0, None))[1] is None:
                bad.append(f"interview {a[3]}: missing")
            if a[1] == "answer" and (answer_markers[(a[4], a[3])] != 1 or anywhere[a[3]] != 1):
                bad.append(f"answer {a[3]} in {a[4]}: stored {answer_markers[(a[4], a[3])]} "
                           f"times there, {anywhere[a[3]]} in all")
        twice = [m for m, n in anywhere.items() if n > 1]
        self.check(not bad and not twice,
                   f"interviews: {by_kind['icreate']} creates and {by_kind['answer']} answers "
                   f"acknowledged, each stored exactly once{'; ' + '; '.join(bad[:5]) if bad else ''}")

        # ---- directories against their objects
        bad, pending, stale = [], 0, 0
        objects = {c: {k: (b or {}).get("userId") for k, (g, b) in state[c].items()}
                   for c in ("resumes", "interviews")}
        for user in self.user_ids:
            _, d = state["directories"].get(user, (0, None))
            d = d or {}
            for c in ("resumes", "interviews"):
                section = d.get(c) or {}
                for oid, e in section.items():
                    exists = objects[c].get(oid) == user
                    st = e.get("state")
                    if st == "ok" and not exists:
                        bad.append(f"{c} {oid}: listed, no object")
                    elif st == "new" and exists:
                        bad.append(f"{c} {oid}: object exists, still 'new' after a list")
                    elif st == "new":
                        pending += 1
                    elif st == "deleting":
                        bad.append(f"{c} {oid}: 'deleting' after a list")
                    if st == "ok" and exists and c == "resumes" and \
                            e.get("version") != state[c][oid][0]:
                        stale += 1
                for oid, owner in objects[c].items():
                    if owner == user and (section.get(oid) or {}).get("state") != "ok":
                        bad.append(f"{c} {oid}: object not listed")
        self.stale_summaries = stale
        self.check(not bad, f"directories: every listed object exists and every object is "
                   f"listed ({pending} 'new' entries of creates cut short before their insert, "
                   f"{stale} resume summaries behind their resume)"
                   f"{'; ' + '; '.join(bad[:5]) if bad else ''}")

        # ---- ticket refs
        refs = collections.defaultdict(dict)
        for r in db["ticket_refs"].find({}):
            key, _, n = r["_id"].rpartition(":")
            refs[key][int(n)] = str(r.get("ticket"))
        bad = []
        for key, slots in refs.items():
            if sorted(slots) != list(range(1, len(slots) + 1)):
                bad.append(f"slot key {key[:10]}...: numbers {sorted(slots)[:5]}... not 1..n")
        for tk in tickets:
            email = tk.get("email", "").strip().lower()
            key = "e:" + hmac.new(SECRET.encode(), email.encode(), hashlib.sha256).hexdigest()
            if str(tk["_id"]) not in refs.get(key, {}).values():
                bad.append(f"ticket {tk['_id']}: no e-mail ref")
        self.check(not bad, f"ticket refs: {len(tickets)} tickets each with its ref, "
                   f"{len(refs)} slot keys numbered 1..n{'; ' + '; '.join(bad[:5]) if bad else ''}")

    def verify_timing(self, answers):
        # memory
        t_a = self.t0 + 0.2 * self.seconds
        t_b = self.t0 + 0.8 * self.seconds
        first = [v for t, ws, _ in self.rss if t <= t_a for v in ws]
        last = [v for t, ws, _ in self.rss if t >= t_b for v in ws]
        masters = [m for _, _, m in self.rss if m]
        self.rss_first = statistics.median(first) if first else 0
        self.rss_last = statistics.median(last) if last else 0
        self.master_first, self.master_last = (masters[0], masters[-1]) if masters else (0, 0)
        self.check(first and last and self.rss_last <= RSS_RATIO * self.rss_first and
                   self.master_last - self.master_first < MASTER_GROWTH_KB,
                   f"memory: worker RSS median {self.rss_first / 1024:.1f} MiB (first fifth) -> "
                   f"{self.rss_last / 1024:.1f} MiB (last fifth), limit x{RSS_RATIO}; master "
                   f"{self.master_first / 1024:.1f} -> {self.master_last / 1024:.1f} MiB")

        # 5xx against the windows
        spans = [(a, b + WINDOW_GRACE, k) for k, a, b in self.windows] + \
                [(t, t + KILL_GRACE, "kill") for t, _ in self.kills]
        inside = outside = 0
        outside_list = []
        self.fivexx_by = collections.Counter()  # (window kind, status)
        for a in answers:
            if 500 <= a[2] <= 599:
                kind = next((k for s, e, k in spans if s <= a[0] <= e), None)
                if kind:
                    inside += 1
                    self.fivexx_by[(kind, a[2])] += 1
                else:
                    outside += 1
                    outside_list.append(f"{a[1]} {a[2]} at +{a[0] - self.t0:.2f}s")
        self.fivexx = (inside, outside)
        self.check(outside == 0, f"5xx: {inside} inside injected windows, {outside} outside"
                   f"{' (' + ', '.join(outside_list[:8]) + ')' if outside_list else ''}")

        polls = getattr(self, "health_polls", [])
        print("health polls after the return (sent, answered, status): " +
              ", ".join(f"{a:.2f}/{b:.2f}/{s}" for a, b, s in polls[:12]) +
              (f" ... {len(polls)} in all" if len(polls) > 12 else ""))
        # Healthy again: no worker answers 503 later than HEALTH_WITHIN after the
        # database's return (an answer's arrival is when its worker finished
        # it).  /api/health's own first 200 is shown too, but it queues behind
        # the 128 connections' requests like any other, as its latency before
        # the outage shows.
        back = getattr(self, "db_back", None)
        nxt = min([a for k, a, _ in self.windows if k != "db" and back and a > back] +
                  [self.t_traffic_end])
        late = [a[0] - back for a in answers if back and a[2] == 503 and back <= a[0] < nxt]
        self.last_503 = max(late) if late else 0.0
        base = statistics.median(getattr(self, "probe_latency", []) or [0])
        self.probe_base = base
        ok = back is not None and self.health_after is not None and \
            self.last_503 <= HEALTH_WITHIN
        self.check(ok, f"health: the last 503 answered {self.last_503:.2f} s after FerretDB "
                   f"accepted connections again (limit {HEALTH_WITHIN:.0f} s); /api/health "
                   f"200 after " + (f"{self.health_after:.2f} s" if self.health_after
                                    is not None else "never") +
                   f" (its latency through the queue before the outage: {base:.2f} s)")

    # ---- report ------------------------------------------------------------------------
    def summary(self, answers):
        table = collections.defaultdict(collections.Counter)
        for a in answers:
            table[a[1]][a[2]] += 1
        statuses = sorted({s for c in table.values() for s in c})
        lines = ["| kind | " + " | ".join(str(s) if s else "no answer" for s in statuses) +
                 " | total |", "|---|" + "---:|" * (len(statuses) + 1)]
        for kind in ("support", "rcreate", "rupdate", "rread", "rlist", "me", "export",
                     "icreate", "answer", "audio"):
            if kind in table:
                c = table[kind]
                lines.append(f"| {kind} | " + " | ".join(str(c.get(s, "")) for s in statuses) +
                             f" | {sum(c.values())} |")
        return "\n".join(lines)

    def report(self, answers):
        wins = "\n".join(f"| {k} | +{a - self.t0:.1f} s | +{b - self.t0:.1f} s | {b - a:.1f} s |"
                         for k, a, b in sorted(self.windows, key=lambda w: w[1]))
        trick = getattr(self, "trickles", [])
        checks = "\n".join(f"- {'ok' if ok else 'FAIL'}: {t}" for ok, t in self.results)
        requests = re.search(r"(\d+) requests in ([\d.]+\w+)", self.wrk_text)
        errors = re.search(r"Socket errors:.*", self.wrk_text)
        return f"""<!-- chaos: kept by scripts/chaos -->

Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(self.t0))}: `scripts/chaos {self.seconds}`
(jobtuned `{os.path.relpath(os.environ.get('JOBTUNED_BIN', 'jobtuned'), ROOT)}`, {self.workers} workers,
`JOBTUNE_MAX_REQUESTS=2000`, `JOBTUNE_REQUEST_TIMEOUT=20`), {self.users} signed-in users, wrk
{CONNECTIONS} threads x 1 connection (`scripts/chaos.lua`), {os.cpu_count()} CPUs shared with
other work (load average at the end: {open('/proc/loadavg').read().split()[0]}).
wrk: {requests.group(1) + ' requests in ' + requests.group(2) if requests else '?'}{'; ' + errors.group(0) if errors else ''}.

Answers by kind and status (wrk threads' logs, plus the side clients:
`support` includes the trickled posts, `audio` is question audio):

{self.summary(answers)}

Injected: {len(self.kills)} workers SIGKILLed (one every {KILL_EVERY:.0f} s), and these windows
(seconds from the start of the traffic):

| window | start | end | length |
|---|---:|---:|---:|
{wins}

`db`: FerretDB terminated, started again {self.db_down:.0f} s later on the same data
directory and port; the window ends when `/api/health` answered 200. `slow`: the fake
OpenAI and Sarvam answered after 3 s; `429`: both answered 429 with Retry-After (1 s).
The slow client sent {len(trick)} support posts at 4 bytes per second
(statuses: {dict(collections.Counter(s for _, _, s in trick))}).

Checks:

{checks}

Healthy after FerretDB's return: the last 503 was answered {self.last_503:.2f} s after it
accepted connections again; the first `/api/health` 200 (polled every 50 ms) came after
{'never' if self.health_after is None else f'{self.health_after:.2f} s'}, where a probe took {self.probe_base:.2f} s through the same queue before
the outage (median).

Worker RSS (median of the live workers): {self.rss_first / 1024:.1f} MiB in the first fifth of
the traffic, {self.rss_last / 1024:.1f} MiB in the last; master {self.master_first / 1024:.1f} MiB ->
{self.master_last / 1024:.1f} MiB.

5xx: {self.fivexx[0]} inside windows (a kill + {KILL_GRACE:.0f} s, other windows + {WINDOW_GRACE:.0f} s),
{self.fivexx[1]} outside; inside, by window (one in two windows counts for the first of db,
slow, 429, kill): {', '.join(f'{k} {st}: {n}' for (k, st), n in sorted(self.fivexx_by.items()))}.
<!-- /chaos -->"""


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    if seconds < 20:
        sys.exit("scripts/chaos: SECONDS must be at least 20")
    run = Run(seconds)
    try:
        run.start()
        print(f"traffic for {seconds} s at {CONNECTIONS} connections", flush=True)
        run.traffic()
        answers = run.answers()
        print(run.summary(answers), flush=True)
        run.check(run.wrk_status == 0 and not run.errors,
                  f"driver: wrk exited {run.wrk_status}, injector errors {run.errors}")
        run.verify(answers)
        run.verify_timing(answers)
        if os.environ.get("CHAOS_OUT"):
            write_section(os.environ["CHAOS_OUT"], "chaos", run.report(answers))
    finally:
        run.close()
    failed = sum(1 for ok, _ in run.results if not ok)
    print(f"chaos: {len(run.results) - failed} checks ok, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
