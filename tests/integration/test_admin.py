"""The staff routes through nginx: /api/admin/tickets and the deletion-request
queue /api/admin/privacy-requests, against a fake Clerk Backend API.

Who may call them (401 unsigned, 403 signed in but not staff, on every
route); the ticket list's filters and keyset pages; status changes and
notes; and deletion requests from the support form (form post and JSON)
through verify and execute to completion: the account's local data and
its Clerk user gone, nothing left in any collection that names the user
id or the email (in any case), the request record kept under an HMAC of
the email.  Due dates, daysLeft and the overdue flag are checked by
moving the server's wall clock (JOBTUNE_CLOCK_FILE) 31 days on.  Without
CLERK_SECRET_KEY both erasures (the user's own and the staff's) erase
what is held here and say the sign-in account was not deleted."""
import datetime
import json
import os
import re
import time
import unittest
import urllib.parse

import tokens
from stack import wait_until
from fake_clerk import FakeClerk
from stack import AuthStack, SignedInStackTest
from test_webhooks import SECRET, new_id, sign, user_event

DAY_S = 24 * 3600
RESUME = {"basics": {"name": "Priya Sharma", "email": "priya@example.in"},
          "work": [{"name": "Acme", "position": "Engineer"}]}


def ticket_from(location):
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["ticket"][0]


class AdminTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key()
        cls.staff = tokens.new_user_id()
        cls.clerk = FakeClerk().start()
        cls.clock_offset_s = 0
        cls.stack = AuthStack(workers=2, env={
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": tokens.ISSUER,
            "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN, "CLERK_WEBHOOK_SECRET": SECRET,
            "CLERK_SECRET_KEY": cls.clerk.secret_key, "CLERK_API_URL": cls.clerk.api_url,
            "JOBTUNE_ADMIN_USER_IDS": f"user_someone_else, {cls.staff}",
            "JOBTUNE_SCHEDULER_PERIOD": "1",
            "JOBTUNE_SECRET": "admin-test-secret-0123456789abcdef0123456789"})
        cls.clock_file = os.path.join(cls.stack.dir, "clock")
        cls.stack.extra_env["JOBTUNE_CLOCK_FILE"] = cls.clock_file
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.clerk.stop()
            raise
        cls.db = cls.stack.db()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.clerk.stop()

    def tearDown(self):
        self.set_clock(0)

    # ---- helpers ------------------------------------------------------------------
    def set_clock(self, offset_s):
        type(self).clock_offset_s = offset_s
        with open(self.clock_file, "w") as f:
            f.write(str(int(offset_s * 1000)))

    def token(self, sub):
        return tokens.rs256(self.key, tokens.claims(sub, now=int(time.time()) + self.clock_offset_s))

    def call(self, method, path, body=None, sub=None, headers=None):
        h = dict(headers or {})
        h["Authorization"] = "Bearer " + self.token(sub or self.staff)
        return self.stack.request(method, path, body=body, headers=h)

    def ok(self, r, status=200):
        self.assertEqual(r.status, status, r.text)
        return r.json()

    def error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertEqual(r.json()["error"]["code"], code, r.text)
        return r.json()["error"]

    def deliver(self, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(SECRET, msg, ts, body)})
        self.assertEqual(r.status, 200, r.text)

    def deletion_request(self, email, form=True, name="Priya Sharma"):
        fields = {"email": email, "name": name, "subject": "  data deletion REQUEST ",
                  "message": "Please delete my account and everything in it."}
        if form:
            r = self.stack.post_form("/api/support", fields)
            self.assertEqual(r.status, 303, r.text)
            return ticket_from(r.header("location"))
        r = self.stack.request("POST", "/api/support", body=fields)
        body = self.ok(r, 201)
        self.assertIn("dueAt", body["privacyRequest"])
        return body["ticket"]

    def make_account(self, email):
        """A user known to Clerk and here, with two resumes and a ticket."""
        user = tokens.new_user_id()
        self.clerk.add_user(user, email=email, first_name="Priya", last_name="Sharma")
        self.deliver(user_event("user.created", user, email=email, first="Priya", last="Sharma"))
        auth = {"Authorization": "Bearer " + self.token(user)}
        for _ in range(2):
            self.ok(self.stack.request("POST", "/api/resumes", body=RESUME, headers=auth), 201)
        r = self.stack.request("POST", "/api/support", headers=auth, body={
            "email": "other-address@example.in", "subject": "Billing", "message": "A question"})
        self.ok(r, 201)
        self.assertEqual(self.db["users"].find_one({"_id": user})["email"], email)
        return user

    def privacy_item(self, number):
        items = self.ok(self.call("GET", "/api/admin/privacy-requests"))["items"]
        found = [i for i in items if i["id"] == number]
        return found[0] if found else None

    def assert_nothing_names(self, *needles):
        """No document names any needle, once every erasure's second pass
        has run: the clock moves past the request timeout plus 5 s (the
        sealed directory waits that long for requests still in flight), and
        the scheduler (every second) sweeps."""
        self.set_clock(self.clock_offset_s + 66)
        wait_until(lambda: self.db["erasure_claims"].count_documents(
            {"state": {"$in": ["running", "sweeping"]}}) == 0, timeout=20,
            what="the erasures' second passes")
        needles = [n.lower() for n in needles]
        for name in self.db.list_collection_names():
            for doc in self.db[name].find():
                text = json.dumps(doc, default=str).lower()
                for n in needles:
                    self.assertNotIn(n, text, f"{name} still holds {n}: {doc}")

    # ---- who may call -------------------------------------------------------------
    def test_every_admin_route_refuses_unsigned_and_non_staff(self):
        number = self.deletion_request("someone@example.in", form=False)
        routes = [("GET", "/api/admin/tickets", None),
                  ("GET", "/api/admin/config", None),
                  ("GET", f"/api/admin/tickets/{number}", None),
                  ("PATCH", f"/api/admin/tickets/{number}", {"status": "closed"}),
                  ("POST", f"/api/admin/tickets/{number}/replies", {"message": "x"}),
                  ("GET", "/api/admin/privacy-requests", None),
                  ("POST", f"/api/admin/privacy-requests/{number}/verify", {"method": "x"}),
                  ("POST", f"/api/admin/privacy-requests/{number}/execute", None),
                  ("POST", f"/api/admin/privacy-requests/{number}/close", {"reason": "x"})]
        outsider = tokens.new_user_id()
        for method, path, body in routes:
            with self.subTest(method=method, path=path):
                self.error(self.stack.request(method, path, body=body), 401, "unauthenticated")
                self.error(self.call(method, path, body=body, sub=outsider), 403, "forbidden")
        doc = self.db["tickets"].find_one({"_id": number})
        self.assertEqual(doc["status"], "open")
        self.assertEqual(doc["privacyRequest"]["status"], "open")

    # ---- tickets --------------------------------------------------------------------
    def test_ticket_list_filters_and_pages_newest_first(self):
        """Filed through the route with the server's clock moved to days
        after every other ticket of the class (the list is in filing
        order, which the wall clock follows)."""
        today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0,
                                                                      microsecond=0)
        base = today + datetime.timedelta(days=400, hours=12)
        day = lambda k: (base + datetime.timedelta(days=k)).strftime("%Y-%m-%d")
        statuses = ["open", "pending", "closed", "open", "pending", "open", "closed"]
        ids = []
        for i, status in enumerate(statuses):
            created = base + datetime.timedelta(hours=8 * (i // 2))  # pairs share a time
            self.set_clock(created.timestamp() - time.time())
            r = self.stack.request("POST", "/api/support", body={
                "email": f"t{i}@example.in", "subject": f"Question {i}", "message": "m"})
            number = self.ok(r, 201)["ticket"]
            if status != "open":
                self.ok(self.call("PATCH", f"/api/admin/tickets/{number}", body={"status": status}))
            ids.append((created, number, status))
        expected = [n for _, n, _ in reversed(ids)]  # newest filed first

        seen, cursor = [], None
        for _ in range(10):
            q = f"from={day(0)}&to={day(2)}&limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = self.ok(self.call("GET", "/api/admin/tickets?" + q))
            self.assertLessEqual(len(page["items"]), 3)
            seen += [i["ticket"] for i in page["items"]]
            cursor = page["next"]
            if cursor is None:
                break
        self.assertEqual(seen, expected)
        item = self.ok(self.call("GET", f"/api/admin/tickets?from={day(0)}&to={day(0)}&limit=1"))["items"][0]
        self.assertEqual(set(item), {"ticket", "status", "subject", "email", "name", "createdAt",
                                     "regime", "privacyRequest"})
        self.assertIsNone(item["privacyRequest"])

        pending = self.ok(self.call("GET", f"/api/admin/tickets?status=pending&from={day(0)}&to={day(30)}"))
        self.assertEqual([i["ticket"] for i in pending["items"]],
                         [n for n in expected if dict((x[1], x[2]) for x in ids)[n] == "pending"])
        self.assertIsNone(pending["next"])
        # one day: from its midnight to the end of `to` (inclusive)
        day2 = self.ok(self.call("GET", f"/api/admin/tickets?from={day(1)}&to={day(1)}"))["items"]
        self.assertEqual([i["ticket"] for i in day2],
                         [n for c, n, _ in reversed(ids) if c.date() == (base + datetime.timedelta(days=1)).date()])
        self.assertEqual(self.ok(self.call("GET", f"/api/admin/tickets?from={day(3)}&to={day(3)}"))["items"], [])

        for q, field in [("status=done", "status"), ("from=2001-3-1", "from"), ("to=yesterday", "to"),
                         ("limit=0", "limit"), ("limit=101", "limit"), ("cursor=zzz", "cursor"),
                         ("from=2001-03-05&to=2001-03-01", "to")]:
            with self.subTest(q=q):
                err = self.error(self.call("GET", "/api/admin/tickets?" + q), 422, "validation_failed")
                self.assertIn(field, err["fields"])

    def test_status_filters_follow_status_changes(self):
        """open and pending are lists of their own (in the order tickets
        took the status): a ticket that left a status is no longer listed
        under it, one that came back is listed once, first."""
        made = []
        for i in range(3):
            r = self.stack.request("POST", "/api/support", body={
                "email": f"moves{i}@example.in", "subject": f"Moves {i}", "message": "m"})
            made.append(self.ok(r, 201)["ticket"])
        a, b, c = made
        for number, status in [(a, "pending"), (b, "closed"), (a, "open")]:
            self.ok(self.call("PATCH", f"/api/admin/tickets/{number}", body={"status": status}))

        def listed(status):
            items = self.ok(self.call("GET", f"/api/admin/tickets?status={status}&limit=100"))["items"]
            self.assertTrue(all(i["status"] == status for i in items), items)
            return [i["ticket"] for i in items if i["ticket"] in made]

        self.assertEqual(listed("open"), [a, c])
        self.assertEqual(listed("pending"), [])
        self.assertEqual(listed("closed"), [b])
        self.assertEqual([i["ticket"] for i in self.ok(self.call(
            "GET", "/api/admin/tickets?limit=100"))["items"] if i["ticket"] in made], [c, b, a])

    def test_ticket_list_shows_new_tickets_with_their_request(self):
        number = self.deletion_request("list-me@example.in", form=False)
        items = self.ok(self.call("GET", "/api/admin/tickets?status=open&limit=100"))["items"]
        item = [i for i in items if i["ticket"] == number][0]
        self.assertEqual(item["email"], "list-me@example.in")
        self.assertEqual(item["privacyRequest"]["type"], "deletion")
        self.assertEqual(item["privacyRequest"]["status"], "open")
        self.assertIn("dueAt", item["privacyRequest"])

    def test_patch_status_and_note(self):
        r = self.stack.request("POST", "/api/support", body={
            "email": "patch-me@example.in", "subject": "Export broken", "message": "Help"})
        number = self.ok(r, 201)["ticket"]
        path = f"/api/admin/tickets/{number}"
        t = self.ok(self.call("PATCH", path, body={"status": "pending", "note": "  Asked for a screenshot. "}))
        self.assertEqual(t["ticket"], number)
        self.assertEqual(t["status"], "pending")
        self.assertEqual(len(t["history"]), 1)
        self.assertEqual({k: t["history"][0][k] for k in ("staffId", "from", "to")},
                         {"staffId": self.staff, "from": "open", "to": "pending"})
        self.assertEqual(t["notes"][0]["text"], "Asked for a screenshot.")
        self.assertEqual(t["notes"][0]["staffId"], self.staff)
        self.assertIn("at", t["notes"][0])

        t = self.ok(self.call("PATCH", path, body={"note": "Second note"}))
        self.assertEqual(t["status"], "pending")
        self.assertEqual([n["text"] for n in t["notes"]], ["Asked for a screenshot.", "Second note"])
        self.assertEqual(len(t["history"]), 1)
        t = self.ok(self.call("PATCH", path, body={"status": "closed"}))
        self.assertEqual([(h["from"], h["to"]) for h in t["history"]],
                         [("open", "pending"), ("pending", "closed")])
        doc = self.db["tickets"].find_one({"_id": number})
        self.assertEqual(doc["status"], "closed")
        self.assertEqual(len(doc["notes"]), 2)

        for body, field in [({}, "status"), ({"status": "done"}, "status"), ({"status": 1}, "status"),
                            ({"note": ""}, "note"), ({"note": "x" * 2001}, "note"),
                            ({"note": 5}, "note"), ({"priority": "high"}, "priority")]:
            with self.subTest(body=body):
                err = self.error(self.call("PATCH", path, body=body), 422, "validation_failed")
                self.assertIn(field, err["fields"])
        self.error(self.call("PATCH", "/api/admin/tickets/JT-ZZZZ-ZZZZ", body={"status": "open"}),
                   404, "not_found")
        self.error(self.call("PATCH", "/api/admin/tickets/nonsense", body={"status": "open"}),
                   404, "not_found")
        # staff activity is logged with the staff id and the number, never the content
        log = self.stack.log_text()
        self.assertIn(f"staff {self.staff} changed ticket {number}", log)
        self.assertNotIn("patch-me@example.in", log)
        self.assertNotIn("screenshot", log)

    # ---- deletion requests ----------------------------------------------------------
    def run_deletion(self, form):
        email = f"Priya.{new_id('x')[-8:]}@Example.IN"
        user = self.make_account(email.lower())
        number = self.deletion_request(email, form=form)

        item = self.privacy_item(number)
        self.assertEqual(item["status"], "open")
        self.assertEqual(item["daysLeft"], 30)
        self.assertFalse(item["overdue"])
        self.assertEqual(item["email"], email)
        path = f"/api/admin/privacy-requests/{number}"
        self.error(self.call("POST", path + "/execute"), 409, "conflict")
        self.error(self.call("POST", path + "/verify", body={}), 422, "validation_failed")
        self.error(self.call("POST", path + "/verify", body={"method": "x" * 201}), 422,
                   "validation_failed")
        t = self.ok(self.call("POST", path + "/verify", body={
            "method": "Replied from the account's email address", "note": "matched"}))
        self.assertEqual(t["privacyRequest"]["status"], "verified")
        self.assertEqual(t["privacyRequest"]["verification"]["method"],
                         "Replied from the account's email address")
        self.error(self.call("POST", path + "/verify", body={"method": "again"}), 409, "conflict")

        self.clerk.deleted.clear()
        t = self.ok(self.call("POST", path + "/execute"))
        pr = t["privacyRequest"]
        self.assertEqual(pr["status"], "completed")
        self.assertEqual(t["status"], "closed")
        self.assertEqual(pr["outcome"]["result"], "erased")
        self.assertEqual(pr["outcome"]["accounts"], 1)
        self.assertEqual(pr["outcome"]["deleted"]["resumes"], 2)
        self.assertEqual([h["action"] for h in pr["history"]],
                         ["verified", "executing", "pseudonymised", "completed"])
        self.assertTrue(all(h["staffId"] == self.staff for h in pr["history"]))
        self.assertEqual(self.clerk.deleted, [user])
        self.assertNotIn(user, self.clerk.users)
        self.assertNotIn("email", t)
        self.assertRegex(t["emailHmac"], r"^[0-9a-f]{64}$")

        self.assertIsNone(self.db["users"].find_one({"_id": user}))
        self.assertEqual(self.db["resumes"].count_documents({"body.userId": user}), 0)
        self.assert_nothing_names(user, email)
        self.assertIsNone(self.privacy_item(number))
        # the request's record stays, pseudonymous, as proof of the deadline kept
        doc = self.db["tickets"].find_one({"_id": number})
        self.assertEqual(doc["subject"].strip().lower(), "data deletion request")
        for gone in ("email", "name", "message", "userId"):
            self.assertNotIn(gone, doc)
        self.assertLessEqual(doc["privacyRequest"]["completedAt"], doc["privacyRequest"]["dueAt"])
        # the erased account cannot come back with an old session
        r = self.stack.get("/api/me", headers={"Authorization": "Bearer " + self.token(user)})
        self.assertEqual(r.status, 401, r.text)
        self.error(self.call("POST", path + "/execute"), 409, "conflict")
        log = self.stack.log_text()
        self.assertNotIn(email.lower(), log.lower())
        self.assertIn(f"staff {self.staff} completed deletion request {number}", log)

    def test_deletion_request_from_the_form_is_executed(self):
        self.run_deletion(form=True)

    def test_deletion_request_from_json_is_executed(self):
        self.run_deletion(form=False)

    def test_due_dates_days_left_and_overdue(self):
        number = self.deletion_request("late@example.in", form=False)
        doc = self.db["tickets"].find_one({"_id": number})["privacyRequest"]
        self.assertEqual(doc["dueAt"] - doc["openedAt"], datetime.timedelta(days=30))
        item = self.privacy_item(number)
        self.assertEqual((item["daysLeft"], item["overdue"]), (30, False))
        self.set_clock(29 * DAY_S + 3600)
        item = self.privacy_item(number)
        self.assertEqual((item["daysLeft"], item["overdue"]), (1, False))
        self.set_clock(31 * DAY_S)
        body = self.ok(self.call("GET", "/api/admin/privacy-requests"))
        item = [i for i in body["items"] if i["id"] == number][0]
        self.assertEqual((item["daysLeft"], item["overdue"]), (-1, True))
        self.assertGreaterEqual(body["overdue"], 1)
        dues = [i["dueAt"] for i in body["items"]]
        self.assertEqual(dues, sorted(dues))

    def test_execute_with_no_account_erases_the_emails_tickets(self):
        email = f"nobody-{new_id('x')[-6:]}@example.in"
        r = self.stack.request("POST", "/api/support", body={
            "email": email, "subject": "Hello", "message": "An earlier question"})
        earlier = self.ok(r, 201)["ticket"]
        number = self.deletion_request(email, form=True, name="No Body")
        path = f"/api/admin/privacy-requests/{number}"
        self.ok(self.call("POST", path + "/verify", body={"method": "Email reply"}))
        self.clerk.deleted.clear()
        t = self.ok(self.call("POST", path + "/execute"))
        self.assertEqual(t["privacyRequest"]["status"], "completed")
        self.assertEqual(t["privacyRequest"]["outcome"]["result"], "no_account")
        self.assertIn("No account found", t["privacyRequest"]["history"][-1]["note"])
        self.assertEqual(self.clerk.deleted, [])
        self.assertIsNone(self.db["tickets"].find_one({"_id": earlier}))
        self.assertIsNotNone(self.db["tickets"].find_one({"_id": number}))
        self.assert_nothing_names(email, "No Body")

    def test_close_with_a_reason(self):
        number = self.deletion_request("closer@example.in", form=False)
        path = f"/api/admin/privacy-requests/{number}"
        self.error(self.call("POST", path + "/close", body={}), 422, "validation_failed")
        self.error(self.call("POST", path + "/close", body={"reason": "x", "extra": 1}), 422,
                   "validation_failed")
        t = self.ok(self.call("POST", path + "/close", body={"reason": "Could not verify identity"}))
        self.assertEqual(t["privacyRequest"]["status"], "closed")
        self.assertEqual(t["status"], "closed")
        self.assertEqual(t["privacyRequest"]["history"][-1]["action"], "closed")
        self.assertEqual(t["privacyRequest"]["history"][-1]["note"], "Could not verify identity")
        self.assertEqual(t["email"], "closer@example.in")  # nothing erased
        for action, body in (("verify", {"method": "m"}), ("execute", None), ("close", {"reason": "r"})):
            self.error(self.call("POST", f"{path}/{action}", body=body), 409, "conflict")
        self.assertIsNone(self.privacy_item(number))

    def test_unknown_and_non_deletion_tickets_are_404(self):
        r = self.stack.request("POST", "/api/support", body={
            "email": "plain@example.in", "subject": "Not a deletion", "message": "m"})
        plain = self.ok(r, 201)["ticket"]
        for number in ("JT-ZZZZ-ZZZZ", "nope", plain):
            for action, body in (("verify", {"method": "m"}), ("execute", None), ("close", {"reason": "r"})):
                with self.subTest(number=number, action=action):
                    self.error(self.call("POST", f"/api/admin/privacy-requests/{number}/{action}",
                                         body=body), 404, "not_found")

    def test_execute_is_retried_after_clerk_failures(self):
        email = f"retry-{new_id('x')[-6:]}@example.in"
        user = self.make_account(email)
        number = self.deletion_request(email, form=False)
        path = f"/api/admin/privacy-requests/{number}"
        self.ok(self.call("POST", path + "/verify", body={"method": "Email reply"}))

        # Clerk fails the lookup: nothing erased yet, the request is executing
        self.clerk.fail_next = 500
        self.error(self.call("POST", path + "/execute"), 502, "clerk_unavailable")
        doc = self.db["tickets"].find_one({"_id": number})
        self.assertEqual(doc["privacyRequest"]["status"], "executing")
        self.assertEqual(doc["email"], email)
        self.assertIsNotNone(self.db["users"].find_one({"_id": user}))
        self.assertEqual(self.privacy_item(number)["status"], "executing")
        self.error(self.call("POST", path + "/close", body={"reason": "r"}), 409, "conflict")

        # Clerk fails the deletion: our data is gone, Clerk's user is not
        self.clerk.deleted.clear()
        self.clerk.fail_next = (503, 1, "DELETE")
        self.error(self.call("POST", path + "/execute"), 502, "clerk_unavailable")
        doc = self.db["tickets"].find_one({"_id": number})
        self.assertEqual(doc["privacyRequest"]["status"], "executing")
        self.assertNotIn("email", doc)
        self.assertIsNone(self.db["users"].find_one({"_id": user}))
        self.assertIn(user, self.clerk.users)

        # the retry finishes it
        t = self.ok(self.call("POST", path + "/execute"))
        self.assertEqual(t["privacyRequest"]["status"], "completed")
        self.assertEqual(t["privacyRequest"]["outcome"]["accounts"], 1)
        self.assertNotIn(user, self.clerk.users)
        self.assertEqual(self.clerk.deleted, [user])  # the failed DELETE did nothing
        self.assertEqual(self.clerk.count(f"/v1/users/{user}", "DELETE"), 2)
        actions = [h["action"] for h in t["privacyRequest"]["history"]]
        self.assertEqual(actions, ["verified", "executing", "failed", "pseudonymised", "failed",
                                   "completed"])
        self.assert_nothing_names(user, email)


class AdminWithoutClerkApiTest(SignedInStackTest):
    """Without CLERK_SECRET_KEY both ways of erasing an account behave
    alike: the user's own DELETE /api/me and a staff-executed deletion
    request erase everything held here, and both say the sign-in account
    was not deleted (the receipt's signInAccount, the request's outcome),
    instead of one claiming it and the other refusing to run."""
    workers = 1
    stack_class = AuthStack

    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "CLERK_WEBHOOK_SECRET": SECRET}

    def deliver(self, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(SECRET, msg, ts, body)})
        self.assertEqual(r.status, 200, r.text)

    def account(self, email):
        user = tokens.new_user_id()
        self.deliver(user_event("user.created", user, email=email, first="Priya", last="Sharma"))
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=self.auth(user))
        self.assertEqual(r.status, 201, r.text)
        return user

    def test_the_console_is_told_before_anyone_executes(self):
        r = self.stack.request("GET", "/api/admin/config", headers=self.auth(self.staff))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["clerkAccounts"], {"available": False,
                                                     "missing": "CLERK_SECRET_KEY"})

    def test_own_deletion_erases_here_and_says_the_sign_in_account_stays(self):
        user = self.account("own-noclerk@example.in")
        r = self.stack.request("DELETE", "/api/me", headers=self.auth(user))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["signInAccount"], "not_deleted")
        self.assertEqual(r.json()["counts"]["resumes"], 1)
        db = self.stack.db()
        self.assertIsNone(db["users"].find_one({"_id": user}))
        self.assertEqual(db["receipts"].find_one({"_id": r.json()["receiptId"]})["clerk"],
                         "not_configured")

    def test_staff_execute_erases_here_and_says_the_sign_in_account_stays(self):
        user = self.account("staff-noclerk@example.in")
        r = self.stack.request("POST", "/api/support", body={
            "email": "staff-noclerk@example.in", "subject": "Data Deletion Request",
            "message": "m"})
        number = r.json()["ticket"]
        auth = self.auth(self.staff)
        path = f"/api/admin/privacy-requests/{number}"
        r = self.stack.request("POST", path + "/verify", body={"method": "m"}, headers=auth)
        self.assertEqual(r.status, 200, r.text)
        r = self.stack.request("POST", path + "/execute", headers=auth)
        self.assertEqual(r.status, 200, r.text)
        pr = r.json()["privacyRequest"]
        self.assertEqual(pr["status"], "completed")
        self.assertEqual(pr["outcome"]["result"], "erased")
        self.assertEqual(pr["outcome"]["accounts"], 1)
        self.assertEqual(pr["outcome"]["deleted"]["resumes"], 1)
        self.assertEqual(pr["outcome"]["signInAccounts"], "not_deleted")
        self.assertIn("CLERK_SECRET_KEY is not set", pr["outcome"]["note"])
        db = self.stack.db()
        self.assertIsNone(db["users"].find_one({"_id": user}))
        receipt = db["receipts"].find_one({"subject": {"$exists": True}, "clerk": "not_configured",
                                           "counts.resumes": 1})
        self.assertIsNotNone(receipt)
        # and the user's token is refused, as after DELETE /api/me
        r = self.stack.request("GET", "/api/me", headers=self.auth(user))
        self.assertEqual(r.status, 401, r.text)


if __name__ == "__main__":
    unittest.main()
