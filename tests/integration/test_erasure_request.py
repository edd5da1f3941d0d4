"""The right to erasure on request (DELETE /api/me), its receipt, and the
scheduler that finishes interrupted erasures and keeps the retention rules,
on one host and on two hosts sharing one database.

Time is moved with JOBTUNE_CLOCK_FILE (development only): erasures count as
stalled, deletion requests as overdue and deliveries as old without
waiting.  The scheduler runs a slot a second (JOBTUNE_SCHEDULER_PERIOD=1).
"""
import hashlib
import hmac
import json
import os
import re
import signal
import time
import unittest
import uuid

import tokens
from fake_clerk import FakeClerk
from stack import Stack, wait_until
from test_auth import AuthStack
from test_resumes import WEBHOOK_SECRET, ResumeClient
from test_webhooks import sign, user_event
from tokens import ISSUER, ORIGIN

ME = "/api/me"
DEV_SECRET = b"jobtune-development-secret-not-for-production"
DAY_MS = 24 * 3600 * 1000


def pseudonym(user):
    """What the server keys an erased account's records with (development key)."""
    return hmac.new(DEV_SECRET, user.encode(), hashlib.sha256).hexdigest()


class ErasureClient(ResumeClient):
    @classmethod
    def start_stack(cls, kid, workers):
        """A stack with a fake Clerk, the moved clock and a fast scheduler."""
        cls.key = tokens.Key(kid=kid)
        cls.clerk = FakeClerk(keys=[cls.key]).start()
        cls.stack = AuthStack(workers=workers, request_timeout=5)
        cls.clock = os.path.join(cls.stack.dir, "clock-offset")
        cls.stack.extra_env = erasure_env(cls.key, cls.clerk, cls.clock)
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.clerk.stop()
            raise

    def webhook(self, event):
        body = json.dumps(event).encode()
        msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg_id, ts, body)})
        self.assertEqual(r.status, 200, r.text)
        return msg_id

    def move_clock(self, ms):
        with open(self.clock, "w") as f:
            f.write(str(ms))

    def seed_user(self, user, email):
        """A user with a profile (email from Clerk), resumes, tickets signed
        in and by email in another case."""
        self.clerk.add_user(user, email=email, first_name="Ira", last_name="Sen")
        self.webhook(user_event("user.created", user, email=email, first="Ira", last="Sen"))
        self.create(user, {"basics": {"name": "Ira Sen", "email": email}})
        self.create(user, {"basics": {"name": "Ira Sen 2"}})
        r = self.call("POST", "/api/support", user, body={
            "email": email, "subject": "Help", "message": "Signed in."})
        self.assertEqual(r.status, 201, r.text)
        r = self.stack.request("POST", "/api/support", body={
            "email": email.upper(), "subject": "Help", "message": "From the form."})
        self.assertEqual(r.status, 201, r.text)

    def clock_ms(self):
        try:
            with open(self.clock) as f:
                return int(f.read().strip() or 0)
        except FileNotFoundError:
            return 0

    def traces_after_sweep(self, user, email):
        """traces() once the erasure's second pass is due and has run: the
        clock moves past the request timeout plus 5 s, and the scheduler
        (every second) sweeps and removes the sealed directory."""
        self.move_clock(self.clock_ms() + 11000)
        try:
            wait_until(lambda: self.traces(user, email) == [], timeout=20,
                       what="the second pass")
        except TimeoutError:
            pass  # the assertion that follows shows what is left
        return self.traces(user, email)

    def traces(self, user, email):
        """Every document of every collection that names user or email (any case)."""
        db = self.stack.db()
        found = []
        for name in db.list_collection_names():
            for doc in db[name].find({}):
                text = json.dumps(doc, default=str).lower()
                if user.lower() in text or email.lower() in text:
                    found.append((name, doc.get("_id")))
        return found


def erasure_env(key, clerk, clock, **extra):
    return {"CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CLERK_SECRET_KEY": clerk.secret_key, "CLERK_API_URL": clerk.api_url,
            "JOBTUNE_CLOCK_FILE": clock, "JOBTUNE_SCHEDULER_PERIOD": "1",
            "JOBTUNE_REQUEST_TIMEOUT": "5", **extra}


