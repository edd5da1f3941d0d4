"""POST /api/webhooks/clerk through nginx: Svix signatures made here with
Python's hmac at the current time, Clerk's user.created / user.updated /
user.deleted, de-duplication by svix-id, erasure, and what the database
and the log keep."""
import base64
import datetime
import hashlib
import hmac
import json
import re
import time
import unittest
import uuid

from stack import Stack, wait_until

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
PATH = "/api/webhooks/clerk"
PASSWORD_LIKE = re.compile(r"pass|pwd|secret|hash", re.I)


def sign(secret, msg_id, ts, body):
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def new_id(prefix):
    return f"{prefix}_{uuid.uuid4().hex}"


def user_event(kind, user_id, email=None, first=None, last=None, **extra):
    """A Clerk event envelope as Clerk sends it (external-apis.md §4)."""
    if kind == "user.deleted":
        data = {"deleted": True, "id": user_id, "object": "user"}
    else:
        primary = new_id("idn")
        addresses = [{"id": new_id("idn"), "object": "email_address",
                      "email_address": f"old-{uuid.uuid4().hex[:8]}@example.org",
                      "linked_to": [], "verification": {"status": "verified"}}]
        if email is not None:
            addresses.append({"id": primary, "object": "email_address", "email_address": email,
                              "linked_to": [], "verification": {"status": "verified",
                                                                "strategy": "ticket"}})
        data = {"id": user_id, "object": "user", "first_name": first, "last_name": last,
                "username": None, "primary_email_address_id": primary if email else None,
                "email_addresses": addresses, "external_id": None,
                "public_metadata": {}, "private_metadata": {},
                "unsafe_metadata": {"theme.color": "dark", "$odd": 1},
                "password_enabled": True, "two_factor_enabled": False,
                "created_at": 1654012591514, "updated_at": 1654012591835}
        data.update(extra)
    return {"data": data, "instance_id": "ins_123", "object": "event",
            "timestamp": int(time.time() * 1000), "type": kind}


