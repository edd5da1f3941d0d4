"""Erasure that nothing outruns.  While a user's erasure runs (DELETE /api/me,
Clerk's user.deleted, or a staff-executed "Data Deletion Request"), the same
user's requests already in flight keep creating resumes, tailoring, creating
interviews, answering one and filing tickets, and slow OpenAI requests (the
fake holds every answer 1.2 s) span the whole erasure.  Once the erasure's
second pass is done (the request timeout plus 5 s later), a scan of every
document of every collection finds nothing of the user (id, HMAC keys,
email, name, resume text), and the receipt counts exactly what the user was
told was stored, plus at most the writes whose outcome the client could not
know (a 503).  Twenty rounds, the three paths in turn."""
import hashlib
import hmac
import json
import threading
import time
import unittest
import uuid

import tokens
from fake_clerk import FakeClerk
from fake_openai import FakeOpenAI
from stack import AuthStack, wait_until
from test_webhooks import SECRET, sign, user_event

DEV_SECRET = b"jobtune-development-secret-not-for-production"
ROUNDS = 20
# long enough for an erasure of a few hundred documents in the sanitizer
# build on a loaded machine; the second pass comes this plus 5 s after
REQUEST_TIMEOUT = 15
LOOP = 40  # requests of each looping client per round, at most
JD = "We are hiring a backend engineer: Python, Go, PostgreSQL, Kubernetes."


def pseudonym(value):
    return hmac.new(DEV_SECRET, value.encode(), hashlib.sha256).hexdigest()