class ErasureRequestTest(ErasureClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.start_stack("ins_test_erasure_request", 2)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.clerk.stop()

    def setUp(self):
        self.move_clock(0)
        self.user = tokens.new_user_id()
        self.email = f"ira.{uuid.uuid4().hex[:8]}@example.in"
        self.clerk.fail_next = None

    def test_erasure_with_a_receipt_leaves_nothing_and_the_token_is_refused(self):
        other = tokens.new_user_id()
        self.seed_user(self.user, self.email)
        kept = self.create(other, {"basics": {"name": "Someone else"}})["id"]
        self.assertTrue(self.traces(self.user, self.email))
        token = self.token(self.user)

        r = self.stack.request("DELETE", ME, headers={"Authorization": f"Bearer {token}"})
        self.assertEqual(r.status, 200, r.text)
        receipt = r.json()
        self.assertRegex(receipt["receiptId"], r"^[0-9a-f]{24}$")
        self.assertTrue(receipt["erasedAt"].endswith("Z"))
        self.assertEqual(receipt["counts"]["resumes"], 2)
        self.assertEqual(receipt["counts"]["tickets"], 2)
        self.assertEqual(receipt["counts"]["users"], 1)
        self.assertIn("__session=;", r.header("set-cookie"))
        self.assertEqual(self.clerk.count(f"/v1/users/{self.user}", "DELETE"), 1)

        # nothing names the user or the email, in any case, anywhere
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])
        stored = self.stack.db()["receipts"].find_one({"_id": receipt["receiptId"]})
        self.assertNotIn(self.user, json.dumps(stored, default=str))
        # the same token is refused on every route, by every worker
        for _ in range(6):
            for path in (ME, "/api/resumes", "/api/interviews"):
                self.assertEqual(self.stack.get(path, headers={
                    "Authorization": f"Bearer {token}"}).status, 401, path)
        r = self.stack.request("POST", "/api/support", headers={
            "Authorization": f"Bearer {token}"}, body={
            "email": "new@example.in", "subject": "x", "message": "y"})
        self.assertEqual(r.status, 201)
        self.assertNotIn("userId", self.stack.db()["tickets"].find_one(
            {"_id": r.json()["ticket"]}))
        # and a second DELETE with it is 401 too: the erasure is done
        self.assertEqual(self.stack.request("DELETE", ME, headers={
            "Authorization": f"Bearer {token}"}).status, 401)
        self.assertEqual(self.call("GET", f"/api/resumes/{kept}", other).status, 200)

    def test_erased_content_is_not_left_in_the_database_files(self):
        """FerretDB runs with secure_delete (stack.py's --sqlite-url), and the
        scheduler checkpoints the write-ahead log after the last pass: the
        bytes of an erased resume are in no file of the database directory."""
        marker = f"Unforgettable{uuid.uuid4().hex[:12]}"
        self.seed_user(self.user, self.email)
        self.create(self.user, {"basics": {"name": marker, "summary": marker * 20}})

        def files_with(needle):
            found = []
            for name in os.listdir(self.stack.data):
                path = os.path.join(self.stack.data, name)
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        if needle.encode() in f.read():
                            found.append(name)
            return found
        self.assertTrue(files_with(marker))  # the check finds what is there
        self.assertEqual(self.call("DELETE", ME, self.user).status, 200)
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])
        try:
            wait_until(lambda: files_with(marker) == [], timeout=20,
                       what="the erased resume's bytes gone from the files")
        except TimeoutError:
            self.fail(f"{files_with(marker)} still hold the erased resume")

    def test_a_ticket_stored_before_ticket_refs_is_backfilled_and_erased(self):
        """An older ticket, stored without refs or their mark, is given its
        references by the scheduler, so the erasure finds it by _id."""
        self.seed_user(self.user, self.email)
        old = "JT-OLD0-" + uuid.uuid4().hex[:4].upper()
        tickets = self.stack.db()["tickets"]
        tickets.insert_one({"_id": old, "number": old, "email": self.email.title(),
                            "subject": "Help", "message": "From before.", "status": "open"})
        wait_until(lambda: (tickets.find_one({"_id": old}) or {}).get("refs") is True,
                   timeout=20, what="the backfill marking the old ticket")
        r = self.call("DELETE", ME, self.user)
        self.assertEqual(r.status, 200, r.text)
        self.assertIsNone(tickets.find_one({"_id": old}))
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])

    def test_a_cookie_delete_needs_an_allowed_origin(self):
        cookie = {"Cookie": f"__session={self.token(self.user)}"}
        self.assertEqual(self.stack.request("DELETE", ME, headers=cookie).status, 403)
        r = self.stack.request("DELETE", ME, headers={**cookie, "Origin": ORIGIN})
        self.assertEqual(r.status, 200, r.text)

    def test_clerk_failing_is_finished_by_a_retry(self):
        self.seed_user(self.user, self.email)
        self.clerk.fail_next = 500
        r = self.call("DELETE", ME, self.user)
        self.assert_error(r, 503, "erasure_incomplete")
        self.assertEqual(r.header("retry-after"), "30")
        # the data is gone already; the token only reaches the erasure itself
        self.assertEqual(self.call("GET", ME, self.user).status, 401)
        r = self.call("DELETE", ME, self.user)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["counts"]["resumes"], 2)
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])

    def test_clerk_failing_is_finished_by_the_scheduler(self):
        self.seed_user(self.user, self.email)
        self.clerk.fail_next = (500, 1)
        self.assertEqual(self.call("DELETE", ME, self.user).status, 503)
        claims = self.stack.db()["erasure_claims"]
        self.assertEqual(claims.count_documents({"state": "running"}), 1)
        # an hour later the claim is stalled: the scheduler takes it
        self.move_clock(3600 * 1000)
        wait_until(lambda: claims.count_documents({"state": "running"}) == 0, timeout=20,
                   what="the scheduler finishing the erasure")
        self.assertEqual(self.clerk.count(f"/v1/users/{self.user}", "DELETE"), 2)
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])
        claim = claims.find_one({"_id": pseudonym(self.user)})
        self.assertEqual(claim["state"], "done")
        self.assertIsNotNone(self.stack.db()["receipts"].find_one({"_id": claim["receiptId"]}))

    def test_a_worker_killed_mid_erasure_is_finished_by_a_retry(self):
        self.seed_user(self.user, self.email)
        self.killed_erasure("erasure_before_clerk")
        self.assertEqual(self.clerk.count(f"/v1/users/{self.user}", "DELETE"), 0)
        r = self.call("DELETE", ME, self.user)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.clerk.count(f"/v1/users/{self.user}", "DELETE"), 1)
        self.assertEqual(self.traces_after_sweep(self.user, self.email), [])

    def test_the_receipt_counts_every_attempt_of_an_erasure_cut_short(self):
        """A worker killed in the middle of deleting a user's resumes (the
        5th of 12): the retry deletes the other 7, and the receipt counts
        all 12, as each deletion was counted as it happened."""
        self.seed_user(self.user, self.email)  # 2 resumes, 2 tickets
        for i in range(10):
            self.create(self.user, {"basics": {"name": f"Ira Sen {i}"}})
        self.killed_erasure("resume_erased@5")
        left = self.stack.db()["resumes"].count_documents({"body.userId": self.user})
        self.assertEqual(left, 12 - 5)  # the kill came in the middle
        r = self.call("DELETE", ME, self.user)
        self.assertEqual(r.status, 200, r.text)
        counts = r.json()["counts"]
        self.assertEqual((counts["resumes"], counts["tickets"], counts["users"]), (12, 2, 1))

    def killed_erasure(self, fault):
        """DELETE /api/me on a jobtuned whose worker dies at the fault point
        (nginx answers 502); jobtuned is then started again without it."""
        self.restart_jobtuned(fault)
        try:
            before = set(self.stack.worker_pids())
            self.assertEqual(self.call("DELETE", ME, self.user).status, 502)
            wait_until(lambda: set(self.stack.worker_pids()) - before, what="a new worker")
        finally:
            self.restart_jobtuned(None)

    def restart_jobtuned(self, fault):
        self.stack.jobtuned.send_signal(signal.SIGTERM)
        self.stack.jobtuned.wait(10)
        os.unlink(self.stack.sock)
        env = erasure_env(self.key, self.clerk, self.clock)
        if fault:
            env["JOBTUNE_FAULT"] = fault
        self.stack.extra_env = env
        self.stack.start_jobtuned()
        wait_until(lambda: self.stack.get("/api/health").status == 200, what="health")

    def test_overdue_deletion_requests_show_in_health(self):
        def overdue():
            return self.stack.get("/api/health").json().get("overduePrivacyRequests")

        wait_until(lambda: overdue() is not None, timeout=20, what="a first overdue count")
        base = overdue()
        r = self.stack.request("POST", "/api/support", body={
            "email": self.email, "subject": "Data Deletion Request", "message": "Erase me."})
        self.assertEqual(r.status, 201, r.text)
        self.move_clock(31 * DAY_MS)
        wait_until(lambda: overdue() == base + 1, timeout=20, what="the overdue count")
        self.assertIn("past their 30-day due date", self.stack.log_text())

    def test_retention_removes_old_deliveries_and_keeps_tombstones(self):
        msg = self.webhook(user_event("user.created", self.user, email=self.email))
        gone = self.webhook(user_event("user.deleted", self.user))
        events = self.stack.db()["webhook_events"]
        self.assertIsNotNone(events.find_one({"_id": msg}))
        self.move_clock(8 * DAY_MS)
        wait_until(lambda: events.find_one({"_id": msg}) is None and
                   events.find_one({"_id": gone}) is None, timeout=20,
                   what="week-old deliveries removed")
        # the erased account still cannot come back
        self.webhook(user_event("user.updated", self.user, email=self.email))
        self.assertIsNone(self.stack.db()["users"].find_one({"_id": self.user}))
        self.assertEqual(self.call("GET", ME, self.user).status, 401)


