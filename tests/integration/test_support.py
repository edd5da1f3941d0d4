"""POST /api/support through nginx: form and JSON clients, validation,
limits, the honeypot, deletion requests, and what lands in the database."""
import datetime
import json
import re
import unittest
import urllib.parse

from stack import Stack

TICKET = re.compile(r"^JT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


class SupportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(workers=2, support_rate="6r/m").start()
        cls.tickets = cls.stack.db()["tickets"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def count(self):
        return self.tickets.count_documents({})

    def valid(self, **over):
        d = {"email": "ravi@example.in", "name": "Ravi Kumar",
             "subject": "Cannot export my resume", "message": "The PDF button does nothing."}
        d.update(over)
        return d

    # ---- success ---------------------------------------------------------
    def test_form_post_redirects_to_thanks_and_stores_every_field(self):
        before = datetime.datetime.utcnow().replace(microsecond=0)
        r = self.stack.post_form("/api/support", self.valid(name="Ana Müller"))
        self.assertEqual(r.status, 303, r.text)
        loc = r.header("location")
        m = re.match(r"^/support/thanks\?ticket=(.+)$", loc)
        self.assertIsNotNone(m, loc)
        number = m.group(1)
        self.assertRegex(number, TICKET)
        doc = self.tickets.find_one({"_id": number})
        self.assertIsNotNone(doc)
        self.assertEqual(doc["number"], number)
        self.assertEqual(doc["email"], "ravi@example.in")
        self.assertEqual(doc["name"], "Ana Müller")
        self.assertEqual(doc["subject"], "Cannot export my resume")
        self.assertEqual(doc["message"], "The PDF button does nothing.")
        self.assertEqual(doc["status"], "open")
        self.assertEqual(doc["channel"], "form")
        self.assertIsInstance(doc["createdAt"], datetime.datetime)
        self.assertGreaterEqual(doc["createdAt"], before)
        self.assertNotIn("privacyRequest", doc)
        # the thanks page shows the number, served by nginx
        page = self.stack.get(loc)
        self.assertEqual(page.status, 200)
        self.assertIn(f'id="ticket-number">{number}<', page.text)

    def test_thanks_page_ignores_a_forged_ticket_parameter(self):
        page = self.stack.get("/support/thanks?ticket=%3Cscript%3Ealert(1)%3C/script%3E")
        self.assertEqual(page.status, 200)
        self.assertNotIn("<script>alert", page.text)
        self.assertNotIn('id="ticket-number"><', page.text.replace('id="ticket-number"></', ""))

    def test_json_post_answers_201_and_name_is_optional(self):
        body = self.valid()
        del body["name"]
        r = self.stack.request("POST", "/api/support", body=body)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.header("content-type"), "application/json")
        j = r.json()
        self.assertEqual(j["status"], "open")
        self.assertRegex(j["ticket"], TICKET)
        self.assertNotIn("privacyRequest", j)
        doc = self.tickets.find_one({"_id": j["ticket"]})
        self.assertEqual(doc["channel"], "api")
        self.assertNotIn("name", doc)
        self.assertTrue(r.header("x-request-id"))

    def test_ticket_numbers_are_unique(self):
        """Twenty tickets, twenty numbers, each stored once under the number
        its answer gave, with that request's message.  (The retry after a
        number that is taken: TicketNumberCollisionTest.)"""
        numbers = {}
        for i in range(20):
            r = self.stack.request("POST", "/api/support", body=self.valid(message=f"m{i}"))
            self.assertEqual(r.status, 201, r.text)
            number = r.json()["ticket"]
            self.assertRegex(number, TICKET)
            self.assertNotIn(number, numbers, "a number was given twice")
            numbers[number] = f"m{i}"
        stored = {d["_id"]: (d["number"], d["message"]) for d in
                  self.tickets.find({"_id": {"$in": list(numbers)}})}
        self.assertEqual(stored, {n: (n, m) for n, m in numbers.items()})

    def test_unicode_is_stored_exactly(self):
        msg = "नमस्ते — résumé ✓ 😀"
        r = self.stack.request("POST", "/api/support", body=self.valid(message=msg, name="अनन्या"))
        self.assertEqual(r.status, 201)
        doc = self.tickets.find_one({"_id": r.json()["ticket"]})
        self.assertEqual(doc["message"], msg)
        self.assertEqual(doc["name"], "अनन्या")

    # ---- deletion requests ---------------------------------------------
    def test_deletion_subject_opens_privacy_request_due_in_30_days(self):
        for subject in ("Data Deletion Request", "  data deletion REQUEST \t"):
            r = self.stack.request("POST", "/api/support", body=self.valid(subject=subject))
            self.assertEqual(r.status, 201, r.text)
            j = r.json()
            due = datetime.datetime.strptime(j["privacyRequest"]["dueAt"], "%Y-%m-%dT%H:%M:%S.%fZ")
            doc = self.tickets.find_one({"_id": j["ticket"]})
            pr = doc["privacyRequest"]
            self.assertEqual(pr["type"], "deletion")
            self.assertEqual(pr["status"], "open")
            self.assertEqual(pr["dueAt"] - doc["createdAt"], datetime.timedelta(days=30))
            self.assertEqual(abs((pr["dueAt"] - due).total_seconds()) < 0.002, True)

    def test_deletion_request_by_form(self):
        r = self.stack.post_form("/api/support", self.valid(subject="data deletion request"))
        self.assertEqual(r.status, 303)
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(r.header("location")).query)
        number = q["ticket"][0]
        doc = self.tickets.find_one({"_id": number})
        self.assertIn("privacyRequest", doc)
        # the thanks page shows the due day (test_replies.py checks the page)
        self.assertEqual(q["due"], [doc["privacyRequest"]["dueAt"].strftime("%Y-%m-%d")])

    def test_similar_subject_is_not_a_deletion_request(self):
        r = self.stack.request("POST", "/api/support",
                               body=self.valid(subject="Data Deletion Request please"))
        self.assertEqual(r.status, 201)
        self.assertNotIn("privacyRequest", r.json())

    # ---- validation: 422, nothing stored -------------------------------------
    def assert_invalid_json(self, body, field):
        before = self.count()
        r = self.stack.request("POST", "/api/support", body=body)
        self.assertEqual(r.status, 422, r.text)
        err = r.json()["error"]
        self.assertEqual(err["code"], "validation_failed")
        self.assertIn(field, err["fields"])
        self.assertTrue(err["message"])
        self.assertEqual(self.count(), before)
        return err

    def test_each_validation_failure_names_the_field(self):
        v = self.valid()
        self.assert_invalid_json({k: v[k] for k in v if k != "email"}, "email")
        self.assert_invalid_json(self.valid(email="not-an-email"), "email")
        self.assert_invalid_json(self.valid(email="a@b"), "email")
        self.assert_invalid_json(self.valid(email="x" * 250 + "@b.io"), "email")
        self.assert_invalid_json(self.valid(subject=""), "subject")
        self.assert_invalid_json(self.valid(subject="   "), "subject")
        self.assert_invalid_json(self.valid(subject="s" * 201), "subject")
        self.assert_invalid_json(self.valid(message=""), "message")
        self.assert_invalid_json(self.valid(message="m" * 5001), "message")
        self.assert_invalid_json(self.valid(name="n" * 201), "name")
        self.assert_invalid_json(self.valid(email=42), "email")
        self.assert_invalid_json(self.valid(message=["a"]), "message")

    def test_limits_count_characters_not_bytes(self):
        r = self.stack.request("POST", "/api/support", body=self.valid(subject="न" * 200))
        self.assertEqual(r.status, 201, r.text)

    def test_several_problems_reported_together(self):
        err = self.assert_invalid_json({"email": "bad", "subject": "", "message": ""}, "email")
        self.assertEqual(set(err["fields"]), {"email", "subject", "message"})

    def test_form_validation_failure_is_an_html_page(self):
        before = self.count()
        r = self.stack.post_form("/api/support", {"email": "nope", "subject": "", "message": "x"})
        self.assertEqual(r.status, 422)
        self.assertTrue(r.header("content-type").startswith("text/html"))
        self.assertIn("email", r.text)
        self.assertIn("subject", r.text)
        self.assertIn('href="/support"', r.text)
        self.assertEqual(self.count(), before)

    def test_form_validation_failure_is_json_when_asked(self):
        r = self.stack.post_form("/api/support", {"email": "nope", "subject": "s", "message": "x"},
                                 headers={"Accept": "application/json"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["error"]["fields"].keys(), {"email"})

    def test_operator_keys_are_rejected(self):
        before = self.count()
        r = self.stack.request("POST", "/api/support",
                               body=dict(self.valid(), **{"$where": "1"}))
        self.assertEqual(r.status, 422)
        self.assertIn("$where", r.json()["error"]["fields"])
        r = self.stack.request("POST", "/api/support",
                               body=self.valid(email={"$gt": ""}))
        self.assertEqual(r.status, 422)
        r = self.stack.post_form("/api/support", "email=a%40b.io&subject=s&message=m&a.b=1")
        self.assertEqual(r.status, 422)
        self.assertEqual(self.count(), before)

    def test_malformed_bodies_are_400(self):
        before = self.count()
        cases = [
            ("application/json", b'{"email": "a@b.io", "subject":'),
            ("application/json", b'["not", "an", "object"]'),
            ("application/json", b'{"email":"a@b.io","email":"c@d.io","subject":"s","message":"m"}'),
            ("application/json", b'{"email":"a@b.io","subject":"s\\u0000","message":"m"}'),
            ("application/json", b'{"email":"a@b.io","subject":"\xff","message":"m"}'),
            ("application/x-www-form-urlencoded", b"email=a%40b.io&subject=%zz&message=m"),
            ("application/x-www-form-urlencoded", b"email=a%40b.io&subject=%FF&message=m"),
            ("application/x-www-form-urlencoded", b"email=a%40b.io&subject=a%00b&message=m"),
            ("application/x-www-form-urlencoded", b"email=a%40b.io&email=c%40d.io&subject=s&message=m"),
        ]
        for ctype, body in cases:
            r = self.stack.request("POST", "/api/support", body=body,
                                   headers={"Content-Type": ctype, "Accept": "application/json"})
            self.assertEqual(r.status, 400, (ctype, body, r.text))
            self.assertEqual(r.json()["error"]["code"], "malformed_body")
        self.assertEqual(self.count(), before)

    def test_wrong_content_type_is_415(self):
        for ctype in ("text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1"):
            r = self.stack.request("POST", "/api/support", body=b"{}",
                                   headers={"Content-Type": ctype, "Accept": "application/json"})
            self.assertEqual(r.status, 415, ctype)
            self.assertEqual(r.json()["error"]["code"], "unsupported_media_type")

    def test_body_over_the_limit_is_413(self):
        before = self.count()
        # over the route's 64 KiB limit: the worker refuses it
        big = json.dumps(self.valid(message="x" * 70000))
        r = self.stack.request("POST", "/api/support", body=big,
                               headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["code"], "payload_too_large")
        # over nginx's 1 MiB limit: nginx refuses it, in the same format
        r = self.stack.request("POST", "/api/support", body=b"x" * (2 * 1024 * 1024),
                               headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["code"], "payload_too_large")
        self.assertEqual(self.count(), before)

    def test_wrong_method_is_405_with_allow(self):
        r = self.stack.get("/api/support")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "POST")
        self.assertEqual(r.json()["error"]["code"], "method_not_allowed")
        r = self.stack.request("DELETE", "/api/health")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD")

    def test_unknown_api_path_is_404_json(self):
        r = self.stack.get("/api/nothing-here")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["error"]["code"], "not_found")

    # ---- the honeypot -------------------------------------------------------------
    def test_honeypot_looks_accepted_but_stores_nothing(self):
        before = self.count()
        r = self.stack.post_form("/api/support", self.valid(website="http://spam.example"))
        self.assertEqual(r.status, 303)
        number = r.header("location").split("=", 1)[1]
        self.assertRegex(number, TICKET)
        r = self.stack.request("POST", "/api/support", body=self.valid(website="x"))
        self.assertEqual(r.status, 201)
        self.assertRegex(r.json()["ticket"], TICKET)
        self.assertEqual(self.count(), before)
        self.assertIsNone(self.tickets.find_one({"_id": number}))

    # ---- rate limit -----------------------------------------------------------------
    def test_support_posts_are_rate_limited_per_client(self):
        ip = "192.0.2.77"
        statuses = [self.stack.request("POST", "/api/support", body=self.valid(), client_ip=ip).status
                    for _ in range(10)]
        self.assertIn(429, statuses)
        self.assertEqual(statuses[0], 201)
        r = self.stack.request("POST", "/api/support", body=self.valid(), client_ip=ip)
        self.assertEqual(r.status, 429)
        self.assertEqual(r.json()["error"]["code"], "rate_limited")
        html = self.stack.post_form("/api/support", self.valid(), client_ip=ip)
        self.assertEqual(html.status, 429)
        self.assertTrue(html.header("content-type").startswith("text/html"))
        # another client is not affected, and reads are never limited
        self.assertEqual(self.stack.request("POST", "/api/support", body=self.valid(),
                                            client_ip="192.0.2.78").status, 201)
        self.assertEqual(self.stack.get("/api/health", client_ip=ip).status, 200)

    # ---- logs keep no personal data ------------------------------------------------
    def test_logs_hold_no_personal_data(self):
        secret = "privacy-canary-7731"
        self.stack.request("POST", "/api/support",
                           body=self.valid(email=f"{secret}@example.in", name=secret,
                                           message=secret, subject=secret))
        self.stack.post_form(f"/api/support?{secret}=1", self.valid(email="bad", name=secret))
        self.stack.request("GET", "/api/health",
                           headers={"Authorization": f"Bearer {secret}", "Cookie": f"__session={secret}"})
        log = self.stack.log_text()
        self.assertNotIn(secret, log)
        access = [l for l in self.stack.log_lines() if l.get("route") == "/api/support"]
        self.assertTrue(access)
        self.assertEqual(set(access[-1]), {"time", "level", "pid", "request_id", "method",
                                           "route", "status", "duration_ms", "db_ops", "db_ms"})


