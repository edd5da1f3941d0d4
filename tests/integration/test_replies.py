"""Support tickets read and answered by staff, through nginx, with a local
SMTP relay (fake_smtp.py): GET /api/admin/tickets/{ticket} (the message,
the history, the replies, the deletion request) and POST
/api/admin/tickets/{ticket}/replies.

The reply that reaches the relay is parsed with Python's email package:
envelope, Date, From, To, a UTF-8 subject "Re: <subject> [<ticket>]" as
an RFC 2047 encoded-word, Message-ID, In-Reply-To and References on the
second reply, text/plain; charset=UTF-8 in quoted-printable, and the body
exactly as typed.  A refusing relay and a relay that is down are a 502
with nothing recorded as sent, and the retry sends the reply once; the
same text sent again is not sent twice.  Without SMTP_URL the route is a
503 naming it, and GET /api/admin/config says so first.  A deletion
request's thanks page shows its due day.  An erased user's tickets go
with their replies.  Neither a reply nor a ticket's content reaches the
log."""
import datetime
import email
import email.policy
import email.utils
import json
import re
import time
import unittest
import urllib.parse

import tokens
from fake_smtp import FakeSmtp
from stack import AuthStack, SignedInStackTest, wait_until

TICKET_SUBJECT = "Export of my résumé — fails ✓"
TICKET_MESSAGE = "The ZIP export stops at 40 %. Could you look? (marker-ticket-7f3a)"
REPLY = ("Hello Priya,\n\nThanks for writing — we found it: the résumé export stops when a "
         "PDF has more than forty pages of highlights, which nobody expected. = signs stay.\n"
         ".a line that starts with a dot\n"
         "trailing space   \n\nBest,\nJobtune support (marker-reply-9c1e)")


