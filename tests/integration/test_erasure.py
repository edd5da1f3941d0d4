"""Erasure holds across workers and sessions: once Clerk says a user was
deleted, nothing more is stored for them, even with a session token that a
worker still has cached; cross-site posts never borrow a cookie session."""
import hashlib
import hmac
import json
import time
import unittest

import tokens
from stack import Stack, wait_until
from test_webhooks import SECRET, new_id, sign, user_event

# JOBTUNE_SECRET's development default (src/base/config.h): the key of the
# ticket refs' pseudonyms
DEV_SECRET = b"jobtune-development-secret-not-for-production"

RESUME = {"basics": {"name": "Erased Person"}, "work": [{"name": "Acme", "position": "Engineer"}]}


class ErasureTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key()
        # the worker's cached session must outlive the erasure: no recycling
        cls.stack = Stack(workers=1, max_requests=0, request_timeout=5, env={
            "JOBTUNE_SCHEDULER_PERIOD": "1",
            "CLERK_WEBHOOK_SECRET": SECRET, "CLERK_JWT_KEY": cls.key.public_pem(),
            "CLERK_ISSUER": tokens.ISSUER, "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN}).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def deliver(self, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        return self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(SECRET, msg, ts, body)})

    def test_a_cached_session_cannot_write_after_erasure(self):
        user = tokens.new_user_id()
        auth = {"Authorization": "Bearer " + tokens.rs256(self.key, tokens.claims(user))}
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=auth)
        self.assertEqual(r.status, 201, r.text)  # the worker now caches this session
        self.assertEqual(self.deliver(user_event("user.deleted", user)).status, 200)
        db = self.stack.db()
        self.assertEqual(db["resumes"].count_documents({"body.userId": user}), 0)
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=auth)
        self.assertEqual(r.status, 401, r.text)
        r = self.stack.request("PATCH", "/api/me", body={"name": "Back again"}, headers=auth)
        self.assertEqual(r.status, 401, r.text)
        self.assertEqual(db["resumes"].count_documents({"body.userId": user}), 0)
        self.assertIsNone(db["users"].find_one({"_id": user}))
        # once the last pass has removed the sealed directory, the create
        # route (whose sign-in leaves the erasure question to the
        # directory) meets the tombstone when a directory would be made
        wait_until(lambda: db["directories"].find_one({"_id": user}) is None, timeout=30,
                   what="the erasure's last pass")
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=auth)
        self.assertEqual(r.status, 401, r.text)
        self.assertEqual(db["resumes"].count_documents({"body.userId": user}), 0)
        self.assertIsNone(db["directories"].find_one({"_id": user}))

    def test_a_repeated_user_deleted_erases_again(self):
        user = tokens.new_user_id()
        event = user_event("user.deleted", user)
        self.assertEqual(self.deliver(event).status, 200)
        # data that appeared in between (written before the erasure reached
        # it, say) goes with the retried delivery of the same message too:
        # a ticket as the support route stores one, its ref first
        number = "JT-TEST-" + user[-4:].upper()
        key = "u:" + hmac.new(DEV_SECRET, user.encode(), hashlib.sha256).hexdigest()
        self.stack.db()["ticket_refs"].insert_one({"_id": key + ":1", "ticket": number})
        self.stack.db()["tickets"].insert_one({"_id": number, "userId": user,
                                               "email": "x@example.in", "subject": "s",
                                               "message": "m", "status": "open"})
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        headers = {"Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
                   "svix-signature": sign(SECRET, msg, ts, body)}
        self.assertEqual(self.stack.request("POST", "/api/webhooks/clerk", body=body, headers=headers).status, 200)
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers=headers)
        self.assertEqual(r.json()["status"], "duplicate")
        self.assertEqual(self.stack.db()["tickets"].count_documents({"userId": user}), 0)
        # the refs go with the erasure's last pass, once no request that began
        # before it can still add the ticket of a ref it wrote
        wait_until(lambda: self.stack.db()["ticket_refs"].find_one({"_id": key + ":1"}) is None,
                   timeout=30, what="the second pass removing the refs")

    def test_cross_site_support_post_does_not_borrow_the_cookie_session(self):
        user = tokens.new_user_id()
        token = tokens.rs256(self.key, tokens.claims(user))
        body = {"email": "victim@example.in", "subject": "s", "message": "m"}
        r = self.stack.request("POST", "/api/support", body=body,
                               headers={"Cookie": f"__session={token}", "Origin": "https://evil.example"})
        self.assertEqual(r.status, 201)
        self.assertNotIn("userId", self.stack.db()["tickets"].find_one({"_id": r.json()["ticket"]}))
        r = self.stack.request("POST", "/api/support", body=body,
                               headers={"Cookie": f"__session={token}", "Origin": tokens.ORIGIN})
        self.assertEqual(self.stack.db()["tickets"].find_one({"_id": r.json()["ticket"]})["userId"], user)

    def test_honeypot_of_any_shape_stores_nothing(self):
        before = self.stack.db()["tickets"].count_documents({})
        for website in (["x"], {"a": 1}, 7, "x" * 20000):
            r = self.stack.request("POST", "/api/support", body={
                "email": "bot@example.in", "subject": "s", "message": "m", "website": website})
            self.assertEqual(r.status, 201, website)
        self.assertEqual(self.stack.db()["tickets"].count_documents({}), before)


if __name__ == "__main__":
    unittest.main()