class TwoHostsTest(ErasureClient, unittest.TestCase):
    """Two jobtuned hosts, each with its scheduler, on one database: each
    interrupted erasure is finished once, and a host that dies mid-job
    hands it to the other when its lease expires."""

    @classmethod
    def setUpClass(cls):
        cls.second = None
        cls.start_stack("ins_test_two_hosts", 1)

    @classmethod
    def tearDownClass(cls):
        if cls.second is not None:
            cls.second.stop()
        cls.stack.stop()
        cls.clerk.stop()

    def host(self, **extra):
        """Another jobtuned on the first stack's database (no nginx)."""
        h = AuthStack(workers=1, request_timeout=5)
        h.db_port, h.db_name, h.data = self.stack.db_port, self.stack.db_name, self.stack.data
        h.extra_env = erasure_env(self.key, self.clerk, self.clock, **extra)
        h.start_jobtuned()
        return h

    def interrupted_erasure(self, user):
        self.clerk.fail_next = (500, 1)
        self.assertEqual(self.call("DELETE", ME, user).status, 503)

    def test_each_interrupted_erasure_is_finished_once(self):
        self.move_clock(0)
        second = self.host()
        try:
            users = [tokens.new_user_id() for _ in range(3)]
            for u in users:
                self.seed_user(u, f"{u.lower()}@example.in")
                self.interrupted_erasure(u)
            self.clerk.reset_counts()
            self.move_clock(3600 * 1000)
            claims = self.stack.db()["erasure_claims"]
            wait_until(lambda: claims.count_documents({"state": "running"}) == 0, timeout=30,
                       what="both schedulers finishing the erasures")
            # and, once its requests can no longer run, each second pass
            self.move_clock(2 * 3600 * 1000)
            wait_until(lambda: all(claims.find_one({"_id": pseudonym(u)})["state"] == "done"
                                   for u in users), timeout=30, what="the second passes")
            for u in users:
                self.assertEqual(self.clerk.count(f"/v1/users/{u}", "DELETE"), 1, u)
                self.assertEqual(claims.find_one({"_id": pseudonym(u)})["state"], "done")
            # each job of each slot was leased by exactly one host
            leases = list(self.stack.db()["jobs"].find({"kind": "lease"}))
            self.assertEqual(len(leases), len({d["_id"] for d in leases}))
            hosts = {d["host"].rsplit(":", 1)[1] for d in leases}
            self.assertGreaterEqual(len(hosts), 2, "both schedulers took leases")
        finally:
            second.stop()

    def test_a_host_dying_mid_job_hands_it_to_the_other(self):
        self.move_clock(0)
        user = tokens.new_user_id()
        self.seed_user(user, f"{user.lower()}@example.in")
        self.interrupted_erasure(user)
        # the only other host dies whenever it works an erasure
        doomed = self.host(JOBTUNE_FAULT="scheduler_erasure")
        try:
            # stop this stack's own scheduler from competing until the doomed one died
            sched = [self.stack.scheduler_pid()]
            self.assertIsNotNone(sched[0])
            for p in sched:
                os.kill(p, signal.SIGSTOP)
            self.move_clock(3600 * 1000)
            wait_until(lambda: "scheduler died on signal 9" in doomed.log_text(), timeout=20,
                       what="the doomed host's scheduler dying mid-job")
            self.assertEqual(self.stack.db()["erasure_claims"].count_documents(
                {"state": "running"}), 1)
            for p in sched:
                os.kill(p, signal.SIGCONT)
            wait_until(lambda: self.stack.db()["erasure_claims"].count_documents(
                {"state": "running"}) == 0, timeout=30, what="the other host taking over")
            self.assertIn("finished 1 of 1 erasures", self.stack.log_text())
        finally:
            doomed.stop()


if __name__ == "__main__":
    unittest.main()
