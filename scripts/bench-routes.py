#!/usr/bin/python3
"""scripts/bench-routes.py - every route family of src/routes/table.c through
nginx, against the baselines, in one run; and throughput against the number
of workers.  Run by `scripts/bench routes` and `scripts/bench workers`, which
build the copy of the tree and the baselines and hand them over here:

    bench-routes.py routes    every route, the baselines, CPU per request
    bench-routes.py workers   JOBTUNE_WORKERS 1, 2, 4, 8: a cheap route, a
                              database read and the PDF

The stack is the integration tests' (tests/integration/stack.py: FerretDB,
jobtuned, the development nginx) with the fake OpenAI, Sarvam and Clerk
servers; the nginx gets the baseline locations of scripts/bench (a bare
libfcgi hello pool, PHP-FPM `pm=static`, `return 200`) in the site's own
server block.  CPU placement as scripts/bench: BENCH_PIN=1 runs FerretDB on
CPU 1 and everything else (nginx, jobtuned, the pools, the fakes, wrk, the
bare loops, this script) on CPU 0; `workers` gives the app side every CPU
but FerretDB's.

Load: wrk with bench-routes.lua, which sends prepared requests (one file per
user, resume or interview) in turn and counts every status.  Routes that
change state irreversibly (DELETE of a resume, an interview or the account;
an interview's answers and its finish) cannot repeat one request, so a pool
of BENCH_POOL_CONCURRENCY threads of this script sends a prepared list of
them, one each, for at most BENCH_DURATION seconds.

Expensive routes (PDF, ATS, tailor, export, answers, finish, question
audio) are admitted at most two in flight per user and JOBTUNE_WORKERS - 1
on the host (429 beyond): wrk sends them from BENCH_USERS users over
BENCH_EXPENSIVE_CONNECTIONS connections (default: JOBTUNE_WORKERS - 1,
what the host admits), and the tables show 2xx answers per second beside
all answers, and the 429s (with one connection, the previous run's last
request still holding the host's admission).  More connections than
the host admits mostly measure how fast a 429 is made.

CPU per request: utime + stime from /proc of the jobtuned workers (live ones
and those reaped by the master), of nginx's workers and of FerretDB, before
and after each measured run, divided by the requests answered.

Database operations per request: the access-log lines (db_ops, db_ms) that
jobtuned wrote during each measured run, 2xx only, and the commands FerretDB
counted meanwhile (its metrics on the debug address: finds against writes).
Beside them: each route's minimum on MongoDB (MINIMUM, one entry per route
of src/routes/table.c), the check 2xx/s >= 0.8 x (bare operations per second
/ db_ops median) against this run's bare find and insert loops (each run
twice, before the routes and after the cheap and write ones, so that other
work on the machine during one of them does not set the bar), and the
issue's targets (PUT /api/resumes/{id} <= 7 operations, POST /api/resumes
<= 4, GET /api/resumes <= 3 also right after the bench user's creates,
POST /api/support <= 4 for a fresh address's first ten tickets), the last
two measured one request at a time after the other routes.

Environment (scripts/bench sets the first ones): FERRETDB_BIN, JOBTUNED_BIN,
BENCH_HELLO_BIN, BENCH_FIND_BIN, BENCH_INSERT_BIN, BENCH_PHP_FPM,
BENCH_RESUME_FILE, BENCH_TMP, BENCH_PIN (1), BENCH_WORKERS (2),
BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_DURATION (5),
BENCH_WARMUP (1), BENCH_USERS (16), BENCH_STAFF_CONNECTIONS (2), BENCH_EXPENSIVE_CONNECTIONS (the
workers - 1), BENCH_POOL_REQUESTS (40), BENCH_POOL_CONCURRENCY (the workers),
BENCH_WORKER_COUNTS ("1 2 4 8"), BENCH_OUT (docs/BENCHMARKS.md).  Writes its
section between <!-- routes --> and <!-- /routes --> (or <!-- workers -->
and <!-- /workers -->) of BENCH_OUT, replacing an earlier one.
"""
import concurrent.futures
import copy
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import stack as stackmod  # noqa: E402
import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from fake_clerk import FakeClerk  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402
from fake_sarvam import FakeSarvam  # noqa: E402
from stack import AuthStack  # noqa: E402
from test_interviews import tone_wav  # noqa: E402
from test_tailor import JD, RESUME  # noqa: E402
from test_webhooks import SECRET as WEBHOOK_SECRET, sign, user_event  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


PIN = os.environ.get("BENCH_PIN", "1") == "1"
WORKERS = env_int("BENCH_WORKERS", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 32)
THREADS = env_int("BENCH_THREADS", 2)
DURATION = env_int("BENCH_DURATION", 5)
WARMUP = env_int("BENCH_WARMUP", 1)
USERS = env_int("BENCH_USERS", 16)
EXP_CONNECTIONS = env_int("BENCH_EXPENSIVE_CONNECTIONS", max(1, WORKERS - 1))
STAFF_CONNECTIONS = env_int("BENCH_STAFF_CONNECTIONS", 2)
POOL_REQUESTS = env_int("BENCH_POOL_REQUESTS", 40)
POOL_CONCURRENCY = env_int("BENCH_POOL_CONCURRENCY", WORKERS)
WORKER_COUNTS = [int(w) for w in os.environ.get("BENCH_WORKER_COUNTS", "1 2 4 8").split()]
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
TMP = os.environ.get("BENCH_TMP") or tempfile.mkdtemp(prefix="jobtune-bench-routes.")
HELLO_BIN = os.environ.get("BENCH_HELLO_BIN", "")
FIND_BIN = os.environ.get("BENCH_FIND_BIN", "")
INSERT_BIN = os.environ.get("BENCH_INSERT_BIN", "")
PHP_FPM = os.environ.get("BENCH_PHP_FPM", "")
DB_CPU, APP_CPU = 1, 0
TICK = os.sysconf("SC_CLK_TCK")
TICKET = {"email": os.environ.get("BENCH_EMAIL", "bench.user@example.com"),
          "subject": os.environ.get("BENCH_SUBJECT", "Question about my application"),
          "message": os.environ.get("BENCH_MESSAGE", "Hello, did my application arrive? " * 8)}
MAIN, STAFF = "user_bench", "user_bench_staff"


def log(msg):
    print(f"bench-routes: {msg}", file=sys.stderr, flush=True)


def resume_doc():
    path = os.environ.get("BENCH_RESUME_FILE")
    if path and os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return copy.deepcopy(RESUME)


# ---- processes: CPU time and memory ---------------------------------------------
def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(stat_fields(entry)[1]) == pid:
                    out.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return out


