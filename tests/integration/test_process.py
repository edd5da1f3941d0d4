"""The process model, through nginx: database outages, worker crashes,
graceful stop, rolling restart, request timeout and recycling."""
import os
import signal
import subprocess
import threading
import time
import unittest

from stack import HANGING_DB, JOBTUNED, Stack, kill_quietly, wait_until

SUPPORT = {"email": "ops@example.in", "subject": "Slow one", "message": "in flight"}


def socket_fds(pid):
    n = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def db_connections(pid, port):
    """Established TCP connections of process pid to 127.0.0.1:port (other
    sockets, such as libcurl's internal socketpairs, do not count)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].split(":")[1], 16)
            if remote_port == port and fields[3] == "01" and fields[9] in inodes:
                n += 1
    return n


class Load:
    """Background GETs of /api/health until stopped; records every status."""

    def __init__(self, stack, threads=4, path="/api/health"):
        self.stack, self.path = stack, path
        self.statuses, self.errors = [], []
        self.stop_flag = threading.Event()
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        while not self.stop_flag.is_set():
            try:
                self.statuses.append(self.stack.get(self.path, timeout=20).status)
            except Exception as e:  # noqa: BLE001 - a refused request is a result
                self.errors.append(repr(e))

    def __enter__(self):
        for t in self.threads:
            t.start()
        wait_until(lambda: len(self.statuses) >= 20, what="load running")
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join(30)


class DatabaseOutageTest(unittest.TestCase):
    def setUp(self):
        # the same workers before and after is what this test checks: no recycling
        self.stack = Stack(workers=2, max_requests=0).start()

    def tearDown(self):
        self.stack.stop()

    def test_health_is_503_while_db_is_down_and_recovers_without_restart(self):
        master = self.stack.jobtuned.pid
        workers = self.stack.worker_pids()
        self.stack.stop_db()
        # a worker reuses what it observed for up to 0.5 s, then finds out
        wait_until(lambda: all(self.stack.get("/api/health").status == 503 for _ in range(4)),
                   timeout=2.0, interval=0.1, what="health 503 within 2 s")
        for _ in range(4):  # both workers, more than once
            t0 = time.monotonic()
            r = self.stack.get("/api/health")
            elapsed = time.monotonic() - t0
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json(), {"status": "degraded", "db": "down"})
            self.assertLess(elapsed, 2.0)
        t0 = time.monotonic()
        r = self.stack.request("POST", "/api/support", body=SUPPORT)
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["error"]["code"], "db_unavailable")
        self.assertLess(time.monotonic() - t0, 2.0)

        self.stack.start_db()
        wait_until(lambda: self.stack.get("/api/health").status == 200, timeout=30,
                   what="health after the database returned")
        wait_until(lambda: all(self.stack.get("/api/health").status == 200 for _ in range(4)),
                   timeout=30, what="every worker recovered")
        r = self.stack.request("POST", "/api/support", body=SUPPORT)
        self.assertEqual(r.status, 201)
        self.assertEqual(self.stack.jobtuned.pid, master)
        self.assertEqual(self.stack.worker_pids(), workers)  # no restart was needed

    def test_every_worker_is_healthy_within_2s_of_the_database_return(self):
        """The driver keeps a server that failed in a 5 s cooldown; a worker
        that saw the database fail right before it came back must not wait
        that out."""
        self.stack.stop_db()
        wait_until(lambda: all(self.stack.get("/api/health").status == 503 for _ in range(4)),
                   timeout=2.0, interval=0.1, what="health 503 within 2 s")
        # both workers fail an operation right before the database returns
        for _ in range(6):
            self.assertEqual(self.stack.request("POST", "/api/support", body=SUPPORT).status, 503)
        self.stack.start_db()
        back = time.monotonic()
        # every worker answers: 6 health checks in a row, all 200
        wait_until(lambda: all(self.stack.get("/api/health").status == 200 for _ in range(6)),
                   timeout=30, interval=0.05, what="every worker healthy")
        self.assertLess(time.monotonic() - back, 2.0)
        self.assertEqual(self.stack.request("POST", "/api/support", body=SUPPORT).status, 201)


class WorkerLifecycleTest(unittest.TestCase):
    def setUp(self):
        # which workers are replaced, and when, is what these tests look
        # at: no recycling besides theirs; a stalled database hangs a
        # request past the 2 s timeout instead of answering 503 in 1 s
        self.stack = Stack(workers=2, request_timeout=2, max_requests=0,
                           db_options=HANGING_DB).start()

    def tearDown(self):
        if self.stack.ferret:
            kill_quietly(self.stack.ferret.pid, signal.SIGCONT)
        self.stack.stop()

    def test_killed_worker_is_replaced_under_load(self):
        with Load(self.stack) as load:
            victim = self.stack.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            wait_until(lambda: victim not in self.stack.worker_pids()
                       and len(self.stack.worker_pids()) == self.stack.pool, what="replacement worker")
            seen = len(load.statuses)
            wait_until(lambda: len(load.statuses) > seen + 50, what="more requests")
        after = load.statuses[seen:]
        self.assertTrue(after and all(s == 200 for s in after), set(after))
        self.assertEqual(load.errors, [])
        self.assertIn(f"worker {victim} died on signal 9", self.stack.log_text())
        for _ in range(10):
            self.assertEqual(self.stack.get("/api/health").status, 200)

    def test_rolling_restart_under_load_fails_no_request(self):
        with Load(self.stack, threads=6) as load:
            old = set(self.stack.worker_pids())
            self.stack.signal_master(signal.SIGHUP)
            wait_until(lambda: not (old & set(self.stack.worker_pids()))
                       and len(self.stack.worker_pids()) == self.stack.pool, what="new generation")
            seen = len(load.statuses)
            wait_until(lambda: len(load.statuses) > seen + 50, what="requests after reload")
        self.assertEqual(load.errors, [])
        self.assertEqual(set(load.statuses), {200}, f"{len(load.statuses)} requests")
        self.assertGreater(len(load.statuses), 100)

    def test_request_past_timeout_replaces_worker_and_logs_route(self):
        before = set(self.stack.worker_pids())
        # every worker holds a database connection (a fresh one would fail
        # its handshake fast with 503 instead of hanging)
        wait_until(lambda: self.stack.get("/api/health").status == 200
                   and all(db_connections(p, self.stack.db_port) >= 1 for p in before),
                   what="warm workers")
        os.kill(self.stack.ferret.pid, signal.SIGSTOP)  # the database hangs
        result = {}
        t = threading.Thread(target=lambda: result.update(
            r=self.stack.request("POST", "/api/support", body=SUPPORT, timeout=30)))
        t.start()
        t.join(30)
        self.assertEqual(result["r"].status, 502)
        self.assertEqual(result["r"].json()["error"]["code"], "bad_gateway")
        timeouts = [l for l in self.stack.log_lines() if l.get("msg") == "request timeout, worker killed"]
        self.assertEqual(len(timeouts), 1, self.stack.log_text())
        self.assertEqual(timeouts[0]["route"], "/api/support")
        self.assertEqual(timeouts[0]["method"], "POST")
        self.assertGreaterEqual(timeouts[0]["elapsed_ms"], 2000)
        self.assertIn(timeouts[0]["worker"], before)
        os.kill(self.stack.ferret.pid, signal.SIGCONT)
        wait_until(lambda: len(self.stack.worker_pids()) == self.stack.pool
                   and timeouts[0]["worker"] not in self.stack.worker_pids(), what="replacement")
        wait_until(lambda: self.stack.get("/api/health").status == 200, what="healthy again")
        self.assertEqual(self.stack.request("POST", "/api/support", body=SUPPORT).status, 201)


class GracefulStopTest(unittest.TestCase):
    def test_sigquit_lets_the_request_in_flight_complete(self):
        # the request waits on the stalled database until SIGCONT
        stack = Stack(workers=2, request_timeout=30, db_options=HANGING_DB).start()
        try:
            idle = {pid: socket_fds(pid) for pid in stack.worker_pids()}
            os.kill(stack.ferret.pid, signal.SIGSTOP)
            result = {}
            body = dict(SUPPORT, message="finish me")
            t = threading.Thread(target=lambda: result.update(
                r=stack.request("POST", "/api/support", body=body, timeout=60)))
            t.start()
            # in flight: a worker holds one more socket (the FastCGI connection)
            wait_until(lambda: any(socket_fds(p) > n for p, n in idle.items()), what="request in flight")
            stack.signal_master(signal.SIGQUIT)
            wait_until(lambda: "graceful stop" in stack.log_text(), what="graceful stop begun")
            os.kill(stack.ferret.pid, signal.SIGCONT)
            t.join(60)
            self.assertEqual(result["r"].status, 201, result["r"].text)
            self.assertEqual(stack.jobtuned.wait(30), 0)
            self.assertEqual(stack.worker_pids(), [])
            ticket = result["r"].json()["ticket"]
            self.assertEqual(stack.db()["tickets"].find_one({"_id": ticket})["message"], "finish me")
        finally:
            if stack.ferret:
                kill_quietly(stack.ferret.pid, signal.SIGCONT)
            stack.stop()

    def test_sigterm_stops_fast(self):
        stack = Stack(workers=2).start()
        try:
            workers = stack.worker_pids()
            stack.signal_master(signal.SIGTERM)
            self.assertEqual(stack.jobtuned.wait(10), 0)
            # the workers ended on the TERM itself, not on the KILL that follows 2 s later
            self.assertNotIn("did not stop in time", stack.log_text())
            for pid in workers:
                self.assertFalse(os.path.exists(f"/proc/{pid}/stat")
                                 and "Z" not in open(f"/proc/{pid}/stat").read().split()[2])
        finally:
            stack.stop()


class CrashGuardTest(unittest.TestCase):
    def test_repeated_crashes_back_off_instead_of_looping(self):
        stack = Stack(workers=2).start()
        try:
            killed = set()
            # kill every worker as it appears, until the guard trips
            def guard_tripped():
                for pid in stack.worker_pids():
                    if pid not in killed:
                        killed.add(pid)
                        kill_quietly(pid)
                return "workers are crashing repeatedly" in stack.log_text()
            wait_until(guard_tripped, timeout=20, interval=0.02, what="crash guard")
            self.assertGreater(len(killed), 6)
            # after the back-off the pool is refilled and serves again
            wait_until(lambda: len(stack.worker_pids()) == stack.pool, timeout=40, what="pool refilled")
            wait_until(lambda: stack.get("/api/health").status == 200, what="serving again")
            self.assertEqual(stack.jobtuned.poll(), None)
        finally:
            stack.stop()


class OrphanTest(unittest.TestCase):
    def test_workers_exit_when_the_master_dies(self):
        stack = Stack(workers=2).start()
        try:
            workers = stack.worker_pids()
            os.kill(stack.jobtuned.pid, signal.SIGKILL)
            stack.jobtuned.wait(10)

            def gone(pid):
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        return f.read().rsplit(")", 1)[1].split()[0] == "Z"
                except FileNotFoundError:
                    return True
            wait_until(lambda: all(gone(p) for p in workers), timeout=10, what="orphans gone")
        finally:
            stack.stop()


class RecyclingTest(unittest.TestCase):
    def test_workers_are_replaced_after_max_requests(self):
        stack = Stack(workers=2, max_requests=5).start()
        try:
            first = set(stack.worker_pids())
            statuses = [stack.get("/api/health").status for _ in range(30)]
            self.assertEqual(set(statuses), {200})
            wait_until(lambda: len(stack.worker_pids()) == stack.pool, what="pool refilled")
            self.assertFalse(first & set(stack.worker_pids()))
            self.assertNotIn("died", stack.log_text())
        finally:
            stack.stop()


class StartupTest(unittest.TestCase):
    def test_bad_configuration_stops_with_a_message(self):
        stack = Stack(workers=2, env={"JOBTUNE_WORKERS": "many"})
        try:
            p = subprocess.run([JOBTUNED], env=stack.env(), stderr=subprocess.PIPE, timeout=10)
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"JOBTUNE_WORKERS must be a whole number", p.stderr)
        finally:
            stack.stop()

    def test_workers_that_cannot_initialise_are_not_respawned(self):
        stack = Stack(workers=2, env={"MONGODB_URI": "mongodb://"})
        try:
            p = subprocess.run([JOBTUNED], env=stack.env(), stderr=subprocess.PIPE,
                               timeout=30)
            self.assertEqual(p.returncode, 1)
            err = p.stderr.decode()
            self.assertIn("failed to initialise; not respawning", err)
            self.assertIn("no worker could start", err)
            self.assertLess(err.count("worker cannot start"), 5)  # no crash loop
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main()