class TicketNumberCollisionTest(unittest.TestCase):
    """The retry after a ticket number that is already taken, reached
    through JOBTUNE_TICKET_NUMBERS (development only): one worker hands out
    JT-TEST-0001 then JT-TEST-0002; the first is stored beforehand."""

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(workers=1, max_requests=0, env={
            "JOBTUNE_TICKET_NUMBERS": "JT-TEST-0001,JT-TEST-0002"}).start()

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def test_a_taken_number_is_retried_and_the_ticket_stored_once(self):
        tickets = self.stack.db()["tickets"]
        taken = {"_id": "JT-TEST-0001", "number": "JT-TEST-0001", "email": "first@example.in",
                 "subject": "Earlier", "message": "Stored first.", "status": "open"}
        tickets.insert_one(dict(taken))
        r = self.stack.request("POST", "/api/support", body={
            "email": "second@example.in", "subject": "Later", "message": "Stored second."})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["ticket"], "JT-TEST-0002")
        stored = tickets.find_one({"_id": "JT-TEST-0002"})
        self.assertEqual((stored["email"], stored["message"]),
                         ("second@example.in", "Stored second."))
        self.assertEqual(tickets.count_documents({"message": "Stored second."}), 1)
        # the earlier ticket is untouched
        self.assertEqual(tickets.find_one({"_id": "JT-TEST-0001"})["message"], "Stored first.")


if __name__ == "__main__":
    unittest.main()