class EraseWhileWriting(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key()
        cls.ai = FakeOpenAI().start()
        cls.ai.delay = 1.2  # every model answer spans the erasure
        cls.clerk = FakeClerk().start()
        cls.staff = tokens.new_user_id()
        cls.stack = AuthStack(workers=2, slow_workers=6, request_timeout=REQUEST_TIMEOUT,
                              max_requests=0, env={
            "CLERK_WEBHOOK_SECRET": SECRET, "CLERK_JWT_KEY": cls.key.public_pem(),
            "CLERK_ISSUER": tokens.ISSUER, "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN,
            "CLERK_SECRET_KEY": cls.clerk.secret_key, "CLERK_API_URL": cls.clerk.api_url,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "JOBTUNE_ADMIN_USER_IDS": cls.staff, "JOBTUNE_SCHEDULER_PERIOD": "1",
            # every slow request of the user in flight at once, not refused
            "JOBTUNE_SLOW_PER_USER": "6"})
        try:
            cls.stack.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()
        cls.clerk.stop()

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
    @staticmethod
    def until_answered(send, attempts=5):
        """send() again while it answers 502 or 503 (a worker past the
        request timeout, the database too slow for the driver's timeout on
        a loaded machine), as a client would: every erasure path finishes
        an erasure cut short."""
        for _ in range(attempts - 1):
            r = send()
            if r.status not in (502, 503):
                return r
            time.sleep(1)  # the client's back-off before it tries again
        return send()

    def erase(self, path, user, email):
        """Erase by path; the staff path answers its request ticket's number.
        Each path may be repeated to finish an erasure cut short (a worker
        past the request timeout on a loaded machine): a client would."""
        if path == "user":
            r = self.until_answered(lambda: self.call("DELETE", "/api/me", user))
            self.assertEqual(r.status, 200, r.text)
            return None
        if path == "webhook":
            r = self.until_answered(lambda: self.webhook(user_event("user.deleted", user)))
            self.assertEqual(r.status, 200, r.text)
            return None
        r = self.stack.request("POST", "/api/support", body={
            "email": email, "subject": "Data Deletion Request",
            "message": "Please delete my account and everything in it."})
        self.assertEqual(r.status, 201, r.text)
        number = r.json()["ticket"]
        request = f"/api/admin/privacy-requests/{number}"
        r = self.call("POST", request + "/verify", self.staff, {"method": "Email reply"})
        self.assertEqual(r.status, 200, r.text)
        r = self.until_answered(lambda: self.call("POST", request + "/execute", self.staff))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["privacyRequest"]["status"], "completed", r.text)
        return number

    def round(self, n, path):
        user = tokens.new_user_id()
        marker = f"Racer{uuid.uuid4().hex[:10]}"
        email = f"{marker.lower()}@example.in"
        self.clerk.add_user(user, email=email, first_name=marker, last_name="Person")
        self.assertEqual(self.webhook(user_event("user.created", user, email=email,
                                                 first=marker, last="Person")).status, 200)
        resume = {"basics": {"name": f"{marker} Person", "email": email,
                             "summary": f"{marker} builds reliable systems."},
                  "work": [{"name": f"{marker} Works", "position": "Engineer"}]}
        acked = {"resumes": 0, "tailorings": 0, "interviews": 0, "tickets": 0, "answers": 0}
        # a 503 (the database too slow for the driver's timeout on a loaded
        # machine) is a write whose outcome the client cannot know: it may
        # have been stored, and then the erasure deletes and counts it
        unknown = dict.fromkeys(acked, 0)
        lock = threading.Lock()
        errors = []
        r = self.call("POST", "/api/resumes", user, resume)
        self.assertEqual(r.status, 201, r.text)
        first = r.json()["id"]
        r = self.call("POST", "/api/interviews", user,
                      {"role": f"{marker} Engineer", "questionCount": 10})
        self.assertEqual(r.status, 201, r.text)
        interview = r.json()["id"]
        acked["resumes"] = acked["interviews"] = 1
        stop = threading.Event()
        started = threading.Barrier(7)

        def ack(kind, r, ok, refused=(401,)):
            if r.status == ok:
                with lock:
                    acked[kind] += 1
            elif r.status == 503:
                with lock:
                    unknown[kind] += 1
            elif r.status not in refused:
                errors.append((kind, r.status, r.text[:200]))
            return r.status == ok

        def guarded(work):
            def run():
                started.wait()
                try:
                    work()
                except Exception as e:  # noqa: BLE001 - reported as the round's error
                    errors.append(("client", 0, repr(e)[:200]))
            return run

        def loop(kind, method, url, body, ok, refused=(401,)):
            def work():
                # at most LOOP requests: enough to be in flight when the
                # erasure starts, not a flood of a loaded machine's database
                for _ in range(LOOP):
                    if stop.is_set() or not ack(kind, self.call(method, url, user, body), ok,
                                                refused):
                        return
            return guarded(work)

        def once(kind, method, url, body, ok):
            return guarded(lambda: ack(kind, self.call(method, url, user, body), ok))

        workers = [
            loop("resumes", "POST", "/api/resumes", resume, 201),
            loop("tickets", "POST", "/api/support",
                 {"email": email, "subject": "Help", "message": f"{marker} asks."}, 201),
            # an answer whose interview went first is a 404, one whose
            # commit met the erasure a 409 or a 401: none is stored
            loop("answers", "POST", f"/api/interviews/{interview}/answers", {
                "text": f"{marker} answers with care."}, 201, refused=(401, 404, 409)),
            # one tailoring at a time: the route is an expensive one, one per user
            once("tailorings", "POST", f"/api/resumes/{first}/tailor", {"jobDescription": JD},
                 201),
            once("interviews", "POST", "/api/interviews",
                 {"role": f"{marker} Lead", "questionCount": 3}, 201),
            once("interviews", "POST", "/api/interviews",
                 {"role": f"{marker} Architect", "questionCount": 3}, 201),
        ]
        threads = [threading.Thread(target=w) for w in workers]
        for t in threads:
            t.start()
        started.wait()
        try:
            # the model holds each slow request 1.2 s: the erasure begins
            # under them (early rounds) or just after some finished (later)
            time.sleep(0.2 + (n % 5) * 0.35)
            request = self.erase(path, user, email)
            # the erasure has answered: the user's client sends nothing new
            # (what it sends later is a new contact: the support form takes
            # an erased account's token as no one's), and what is in flight
            # ends after the erasure
            stop.set()
            for t in threads[3:]:
                t.join(60)
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [], f"round {n} ({path})")
        return user, email, marker, acked, unknown, request

    # ---- the test ------------------------------------------------------------
    def test_erasure_leaves_nothing_whatever_was_in_flight(self):
        paths = ("user", "webhook", "staff")
        rounds = [self.round(n, paths[n % 3]) for n in range(ROUNDS)]
        db = self.stack.db()

        def claims_done():
            return all((db["erasure_claims"].find_one({"_id": pseudonym(u)}) or {})
                       .get("state") == "done" for u, *_ in rounds)
        # the second pass comes once the request timeout plus 5 s has passed
        wait_until(claims_done, timeout=4 * REQUEST_TIMEOUT + 30, what="every second pass")
        everything = []
        for name in db.list_collection_names():
            for doc in db[name].find({}):
                everything.append((name, doc.get("_id"), json.dumps(doc, default=str).lower()))
        self.maxDiff = None
        totals = {}
        for user, email, marker, acked, unknown, request in rounds:
            keys = [user.lower(), email, marker.lower(), pseudonym(email),
                    "u:" + pseudonym(user), "e:" + pseudonym(email)]
            # the tombstone, the claim and the receipt are keyed by the one
            # pseudonym an erasure keeps (HMAC of the user id, not listed
            # here), and a staff-handled request's own ticket keeps the HMAC
            # of the address it came from (emailHmac), as the record of the
            # request: any other trace is a failure
            left = [(name, k) for name, _id, text in everything for k in keys
                    if k in text and not (_id == request and k == pseudonym(email))]
            self.assertEqual(left[:6], [], f"{user} ({'staff' if request else 'user or webhook'}) "
                             f"left {len(left)} traces")
            receipt = db["receipts"].find_one({"subject": pseudonym(user)})
            self.assertIsNotNone(receipt, user)
            counts = receipt["counts"]
            # a staff-handled request sweeps the email's tickets before the
            # account's erasure: its outcome counts those, the receipt the rest
            swept = 0
            if request is not None:
                outcome = db["tickets"].find_one({"_id": request})["privacyRequest"]["outcome"]
                swept = outcome["emailTickets"]
            # exactly what was acknowledged, plus at most the writes whose
            # outcome was unknown (a 503)
            found = dict(counts, tickets=counts.get("tickets") + swept)
            for kind in ("resumes", "tailorings", "interviews", "tickets"):
                self.assertGreaterEqual(found.get(kind), acked[kind],
                                        f"{user} {kind}: {found} vs {acked} ({unknown} unknown)")
                self.assertLessEqual(found.get(kind), acked[kind] + unknown[kind],
                                     f"{user} {kind}: {found} vs {acked} ({unknown} unknown)")
            self.assertEqual(counts.get("users"), 1, counts)
            for kind, n in acked.items():
                totals[kind] = totals.get(kind, 0) + n
                totals["unknown"] = totals.get("unknown", 0) + unknown[kind]
        # the race was a race: writes were acknowledged while erasures ran
        print(f"\n    {ROUNDS} rounds, acknowledged: {totals}", flush=True)
        self.assertGreater(totals["resumes"], 2 * ROUNDS)
        self.assertGreater(totals["tickets"], ROUNDS)


if __name__ == "__main__":
    unittest.main()