class RepliesTest(SignedInStackTest):
    workers = 2
    stack_class = AuthStack

    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        cls.relay = FakeSmtp(username="relay-user", password="relay-pass").start()
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "SMTP_URL": cls.relay.url,
                "SMTP_USERNAME": "relay-user", "SMTP_PASSWORD": "relay-pass",
                "SMTP_FROM": "Jobtune Support <support@jobtune.example>"}

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.relay.stop()

    def setUp(self):
        self.relay.refuse = None
        if self.relay.server is None:
            self.relay.start()
        self.relay.messages.clear()

    # ---- helpers --------------------------------------------------------------------
    def staff_call(self, method, path, body=None):
        return self.stack.request(method, path, body=body, headers=self.auth(self.staff))

    def ok(self, r, status=200):
        self.assertEqual(r.status, status, r.text)
        return r.json()

    def ticket(self, subject=TICKET_SUBJECT, email_addr="priya@example.in", headers=None):
        r = self.stack.request("POST", "/api/support", headers=headers, body={
            "email": email_addr, "name": "Priya Sharma", "subject": subject,
            "message": TICKET_MESSAGE})
        return self.ok(r, 201)["ticket"]

    def reply(self, number, text=REPLY):
        return self.staff_call("POST", f"/api/admin/tickets/{number}/replies", {"message": text})

    def parsed(self, i=-1):
        return email.message_from_bytes(self.relay.messages[i]["data"],
                                        policy=email.policy.default)

    # ---- reading ---------------------------------------------------------------------
    def test_a_ticket_shows_its_message_history_and_request(self):
        number = self.ticket()
        t = self.ok(self.staff_call("GET", f"/api/admin/tickets/{number}"))
        self.assertEqual(t["ticket"], number)
        self.assertEqual(t["message"], TICKET_MESSAGE)
        self.assertEqual(t["subject"], TICKET_SUBJECT)
        self.assertEqual((t["history"], t["notes"], t["replies"]), ([], [], []))
        self.ok(self.staff_call("PATCH", f"/api/admin/tickets/{number}", {"status": "pending"}))
        t = self.ok(self.staff_call("GET", f"/api/admin/tickets/{number}"))
        self.assertEqual([(h["from"], h["to"]) for h in t["history"]], [("open", "pending")])

        r = self.stack.request("POST", "/api/support", body={
            "email": "del@example.in", "subject": "Data Deletion Request", "message": "m"})
        deletion = self.ok(r, 201)["ticket"]
        t = self.ok(self.staff_call("GET", f"/api/admin/tickets/{deletion}"))
        self.assertEqual(t["privacyRequest"]["type"], "deletion")
        self.assertEqual(t["privacyRequest"]["status"], "open")

        for path in ["/api/admin/tickets/JT-0000-0000", "/api/admin/tickets/nope"]:
            with self.subTest(path=path):
                r = self.staff_call("GET", path)
                self.assertEqual(r.status, 404, r.text)
                self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_config_says_replies_are_available(self):
        c = self.ok(self.staff_call("GET", "/api/admin/config"))
        self.assertEqual(c["replies"], {"available": True, "missing": None})
        self.assertIs(c["acknowledgements"], False)

    # ---- answering --------------------------------------------------------------------
    def test_a_reply_is_a_proper_utf8_email_threaded_and_recorded(self):
        number = self.ticket()
        before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        t = self.ok(self.reply(number), 201)
        self.assertEqual(len(self.relay.messages), 1)
        sent = self.relay.messages[0]
        self.assertEqual(sent["from"], "<support@jobtune.example>")
        self.assertEqual(sent["to"], ["<priya@example.in>"])
        self.assertEqual(sent["auth"], "relay-user")
        raw = sent["data"]
        self.assertTrue(all(b < 128 for b in raw), "the message is 7-bit on the wire")
        self.assertTrue(all(len(line) <= 78 for line in raw.split(b"\r\n")))
        self.assertIn(b"=?UTF-8?Q?", raw.split(b"\r\n\r\n")[0])

        m = self.parsed()
        self.assertEqual(m["From"], "Jobtune Support <support@jobtune.example>")
        self.assertEqual(m["To"], "priya@example.in")
        self.assertEqual(str(m["Subject"]), f"Re: {TICKET_SUBJECT} [{number}]")
        date = email.utils.parsedate_to_datetime(m["Date"])
        self.assertLessEqual(abs((date - before).total_seconds()), 60)
        self.assertEqual(m.get_content_type(), "text/plain")
        self.assertEqual(m.get_content_charset(), "utf-8")
        self.assertEqual(m["Content-Transfer-Encoding"], "quoted-printable")
        self.assertEqual(m.get_content().replace("\r\n", "\n").rstrip("\n"), REPLY)
        self.assertIsNone(m["In-Reply-To"])
        self.assertRegex(m["Message-ID"], r"^<[0-9a-f]{32}\." + number + r"@jobtune\.example>$")

        self.assertEqual(len(t["replies"]), 1)
        r0 = t["replies"][0]
        self.assertEqual((r0["staffId"], r0["text"], r0["status"], r0["messageId"]),
                         (self.staff, REPLY, "sent", m["Message-ID"]))
        self.assertIn("at", r0)
        self.assertIn("sentAt", r0)

        # a later reply is threaded on the first
        t = self.ok(self.reply(number, "A second answer."), 201)
        m2 = self.parsed()
        self.assertEqual(m2["In-Reply-To"], m["Message-ID"])
        self.assertEqual(m2["References"], m["Message-ID"])
        self.assertNotEqual(m2["Message-ID"], m["Message-ID"])
        self.assertEqual([r["text"] for r in t["replies"]], [REPLY, "A second answer."])

        # the same words again are the same reply: not sent twice
        t = self.ok(self.reply(number, "A second answer."), 200)
        self.assertEqual(len(self.relay.messages), 2)
        self.assertEqual(len(t["replies"]), 2)

        # neither the reply nor the ticket reaches the log
        log = self.stack.log_text()
        for needle in ("marker-reply-9c1e", "marker-ticket-7f3a", "priya@example.in",
                       "résumé", "A second answer"):
            self.assertNotIn(needle, log)
        self.assertIn(f"replied to ticket {number}", log)

    def test_a_refusing_relay_is_502_and_the_retry_sends_once(self):
        number = self.ticket(subject="Plain subject")
        self.relay.refuse = "550"
        r = self.reply(number)
        self.assertEqual(r.status, 502, r.text)
        self.assertEqual(r.json()["error"]["code"], "smtp_unavailable")
        self.assertEqual(self.relay.messages, [])
        t = self.ok(self.staff_call("GET", f"/api/admin/tickets/{number}"))
        self.assertEqual([x["status"] for x in t["replies"]], ["failed"])
        failed_id = t["replies"][0]["messageId"]

        self.relay.refuse = "451"  # a temporary refusal is the same
        self.assertEqual(self.reply(number).status, 502)
        self.relay.refuse = None
        t = self.ok(self.reply(number), 201)
        self.assertEqual(len(self.relay.messages), 1)
        self.assertEqual([x["status"] for x in t["replies"]], ["sent"])
        self.assertEqual(self.parsed()["Message-ID"], failed_id)
        self.assertEqual(str(self.parsed()["Subject"]), f"Re: Plain subject [{number}]")
        self.ok(self.reply(number), 200)
        self.assertEqual(len(self.relay.messages), 1)

    def test_a_relay_that_is_down_is_502_and_the_retry_sends_once(self):
        number = self.ticket()
        self.relay.stop()
        self.assertTrue(self.relay.is_down())
        r = self.reply(number)
        self.assertEqual(r.status, 502, r.text)
        self.assertEqual(r.json()["error"]["code"], "smtp_unavailable")
        doc = self.stack.db()["tickets"].find_one({"_id": number})
        self.assertEqual([x["status"] for x in doc["replies"].values()], ["failed"])
        self.relay.start()
        self.ok(self.reply(number), 201)
        self.ok(self.reply(number), 200)
        self.assertEqual(len(self.relay.messages), 1)

    def test_a_pending_reply_is_not_sent_by_a_second_request_meanwhile(self):
        """A reply recorded `pending` moments ago is another request still
        sending it: 409, and nothing sent."""
        number = self.ticket()
        self.relay.refuse = "550"
        self.assertEqual(self.reply(number).status, 502)
        db = self.stack.db()
        doc = db["tickets"].find_one({"_id": number})
        rid = next(iter(doc["replies"]))
        db["tickets"].update_one({"_id": number}, {"$set": {
            f"replies.{rid}.status": "pending",
            f"replies.{rid}.attemptAt": datetime.datetime.now(datetime.timezone.utc)}})
        self.relay.refuse = None
        r = self.reply(number)
        self.assertEqual(r.status, 409, r.text)
        self.assertEqual(self.relay.messages, [])

    def test_bad_replies_are_422_and_send_nothing(self):
        number = self.ticket()
        for body, field in [({}, "message"), ({"message": ""}, "message"),
                            ({"message": "  "}, "message"), ({"message": 5}, "message"),
                            ({"message": "x" * 5001}, "message"),
                            ({"message": "a\u202eb"}, "message"),
                            ({"message": "hi", "cc": "x@y.z"}, "cc")]:
            with self.subTest(body=body):
                r = self.staff_call("POST", f"/api/admin/tickets/{number}/replies", body)
                self.assertEqual(r.status, 422, r.text)
                self.assertIn(field, r.json()["error"]["fields"])
        r = self.reply("JT-0000-0000")
        self.assertEqual(r.status, 404, r.text)
        self.assertEqual(self.relay.messages, [])

    # ---- the thanks page ----------------------------------------------------------------
    def test_a_deletion_requests_thanks_page_shows_its_due_day(self):
        r = self.stack.post_form("/api/support", {
            "email": "thanks@example.in", "subject": "Data Deletion Request", "message": "m"})
        self.assertEqual(r.status, 303, r.text)
        location = r.header("location")
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        doc = self.stack.db()["tickets"].find_one({"_id": q["ticket"][0]})
        due = doc["privacyRequest"]["dueAt"].replace(tzinfo=datetime.timezone.utc)
        created = doc["createdAt"].replace(tzinfo=datetime.timezone.utc)
        self.assertEqual(due - created, datetime.timedelta(days=30))
        self.assertEqual(q["due"], [due.strftime("%Y-%m-%d")])
        page = self.stack.get(location)
        self.assertEqual(page.status, 200)
        self.assertIn(f'<time datetime="{due:%Y-%m-%d}">{due:%Y-%m-%d}</time>', page.text)
        self.assertIn("within\n    30 days", page.text)

        # an ordinary ticket's page has none, and a forged due= is not echoed
        r = self.stack.post_form("/api/support", {
            "email": "thanks@example.in", "subject": "Hello", "message": "m"})
        self.assertNotIn("due=", r.header("location"))
        page = self.stack.get(r.header("location") + "&due=<script>")
        self.assertNotIn("deletion-due", page.text)
        self.assertNotIn("<script>", page.text)

    # ---- erasure ------------------------------------------------------------------------
    def test_an_erased_users_tickets_go_with_their_replies(self):
        user = tokens.new_user_id()
        number = self.ticket(email_addr="erase-me@example.in", headers=self.auth(user))
        self.ok(self.reply(number, "Reply to someone who leaves (marker-erased-51d0)"), 201)
        r = self.stack.request("DELETE", "/api/me", headers=self.auth(user))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["counts"]["tickets"], 1)
        db = self.stack.db()
        self.assertIsNone(db["tickets"].find_one({"_id": number}))
        for name in db.list_collection_names():
            for doc in db[name].find():
                self.assertNotIn("marker-erased-51d0", json.dumps(doc, default=str))
        r = self.staff_call("GET", f"/api/admin/tickets/{number}")
        self.assertEqual(r.status, 404, r.text)


class RepliesNotConfiguredTest(SignedInStackTest):
    """Without SMTP_URL: 503 not_configured naming it, nothing recorded;
    GET /api/admin/config tells the console before anyone types."""
    workers = 1
    stack_class = AuthStack

    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "SMTP_FROM": "support@jobtune.example"}

    def test_503_names_smtp_url(self):
        r = self.stack.request("POST", "/api/support", body={
            "email": "x@example.in", "subject": "Hi", "message": "m"})
        number = r.json()["ticket"]
        r = self.stack.request("POST", f"/api/admin/tickets/{number}/replies",
                               body={"message": "hello"}, headers=self.auth(self.staff))
        self.assertEqual(r.status, 503, r.text)
        self.assertEqual(r.json()["error"]["code"], "not_configured")
        self.assertEqual(r.json()["error"]["operator"], {"missing": "SMTP_URL"})
        self.assertNotIn("replies", self.stack.db()["tickets"].find_one({"_id": number}))
        r = self.stack.request("GET", "/api/admin/config", headers=self.auth(self.staff))
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["replies"], {"available": False, "missing": "SMTP_URL"})


if __name__ == "__main__":
    unittest.main()
