"""The real stack for integration tests: FerretDB, jobtuned and nginx.

Each Stack runs in its own temporary directory on free loopback ports and is
started and stopped by the tests themselves.  Readiness is always checked
(a TCP connect, the socket file, GET /api/health), never slept for.
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest
import urllib.parse

import tokens
from fake_openai import FakeOpenAI
from fake_sarvam import FakeSarvam

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FERRETDB = os.environ.get("FERRETDB_BIN", "")
JOBTUNED = os.environ.get("JOBTUNED_BIN", os.path.join(ROOT, "jobtuned"))
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts")
# Workers are recycled this often unless a stack asks otherwise.  The test
# runner (run.py) sets STACK_RECYCLE_AFTER=5, so that every test's workers
# end (and, in the ASan build, pass LeakSanitizer's exit check) several
# times, not only at the stack's stop; the benchmarks and scripts/chaos
# import this module without it and get production's default, 10000.
RECYCLE_AFTER = int(os.environ.get("STACK_RECYCLE_AFTER", "10000"))
# Stack(db_options=...) under which a SIGSTOPped FerretDB hangs a request
# (for the tests of request timeouts and graceful stops): by default the
# stall is a 503 within 2 s (test_db_stall.py).
HANGING_DB = "socketTimeoutMS=30000"
# One line per stopped stack: its leak-check count and any report
# (scripts/test sums them; see leak_summary.py).
LEAK_TALLY = os.path.join(ARTIFACTS, "leak-checks.jsonl")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=30.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as e:  # noqa: BLE001 - readiness probes fail until ready
            last = e
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what} (last error: {last})")


def random_client_ip():
    """A documentation-range address, so tests don't share a rate-limit bucket."""
    return f"203.0.113.{random.randint(1, 254)}" if random.random() < 0.5 else \
        f"198.51.100.{random.randint(1, 254)}"


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Stack:
    def __init__(self, workers=2, request_timeout=60, support_rate="600r/m",
                 max_requests=RECYCLE_AFTER, env=None, slow_workers=None, db_options="",
                 stream_timeout=None):
        # JOBTUNE_WORKERS for the quick routes, and JOBTUNE_SLOW_WORKERS
        # more that slow routes may fill: one by default (a small stack),
        # none for a one-worker stack, which stays one process (the tests
        # that count what one process caches or logs)
        self.workers = workers
        self.slow_workers = slow_workers if slow_workers is not None else min(workers - 1, 1)
        self.pool = workers + self.slow_workers
        self.db_options = db_options  # MONGODB_URI's options (HANGING_DB)
        self.request_timeout = request_timeout
        # a streamed answer bounded like any request, unless a test says
        # otherwise: the erasure's second pass waits for the longest
        self.stream_timeout = stream_timeout or request_timeout
        self.support_rate = support_rate
        self.max_requests = max_requests
        self.extra_env = env or {}
        self.dir = tempfile.mkdtemp(prefix="jobtune-test-")
        os.chmod(self.dir, 0o755)  # nginx workers (nobody) reach the socket
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "jobtune.sock")
        self.db_port = free_port()
        self.http_port = free_port()
        self.db_name = "jobtune_test"
        self.ferret = self.jobtuned = self.nginx = None
        self.jobtuned_log = os.path.join(self.dir, "jobtuned.log")

    # ---- lifecycle -------------------------------------------------------
    def start(self):
        os.makedirs(self.data, exist_ok=True)
        self.start_db()
        self.start_jobtuned()
        self.start_nginx()
        wait_until(lambda: self.get("/api/health").status == 200, what="health 200")
        return self

    def start_db(self):
        if not FERRETDB:
            raise RuntimeError("FERRETDB_BIN is not set (run through scripts/test)")
        os.makedirs(self.data, exist_ok=True)
        log = open(os.path.join(self.dir, "ferretdb.log"), "ab")
        self.ferret = subprocess.Popen(
            [FERRETDB, "--handler=sqlite", f"--sqlite-url=file:{self.data}/?_pragma=secure_delete(1)",
             "--telemetry=disable", "--debug-addr=-", "--log-level=warn",
             f"--state-dir={self.data}",
             f"--listen-addr=127.0.0.1:{self.db_port}"],
            stdout=log, stderr=log)
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.db_port), 0.2).close() or True,
                   what="FerretDB port")

    def resume_db(self):
        """SIGCONT for a FerretDB a test SIGSTOPped (harmless otherwise)."""
        if self.ferret and self.ferret.poll() is None:
            self.ferret.send_signal(signal.SIGCONT)

    def stop_db(self):
        if self.ferret:
            self.resume_db()
            self.ferret.terminate()
            self.ferret.wait(10)
            self.ferret = None

    def env(self):
        e = {k: v for k, v in os.environ.items() if not k.startswith(("JOBTUNE_", "MONGODB_"))}
        e.update({
            "JOBTUNE_ENV": "development",
            "JOBTUNE_LISTEN": f"unix:{self.sock}",
            "JOBTUNE_LISTEN_MODE": "0666",
            "JOBTUNE_WORKERS": str(self.workers),
            "JOBTUNE_SLOW_WORKERS": str(self.slow_workers),
            "JOBTUNE_REQUEST_TIMEOUT": str(self.request_timeout),
            "JOBTUNE_STREAM_TIMEOUT": str(self.stream_timeout),
            "JOBTUNE_MAX_REQUESTS": str(self.max_requests),
            "MONGODB_URI": f"mongodb://127.0.0.1:{self.db_port}/"
                           + (f"?{self.db_options}" if self.db_options else ""),
            "JOBTUNE_DB": self.db_name,
            "JOBTUNE_SCHEMA_DIR": os.path.join(ROOT, "sql"),
            "FERRETDB_SQLITE_DIR": self.data,
        })
        e.update(self.extra_env)
        return e

    def start_jobtuned(self):
        log = open(self.jobtuned_log, "ab")
        self.jobtuned = subprocess.Popen([JOBTUNED], env=self.env(), stdout=log, stderr=log)
        wait_until(lambda: os.path.exists(self.sock), what="jobtuned socket")
        wait_until(lambda: len(self.worker_pids()) >= self.pool, what="workers")

    def start_nginx(self):
        state = os.path.join(self.dir, "nginx")
        os.makedirs(state, exist_ok=True)
        subprocess.run(["bash", "-c", f'. "{ROOT}/scripts/lib.sh"; render_nginx "$@"', "_",
                        state, str(self.http_port), self.sock, self.support_rate], check=True)
        self.nginx_state = state
        self.nginx = subprocess.Popen(["nginx", "-c", f"{state}/nginx.conf", "-p", state,
                                       "-e", f"{state}/nginx-error.log"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.http_port), 0.2).close() or True,
                   what="nginx port")

    def stop(self):
        self.resume_db()  # a stopped database would hold up jobtuned's graceful stop
        if self.nginx and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        if self.jobtuned and self.jobtuned.poll() is None:
            # Graceful, as systemd stops it (KillSignal=SIGQUIT): every
            # child ends through its own exit path, where the ASan build
            # checks for leaks; then the fast stop, then SIGKILL.
            for sig, wait in ((signal.SIGQUIT, 15), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
                self.jobtuned.send_signal(sig)
                try:
                    self.jobtuned.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.stop_db()
        sanitizer = self.sanitizer_report()
        self.record_leak_checks()
        if os.environ.get("KEEP_TEST_DIRS") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        if sanitizer:
            raise AssertionError("jobtuned reported a sanitizer error:\n" + sanitizer)

    def sanitizer_report(self):
        """ASan/UBSan findings in jobtuned's stderr (the tests run an ASan build)."""
        try:
            text = self.log_text()
        except FileNotFoundError:
            return ""
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            i = text.find(marker)
            if i >= 0:
                return text[max(0, i - 200):i + 3000]
        return ""

    def record_leak_checks(self):
        """Append this stack's LeakSanitizer tally to LEAK_TALLY: the exits
        checked (each child logs "leak check at exit of the WHAT: ...", the
        master's check at exit is counted by its status) and every
        LeakSanitizer report in jobtuned's stderr."""
        try:
            text = self.log_text()
        except FileNotFoundError:
            return
        checked = {}
        for line in self.log_lines():
            msg = line.get("msg", "")
            if msg.startswith("leak check at exit of the ") and msg.endswith(": no leaks"):
                what = msg[len("leak check at exit of the "):-len(": no leaks")]
                checked[what] = checked.get(what, 0) + 1
        reports = []
        for m in re.finditer(r"^==\d+==ERROR: LeakSanitizer.*?^SUMMARY: .*?$", text,
                             re.M | re.S):
            reports.append(m.group(0))
        os.makedirs(ARTIFACTS, exist_ok=True)
        with open(LEAK_TALLY, "a") as f:
            f.write(json.dumps({"dir": os.path.basename(self.dir), "checked": checked,
                                "master_status": self.jobtuned.returncode if self.jobtuned else None,
                                "reports": reports}) + "\n")

    # ---- processes -------------------------------------------------------
    def worker_pids(self):
        if not self.jobtuned:
            return []
        master = self.jobtuned.pid
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == master and fields[0] != "Z":
                    with open(f"/proc/{entry}/comm") as f:
                        if f.read().strip() in ("jobtuned-sched", "jobtuned-analyt"):
                            continue  # the scheduler or the analytics child, not a worker
                    with open(f"/proc/{entry}/cmdline", "rb") as f:
                        if f.read().startswith(b"jobtuned: worker "):
                            pids.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
        return sorted(pids)

    def child_pid(self, comm):
        """The master's child whose process name is comm, or None."""
        if not self.jobtuned:
            return None
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{entry}/comm") as f:
                    name = f.read().strip()
                if int(fields[1]) == self.jobtuned.pid and name == comm and fields[0] != "Z":
                    return int(entry)
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
        return None

    def writes_with(self, marker, action):
        """Every write of the stack's processes with marker (bytes) in it
        while action() runs, as (the descriptor's path, strace's line):
        strace -f follows jobtuned's master and workers and nginx's master
        and workers (and what they start meanwhile), recording each
        write's descriptor and data byte by byte (-y -xx), in strace.txt
        of the stack's directory."""
        pids = ([self.jobtuned.pid] + self.worker_pids() + [self.nginx.pid] +
                children(self.nginx.pid))
        out = os.path.join(self.dir, "strace.txt")
        tracer = subprocess.Popen(
            ["strace", "-f", "-y", "-xx", "-s", "1048576", "-o", out,
             "-e", "trace=write,pwrite64,writev,pwritev,pwritev2"] +
            [a for p in pids for a in ("-p", str(p))],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: all(is_traced(p) for p in pids), what="strace attached")
            action()
        finally:
            tracer.terminate()
            tracer.wait(10)
        needle = "".join(f"\\x{b:02x}" for b in marker)
        found = []
        with open(out) as f:
            for line in f:
                if needle in line:
                    m = re.search(r"write\w*\(\d+<((?:\\x[0-9a-f]{2})*)>", line)
                    path = bytes.fromhex(m.group(1).replace("\\x", "")).decode() if m else "?"
                    found.append((path, line))
        return found

    def files(self):
        """(path, contents) of every regular file in the stack's directory
        (its database, logs, nginx's state) but writes_with()'s record."""
        for root, _, names in os.walk(self.dir):
            for name in names:
                path = os.path.join(root, name)
                if name != "strace.txt" and stat.S_ISREG(os.lstat(path).st_mode):
                    with open(path, "rb") as f:
                        yield path, f.read()

    def scheduler_pid(self):
        """The master's scheduler child, or None."""
        return self.child_pid("jobtuned-sched")

    def analytics_pid(self):
        """The master's analytics child, or None."""
        return self.child_pid("jobtuned-analyt")

    def signal_master(self, sig):
        os.kill(self.jobtuned.pid, sig)

    def log_text(self):
        with open(self.jobtuned_log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_lines(self):
        out = []
        for line in self.log_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"raw": line})
        return out

    # ---- HTTP --------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, client_ip=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        h = {"X-Forwarded-For": client_ip or random_client_ip()}
        h.update(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
        try:
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields, headers=None, **kw):
        h = {"Content-Type": "application/x-www-form-urlencoded",
             "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        h.update(headers or {})
        body = fields if isinstance(fields, (str, bytes)) else urllib.parse.urlencode(fields)
        return self.request("POST", path, body=body, headers=h, **kw)

    # ---- database (read-only checks, through pymongo) -----------------------
    def db(self):
        import pymongo  # Debian's python3-pymongo
        client = pymongo.MongoClient(f"mongodb://127.0.0.1:{self.db_port}/",
                                     serverSelectionTimeoutMS=3000)
        return client[self.db_name]


class AuthStack(Stack):
    """A Stack whose CLERK_* configuration is only what the test gives it
    (none inherited from the environment the tests run in); an env value
    of None leaves that variable unset."""

    def env(self):
        e = super().env()
        for k in list(e):
            if (k.startswith("CLERK_") and k not in self.extra_env) or e[k] is None:
                del e[k]
        return e


def fakes_env(ai, sv):
    """The stack's environment for a FakeOpenAI and a FakeSarvam (either
    may be None)."""
    env = {}
    if ai is not None:
        env.update(OPENAI_API_KEY=ai.api_key, OPENAI_BASE_URL=ai.base_url, OPENAI_MODEL=ai.model)
    if sv is not None:
        env.update(SARVAM_API_KEY=sv.api_key, SARVAM_BASE_URL=sv.base_url)
    return env


def stop_class_stack(cls):
    """Stop what a test class started: cls.stack, its fakes cls.ai and
    cls.sv, and its folder cls.tmp (each may be None)."""
    try:
        if cls.stack is not None:
            cls.stack.stop()
    finally:
        cls.stack = None
        for fake in (cls.ai, cls.sv):
            if fake is not None:
                fake.stop()
        cls.ai = cls.sv = None
        if cls.tmp is not None:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            cls.tmp = None


class SignedInStackTest(unittest.TestCase):
    """One stack for the class that accepts the bearer tokens auth() makes:
    RS256 with cls.key (CLERK_JWT_KEY), issuer tokens.ISSUER, authorized
    party tokens.ORIGIN.  A using class sets `workers`, `key_id` (the key's
    kid), `issuer`, `dev_signing_key` (True: the key also signs the
    development sessions, JOBTUNE_DEV_SIGNING_KEY = cls.key_path, a file in
    a directory of the class's own), `stack_class` (AuthStack to drop the
    environment's CLERK_*), `stack_options` (more Stack() keywords),
    `fake_openai` and `fake_sarvam` (True: cls.ai, a FakeOpenAI, and cls.sv,
    a FakeSarvam, are the stack's OpenAI and Sarvam, started before it and
    stopped after it) and env_extra() (more of the stack's environment).
    No tests of its own."""
    workers = 2
    key_id = None
    issuer = tokens.ISSUER
    dev_signing_key = False
    stack_class = Stack
    stack_options = {}
    fake_openai = False
    fake_sarvam = False
    stack = ai = sv = tmp = None

    @classmethod
    def env_extra(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid=cls.key_id) if cls.key_id else tokens.Key()
        env = {"CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": cls.issuer,
               "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN}
        try:
            if cls.fake_openai:
                cls.ai = FakeOpenAI().start()
            if cls.fake_sarvam:
                cls.sv = FakeSarvam().start()
            env.update(fakes_env(cls.ai, cls.sv))
            if cls.dev_signing_key:
                cls.tmp = tempfile.mkdtemp(prefix="jobtune-devkey-")
                cls.key_path = os.path.join(cls.tmp, "dev-key.pem")
                with open(cls.key_path, "w") as f:
                    f.write(cls.key.private_pem())
                env["JOBTUNE_DEV_SIGNING_KEY"] = cls.key_path
            env.update(cls.env_extra())
            cls.stack = cls.stack_class(workers=cls.workers, env=env, **cls.stack_options)
            cls.stack.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_class_stack(cls)

    def auth(self, user):
        """The Authorization header of a fresh token for user."""
        token = tokens.rs256(self.key, tokens.claims(user, iss=self.issuer))
        return {"Authorization": "Bearer " + token}


def children(pid):
    """The pids of pid's children (none once it is gone)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                pass
    return out


def is_traced(pid):
    """Has a tracer (strace -p) attached to pid?  A process that is gone
    counts as traced: a worker recycled meanwhile is replaced by a child of
    the master, which strace -f follows from its start."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return any(line.startswith("TracerPid:") and line.split()[1] != "0" for line in f)
    except FileNotFoundError:
        return True


def latencies_ms(test, call, n, pause=0.0):
    """Time n calls of call() (each must answer 200) in ms: sorted, with
    the p50 and the p99."""
    out = []
    for _ in range(n):
        t0 = time.monotonic()
        r = call()
        out.append((time.monotonic() - t0) * 1000)
        test.assertEqual(r.status, 200, r.text[:300])
        if pause:
            time.sleep(pause)
    out.sort()
    return out, out[len(out) // 2], out[int(len(out) * 0.99) - 1]


def rss_kb(pid):
    """A process's resident set (VmRSS) in KiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return None


def run_refusing_jobtuned(test, env_over, timeout=20):
    """Runs jobtuned on its own, for a test that expects it to refuse to
    start: the environment's JOBTUNE_*, MONGODB_* and CLERK_* give way to a
    minimal configuration (a socket in a directory of its own, a MONGODB_URI
    where nothing listens) and then env_over.  Fails the test if jobtuned
    keeps running.  Returns (exit status, output, the socket's path)."""
    tmp = tempfile.mkdtemp(prefix="jobtune-refuse-")
    test.addCleanup(shutil.rmtree, tmp, True)
    sock = os.path.join(tmp, "jobtune.sock")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JOBTUNE_", "MONGODB_", "CLERK_"))}
    env.update({
        "JOBTUNE_SECRET": "test-secret-not-for-production-0123456789",
        "JOBTUNE_LISTEN": f"unix:{sock}",
        "JOBTUNE_WORKERS": "1",
        "JOBTUNE_SCHEMA_DIR": os.path.join(ROOT, "sql"),
        "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}/",  # nothing listens there
    })
    env.update(env_over)
    p = subprocess.Popen([JOBTUNED], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
        test.fail("jobtuned kept running:\n" + out.decode("utf-8", "replace"))
    return p.returncode, out.decode("utf-8", "replace"), sock


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def nginx_t_production_site(d, site, snippets):
    """Run `nginx -t` on the production site text `site` in directory d, with
    the snippets (name -> text) beside it and a throwaway certificate in
    place of the real one.  Returns the CompletedProcess."""
    os.makedirs(f"{d}/snippets", exist_ok=True)
    for name, text in snippets.items():
        with open(f"{d}/snippets/{name}", "w") as f:
            f.write(text)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=jobtune.example", "-keyout", f"{d}/k.pem", "-out",
                    f"{d}/c.pem"], check=True, capture_output=True)
    site = (site.replace("/etc/ssl/certs/jobtune.example.pem", f"{d}/c.pem")
                .replace("/etc/ssl/private/jobtune.example.key", f"{d}/k.pem"))
    with open(f"{d}/site.conf", "w") as f:
        f.write(site)
    with open(f"{d}/nginx.conf", "w") as f:
        f.write(f"pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\n"
                f"http {{ include /etc/nginx/mime.types; include {d}/site.conf; }}\n")
    return subprocess.run(["nginx", "-t", "-c", f"{d}/nginx.conf", "-p", d],
                          capture_output=True, text=True)