def cpu_ticks(pid, kids=True):
    """utime+stime of pid's children, live and reaped (kids), or of pid itself."""
    try:
        f = stat_fields(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0
    if not kids:
        return int(f[11]) + int(f[12])
    total = int(f[13]) + int(f[14])  # cutime + cstime: children already reaped
    for c in children(pid):
        try:
            g = stat_fields(c)
            total += int(g[11]) + int(g[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


def rss_mib(pid):
    return (stackmod.rss_kb(pid) or 0) / 1024


# ---- the stack ---------------------------------------------------------------------
class BenchStack(AuthStack):
    """The tests' stack with FerretDB on its own CPU, the baseline pools and
    their nginx locations."""

    def __init__(self, workers, env, baselines=False):
        super().__init__(workers=workers, support_rate="100000r/s", env=env)
        self.db_name = "jobtune_bench"
        self.baselines = baselines
        self.hello = self.php = None
        self.debug_port = stackmod.free_port()

    def start_db(self):
        os.makedirs(self.data, exist_ok=True)
        logf = open(os.path.join(self.dir, "ferretdb.log"), "ab")
        pin = ["taskset", "-c", str(DB_CPU)] if PIN else []
        # The debug address serves FerretDB's command counters (commands()).
        self.ferret = subprocess.Popen(
            pin + [stackmod.FERRETDB, "--handler=sqlite",
                   f"--sqlite-url=file:{self.data}/?_pragma=secure_delete(1)",
                   "--telemetry=disable", f"--debug-addr=127.0.0.1:{self.debug_port}",
                   "--log-level=warn",
                   f"--state-dir={self.data}", f"--listen-addr=127.0.0.1:{self.db_port}"],
            stdout=logf, stderr=logf)
        stackmod.wait_until(lambda: stackmod.socket.create_connection(
            ("127.0.0.1", self.db_port), 0.2).close() or True, what="FerretDB port")

    def start_nginx(self):
        state = os.path.join(self.dir, "nginx")
        os.makedirs(state, exist_ok=True)
        subprocess.run(["bash", "-c", f'. "{ROOT}/scripts/lib.sh"; render_nginx "$@"', "_",
                        state, str(self.http_port), self.sock, self.support_rate], check=True)
        conf = os.path.join(state, "nginx.conf")
        if self.baselines:
            self.start_baselines(state)
            with open(conf) as f:
                text = f.read()
            anchor = "include snippets/jobtune-common.conf;"
            assert anchor in text, "nginx/dev.conf.in no longer includes jobtune-common.conf"
            text = text.replace(anchor, anchor + f"\n        include {state}/bench-locations.conf;", 1)
            with open(conf, "w") as f:
                f.write(text)
        self.nginx_state = state
        self.nginx = subprocess.Popen(["nginx", "-c", conf, "-p", state, "-e",
                                       f"{state}/nginx-error.log"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        stackmod.wait_until(lambda: stackmod.socket.create_connection(
            ("127.0.0.1", self.http_port), 0.2).close() or True, what="nginx port")

    def start_baselines(self, state):
        hello_sock = os.path.join(self.dir, "hello.sock")
        php = os.path.join(self.dir, "php")
        os.makedirs(php, exist_ok=True)
        with open(f"{php}/ok.php", "w") as f:
            f.write('<?php echo "ok";\n')
        with open(f"{php}/php-fpm.conf", "w") as f:
            f.write(f"[global]\npid = {php}/php-fpm.pid\nerror_log = {php}/php-fpm.log\n"
                    f"daemonize = no\n\n[bench]\nlisten = {php}/php-fpm.sock\nlisten.mode = 0666\n"
                    f"listen.backlog = 1024\npm = static\npm.max_children = {self.workers}\n"
                    "pm.max_requests = 0\n")
        with open(f"{state}/bench-locations.conf", "w") as f:
            f.write(f"""location = /bench/fcgi-hello {{
    fastcgi_pass unix:{hello_sock};
    include /etc/nginx/fastcgi_params;
}}
location = /bench/php {{
    fastcgi_pass unix:{php}/php-fpm.sock;
    include /etc/nginx/fastcgi_params;
    fastcgi_param SCRIPT_FILENAME {php}/ok.php;
}}
location = /bench/return {{
    default_type text/plain;
    return 200 "ok";
}}
""")
        out = open(os.path.join(self.dir, "baselines.log"), "ab")
        self.hello = subprocess.Popen([HELLO_BIN, hello_sock, str(self.workers)],
                                      stdout=out, stderr=out)
        self.php = subprocess.Popen([PHP_FPM, "-F", "-R", "-y", f"{php}/php-fpm.conf", "-p", php],
                                    stdout=out, stderr=out)
        stackmod.wait_until(lambda: os.path.exists(hello_sock), what="hello pool socket")
        stackmod.wait_until(lambda: os.path.exists(f"{php}/php-fpm.sock"), what="PHP-FPM socket")

    def stop(self):
        for p in (self.hello, self.php):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        super().stop()

    def rss(self):
        """RSS (MiB) of each process of the pools, nginx's workers and FerretDB."""
        out = {"nginx": [rss_mib(p) for p in children(self.nginx.pid)],
               "db": [rss_mib(self.ferret.pid)]}
        for name, proc in (("hello", self.hello), ("php", self.php)):
            out[name] = [rss_mib(p) for p in children(proc.pid)] if proc else []
        return out

    def commands(self):
        """FerretDB's count so far of each command it was sent (find, insert,
        update, ...), from its metrics: ferretdb_client_requests_total."""
        url = f"http://127.0.0.1:{self.debug_port}/debug/metrics"
        with urllib.request.urlopen(url, timeout=10) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line.startswith("ferretdb_client_requests_total{"):
                labels, value = line.rsplit(" ", 1)
                cmd = labels.split('command="', 1)[1].split('"', 1)[0]
                out[cmd] = out.get(cmd, 0) + int(float(value))
        return out

    def cpu(self):
        """CPU ticks so far of: jobtuned's children, nginx's workers, FerretDB,
        the hello pool's workers and PHP-FPM's children."""
        return {"jobtuned": cpu_ticks(self.jobtuned.pid), "nginx": cpu_ticks(self.nginx.pid),
                "db": cpu_ticks(self.ferret.pid, kids=False) + cpu_ticks(self.ferret.pid),
                "hello": cpu_ticks(self.hello.pid) if self.hello else 0,
                "php": cpu_ticks(self.php.pid) if self.php else 0}


class Bench:
    def __init__(self, workers, baselines):
        self.key = tokens.Key(kid="ins_bench_routes")
        self.ai = FakeOpenAI().start()
        self.sv = FakeSarvam().start()
        self.clerk = FakeClerk(keys=[self.key]).start()
        self.stack = BenchStack(workers, baselines=baselines, env={
            "CLERK_JWT_KEY": self.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CLERK_SECRET_KEY": self.clerk.secret_key, "CLERK_API_URL": self.clerk.api_url,
            "JOBTUNE_ADMIN_USER_IDS": STAFF,
            "OPENAI_API_KEY": self.ai.api_key, "OPENAI_BASE_URL": self.ai.base_url,
            "OPENAI_MODEL": self.ai.model,
            "SARVAM_API_KEY": self.sv.api_key, "SARVAM_BASE_URL": self.sv.base_url})
        self.stack.start()
        self.tokens = {}
        self.results = {}
        self.dir = tempfile.mkdtemp(prefix="reqs.", dir=TMP)

    def close(self):
        try:
            self.stack.stop()
        finally:
            self.ai.stop()
            self.sv.stop()
            self.clerk.stop()

    def token(self, user):
        if user not in self.tokens:
            claims = tokens.claims(user)
            claims["exp"] = int(time.time()) + 6 * 3600
            self.tokens[user] = tokens.rs256(self.key, claims)
        return self.tokens[user]

    def call(self, user, method, path, body=None, expect=(200, 201), headers=None):
        h = dict(headers or {})
        if user:
            h["Authorization"] = f"Bearer {self.token(user)}"
        h.setdefault("Accept", "application/json")
        r = self.stack.request(method, path, body=body, headers=h, timeout=120)
        assert r.status in expect, f"{method} {path}: {r.status} {r.text[:300]}"
        return r

    # ---- prepared requests ----------------------------------------------------------
    def raw(self, method, path, user=None, body=None, ctype="application/json", headers=None,
            xff=True):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        body = body or b""
        h = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.stack.http_port}",
             "Accept: application/json"]
        if xff:
            h.append(f"X-Forwarded-For: {stackmod.random_client_ip()}")
        if user:
            h.append(f"Authorization: Bearer {self.token(user)}")
        if body or method in ("POST", "PUT", "PATCH"):
            h += [f"Content-Type: {ctype}", f"Content-Length: {len(body)}"]
        h += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return ("\r\n".join(h) + "\r\n\r\n").encode() + body

    # ---- measuring ------------------------------------------------------------------
    def mark(self):
        """Where a measured run starts: the access log's length and FerretDB's
        command counts."""
        return os.path.getsize(self.stack.jobtuned_log), self.stack.commands()

    def since(self, mark):
        """What the database did since mark: the access-log lines written
        (method, route, status, db_ops, db_ms, duration_ms, request_id), and
        how many of each command FerretDB was sent.  Taken as the measured
        run ends, before the drain: requests wrk left in flight may still
        add a line or a command, which are not counted."""
        offset, before = mark
        after = self.stack.commands()
        with open(self.stack.jobtuned_log, "rb") as f:
            f.seek(offset)
            text = f.read()
        lines = []
        for raw in text.splitlines():
            try:
                j = json.loads(raw)
            except ValueError:
                continue  # a line still being written
            if isinstance(j, dict) and "db_ops" in j:
                lines.append([j.get("method"), j.get("route"), j.get("status"), j["db_ops"],
                              j.get("db_ms", 0.0), j.get("duration_ms", 0.0), j.get("request_id")])
        return {"lines": lines,
                "commands": {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}}

    def drain(self):
        """When wrk stops, its last requests are still queued at the pool; a
        request sent now waits behind them."""
        try:
            self.stack.get("/api/health", timeout=120)
        except OSError:
            pass

    def wrk(self, key, reqs, connections=None, pool="jobtuned"):
        connections = connections or CONNECTIONS
        threads = max(1, min(THREADS, connections))
        d = os.path.join(self.dir, key)
        os.makedirs(d, exist_ok=True)
        for i, r in enumerate(reqs):
            with open(f"{d}/{i}.req", "wb") as f:
                f.write(r)
        env = dict(os.environ, BENCH_REQS=d, BENCH_WRK_THREADS=str(threads))
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", "--timeout", "10s",
               "-s", os.path.join(HERE, "bench-routes.lua"), f"http://127.0.0.1:{self.stack.http_port}/"]
        if WARMUP > 0:
            subprocess.run(cmd[:3] + [f"-d{WARMUP}s"] + cmd[3:], env=env, capture_output=True)
            self.drain()
        log(f"{key}: wrk -t{threads} -c{connections} -d{DURATION}s, {len(reqs)} request(s) in turn")
        mark = self.mark()
        before = self.stack.cpu()
        t0 = time.monotonic()
        p = subprocess.run(cmd[:3] + [f"-d{DURATION}s", "--latency"] + cmd[3:], env=env,
                           capture_output=True, text=True)
        elapsed = time.monotonic() - t0
        after = self.stack.cpu()
        db = self.since(mark)
        with open(f"{d}.wrk", "w") as f:
            f.write(p.stdout + p.stderr)
        if p.returncode != 0:
            raise RuntimeError(f"wrk failed for {key}: {p.stdout} {p.stderr}")
        res = parse_wrk(p.stdout)
        res.update(connections=connections, client="wrk", cpu=cpu_delta(before, after),
                   elapsed=elapsed, db=db)
        self.drain()
        res["rss"] = [rss_mib(w) for w in self.stack.worker_pids()]
        res["rss_other"] = self.stack.rss()
        self.results[key] = res
        return res

    def pool(self, key, jobs, concurrency=None):
        """Each job (method, path, user, body, headers) once, from concurrency
        threads, for at most DURATION seconds."""
        concurrency = concurrency or POOL_CONCURRENCY
        log(f"{key}: {len(jobs)} requests from {concurrency} threads, at most {DURATION}s")
        lat, statuses = [], {}
        deadline = time.monotonic() + DURATION
        it = iter(jobs)

        def one(job):
            method, path, user, body, headers = job
            h = dict(headers or {})
            h.setdefault("Accept", "application/json")
            if user:
                h["Authorization"] = f"Bearer {self.token(user)}"
            t = time.monotonic()
            r = self.stack.request(method, path, body=body, headers=h, timeout=120)
            return r.status, time.monotonic() - t

        def worker():
            out = []
            while time.monotonic() < deadline:
                try:
                    job = next(it)
                except (StopIteration, ValueError):
                    break
                out.append(one(job))
            return out

        mark = self.mark()
        before = self.stack.cpu()
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as ex:
            futures = [ex.submit(worker) for _ in range(concurrency)]
            for fu in futures:
                for status, seconds in fu.result():
                    statuses[status] = statuses.get(status, 0) + 1
                    lat.append(seconds * 1000)
        elapsed = time.monotonic() - t0
        after = self.stack.cpu()
        db = self.since(mark)
        n = len(lat)
        lat.sort()
        res = {"rps": n / elapsed if elapsed else 0.0, "requests": n,
               "p50": lat[n // 2] if n else 0.0,
               "p99": lat[min(n - 1, int(n * 0.99))] if n else 0.0,
               "statuses": statuses, "errors": 0, "connections": concurrency,
               "client": "pool", "cpu": cpu_delta(before, after), "elapsed": elapsed, "db": db,
               "rss": [rss_mib(w) for w in self.stack.worker_pids()]}
        self.results[key] = res
        return res

    def loop(self, key, prog, coll, *args):
        uri = f"mongodb://127.0.0.1:{self.stack.db_port}/"
        log(f"{key}: {os.path.basename(prog)} {coll}, {WORKERS} processes, {DURATION}s")
        if WARMUP > 0:
            subprocess.run([prog, uri, self.stack.db_name, coll, str(WORKERS), str(WARMUP), *args],
                           check=True, capture_output=True)
        before = self.stack.cpu()
        p = subprocess.run([prog, uri, self.stack.db_name, coll, str(WORKERS), str(DURATION), *args],
                           check=True, capture_output=True, text=True)
        after = self.stack.cpu()
        kv = dict(x.split("=", 1) for x in p.stdout.split() if "=" in x)
        ops = int(kv.get("finds", kv.get("inserts", "0")))
        res = {"rps": float(kv["rate"]), "p50": float(kv["p50_ms"]), "p99": float(kv["p99_ms"]),
               "statuses": {}, "errors": int(kv["errors"]), "requests": ops,
               "connections": WORKERS, "client": "loop", "cpu": cpu_delta(before, after),
               "rss": [], "rss_other": self.stack.rss()}
        self.results[key] = res
        return res


def cpu_delta(before, after):
    return {k: (after[k] - before[k]) / TICK for k in after}


def parse_wrk(text):
    def ms(v):
        for suffix, f in (("us", 0.001), ("ms", 1.0), ("m", 60000.0), ("s", 1000.0)):
            if v.endswith(suffix):
                return float(v[:-len(suffix)]) * f
        return float(v)
    res = {"rps": 0.0, "p50": 0.0, "p99": 0.0, "statuses": {}, "errors": 0, "requests": 0}
    for line in text.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "Requests/sec:":
            res["rps"] = float(w[1])
        elif w[0] == "50%":
            res["p50"] = ms(w[1])
        elif w[0] == "99%":
            res["p99"] = ms(w[1])
        elif w[0] == "status" and len(w) == 3:
            res["statuses"][int(w[1].rstrip(":"))] = int(w[2])
        elif line.strip().startswith("Socket errors:"):
            nums = [int(x.strip(",")) for x in w if x.strip(",").isdigit()]
            res["errors"] = sum(nums)
        elif " requests in " in line:
            res["requests"] = int(w[0])
    return res


def ok_count(res):
    return sum(n for s, n in res["statuses"].items() if 200 <= s < 400) if res["statuses"] \
        else res["requests"]


def non2xx(res):
    return {s: n for s, n in res["statuses"].items() if not 200 <= s < 300}


# ---- routes -----------------------------------------------------------------------------
# (key, route as in src/routes/table.c, label, family, natural baseline)
ROUTES = [
    ("health", "GET /api/health", "`GET /api/health`", "public", "hello"),
    ("status", "GET /api/status", "`GET /api/status` (from loopback)", "public", "hello"),
    ("templates", "GET /api/pdf/templates", "`GET /api/pdf/templates`", "public", "hello"),
    ("region", "GET /api/privacy/region", "`GET /api/privacy/region`", "public", "hello"),
    ("support", "POST /api/support", "`POST /api/support` (JSON ticket)", "public write", "insert"),
    ("webhook", "POST /api/webhooks/clerk", "`POST /api/webhooks/clerk` (`user.updated`, Svix-signed)", "public write", "insert"),
    ("me", "GET /api/me", "`GET /api/me`", "read", "find"),
    ("me_patch", "PATCH /api/me", "`PATCH /api/me` (name)", "write", "insert"),
    ("resumes", "GET /api/resumes", "`GET /api/resumes` (first page of 5)", "read", "find"),
    ("resume", "GET /api/resumes/{id}", "`GET /api/resumes/{id}`", "read", "find"),
    ("tailorings", "GET /api/resumes/{id}/tailorings", "`GET /api/resumes/{id}/tailorings`", "read", "find"),
    ("interviews", "GET /api/interviews", "`GET /api/interviews`", "read", "find"),
    ("interview", "GET /api/interviews/{id}", "`GET /api/interviews/{id}`", "read", "find"),
    ("admin_tickets", "GET /api/admin/tickets", "`GET /api/admin/tickets` (staff)", "read", "find"),
    ("admin_privacy", "GET /api/admin/privacy-requests", "`GET /api/admin/privacy-requests` (staff)", "read", "find"),
    ("resume_post", "POST /api/resumes", "`POST /api/resumes`", "write", "insert"),
    ("resume_put", "PUT /api/resumes/{id}", "`PUT /api/resumes/{id}` (If-Match), 5 resumes", "write", "insert"),
    ("resume_put_1", "PUT /api/resumes/{id}", "`PUT /api/resumes/{id}` (If-Match), one resume: a chain's serial rate", "write", "insert"),
    ("interview_post", "POST /api/interviews", "`POST /api/interviews` (3 questions, fake OpenAI)", "write", "insert"),
    ("ticket_patch", "PATCH /api/admin/tickets/{ticket}", "`PATCH /api/admin/tickets/{ticket}` (staff)", "write", "insert"),
    ("resume_delete", "DELETE /api/resumes/{id}", "`DELETE /api/resumes/{id}`", "write", "insert"),
    ("interview_delete", "DELETE /api/interviews/{id}", "`DELETE /api/interviews/{id}`", "write", "insert"),
    ("me_delete", "DELETE /api/me", "`DELETE /api/me` (erasure, fake Clerk)", "write", "insert"),
    ("pdf", "GET /api/resumes/{id}/pdf", "`GET /api/resumes/{id}/pdf`", "expensive", None),
    ("ats", "POST /api/resumes/{id}/ats", "`POST /api/resumes/{id}/ats` (local score)", "expensive", None),
    ("tailor", "POST /api/resumes/{id}/tailor", "`POST /api/resumes/{id}/tailor` (fake OpenAI)", "expensive", None),
    ("export", "GET /api/me/export", "`GET /api/me/export` (JSON)", "expensive", None),
    ("answer", "POST /api/interviews/{id}/answers", "`POST /api/interviews/{id}/answers` (10 s WAV, fake Sarvam)", "expensive", None),
    ("finish", "POST /api/interviews/{id}/finish", "`POST /api/interviews/{id}/finish` (fake OpenAI)", "expensive", None),
    ("audio", "GET /api/interviews/{id}/questions/{n}/audio", "`GET /api/interviews/{id}/questions/1/audio` (fake Sarvam)", "expensive", None),
]
BASELINES = [
    ("b_return", "nginx `return 200`"),
    ("b_static", "nginx static file (`/privacy`)"),
    ("b_hello", "bare libfcgi hello pool"),
    ("b_php", "PHP-FPM `<?php echo \"ok\";`"),
    ("b_find", "bare mongo-c-driver find loop (`users` by `_id`)"),
    ("b_insert", "bare mongo-c-driver insert loop (`tickets`)"),
    ("b_find_2", "the find loop again, after the cheap and write routes"),
    ("b_insert_2", "the insert loop again, after the cheap and write routes"),
]
NOT_MEASURED = [
    ("`POST /api/admin/privacy-requests/{id}/verify`, `/execute`, `/close` (staff)",
     "each moves one deletion request through its states once (verify, then execute, which "
     "erases the account like `DELETE /api/me`, then close); a handful a month, by hand"),
    ("`GET /api/admin/tickets/{ticket}`, `POST /api/admin/tickets/{ticket}/replies`, "
     "`GET /api/admin/config` (staff)",
     "a support agent opening a ticket and answering it by email through the mail relay, by "
     "hand; the lists they open from are `scripts/bench tickets`"),
]

# ---- database operations per route ------------------------------------------------
# The fewest database operations each route needs for what it promises, on
# MongoDB (secondary indexes, conditional updates of one document,
# findAndModify, deleteMany), in the case this bench measures.  Decisions:
# - Signed-in routes count the `tombstones` lookup: the design asks it on
#   every signed-in request (src/routes/auth.c), so that an erased account's
#   still-valid token is refused at once on every host; it is part of what
#   each signed-in route promises.
# - A user's resumes and interviews are listed in one document per user with
#   their summaries (a list is one read), which an erasure seals; a create
#   adds to it by an update the sealed list refuses, so no create outruns an
#   erasure.  (An index on userId could list without it, but not refuse a
#   create racing an erasure.)
# One entry per route of src/routes/table.c; check_minimum() stops the run
# when they differ.
MINIMUM = {
    "GET /api/health": (0, "the worker's own observation of the database, at most 500 ms old, "
                           "else a ping: none under load"),
    "GET /api/status": (0, "the scoreboard in shared memory"),
    "GET /api/auth/config": (0, "configuration"),
    "POST /api/session": (0, "the token is verified in the worker; the cookie is the answer"),
    "DELETE /api/session": (0, "an expired cookie"),
    "GET /api/pdf/templates": (0, "a constant list"),
    "GET /api/privacy/region": (0, "anonymous, as measured: GeoIP in the worker (signed in: + the "
                                   "tombstone + the user's declared residence)"),
    "POST /api/support": (1, "anonymous, as measured: insert the ticket, its random number unique "
                             "as `_id`; an index on email finds an address's tickets (signed in: "
                             "+ the tombstone + the declared residence)"),
    "POST /api/webhooks/clerk": (3, "profile event: insert its Svix id (the unique `_id` is the "
                                    "de-duplication; a replay costs this 1), the tombstone (no late "
                                    "event brings an erased user back), upsert the user"),
    "GET /api/me": (2, "the tombstone, the user's document"),
    "PATCH /api/me": (2, "the tombstone, findAndModify returning the changed document"),
    "DELETE /api/me": (12, "the tombstone, a claim (so a crash resumes it), insert the tombstone, "
                           "seal the user's list, delete the user, resumes, tailorings, interviews, "
                           "tickets and processing record (6), the receipt, the claim done"),
    "GET /api/me/export": (7, "the tombstone, the user's document, by user id: resumes, "
                              "tailorings, interviews, tickets (user id or email), processing record"),
    "GET /api/resumes": (2, "the tombstone, the user's list (summaries, newest first)"),
    "POST /api/resumes": (3, "the tombstone, insert the resume, add it to the user's list"),
    "GET /api/resumes/{id}": (2, "the tombstone, the resume (its owner checked on it)"),
    "PUT /api/resumes/{id}": (3, "the tombstone, a conditional update on the version (412 when it "
                                 "moved), the list's summary"),
    "DELETE /api/resumes/{id}": (4, "the tombstone, remove it from the user's list (ownership), "
                                    "delete the resume, delete its tailorings"),
    "GET /api/resumes/{id}/pdf": (2, "the tombstone, the resume (+1 with `tailoring=`)"),
    "POST /api/resumes/{id}/ats": (2, "the tombstone, the resume; the score is computed in the worker"),
    "POST /api/resumes/{id}/tailor": (5, "the tombstone, the resume, insert the tailoring, list it "
                                         "under its resume, the processing record (OpenAI saw it)"),
    "GET /api/resumes/{id}/tailorings": (3, "the tombstone, the user's list (ownership, the ids), "
                                            "the tailorings by `_id` `$in`"),
    "GET /api/interviews": (2, "the tombstone, the user's list"),
    "POST /api/interviews": (4, "the tombstone, insert the interview, add it to the user's list, "
                                "the processing record (+1 the resume when it names one)"),
    "GET /api/interviews/{id}": (2, "the tombstone, the interview"),
    "DELETE /api/interviews/{id}": (3, "the tombstone, remove it from the user's list (ownership), "
                                       "delete the interview"),
    "POST /api/interviews/{id}/answers": (5, "the tombstone, the interview (before paying Sarvam), "
                                             "store the answer if that question has none, the "
                                             "list's summary, the processing record"),
    "POST /api/interviews/{id}/finish": (5, "the tombstone, the interview, store the report once, "
                                            "the list's summary, the processing record"),
    "GET /api/interviews/{id}/questions/{n}/audio": (3, "the tombstone, the interview (the "
                                                        "question), the processing record"),
    "GET /api/admin/tickets": (2, "the tombstone, one indexed page of tickets"),
    "PATCH /api/admin/tickets/{ticket}": (2, "the tombstone, findAndModify returning the ticket"),
    "GET /api/admin/tickets/{ticket}": (2, "the tombstone, the ticket"),
    "POST /api/admin/tickets/{ticket}/replies": (4, "the tombstone, the ticket, the reply "
                                                   "recorded pending, then sent"),
    "GET /api/admin/config": (1, "the tombstone"),
    "GET /api/admin/privacy-requests": (2, "the tombstone, one indexed find of the open requests"),
    "POST /api/admin/privacy-requests/{id}/verify": (2, "the tombstone, findAndModify of the "
                                                        "request's state"),
    "POST /api/admin/privacy-requests/{id}/close": (2, "the tombstone, findAndModify of the "
                                                       "request's state"),
    "POST /api/admin/privacy-requests/{id}/execute": (14, "one account: the tombstone, claim the "
                                                          "request, accounts by email, other "
                                                          "tickets by email, the erasure (insert "
                                                          "the tombstone, seal, 6 deletes, the "
                                                          "receipt: 9), done"),
}

# Routes left out of the throughput check, and why: their time is not the
# database's, or their load is not comparable with the loops' (which run
# WORKERS processes back to back).  Any other route whose 2xx lines spent
# less than half of the worker's time in database operations (DB_SHARE_MIN)
# is left out too, with its measured share.
EXPENSIVE = "expensive (admitted one at a time, over one connection)"
NO_CHECK = {
    "interview_post": "the fake OpenAI writes the questions",
    "pdf": f"cairo and Pango render the PDF; {EXPENSIVE}",
    "ats": EXPENSIVE,
    "tailor": f"the fake OpenAI; {EXPENSIVE}",
    "finish": f"the fake OpenAI; {EXPENSIVE}",
    "answer": f"the fake Sarvam; {EXPENSIVE}",
    "audio": f"the fake Sarvam; {EXPENSIVE}",
    "export": EXPENSIVE,
    "resume_put_1": "one connection by design (a chain's serial rate)",
}
# What else a route's worker waits for, where the share rule leaves it out.
WAITS_ON = {"me_delete": "the account's deletion at the fake Clerk"}
DB_SHARE_MIN = 0.5
CHECK_TARGET = 0.8
READ_COMMANDS = ("find", "count", "aggregate", "getMore", "distinct")
WRITE_COMMANDS = ("insert", "update", "delete", "findAndModify")
TARGET_CREATES = (1, 2, 5, 10)  # the bench user's creates before each measured list
SUPPORT_FIRST = 10


def check_minimum():
    """MINIMUM names exactly the routes of src/routes/table.c."""
    with open(os.path.join(ROOT, "src", "routes", "table.c")) as f:
        table = set(" ".join(m) for m in re.findall(r'\{\s*"([A-Z]+)",\s*"(/[^"]*)"', f.read()))
    missing, extra = table - set(MINIMUM), set(MINIMUM) - table
    if missing or extra:
        sys.exit("bench-routes: MINIMUM differs from src/routes/table.c: "
                 f"missing {sorted(missing)}, unknown {sorted(extra)}")


def ok_lines(res, route):
    """The 2xx access-log lines of route in res's measured run."""
    method, pattern = route.split(" ", 1)
    return [ln for ln in (res.get("db") or {}).get("lines", [])
            if ln[0] == method and ln[1] == pattern and 200 <= ln[2] < 300]


def quantile(values, q):
    """Nearest-rank quantile of a non-empty list."""
    v = sorted(values)
    return v[min(len(v) - 1, max(0, math.ceil(q * len(v)) - 1))]


def runs(values):
    """3, 4, 4, 4, 4 as "3, 4 (4 times)"."""
    out = []
    for v in values:
        if out and out[-1][0] == v:
            out[-1][1] += 1
        else:
            out.append([v, 1])
    return ", ".join(f"{v} ({n} times)" if n > 2 else ", ".join([f"{v}"] * n) for v, n in out)


def num(v):
    return f"{v:.1f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"


def reads_writes(res):
    """FerretDB's finds and writes per access-log line of res's run (every
    route and status the window saw; nearly all of them the route's)."""
    db = res.get("db") or {}
    c, n = db.get("commands", {}), max(1, len(db.get("lines", [])))
    return sum(c.get(k, 0) for k in READ_COMMANDS) / n, sum(c.get(k, 0) for k in WRITE_COMMANDS) / n


def bare_rate(R, reads, writes):
    """Bare operations per second for a route doing reads finds and writes
    writes per request: the find loop's rate, the insert loop's, or for a mix
    the rate at which the loops would do that mix (time-weighted)."""
    F, W = best_rate(R, "b_find"), best_rate(R, "b_insert")
    if reads + writes == 0:
        return min(F, W), "slower loop (no command counted)"
    f = reads / (reads + writes)
    rate = 1 / (f / F + (1 - f) / W)
    if f > 0.995:  # a write or two in the window: a user's first sight, a lease
        return rate, "find"
    if f < 0.005:
        return rate, "insert"
    return rate, f"mix, {f * 100:.0f} % finds"


def best_rate(R, key):
    """The faster of the loop's two measurements in this run."""
    return max(R[k]["rps"] for k in (key, key + "_2") if k in R)


def ops_section(b, d):
    R = b.results
    rows, checks = [], []
    for key, route, label, family, _ in ROUTES:
        res = R.get(key)
        if not res:
            continue
        lines = ok_lines(res, route)
        minimum = MINIMUM[route][0]
        if not lines:
            rows.append(f"| {label} | 0 | no 2xx line | | | | | {minimum} | |")
            checks.append(f"| {label} | {ok_rate(res):.0f} | – | | | | | not checked: no 2xx line |")
            continue
        ops = [ln[3] for ln in lines]
        med, p90 = statistics.median(ops), quantile(ops, 0.9)
        db_ms = statistics.median(ln[4] for ln in lines)
        busy = sum(ln[5] for ln in lines)
        share = sum(ln[4] for ln in lines) / busy if busy else None
        rd, wr = reads_writes(res)
        vs = f"{med / minimum:.1f}×" if minimum else ("–" if med == 0 else "above 0")
        rows.append(f"| {label} | {len(lines)} | {num(med)} | {p90} | {db_ms:.2f} "
                    f"| {'–' if share is None else f'{share * 100:.0f} %'} "
                    f"| {rd:.1f} + {wr:.1f} | {minimum} | {vs} |")
        if key in NO_CHECK:
            checks.append(f"| {label} | {ok_rate(res):.0f} | {num(med)} | | | | | "
                          f"not checked: {NO_CHECK[key]} |")
        elif med == 0:
            checks.append(f"| {label} | {ok_rate(res):.0f} | 0 | | | | | "
                          "not checked: no database operation |")
        elif share is not None and share < DB_SHARE_MIN:
            why = f"; the rest: {WAITS_ON[key]}" if key in WAITS_ON else ""
            checks.append(f"| {label} | {ok_rate(res):.0f} | {num(med)} | | | | | not checked: "
                          f"the database is {share * 100:.0f} % of the worker's time{why} |")
        else:
            rate, kind = bare_rate(R, rd, wr)
            expect = rate / med
            value = ok_rate(res) / expect
            verdict = "PASS" if value >= CHECK_TARGET else "FAIL"
            checks.append(f"| {label} | {ok_rate(res):.0f} | {num(med)} | {rate:.0f} ({kind}) "
                          f"| {expect:.0f} | {value:.2f} | ≥ {CHECK_TARGET} | {verdict} |")
    passed = sum(c.endswith("| PASS |") for c in checks)
    failed = sum(c.endswith("| FAIL |") for c in checks)
    minimum = "\n".join(f"| `{r}` | {n} | {why} |" for r, (n, why) in MINIMUM.items())
    return f"""### Database operations per request

From this run's access log: every jobtuned access-log line carries `db_ops` (the database
operations the request made) and `db_ms` (their time). Each route's figures are over the
**2xx lines only** of its measured run (not the warm-up), matched by method and route
pattern; *2xx lines* counts them.

| Route | 2xx lines | db_ops median | db_ops p90 | db_ms median | database share of the worker's time | finds + writes per request (FerretDB) | minimum on MongoDB | median ÷ minimum |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

- *database share*: the sum of `db_ms` over the sum of `duration_ms` (the worker's time on
  the request, from its start to the answer written) of the 2xx lines.
- *finds + writes per request*: the commands FerretDB was sent during the measured run
  (its `ferretdb_client_requests_total` counters: find, count, aggregate, getMore as finds;
  insert, update, delete, findAndModify as writes; handshakes and pings not counted),
  divided by the access-log lines of the run, every status.
- *minimum on MongoDB*: the fewest operations the route's semantics need on MongoDB
  (table below); every signed-in route includes the `tombstones` lookup, which the design
  asks on every signed-in request so an erased account's token is refused at once.

### Throughput against the bare loops

Check: 2xx/s ≥ {CHECK_TARGET} × (bare operations per second ÷ the route's operations per request), with
the bare loops of this run (the faster of each loop's two measurements above, before the
routes and after the cheap and write routes: {best_rate(R, 'b_find'):.0f} finds/s, {best_rate(R, 'b_insert'):.0f} inserts/s)
and the route's db_ops median. The bare rate is the find loop's for a route whose run
sent FerretDB finds only, the insert loop's for writes only, and for a mix the rate at which the
loops would do that route's share of finds and writes (time-weighted: 1 ÷ (finds share ÷ find rate +
writes share ÷ insert rate)); an update is priced as an insert. *value* = 2xx/s ÷ (bare ÷ db_ops).
{passed} of {passed + failed} routes checked pass.

| Route | 2xx/s | db_ops median | bare operations/s (kind) | bare ÷ db_ops (req/s) | value | target | result |
|---|---:|---:|---:|---:|---:|---:|---|
{chr(10).join(checks)}

Not checked, as each row says: routes whose time is not the database's (the PDF, the fakes of
OpenAI and Sarvam, and any other route whose database share above is under {DB_SHARE_MIN * 100:.0f} %), routes
with no database operation, the expensive routes (the host admits `JOBTUNE_WORKERS - 1` =
{max(1, WORKERS - 1)} at a time, and they are measured over {EXP_CONNECTIONS} connection(s), where the loops run
{WORKERS} processes) and the serial one-resume `PUT`. The staff lists are checked although their
query is a scan of the tickets, not an `_id` find. The *(pool)* routes' rates include the Python
client's time.

### Minimum operations per route on MongoDB

| Route | minimum | why |
|---|---:|---|
{minimum}

{targets_section(b, d)}"""


def measure_targets(b, d):
    """The issue's targets the wrk runs do not measure: GET /api/resumes
    right after the bench user created resumes, and the first ten tickets of
    a fresh address without a session.  One request at a time; each answer's
    X-Request-Id finds its access-log line."""
    doc = resume_doc()
    t = {"creates": [], "first_lists": [], "again_lists": [], "support": []}
    mark = b.mark()

    def rid(r):
        v = r.header("x-request-id")
        assert v, "an answer without X-Request-Id"
        return v
    for k in TARGET_CREATES:
        t["creates"] += [rid(b.call(MAIN, "POST", "/api/resumes", doc)) for _ in range(k)]
        t["first_lists"].append(rid(b.call(MAIN, "GET", "/api/resumes")))
        t["again_lists"].append(rid(b.call(MAIN, "GET", "/api/resumes")))
    address = f"first.{uuid.uuid4().hex[:12]}@example.org"
    t["support"] = [rid(b.call(None, "POST", "/api/support", dict(TICKET, email=address)))
                    for _ in range(SUPPORT_FIRST)]
    by_id = {ln[6]: ln for ln in b.since(mark)["lines"]}
    for k, ids in t.items():
        missing = [i for i in ids if i not in by_id]
        assert not missing, f"no access-log line for {k} request(s) {missing}"
        t[k] = [by_id[i][3] for i in ids]
    t["address"] = address
    b.results["targets"] = t


def targets_section(b, d):
    R = b.results
    t = R.get("targets")
    put = ok_lines(R["resume_put"], "PUT /api/resumes/{id}") + \
        ok_lines(R["resume_put_1"], "PUT /api/resumes/{id}")
    post = ok_lines(R["resume_post"], "POST /api/resumes")
    lst = ok_lines(R["resumes"], "GET /api/resumes")
    rows = []

    def row(what, limit, ops, how):
        if not ops:
            rows.append(f"| {what} | ≤ {limit} | no 2xx line | | {how} | not measured |")
            return
        med = statistics.median(ops)
        rows.append(f"| {what} | ≤ {limit} | {num(med)} | {max(ops)} | {how} "
                    f"| {'PASS' if med <= limit else 'FAIL'} |")
    row("`PUT /api/resumes/{id}`", 7, [ln[3] for ln in put],
        f"the two `PUT` runs above, {len(put)} 2xx lines")
    row("`POST /api/resumes`", 4, [ln[3] for ln in post],
        f"the `POST /api/resumes` run above, {len(post)} 2xx lines, {USERS} users creating in turn"
        + (f"; one at a time by the bench user: {runs(t['creates'])}" if t else ""))
    if t:
        row("`GET /api/resumes`, right after the bench user created resumes", 3, t["first_lists"],
            "one list after each of " + ", ".join(map(str, TARGET_CREATES)) + " creates: "
            + runs(t["first_lists"]) + "; the list once more each time: " + runs(t["again_lists"]))
    row("`GET /api/resumes`, steady", 3, [ln[3] for ln in lst],
        f"the `GET /api/resumes` run above (the bench user's 5 resumes, listed in the warm-up), "
        f"{len(lst)} 2xx lines")
    if t:
        row("`POST /api/support`, an address's first ten tickets", 4, t["support"],
            f"ten tickets from one fresh address (`{t['address']}`), no session, one at a time: "
            + runs(t["support"]))
    return f"""### The issue's targets

Database operations per request (db_ops of the 2xx access-log lines) against the issue's
targets; the result is the median's, *max* shows the worst request.

| Route | target | median | max | measured on | result |
|---|---:|---:|---:|---|---|
{chr(10).join(rows)}
"""


def create_many(b, n, fn):
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        return list(ex.map(fn, range(n)))


def setup_data(b):
    """The users, resumes, interviews and tickets the routes need."""
    t0 = time.monotonic()
    doc = resume_doc()
    d = {}
    b.call(MAIN, "GET", "/api/me")
    b.call(STAFF, "GET", "/api/me")
    d["resumes"] = [b.call(MAIN, "POST", "/api/resumes", doc).json()["id"] for _ in range(5)]
    b.call(MAIN, "POST", f"/api/resumes/{d['resumes'][0]}/tailor", {"jobDescription": JD})
    d["interviews"] = [b.call(MAIN, "POST", "/api/interviews",
                              {"role": "Backend engineer", "questionCount": 3}).json()["id"]
                       for _ in range(2)]
    # The expensive routes' users: a resume and an interview of 10 questions each.
    d["users"] = [f"user_bench_{i:03d}" for i in range(USERS)]

    def user(i):
        u = d["users"][i]
        rid = b.call(u, "POST", "/api/resumes", doc).json()["id"]
        iid = b.call(u, "POST", "/api/interviews",
                     {"role": "Backend engineer", "questionCount": 10}).json()["id"]
        return rid, iid
    d["user_data"] = create_many(b, USERS, user)
    d["tickets"] = [b.call(None, "POST", "/api/support", TICKET).json()["ticket"] for _ in range(20)]
    # For the routes that can do one thing once.
    gone = "user_bench_delete"
    d["del_resumes"] = create_many(
        b, POOL_REQUESTS, lambda i: b.call(gone, "POST", "/api/resumes", doc).json()["id"])
    d["del_interviews"] = create_many(
        b, POOL_REQUESTS, lambda i: b.call(gone, "POST", "/api/interviews",
                                           {"role": "Backend engineer", "questionCount": 3}).json()["id"])
    d["erased"] = [f"user_bench_erase_{i:03d}" for i in range(POOL_REQUESTS)]

    def erasable(i):
        u = d["erased"][i]
        b.clerk.add_user(u, email=f"erase{i}@example.org")
        b.call(u, "GET", "/api/me")
        b.call(u, "POST", "/api/resumes", doc)
    create_many(b, POOL_REQUESTS, erasable)
    d["setup_seconds"] = time.monotonic() - t0
    return d


def resume_versions(b, user, ids):
    out = []
    for rid in ids:
        r = b.call(user, "GET", f"/api/resumes/{rid}")
        out.append((rid, (r.header("etag") or '"1"').strip('"')))
    return out


def run_routes(b, d):
    doc = resume_doc()
    body = json.dumps(doc).encode()
    rid0, iid0 = d["resumes"][0], d["interviews"][0]
    users = d["users"]
    ud = d["user_data"]

    # Baselines first, while the database is small.
    b.wrk("b_return", [b.raw("GET", "/bench/return")])
    b.wrk("b_static", [b.raw("GET", "/privacy", headers={"Accept": "text/html"})])
    b.wrk("b_hello", [b.raw("GET", "/bench/fcgi-hello")])
    b.wrk("b_php", [b.raw("GET", "/bench/php")])
    bare_loops(b, "")

    # Cheap routes.
    b.wrk("health", [b.raw("GET", "/api/health")])
    b.wrk("status", [b.raw("GET", "/api/status", xff=False)])  # loopback, as a probe asks
    b.wrk("templates", [b.raw("GET", "/api/pdf/templates")])
    b.wrk("region", [b.raw("GET", "/api/privacy/region") for _ in range(50)])
    b.wrk("support", [b.raw("POST", "/api/support", body=TICKET) for _ in range(50)])
    hooks = []
    for i in range(4000):
        ev = json.dumps(user_event("user.updated", f"user_bench_hook_{i % 50:02d}",
                                   f"hook{i % 50}@example.org", "Ana", "Bench")).encode()
        mid, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        hooks.append(b.raw("POST", "/api/webhooks/clerk", body=ev, headers={
            "svix-id": mid, "svix-timestamp": ts, "svix-signature": sign(WEBHOOK_SECRET, mid, ts, ev)}))
    b.wrk("webhook", hooks)
    b.wrk("me", [b.raw("GET", "/api/me", MAIN)])
    b.wrk("me_patch", [b.raw("PATCH", "/api/me", MAIN, {"name": f"Bench User {i}"}) for i in range(8)])
    b.wrk("resumes", [b.raw("GET", "/api/resumes", MAIN)])
    b.wrk("resume", [b.raw("GET", f"/api/resumes/{r}", MAIN) for r in d["resumes"]])
    b.wrk("tailorings", [b.raw("GET", f"/api/resumes/{rid0}/tailorings", MAIN)])
    b.wrk("interviews", [b.raw("GET", "/api/interviews", MAIN)])
    b.wrk("interview", [b.raw("GET", f"/api/interviews/{iid0}", MAIN)])
    d["ticket_count"] = b.stack.db()["tickets"].count_documents({})
    b.wrk("admin_tickets", [b.raw("GET", "/api/admin/tickets", STAFF)], STAFF_CONNECTIONS)
    b.wrk("admin_privacy", [b.raw("GET", "/api/admin/privacy-requests", STAFF)], STAFF_CONNECTIONS)
    b.wrk("resume_post", [b.raw("POST", "/api/resumes", u, body) for u in users])
    put_env = ",".join(f"{r}:{v}" for r, v in resume_versions(b, MAIN, d["resumes"]))
    b.results["resume_put"] = wrk_put(b, put_env, body)
    b.results["resume_put_1"] = wrk_put(b, put_env.split(",")[0], body)
    b.wrk("interview_post", [b.raw("POST", "/api/interviews", u,
                                   {"role": "Backend engineer", "questionCount": 3}) for u in users])
    b.wrk("ticket_patch", [b.raw("PATCH", f"/api/admin/tickets/{t}", STAFF, {"status": "pending"})
                           for t in d["tickets"]], STAFF_CONNECTIONS)
    b.pool("resume_delete", [("DELETE", f"/api/resumes/{r}", "user_bench_delete", None, None)
                             for r in d["del_resumes"]])
    b.pool("interview_delete", [("DELETE", f"/api/interviews/{i}", "user_bench_delete", None, None)
                                for i in d["del_interviews"]])
    b.pool("me_delete", [("DELETE", "/api/me", u, None, None) for u in d["erased"]])
    # The loops again: other work on the machine can slow one measurement
    # of them, and the throughput check takes the faster of the two.
    bare_loops(b, "_2")

    # Expensive routes: a request per user in turn.
    ec = EXP_CONNECTIONS
    b.wrk("pdf", [b.raw("GET", f"/api/resumes/{r}/pdf", u) for u, (r, _) in zip(users, ud)], ec)
    b.wrk("ats", [b.raw("POST", f"/api/resumes/{r}/ats", u, {"jobDescription": JD})
                  for u, (r, _) in zip(users, ud)], ec)
    b.wrk("tailor", [b.raw("POST", f"/api/resumes/{r}/tailor", u, {"jobDescription": JD})
                     for u, (r, _) in zip(users, ud)], ec)
    b.wrk("export", [b.raw("GET", "/api/me/export", u) for u in users], ec)
    b.wrk("audio", [b.raw("GET", f"/api/interviews/{i}/questions/1/audio", u)
                    for u, (_, i) in zip(users, ud)], ec)
    wav = tone_wav(10, first_samples={0: 1})
    answers = [("POST", f"/api/interviews/{i}/answers", u, wav, {"Content-Type": "audio/wav"})
               for _ in range(10) for u, (_, i) in zip(users, ud)]
    b.pool("answer", answers, ec)
    b.pool("finish", [("POST", f"/api/interviews/{i}/finish", u, None, None)
                      for u, (_, i) in zip(users, ud)], ec)
    measure_targets(b, d)


def bare_loops(b, suffix):
    """The bare find and insert loops, as b_find and b_insert + suffix."""
    b.loop("b_find" + suffix, FIND_BIN, "users", "id", MAIN)
    tickets = b.stack.db()["tickets"]
    kept = [t["_id"] for t in tickets.find({}, {"_id": 1})]
    b.loop("b_insert" + suffix, INSERT_BIN, "tickets", TICKET["email"], TICKET["subject"],
           TICKET["message"])
    # The loop's thousands of tickets would make the staff list's scan the
    # loop's artefact: they go, the routes' own tickets stay.
    tickets.delete_many({"_id": {"$nin": kept}})


def wrk_put(b, ids, body):
    """PUT with If-Match needs the previous answer's ETag: scripts/bench-scale.lua,
    one connection per resume."""
    n = ids.count(",") + 1
    bodyf = os.path.join(b.dir, "resume.json")
    with open(bodyf, "wb") as f:
        f.write(body)
    env = dict(os.environ, BENCH_SCALE_MODE="put", BENCH_BODY_FILE=bodyf, BENCH_PUT_IDS=ids)
    url = f"http://127.0.0.1:{b.stack.http_port}/api/resumes"
    cmd = ["wrk", f"-t{n}", f"-c{n}", "--timeout", "10s", "-H",
           f"Authorization: Bearer {b.token(MAIN)}", "-s", os.path.join(HERE, "bench-scale.lua")]
    if WARMUP > 0:
        subprocess.run(cmd + [f"-d{WARMUP}s", url], env=env, capture_output=True)
        b.drain()
        env["BENCH_PUT_IDS"] = ",".join(f"{r}:{v}" for r, v in resume_versions(
            b, MAIN, [x.split(":")[0] for x in ids.split(",")]))
    log(f"resume_put: wrk -t{n} -c{n} -d{DURATION}s ({n} resume(s))")
    mark = b.mark()
    before = b.stack.cpu()
    p = subprocess.run(cmd + [f"-d{DURATION}s", "--latency", url], env=env, capture_output=True,
                       text=True)
    after = b.stack.cpu()
    db = b.since(mark)
    res = parse_wrk(p.stdout)
    res.update(connections=n, client="wrk", cpu=cpu_delta(before, after), db=db)
    b.drain()
    res["rss"] = [rss_mib(w) for w in b.stack.worker_pids()]
    return res


# ---- the report -------------------------------------------------------------------------
def fmt_status(res):
    bad = non2xx(res)
    if not bad:
        return "0"
    return f"{sum(bad.values())} (" + ", ".join(f"{s}×{n}" for s, n in sorted(bad.items())) + ")"


def per_req_ms(res, part):
    n = res["requests"] or 0
    return res["cpu"][part] * 1000 / n if n else 0.0


def routes_section(b, d, load_start, load_end, minutes):
    R = b.results
    base = {"hello": "b_hello", "find": "b_find", "insert": "b_insert"}
    rows = []
    for key, _, label, family, nat in ROUTES:
        if key in ("admin_tickets", "admin_privacy"):
            label += f" ({d.get('ticket_count', '?')} tickets stored)"
        res = R.get(key)
        if not res:
            rows.append(f"| {label} | {family} | not measured | | | | | | | | |")
            continue
        ok_rps = ok_count(res) / res.get("elapsed", DURATION) if res["client"] != "wrk" else \
            res["rps"] * ok_count(res) / max(1, sum(res["statuses"].values()) or res["requests"])
        ratio = "–"
        if nat:
            ratio = f"{ok_rps / best_rate(R, base[nat]):.2f} ({nat})"
        rss = "/".join(f"{x:.1f}" for x in res["rss"])
        rows.append(f"| {label} | {family} | {res['connections']}{'' if res['client'] == 'wrk' else ' (pool)'} "
                    f"| {res['rps']:.0f} | {ok_rps:.0f} | {res['p50']:.2f} | {res['p99']:.2f} "
                    f"| {fmt_status(res)} | {ratio} "
                    f"| {per_req_ms(res, 'jobtuned'):.2f} / {per_req_ms(res, 'nginx'):.2f} / {per_req_ms(res, 'db'):.2f} "
                    f"| {rss} |")
    brows = []
    for key, label in BASELINES:
        res = R[key]
        part = {"b_hello": "hello", "b_php": "php"}.get(key)
        cpu = f"{per_req_ms(res, part):.3f} (pool)" if part else (
            f"{per_req_ms(res, 'db'):.3f} (FerretDB)" if res["client"] == "loop" else "–")
        who = {"b_return": "nginx", "b_static": "nginx", "b_hello": "hello", "b_php": "php"}.get(key, "db")
        rss = "/".join(f"{x:.1f}" for x in res["rss_other"][who])
        brows.append(f"| {label} | {res['connections']} | {res['rps']:.0f} | {res['p50']:.2f} "
                     f"| {res['p99']:.2f} | {fmt_status(res) if res['client'] != 'loop' else str(res['errors']) + ' errors'} "
                     f"| {per_req_ms(res, 'nginx'):.3f} | {cpu} | {rss} ({ {'nginx': 'nginx workers', 'hello': 'hello workers', 'php': 'PHP-FPM children', 'db': 'FerretDB'}[who]}) |")
    r = lambda a, b_: R[a]["rps"] / R[b_]["rps"] if R[b_]["rps"] else 0.0  # noqa: E731
    base_ratios = (f"Static file / `return 200`: {r('b_static', 'b_return'):.2f}; hello pool / `return 200`: "
                   f"{r('b_hello', 'b_return'):.2f}; PHP-FPM / hello pool: {r('b_php', 'b_hello'):.2f}; "
                   f"`GET /api/health` / hello pool: {r('health', 'b_hello'):.2f}.")
    nm = "\n".join(f"- {what}: not measured — {why}." for what, why in NOT_MEASURED)
    return f"""<!-- routes -->
## Every route through nginx (`scripts/bench routes`)

Generated by `scripts/bench routes` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({os.environ.get('BENCH_COMMIT', 'unknown commit')}),
{minutes:.1f} minutes including the setup ({d['setup_seconds']:.0f} s of it creating the data through the API).
Load average {load_start} at the start of the measurements, {load_end} at the end
(other work shares the machine: compare numbers of the same run).
jobtuned {WORKERS} workers (`JOBTUNE_MAX_REQUESTS` 10000); CPU placement: {'FerretDB on CPU 1, everything else (nginx, jobtuned, the pools, the fake servers, wrk, the loops) on CPU 0' if PIN else 'not pinned (BENCH_PIN=0)'}.
wrk {THREADS} threads, {DURATION} s after a {WARMUP} s warm-up, `--timeout 10s`.

### Baselines, same run, same nginx

| Baseline | Conns / procs | Requests/s | p50 (ms) | p99 (ms) | Non-2xx | nginx CPU ms/req | Server CPU ms/req | RSS after (MiB) |
|---|---:|---:|---:|---:|---:|---:|---:|---|
{chr(10).join(brows)}

{base_ratios}

### Routes

| Route | Kind | Conns | All/s | 2xx–3xx/s | p50 (ms) | p99 (ms) | Non-2xx | vs. natural baseline | CPU ms/req: worker / nginx / FerretDB | Worker RSS after (MiB) |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
{chr(10).join(rows)}

{nm}

- *vs. natural baseline*: 2xx–3xx answers per second of the route divided by the baseline's
  rate: public cheap routes against the hello pool, database reads against the bare find loop
  (one `find_one` by `_id`), writes against the bare insert loop (each loop's faster
  measurement). Expensive routes have none:
  their cost is their own work (see CPU per request) and the fakes' latency.
- *CPU ms/req*: utime + stime over the measured run of the jobtuned workers (including workers
  reaped in it), nginx's workers and FerretDB, divided by the answers; the fake servers, wrk
  and this script are not counted. Ticks are 1/{TICK} s, so a route with few requests has coarse
  figures.
- Cheap routes: wrk with {CONNECTIONS} connections. The signed-in ones send one user's token
  (`{MAIN}`: 5 resumes, a tailoring, 2 interviews), staff routes a staff user's over
  {STAFF_CONNECTIONS} connections (`BENCH_STAFF_CONNECTIONS`: a few people work the queue; the lists
  scan the tickets, so their cost follows the count shown, which excludes the insert loop's);
  `GET /api/privacy/region` and `POST /api/support` vary `X-Forwarded-For`. Webhooks: 4,000
  distinct Svix-signed `user.updated` events for 50 users, sent in turn, so after the first
  4,000 requests the rest are replays (answered as duplicates without processing).
  `POST /api/resumes` and `POST /api/interviews` create for {USERS} users in turn.
  `PUT /api/resumes/{{id}}` runs 5 connections, each replacing its own resume with the ETag of its
  previous answer as `If-Match` (`scripts/bench-scale.lua`), then one connection on one resume:
  one chain's commits, one after another. `PATCH /api/admin/tickets` sets
  status `pending` on 20 tickets in turn.
- Expensive routes: {EXP_CONNECTIONS} connection(s) (`BENCH_EXPENSIVE_CONNECTIONS`), requests from
  {USERS} users in turn (a resume and a 10-question interview each); the host admits
  `JOBTUNE_WORKERS - 1` = {max(1, WORKERS - 1)} expensive request(s) at a time and two per user, so
  429s count what the limits refused, and 2xx/s is what the route delivers. With one connection a
  429 comes from the run before: wrk stops with a request in flight, its worker finishes that
  request, and the next run's first requests find the host's one admission taken (measured: three
  3 s wrk runs of `GET /api/me/export` back to back gave 0, 4 and 9 non-2xx; a client that waits
  for each answer gets none, `test_starvation.TestSequentialClient`). The fake OpenAI and
  Sarvam answer at once (they run in this script, on the app CPU).
- *(pool)*: routes that do a thing once (DELETEs, answers, finish) cannot repeat a request; a pool
  of Python threads sends a prepared list ({POOL_REQUESTS} deletions each; 10 answers per user
  in turn; one finish per interview) one request each, new connection per request, for at most
  {DURATION} s; latencies include the Python client.

{ops_section(b, d)}
{capacity_section(b)}<!-- /routes -->
"""


def ok_rate(res):
    if res["client"] == "wrk":
        return res["rps"] * ok_count(res) / max(1, sum(res["statuses"].values()) or res["requests"])
    return ok_count(res) / res.get("elapsed", DURATION) if res.get("elapsed") else res["rps"]


def capacity_section(b):
    """The capacity arithmetic, from this run's CPU per request."""
    R = b.results
    ms = lambda key, part: per_req_ms(R[key], part)  # noqa: E731
    rows, signed, db_first, app_heavy, shares = [], 0, 0, [], []
    for key, _, label, family, _ in ROUTES:
        res = R.get(key)
        if not res or not res["requests"]:
            continue
        app = ms(key, "jobtuned") + ms(key, "nginx")
        db = ms(key, "db")
        app_c = 1000 / app if app else float("inf")
        db_c = 1000 / db if db else float("inf")
        first = "database core" if db_c < app_c else "app core (worker + nginx)"
        if family in ("read", "write"):
            signed += 1
            db_first += db_c < app_c
        if db_c >= app_c and family not in ("public",):
            app_heavy.append(label)
        if family == "expensive":
            first += f"; the host admits {max(1, WORKERS - 1)} at a time"
        fmt = lambda v: "not bound" if v > 100000 else f"{v:,.0f}"  # noqa: E731
        rows.append(f"| {label} | {app:.2f} | {db:.2f} | {fmt(app_c)} | {fmt(db_c)} | {first} "
                    f"| {ok_rate(res):.0f} |")
        if family != "expensive" and min(app_c, db_c) < 100000:
            shares.append(ok_rate(res) / min(app_c, db_c))
    f_find, f_ins = ms("b_find", "db"), ms("b_insert", "db")
    hello_srv, hello_ngx = ms("b_hello", "hello"), ms("b_hello", "nginx")
    ret_ngx = ms("b_return", "nginx")
    me_db, me_app = ms("me", "db"), ms("me", "jobtuned") + ms("me", "nginx")
    pdf_w = ms("pdf", "jobtuned")
    put1, put5 = ok_rate(R["resume_put_1"]), ok_rate(R["resume_put"])
    put_db = ms("resume_put", "db")
    put_rd, put_wr = reads_writes(R["resume_put"])
    return f"""### Capacity arithmetic

CPU milliseconds per answered request, measured above, and the rate one core could sustain
for each part if nothing else ran on it (1000 / ms). *Measured* means this run's figures; the
ceilings are arithmetic on them, and what follows for other machines and MongoDB is an
estimate unless it names a measurement.

| Route | worker + nginx CPU ms | FerretDB CPU ms | one app core, req/s | one database core, req/s | saturates first | measured 2xx/s |
|---|---:|---:|---:|---:|---|---:|
{chr(10).join(rows)}

The measured rates of the cheap and write routes reached a median of
{statistics.median(shares) * 100 if shares else 0:.0f} % of the lower ceiling: the ceilings leave out wrk's own CPU
(on the app core), the time requests wait on each other (one SQLite writer), and the other work
on the machine that took part of both cores (see the load averages).

**One host** (this run: FerretDB on one core, everything else on the other).

- The fixed costs, measured: nginx spends {ret_ngx:.3f} ms per `return 200` and {hello_ngx:.3f} ms
  per request it passes to a FastCGI pool; the bare hello worker {hello_srv:.3f} ms. FerretDB
  (SQLite) spends {f_find:.3f} ms of CPU per `find` by `_id` and {f_ins:.3f} ms per insert
  from the bare loops.
- Public routes without the database (templates, region, health, status) saturate the app core:
  nginx and the worker together; the database core is idle.
- Every signed-in route reads `tombstones` by `_id` before anything else, so even `GET /api/me`
  is two finds: {me_db:.2f} ms of FerretDB CPU against {me_app:.2f} ms of worker + nginx. In this
  run the database core saturates first for {db_first} of the {signed} signed-in reads and writes
  measured, and its share grows with the route's query count (see ARCHITECTURE.md's table: a chain read is two
  lookups, a chain commit three writes). With FerretDB on SQLite, a database core is worth
  roughly 1000 / {me_db:.2f} = {1000 / me_db if me_db else 0:,.0f} `GET /api/me` per second.
- Writes cost more than their operation count predicts. `PUT /api/resumes/{{id}}` sent FerretDB
  {put_rd:.1f} finds and {put_wr:.1f} writes per request in this run (its counters, above):
  {put_rd * f_find + put_wr * f_ins:.2f} ms at the bare loops' prices, but it cost {put_db:.2f} ms of FerretDB CPU.
  Its documents are a whole resume and the user's directory, several KB each, which FerretDB
  turns into SQLite JSON and back on every write and read, where the loops move small documents
  (an explanation, not measured separately). SQLite also takes one writer at a time, so writes
  wait on each other whatever the cores.
- Routes whose app side costs more than their database side in this run:
  {", ".join(app_heavy) or "none"}. The PDF's worker CPU is its own work ({pdf_w:.2f} ms per PDF, cairo
  and Pango); it saturates the app cores, and the admission limit lets at most
  `JOBTUNE_WORKERS - 1` workers render at once, so cheap routes always keep one. The routes that wait on OpenAI or Sarvam (tailor, interview
  creation, answers, finish, question audio) use little CPU here because the fakes answer at
  once; against the real services each holds a worker for the API's latency (seconds: an
  estimate, not measured here; `scripts/bench interview` measures the answer with a 1 s fake), so
  their ceiling per host is (`JOBTUNE_WORKERS` - 1) / latency, e.g. 7 workers / 5 s = 1.4 tailorings
  per second on an 8-worker host: the admission limit, not CPU, saturates first, and more workers
  (they are cheap in memory, see the RSS column) raise it.

**N hosts against a MongoDB replica set** (an estimate built on the measurements above).

- jobtuned workers are stateless between requests (the verified-token cache is a per-worker cache
  of a check, not state), so the app-core ceilings multiply by N: N hosts of c cores serve about
  N × c × 1000 / (worker + nginx ms) of a route, nginx included.
- Every write goes to the primary: the sum over routes of rate × writes per request (ARCHITECTURE.md's
  table) must fit one primary. MongoDB's CPU per `_id` write is not measured here (FerretDB's
  {f_ins:.3f} ms is an upper bound from a slower engine); with majority write concern each write's
  latency also includes a replication round trip, which holds a worker, not a core.
- Reads go to the primary too. Secondaries could take reads by `_id` only where a stale answer is
  harmless, and MongoDB will not bound staleness below 90 s (`maxStalenessSeconds`). Not on a
  secondary: the `tombstones` check of every signed-in request (an erased account must be refused
  at once), chain reads (a commit must start from the newest head, or it conflicts; a resume's
  ETag read stale makes the next `PUT` a 412), `GET /api/me/export` (a right-of-access answer must
  be complete), the webhook de-duplication by Svix id, erasure claims and the scheduler's leases.
  The lists (`GET /api/resumes`, `/api/interviews`) would need causal-consistency sessions so a
  user sees what they just created. What can go to a secondary as it is: the staff lists
  (ticket list, deletion-request queue: seconds-old is fine, and `execute` re-reads on the
  primary). So user-facing reads stay on the primary, and the primary's capacity is the ceiling
  for N hosts; past it, every user-facing query is by `_id` (user id or random id), so a hashed
  `_id` shard key splits every collection without scatter-gather queries.
- Per-user chains: all of a user's writes to their resumes and interviews also commit their
  directory chain, one generation after another. One chain committed by one client, one request
  after the other, ran at {put1:.0f} commits/s in this run; five of one user's resumes at once
  gave {put5:.0f}/s (their directory commits conflict and retry). That bounds one user, not the
  service: users' chains are independent, and a person saves far less often than that.
- The scoreboard's limits are per host: each host admits `JOBTUNE_WORKERS - 1` expensive requests
  and two per user. Behind a balancer that is not sticky by user, one user can hold 2 × N expensive
  requests in flight and the service N × (`JOBTUNE_WORKERS` - 1); nginx's `limit_req` for
  `POST /api/support` is per host as well, so the configured rate becomes N × the rate.
"""


def worker_section(rows, load_start, load_end, minutes):
    table = []
    for w, r in rows:
        cells = []
        for key in ("templates", "resume", "pdf"):
            res = r[key]
            ok = res["rps"] * ok_count(res) / max(1, sum(res["statuses"].values()) or res["requests"])
            cells.append(f"{ok:.0f} | {res['p99']:.1f} | {sum(non2xx(res).values())}")
        table.append(f"| {w} | " + " | ".join(cells) + f" | {max(1, w - 1)} |")
    return f"""<!-- workers -->
## Throughput against the number of workers (`scripts/bench workers`)

Generated by `scripts/bench workers` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({os.environ.get('BENCH_COMMIT', 'unknown commit')}),
{minutes:.1f} minutes; load average {load_start} at the start, {load_end} at the end.
One stack per worker count (`JOBTUNE_WORKERS`), measured one after another in the same run, same
placement: {f'FerretDB on CPU {DB_CPU}, jobtuned, nginx, the fakes and wrk on CPU(s) ' + ','.join(map(str, sorted(os.sched_getaffinity(0)))) if PIN else 'not pinned'}.
With one CPU for the app side, more workers cannot add CPU time: they overlap the waits on the
database, and they take turns on the core (more context switches, colder caches); on a machine
with more cores the same command shows parallel scaling.
wrk {THREADS} threads, {DURATION} s after a {WARMUP} s warm-up.

| Workers | templates 2xx/s | p99 (ms) | non-2xx | resume read 2xx/s | p99 (ms) | non-2xx | PDF 2xx/s | p99 (ms) | non-2xx (429) | expensive admitted |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(table)}

- cheap: `GET /api/pdf/templates` (no database), {CONNECTIONS} connections; database read:
  `GET /api/resumes/{{id}}` (the `tombstones` check and a chain read: three `_id` lookups),
  {CONNECTIONS} connections; CPU-heavy: `GET /api/resumes/{{id}}/pdf` (the bench's resume rendered by cairo
  and Pango each time), as many connections as the host admits, from {USERS} users in turn. The PDF is an
  expensive route: the host admits `JOBTUNE_WORKERS - 1` at a time (last column), the rest is 429.
<!-- /workers -->
"""


def write(name, section):
    print(section)
    write_section(OUT, name, section)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "routes"
    # Stop the stacks (their finally blocks) on TERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if PIN:
        # routes: scripts/bench's placement, the app side on CPU 0.  workers:
        # the app side gets every CPU but FerretDB's, so more workers can
        # use more cores where there are more (on two CPUs: the same).
        app = {APP_CPU} if mode == "routes" else set(range(os.cpu_count())) - {DB_CPU}
        os.sched_setaffinity(0, app or {APP_CPU})
    t0 = time.monotonic()
    if mode == "routes":
        check_minimum()
        for name, v in (("BENCH_HELLO_BIN", HELLO_BIN), ("BENCH_FIND_BIN", FIND_BIN),
                        ("BENCH_INSERT_BIN", INSERT_BIN), ("BENCH_PHP_FPM", PHP_FPM)):
            if not v:
                sys.exit(f"bench-routes: {name} is not set (run scripts/bench routes)")
        b = Bench(WORKERS, baselines=True)
        try:
            d = setup_data(b)
            load_start = loadavg()
            run_routes(b, d)
            load_end = loadavg()
        finally:
            b.close()
        with open(os.path.join(TMP, "routes.json"), "w") as f:  # raw figures (BENCH_KEEP=1)
            json.dump(b.results, f, indent=1, default=str)
        write("routes", routes_section(b, d, load_start, load_end,
                                               (time.monotonic() - t0) / 60))
    elif mode == "workers":
        rows = []
        load_start = loadavg()
        for w in WORKER_COUNTS:
            b = Bench(w, baselines=False)
            try:
                b.call(MAIN, "GET", "/api/me")
                rid = b.call(MAIN, "POST", "/api/resumes", resume_doc()).json()["id"]
                users = [f"user_bench_{i:03d}" for i in range(USERS)]
                rids = create_many(b, USERS, lambda i: b.call(users[i], "POST", "/api/resumes",
                                                             resume_doc()).json()["id"])
                b.wrk(f"w{w}_templates", [b.raw("GET", "/api/pdf/templates")])
                b.wrk(f"w{w}_resume", [b.raw("GET", f"/api/resumes/{rid}", MAIN)])
                b.wrk(f"w{w}_pdf", [b.raw("GET", f"/api/resumes/{r}/pdf", u)
                                    for u, r in zip(users, rids)], max(1, w - 1))
                rows.append((w, {k: b.results[f"w{w}_{k}"] for k in ("templates", "resume", "pdf")}))
            finally:
                b.close()
        write("workers", worker_section(rows, load_start, loadavg(),
                                                (time.monotonic() - t0) / 60))
    else:
        sys.exit("usage: bench-routes.py routes|workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
