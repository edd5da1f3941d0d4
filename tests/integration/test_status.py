"""GET /api/status (the operator's page, after PHP-FPM's status page) and
the process titles: who may read it (loopback or staff, everyone else a
404), what it shows (the master's uptime, each worker's pid, state, route,
requests, RSS and age, and the counts of accepted requests, crashes and
slow-request kills since start), and the titles ps shows for the master,
the workers of each generation and the scheduler."""
import os
import signal
import threading
import unittest

import tokens
from stack import HANGING_DB, AuthStack, SignedInStackTest, kill_quietly, wait_until

LOOPBACK = "127.0.0.1"
SUPPORT = {"email": "ops@example.in", "subject": "Slow one", "message": "in flight"}


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().split(b"\0")[0].decode()


def comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


class StatusTest(SignedInStackTest):
    workers = 3
    stack_class = AuthStack
    # the workers' titles and generations, and workers that stay
    # connected to a hung database, are what these tests look at: no
    # recycling
    stack_options = {"request_timeout": 2, "max_requests": 0, "db_options": HANGING_DB}

    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff}

    @classmethod
    def tearDownClass(cls):
        if cls.stack.ferret:
            kill_quietly(cls.stack.ferret.pid, signal.SIGCONT)
        super().tearDownClass()

    def status(self, **kw):
        kw.setdefault("client_ip", LOOPBACK)
        return self.stack.get("/api/status", **kw)


    def test_loopback_sees_master_and_every_worker(self):
        r = self.status()
        self.assertEqual(r.status, 200, r.text)
        doc = r.json()
        self.assertEqual(doc["master"]["pid"], self.stack.jobtuned.pid)
        self.assertGreaterEqual(doc["master"]["uptimeSeconds"], 0)
        pids = sorted(w["pid"] for w in doc["workers"])
        self.assertEqual(pids, self.stack.worker_pids())
        self.assertEqual(doc["pool"]["total"], self.stack.pool)
        for w in doc["workers"]:
            self.assertIn(w["state"], ("idle", "busy"))
            self.assertGreater(w["rssBytes"], 1024 * 1024)
            self.assertGreaterEqual(w["ageSeconds"], 0)
            self.assertGreaterEqual(w["requests"], 0)
            self.assertIn(w["number"], range(1, self.stack.pool + 1))
        me = [w for w in doc["workers"] if w["state"] == "busy" and w["route"] == "/api/status"]
        self.assertEqual(len(me), 1, doc)  # the worker answering this very request
        self.assertEqual(me[0]["method"], "GET")
        ipv6 = self.status(client_ip="::1")
        self.assertEqual(ipv6.status, 200)

    def test_counts_accepted_requests(self):
        before = self.status().json()["counts"]["accepted"]
        for _ in range(5):
            self.assertEqual(self.stack.get("/api/health").status, 200)
        doc = self.status().json()
        self.assertGreaterEqual(doc["counts"]["accepted"], before + 6)
        self.assertGreaterEqual(sum(w["requests"] for w in doc["workers"]), 5)

    def test_others_get_404_staff_get_it(self):
        r = self.stack.get("/api/status")  # a documentation-range client address
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        r = self.stack.get("/api/status", headers=self.auth(tokens.new_user_id()))
        self.assertEqual(r.status, 404)
        r = self.stack.get("/api/status", headers=self.auth(self.staff))
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("workers", r.json())

    def test_process_titles(self):
        master = self.stack.jobtuned.pid
        self.assertEqual(cmdline(master), "jobtuned: master")
        titles = sorted(cmdline(p) for p in self.stack.worker_pids())
        gen = titles[0].rsplit(" ", 1)[1].rstrip(")")
        self.assertEqual(titles, [f"jobtuned: worker {n} (generation {gen})" for n in range(1, self.stack.pool + 1)])
        for p in self.stack.worker_pids():
            self.assertRegex(comm(p), r"^jobtuned-w[0-9]+$")
        sched = wait_until(self.stack.scheduler_pid, what="scheduler")
        self.assertEqual(cmdline(sched), "jobtuned: scheduler")
        self.assertEqual(comm(sched), "jobtuned-sched")
        # a rolling restart starts the next generation, numbered 1..3 again
        old = set(self.stack.worker_pids())
        self.stack.signal_master(signal.SIGHUP)
        wait_until(lambda: not (old & set(self.stack.worker_pids()))
                   and len(self.stack.worker_pids()) == self.stack.pool, what="new generation")
        titles = sorted(cmdline(p) for p in self.stack.worker_pids())
        self.assertEqual(titles, [f"jobtuned: worker {n} (generation {int(gen) + 1})"
                                  for n in range(1, self.stack.pool + 1)])
        # the master reaps an old worker a moment after its replacement is
        # up: /api/status may list it until then, never for long
        wait_until(lambda: {w["generation"] for w in self.status().json()["workers"]}
                   == {int(gen) + 1}, timeout=10, what="/api/status shows the new generation only")

    def test_zz_crashes_and_slow_kills_are_counted(self):
        counts = self.status().json()["counts"]
        victim = self.stack.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda: victim not in self.stack.worker_pids()
                   and len(self.stack.worker_pids()) == self.stack.pool, what="replacement worker")
        after = self.status().json()["counts"]
        self.assertEqual(after["crashes"], counts["crashes"] + 1)

        # requests past JOBTUNE_REQUEST_TIMEOUT (2 s): the database hangs
        # under workers that are connected to it (a fresh one gives up at once)
        for _ in range(6 * self.stack.pool):
            self.assertEqual(self.stack.request("POST", "/api/support", body=SUPPORT).status, 201)
        os.kill(self.stack.ferret.pid, signal.SIGSTOP)
        try:
            threads = [threading.Thread(target=lambda: self.stack.request(
                "POST", "/api/support", body=SUPPORT, timeout=30)) for _ in range(3)]
            for t in threads:
                t.start()
            wait_until(lambda: self.status().json()["counts"]["slowKills"]
                       > counts["slowKills"], timeout=20, what="slow kill counted")
        finally:
            os.kill(self.stack.ferret.pid, signal.SIGCONT)
        for t in threads:
            t.join(30)
        final = self.status().json()["counts"]
        self.assertEqual(final["crashes"], counts["crashes"] + 1)  # a kill is not a crash


if __name__ == "__main__":
    unittest.main()
