"""Erasure that nothing outruns: while a user's erasure runs (DELETE /api/me, or
Clerk's user.deleted), the same user's
requests already in flight keep creating resumes, tailoring, creating
interviews and filing tickets, and one slow OpenAI request spans the whole
erasure.  Once the erasure's second pass is done, a scan of every document of
every collection finds nothing of the user (id, HMAC keys, email, name,
resume text), and the receipt counts exactly what the user was told was
stored.  Twenty rounds."""
import hashlib
import hmac
import json
import threading
import time
import unittest
import uuid

import tokens
from fake_openai import FakeOpenAI
from stack import Stack, wait_until
from test_webhooks import SECRET, sign, user_event

DEV_SECRET = b"jobtune-development-secret-not-for-production"
ROUNDS = 20
REQUEST_TIMEOUT = 5
JD = "We are hiring a backend engineer: Python, Go, PostgreSQL, Kubernetes."


def pseudonym(value):
    return hmac.new(DEV_SECRET, value.encode(), hashlib.sha256).hexdigest()


class EraseWhileWriting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key()
        cls.ai = FakeOpenAI().start()
        cls.ai.delay = 1.2  # every model answer spans the erasure
        staff = tokens.new_user_id()
        cls.staff = staff
        cls.stack = Stack(workers=6, request_timeout=REQUEST_TIMEOUT, max_requests=0, env={
            "CLERK_WEBHOOK_SECRET": SECRET, "CLERK_JWT_KEY": cls.key.public_pem(),
            "CLERK_ISSUER": tokens.ISSUER, "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "JOBTUNE_ADMIN_USER_IDS": staff, "JOBTUNE_SCHEDULER_PERIOD": "1"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()

    def auth(self, user):
        return {"Authorization": "Bearer " + tokens.rs256(self.key, tokens.claims(user))}

    def call(self, method, path, user, body=None):
        return self.stack.request(method, path, body=body, headers=self.auth(user), timeout=30)

    def webhook(self, event):
        body = json.dumps(event).encode()
        msg, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        return self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(SECRET, msg, ts, body)})

    # ---- one round ---------------------------------------------------------
    def erase(self, path, user, email):
        if path == "user":
            r = self.call("DELETE", "/api/me", user)
            self.assertEqual(r.status, 200, r.text)
        elif path == "webhook":
            r = self.webhook(user_event("user.deleted", user))
            self.assertEqual(r.status, 200, r.text)

    def round(self, n, path):
        user = tokens.new_user_id()
        marker = f"Racer{uuid.uuid4().hex[:10]}"
        email = f"{marker.lower()}@example.in"
        self.assertEqual(self.webhook(user_event("user.created", user, email=email,
                                                 first=marker, last="Person")).status, 200)
        resume = {"basics": {"name": f"{marker} Person", "email": email,
                             "summary": f"{marker} builds reliable systems."},
                  "work": [{"name": f"{marker} Works", "position": "Engineer"}]}
        acked = {"resumes": 0, "tailorings": 0, "interviews": 0, "tickets": 0}
        lock = threading.Lock()
        r = self.call("POST", "/api/resumes", user, resume)
        self.assertEqual(r.status, 201, r.text)
        acked["resumes"] += 1
        first = r.json()["id"]
        stop = threading.Event()

        def ack(kind, r, ok):
            if r.status == ok:
                with lock:
                    acked[kind] += 1
            elif r.status != 401:
                errors.append((kind, r.status, r.text))

        def creator():
            while not stop.is_set():
                r = self.call("POST", "/api/resumes", user, resume)
                ack("resumes", r, 201)
                if r.status == 401:
                    return

        def tailor():
            ack("tailorings", self.call("POST", f"/api/resumes/{first}/tailor", user,
                                        {"jobDescription": JD}), 201)

        def interview():
            ack("interviews", self.call("POST", "/api/interviews", user,
                                        {"role": f"{marker} Engineer",
                                         "questionCount": 3}), 201)

        def support():
            while not stop.is_set():
                r = self.call("POST", "/api/support", user,
                              {"email": email, "subject": "Help", "message": f"{marker} asks."})
                ack("tickets", r, 201)
                if r.status == 401:
                    return

        errors = []
        threads = [threading.Thread(target=f) for f in (creator, tailor, interview, support)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # the slow requests are in flight (the model holds them 1.2 s)
        self.erase(path, user, email)
        # requests that began before the erasure finish after it
        for t in threads[1:3]:
            t.join(30)
        stop.set()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [], f"round {n} ({path})")
        return user, email, marker, acked

    # ---- the test ------------------------------------------------------------
    def test_erasure_leaves_nothing_whatever_was_in_flight(self):
        paths = ("user", "webhook")
        rounds = [self.round(n, paths[n % 2]) for n in range(ROUNDS)]
        db = self.stack.db()

        def claims_done():
            return all((db["erasure_claims"].find_one({"_id": pseudonym(u)}) or {})
                       .get("state") == "done" for u, _, _, _ in rounds)
        # the second pass comes once the request timeout plus 5 s has passed
        wait_until(claims_done, timeout=4 * REQUEST_TIMEOUT + 30, what="every second pass")
        everything = []
        for name in db.list_collection_names():
            for doc in db[name].find({}):
                everything.append((name, json.dumps(doc, default=str).lower()))
        for user, email, marker, acked in rounds:
            keys = [user.lower(), email, marker.lower(), pseudonym(email),
                    "u:" + pseudonym(user), "e:" + pseudonym(email)]
            # the tombstone, the claim and the receipt are keyed by the one
            # pseudonym an erasure keeps (HMAC of the user id): any other
            # trace is a failure
            left = [(name, k) for name, text in everything for k in keys if k in text]
            self.assertEqual(left, [], f"{user} left traces")
            receipt = db["receipts"].find_one({"subject": pseudonym(user)})
            self.assertIsNotNone(receipt, user)
            counts = receipt["counts"]
            for kind in ("resumes", "tailorings", "interviews"):
                self.assertEqual(counts.get(kind), acked[kind],
                                 f"{user} {kind}: {counts} vs {acked}")
            # Known gap: a ticket post that finds the tombstone after writing
            # withdraws the user's tickets itself (routes/support.c), and
            # those deletions are not yet added to the receipt.
            self.assertLessEqual(counts.get("tickets"), acked["tickets"], counts)
            self.assertGreater(acked["resumes"], 1, "the race created nothing during the erasure")
            self.assertEqual(counts.get("users"), 1, counts)


if __name__ == "__main__":
    unittest.main()