class WebhookTest(unittest.TestCase):
    pii = []  # every primary email sent, for the log check

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(workers=2, env={"CLERK_WEBHOOK_SECRET": SECRET}).start()
        db = cls.stack.db()
        cls.users, cls.tickets, cls.events = db["users"], db["tickets"], db["webhook_events"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    # ---- helpers ---------------------------------------------------------------
    def deliver(self, event=None, body=None, msg_id=None, ts=None, secret=SECRET,
                signature=None, prefix="svix", drop=()):
        body = body if body is not None else json.dumps(event).encode()
        msg_id = msg_id or new_id("msg")
        ts = str(int(time.time()) if ts is None else ts)
        headers = {"Content-Type": "application/json",
                   f"{prefix}-id": msg_id, f"{prefix}-timestamp": ts,
                   f"{prefix}-signature": signature or sign(secret, msg_id, ts, body)}
        for name in drop:
            del headers[f"{prefix}-{name}"]
        return self.stack.request("POST", PATH, body=body, headers=headers)

    def create_user(self, email=None, first="Ana", last="Müller", msg_id=None):
        user_id = new_id("user")
        email = email or f"{uuid.uuid4().hex[:10]}@example.in"
        self.pii.append(email)
        r = self.deliver(user_event("user.created", user_id, email, first, last), msg_id=msg_id)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"status": "processed"})
        return user_id, email

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertEqual(r.json()["error"]["code"], code)
        return r.json()["error"]["message"]

    # ---- events ------------------------------------------------------------------
    def test_user_created_stores_primary_email_and_name(self):
        before = datetime.datetime.utcnow().replace(microsecond=0)
        msg_id = new_id("msg")
        user_id, email = self.create_user(first="Ana", last="Müller", msg_id=msg_id)
        doc = self.users.find_one({"_id": user_id})
        self.assertIsNotNone(doc)
        self.assertEqual(doc["email"], email)  # the primary one, not the other address
        self.assertEqual(doc["name"], "Ana Müller")
        self.assertEqual(doc["consent"], {"analytics": "unset", "history": []})
        self.assertIsInstance(doc["createdAt"], datetime.datetime)
        self.assertGreaterEqual(doc["createdAt"], before)
        self.assertEqual(set(doc), {"_id", "email", "name", "consent", "createdAt", "updatedAt"})
        ev = self.events.find_one({"_id": msg_id})
        self.assertEqual(ev["type"], "user.created")
        self.assertIsInstance(ev["receivedAt"], datetime.datetime)
        self.assertEqual(set(ev), {"_id", "type", "receivedAt"})

    def test_name_is_trimmed_and_optional(self):
        for first, last, want in ((" Ravi ", None, "Ravi"), (None, "Kumar", "Kumar"),
                                  ("", "", None), (None, None, None)):
            user_id = new_id("user")
            r = self.deliver(user_event("user.created", user_id, None, first, last))
            self.assertEqual(r.json(), {"status": "processed"})
            doc = self.users.find_one({"_id": user_id})
            self.assertEqual(doc.get("name"), want)
            self.assertNotIn("email", doc)  # no primary email: none stored

    def test_user_updated_changes_email_and_name(self):
        user_id, _ = self.create_user(first="Old", last="Name")
        created = self.users.find_one({"_id": user_id})["createdAt"]
        self.pii.append("neha.sharma@example.in")
        r = self.deliver(user_event("user.updated", user_id, "neha.sharma@example.in",
                                    "Neha", "Sharma"))
        self.assertEqual(r.json(), {"status": "processed"})
        doc = self.users.find_one({"_id": user_id})
        self.assertEqual(doc["email"], "neha.sharma@example.in")
        self.assertEqual(doc["name"], "Neha Sharma")
        self.assertEqual(doc["createdAt"], created)
        self.assertGreaterEqual(doc["updatedAt"], created)

    def test_user_updated_for_an_unknown_user_creates_the_profile(self):
        user_id = new_id("user")
        self.pii.append("late@example.in")
        r = self.deliver(user_event("user.updated", user_id, "late@example.in", "Late", "Comer"))
        self.assertEqual(r.json(), {"status": "processed"})
        self.assertEqual(self.users.find_one({"_id": user_id})["name"], "Late Comer")

    def test_replayed_svix_id_is_a_duplicate_and_not_processed_again(self):
        msg_id = new_id("msg")
        user_id, email = self.create_user(first="First", last="Version", msg_id=msg_id)
        r = self.deliver(user_event("user.updated", user_id, email, "Second", "Version"),
                         msg_id=msg_id)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"status": "duplicate"})
        self.assertEqual(self.users.find_one({"_id": user_id})["name"], "First Version")
        self.assertEqual(self.events.count_documents({"_id": msg_id}), 1)

    def test_other_event_types_are_ignored(self):
        msg_id = new_id("msg")
        r = self.deliver({"data": {"id": new_id("sess"), "object": "session"},
                          "object": "event", "type": "session.created"}, msg_id=msg_id)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"status": "ignored"})
        self.assertEqual(self.events.find_one({"_id": msg_id})["type"], "session.created")

    def test_unbranded_webhook_headers_are_accepted(self):
        user_id = new_id("user")
        self.pii.append("plain@example.in")
        r = self.deliver(user_event("user.created", user_id, "plain@example.in", "Plain",
                                    "Headers"), prefix="webhook")
        self.assertEqual(r.json(), {"status": "processed"})
        self.assertIsNotNone(self.users.find_one({"_id": user_id}))

    # ---- signatures --------------------------------------------------------------
    def test_tampered_body_is_401_and_nothing_is_stored(self):
        user_id = new_id("user")
        self.pii.append("tamper@example.in")
        body = json.dumps(user_event("user.created", user_id, "tamper@example.in",
                                     "Tam", "Per")).encode()
        msg_id, ts = new_id("msg"), str(int(time.time()))
        sig = sign(SECRET, msg_id, ts, body)
        r = self.deliver(body=body.replace(b"Tam", b"Tom"), msg_id=msg_id, ts=ts, signature=sig)
        message = self.assert_error(r, 401, "unauthenticated")
        self.assertNotIn("v1,", message)
        self.assertNotIn(SECRET[6:], r.text)
        self.assertIsNone(self.users.find_one({"_id": user_id}))
        self.assertIsNone(self.events.find_one({"_id": msg_id}))

    def test_wrong_secret_is_401(self):
        user_id = new_id("user")
        r = self.deliver(user_event("user.created", user_id, "wrong@example.in", "W", "S"),
                         secret=OTHER_SECRET)
        self.assert_error(r, 401, "unauthenticated")
        self.assertIsNone(self.users.find_one({"_id": user_id}))

    def test_stale_and_future_timestamps_are_401(self):
        for offset in (-400, 400):
            user_id = new_id("user")
            r = self.deliver(user_event("user.created", user_id, "clock@example.in", "C", "K"),
                             ts=int(time.time()) + offset)
            self.assert_error(r, 401, "unauthenticated")
            self.assertIsNone(self.users.find_one({"_id": user_id}))

    def test_one_valid_signature_among_several_is_enough(self):
        user_id = new_id("user")
        self.pii.append("multi@example.in")
        body = json.dumps(user_event("user.created", user_id, "multi@example.in",
                                     "Multi", "Sig")).encode()
        msg_id, ts = new_id("msg"), str(int(time.time()))
        wrong = sign(OTHER_SECRET, msg_id, ts, body)
        good = sign(SECRET, msg_id, ts, body)
        header = f"{wrong} v2,{good[3:]} {good} {wrong}"
        r = self.deliver(body=body, msg_id=msg_id, ts=ts, signature=header)
        self.assertEqual(r.json(), {"status": "processed"})
        # the same signature under version v2 alone does not count
        r = self.deliver(body=body, msg_id=new_id("msg"), ts=ts,
                         signature=f"{wrong} v2,{good[3:]}")
        self.assertEqual(r.status, 401)

    def test_missing_or_malformed_headers_are_400(self):
        event = user_event("user.created", new_id("user"), "h@example.in", "H", "D")
        for name in ("id", "timestamp", "signature"):
            self.assert_error(self.deliver(event, drop=(name,)), 400, "bad_request")
        self.assert_error(self.deliver(event, ts="yesterday"), 400, "bad_request")
        self.assert_error(self.deliver(event, signature="v2,abc"), 400, "bad_request")
        self.assert_error(self.deliver(event, msg_id="msg with spaces"), 400, "bad_request")
        r = self.stack.request("POST", PATH, body=json.dumps(event))
        self.assert_error(r, 400, "bad_request")

    def test_signed_body_that_is_not_an_event_object_is_400(self):
        for body in (b"[1,2]", b"not json", b'{"type":"user.created"}', b""):
            self.assert_error(self.deliver(body=body), 400, "bad_request")

    def test_body_over_256_kib_is_413(self):
        r = self.deliver(body=b'{"pad":"' + b"x" * (256 * 1024) + b'"}')
        self.assert_error(r, 413, "payload_too_large")

    # ---- erasure -----------------------------------------------------------------
    def test_user_deleted_erases_the_user_and_their_tickets(self):
        user_id, email = self.create_user(first="Erase", last="Me")
        other = f"other-{uuid.uuid4().hex[:8]}@example.in"
        self.pii.append(other)
        mine = []
        for subject in ("Cannot export", "Data Deletion Request"):
            r = self.stack.request("POST", "/api/support", body={
                "email": email, "subject": subject, "message": "Please help."})
            self.assertEqual(r.status, 201, r.text)
            mine.append(r.json()["ticket"])
        r = self.stack.request("POST", "/api/support", body={
            "email": other, "subject": "Other person", "message": "Not theirs."})
        kept = r.json()["ticket"]
        signed_in = "JT-TEST-" + uuid.uuid4().hex[:4].upper()
        # as the support route files a signed-in ticket: its ref first
        key = "u:" + hmac.new(b"jobtune-development-secret-not-for-production",
                              user_id.encode(), hashlib.sha256).hexdigest()
        self.stack.db()["ticket_refs"].insert_one({"_id": key + ":1", "ticket": signed_in})
        self.tickets.insert_one({"_id": signed_in, "number": signed_in, "userId": user_id,
                                 "email": f"alias-{uuid.uuid4().hex[:6]}@example.in",
                                 "subject": "From the app", "message": "Signed in.",
                                 "status": "open"})

        msg_id = new_id("msg")
        r = self.deliver(user_event("user.deleted", user_id), msg_id=msg_id)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"status": "processed"})
        self.assertIsNone(self.users.find_one({"_id": user_id}))
        for number in mine + [signed_in]:
            self.assertIsNone(self.tickets.find_one({"_id": number}), number)
        self.assertEqual(self.tickets.count_documents({"email": email}), 0)
        self.assertEqual(self.tickets.count_documents({"userId": user_id}), 0)
        self.assertIsNotNone(self.tickets.find_one({"_id": kept}))
        self.assertEqual(self.events.find_one({"_id": msg_id})["type"], "user.deleted")

        # A retried, out-of-order profile event must not bring the user back.
        r = self.deliver(user_event("user.updated", user_id, email, "Erase", "Me"))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"status": "ignored"})
        self.assertIsNone(self.users.find_one({"_id": user_id}))

        # Deleting again, or an unknown user, is harmless.
        r = self.deliver(user_event("user.deleted", user_id))
        self.assertEqual(r.json(), {"status": "processed"})
        self.assertIsNotNone(self.tickets.find_one({"_id": kept}))

    # ---- what is kept ------------------------------------------------------------
    def test_users_hold_no_password_like_field(self):
        self.create_user(first="Pass", last="Word")
        bad = []

        def walk(value, path):
            if isinstance(value, dict):
                for k, v in value.items():
                    if PASSWORD_LIKE.search(k):
                        bad.append(f"{path}.{k}")
                    walk(v, f"{path}.{k}")
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, f"{path}[{i}]")

        docs = list(self.users.find({}))
        self.assertTrue(docs)
        for doc in docs:
            walk(doc, doc["_id"])
        self.assertEqual(bad, [])

    def test_zz_log_holds_no_emails_names_or_secret(self):
        # named to run last, so the log holds every delivery of the class
        self.create_user(email="log-canary-5521@example.in", first="Canary", last="Logsworth")
        log = self.stack.log_text()
        for value in ["log-canary-5521", "Canary", "Logsworth", "Müller", "M\\u00fcller",
                      SECRET[6:], OTHER_SECRET[6:], "example.in", "example.org"] + self.pii:
            self.assertNotIn(value, log)
        self.assertNotIn("v1,", log)
        access = [l for l in self.stack.log_lines() if l.get("route") == PATH]
        self.assertTrue(access)


