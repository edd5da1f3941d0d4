"""A stalled database is a quick 503: FerretDB is SIGSTOPped under warm
workers (each holds an established connection, so an operation in flight
waits on a socket that never answers, the case that hung requests for
10 s).  Requests in flight across the stall and new ones answer within 2 s
of it, a failure as 503 `db_unavailable` with Retry-After; /api/health
answers within 1 s and says the database is down; after SIGCONT writes
succeed again and no acknowledged write is lost.

The bound asserted is the documented 2 s plus SCHEDULING_MARGIN: the time
between the worker writing its answer and this process reading it (nginx,
two context switches, a loaded 2-core machine), never the database's."""
import os
import signal
import threading
import time
import unittest

import tokens
from stack import SignedInStackTest, wait_until
from test_process import db_connections

RESUMES = "/api/resumes"
PROMISED_S = 2.0           # docs/ARCHITECTURE.md: a 503 within 2 s of a stall
SCHEDULING_MARGIN_S = 0.25
HEALTH_S = 1.0             # /api/health answers within 1 s


class DatabaseStallTest(SignedInStackTest):
    workers = 2
    # warm workers, connected when the stall begins: no recycling
    stack_options = {"max_requests": 0}

    def create(self, headers, name):
        return self.stack.request("POST", RESUMES, body={"basics": {"name": name}},
                                  headers=headers)

    def timed(self, method, path, headers, body=None):
        started = time.monotonic()
        r = self.stack.request(method, path, body=body, headers=headers, timeout=30)
        return started, time.monotonic(), r

    def assert_unavailable(self, r):
        self.assertEqual(r.status, 503, r.text)
        self.assertEqual(r.json()["error"]["code"], "db_unavailable", r.text)
        self.assertEqual(r.header("retry-after"), "1")

    def test_a_stall_is_a_quick_503_and_the_stack_recovers(self):
        user = tokens.new_user_id()
        h = self.auth(user)
        acknowledged = []
        for i in range(6):
            r = self.create(h, f"Before {i}")
            self.assertEqual(r.status, 201, r.text)
            acknowledged.append(r.json()["id"])
        workers = self.stack.worker_pids()
        wait_until(lambda: self.stack.get("/api/health").status == 200
                   and all(db_connections(p, self.stack.db_port) >= 1 for p in workers),
                   what="warm workers")

        # creates and lists in a loop each, running across the stall
        answers = []  # (what, started, ended, response)
        stop = threading.Event()

        def loop(what):
            n = 0
            while not stop.is_set():
                n += 1
                if what == "create":
                    body = {"basics": {"name": f"Loop {n}"}}
                    started, ended, r = self.timed("POST", RESUMES, h, body)
                else:
                    started, ended, r = self.timed("GET", RESUMES, h)
                answers.append((what, started, ended, r))

        threads = [threading.Thread(target=loop, args=(w,)) for w in ("create", "list")]
        for t in threads:
            t.start()
        ferret = self.stack.ferret.pid
        try:
            wait_until(lambda: sum(1 for a in answers if a[0] == "create") >= 3
                       and sum(1 for a in answers if a[0] == "list") >= 3, what="loops running")
            stalled_at = time.monotonic()
            os.kill(ferret, signal.SIGSTOP)
            # each loop answers twice more, the first of them in flight at the stall
            wait_until(lambda: all(sum(1 for a in answers if a[0] == w and a[1] > stalled_at) >= 2
                                   for w in ("create", "list")), timeout=20,
                       what="answers during the stall")
            stop.set()
            for t in threads:
                t.join(30)

            # new requests, on workers that have seen the database fail
            for method, body in (("POST", {"basics": {"name": "During"}}), ("GET", None)):
                with self.subTest(new=method):
                    started, ended, r = self.timed(method, RESUMES, h, body)
                    self.assert_unavailable(r)
                    self.assertLessEqual(ended - started, PROMISED_S + SCHEDULING_MARGIN_S)
            # health, from each worker's last observation: over 0.5 s after
            # the stall no worker can have seen the database answer
            wait_until(lambda: time.monotonic() - stalled_at > 0.6, what="0.6 s of stall")
            for _ in range(6):
                started, ended, r = self.timed("GET", "/api/health", {})
                self.assertEqual(r.status, 503, r.text)
                self.assertEqual(r.json(), {"status": "degraded", "db": "down"})
                self.assertLess(ended - started, HEALTH_S)
            # no operation for a while: each worker's last observation is
            # too old to answer from, and health asks the database itself
            # (time itself is the condition of this wait); by then the stall
            # has outlasted every bound above, so no answer was a SIGCONT's doing
            quiet_from = time.monotonic()
            wait_until(lambda: time.monotonic() - quiet_from > 0.6
                       and time.monotonic() - stalled_at > PROMISED_S + SCHEDULING_MARGIN_S,
                       what="stale observations")
            for _ in range(4):
                started, ended, r = self.timed("GET", "/api/health", {})
                self.assertEqual(r.status, 503, r.text)
                self.assertLess(ended - started, HEALTH_S)
        finally:
            os.kill(ferret, signal.SIGCONT)

        probes = [l for l in self.stack.log_lines() if l.get("route") == "/api/health"
                  and l.get("status") == 503 and l.get("db_ops", 0) >= 1]
        self.assertTrue(probes, "health never had to ask the stalled database")
        self.assertLess(max(l["duration_ms"] for l in probes), HEALTH_S * 1000)
        in_flight = [a for a in answers if a[1] < stalled_at < a[2]]
        after = [a for a in answers if a[2] > stalled_at]
        self.assertTrue(in_flight, "no request was in flight when the database stalled")
        for what, started, ended, r in after:
            with self.subTest(what=what, started=round(started - stalled_at, 3)):
                if r.status not in (200, 201):
                    self.assert_unavailable(r)
                waited = ended - max(started, stalled_at)
                self.assertLessEqual(waited, PROMISED_S + SCHEDULING_MARGIN_S)
            if what == "create" and r.status == 201:
                acknowledged.append(r.json()["id"])
        self.assertTrue(any(r.status == 503 for _, _, _, r in after), "no 503 during the stall")
        for what, started, ended, r in answers:
            if what == "create" and r.status == 201 and r.json()["id"] not in acknowledged:
                acknowledged.append(r.json()["id"])

        # the stack recovers by itself: every worker healthy (6 in a row)
        # within 2 s, and writes succeed again
        resumed = time.monotonic()
        wait_until(lambda: all(self.stack.get("/api/health").status == 200 for _ in range(6)),
                   timeout=10, what="every worker healthy after SIGCONT")
        self.assertLess(time.monotonic() - resumed, PROMISED_S)
        for i in range(2 * self.stack.pool):  # every worker, most likely
            r = self.create(h, f"After {i}")
            if r.status == 503:
                # a worker whose first operation after the stall makes its
                # fresh connection's handshake on a loaded machine: the
                # client does as Retry-After says, once
                self.assert_unavailable(r)
                time.sleep(int(r.header("retry-after")))
                r = self.create(h, f"After {i}")
            self.assertEqual(r.status, 201, r.text)
            acknowledged.append(r.json()["id"])
        # no acknowledged write lost: each resume readable and listed
        for rid in acknowledged:
            r = self.stack.request("GET", f"{RESUMES}/{rid}", headers=h)
            self.assertEqual(r.status, 200, f"{rid}: {r.text}")
        listed, cursor = set(), None
        while True:
            r = self.stack.request("GET", RESUMES + "?limit=100" + (f"&cursor={cursor}" if cursor
                                                                   else ""), headers=h)
            self.assertEqual(r.status, 200, r.text)
            listed |= {item["id"] for item in r.json()["items"]}
            cursor = r.json().get("next")
            if not cursor:
                break
        self.assertLessEqual(set(acknowledged), listed)


if __name__ == "__main__":
    unittest.main()