class WebhookDatabaseOutageTest(unittest.TestCase):
    def test_db_down_is_503_and_the_retry_is_processed(self):
        stack = Stack(workers=1, env={"CLERK_WEBHOOK_SECRET": SECRET}).start()
        try:
            user_id, msg_id = new_id("user"), new_id("msg")
            body = json.dumps(user_event("user.created", user_id, "outage@example.in",
                                         "Out", "Age")).encode()

            def deliver():
                ts = str(int(time.time()))
                return stack.request("POST", PATH, body=body, headers={
                    "Content-Type": "application/json", "svix-id": msg_id,
                    "svix-timestamp": ts, "svix-signature": sign(SECRET, msg_id, ts, body)})

            stack.stop_db()
            r = deliver()
            self.assertEqual(r.status, 503, r.text)
            self.assertEqual(r.json()["error"]["code"], "db_unavailable")
            stack.start_db()
            wait_until(lambda: stack.get("/api/health").status == 200, timeout=30,
                       what="health after the database returned")
            r = deliver()  # Svix retries with the same svix-id
            self.assertEqual(r.json(), {"status": "processed"})
            self.assertEqual(stack.db()["users"].find_one({"_id": user_id})["name"], "Out Age")
        finally:
            stack.stop()


class WebhookNotConfiguredTest(unittest.TestCase):
    def test_without_the_secret_the_route_is_503_not_configured(self):
        stack = Stack(workers=1, env={"CLERK_WEBHOOK_SECRET": ""}).start()
        try:
            body = json.dumps(user_event("user.deleted", new_id("user"))).encode()
            msg_id, ts = new_id("msg"), str(int(time.time()))
            r = stack.request("POST", PATH, body=body, headers={
                "Content-Type": "application/json", "svix-id": msg_id,
                "svix-timestamp": ts, "svix-signature": sign(SECRET, msg_id, ts, body)})
            self.assertEqual(r.status, 503, r.text)
            err = r.json()["error"]
            self.assertEqual(err["code"], "not_configured")
            self.assertEqual(err["operator"], {"missing": "CLERK_WEBHOOK_SECRET"})
            self.assertNotIn("CLERK_WEBHOOK_SECRET", err["message"])
            self.assertEqual(stack.get("/api/health").status, 200)  # nothing else breaks
        finally:
            stack.stop()

    def test_a_secret_that_is_not_base64_is_503_not_configured(self):
        stack = Stack(workers=1, env={"CLERK_WEBHOOK_SECRET": "whsec_not base64!"}).start()
        try:
            body = b'{"type":"user.deleted","data":{"id":"user_x"}}'
            msg_id, ts = new_id("msg"), str(int(time.time()))
            r = stack.request("POST", PATH, body=body, headers={
                "Content-Type": "application/json", "svix-id": msg_id,
                "svix-timestamp": ts, "svix-signature": sign(SECRET, msg_id, ts, body)})
            self.assertEqual(r.status, 503, r.text)
            err = r.json()["error"]
            self.assertEqual(err["code"], "not_configured")
            self.assertEqual(err["operator"], {"invalid": "CLERK_WEBHOOK_SECRET"})
            self.assertNotIn("not base64!", stack.log_text())
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main()
