"""The staff console in a real headless Chromium (tests/browser/admin.mjs):
a support agent opens a ticket and reads its message, answers it by
email, changes its status, and works a deletion request through verify and
execute; after each action the ticket's row and open view are redrawn
from the API's answer, with no reload.  The reply typed in the browser is
the one the local relay (fake_smtp.py) receives and the database keeps.
The stack has no CLERK_SECRET_KEY, so the console's notice says so, the
executed request records that the sign-in account was not deleted, and a
user's privacy centre says the same before and after their own deletion.

The script runner and its output checks are test_browser.py's (through
browser_run.py), with the same development sign-in as its ImportTest.
"""
import email
import email.policy
import os
import unittest

import tokens
from browser_run import DevSignInScriptTest
from fake_smtp import FakeSmtp
from stack import ARTIFACTS
from test_browser import RUN_TIMEOUT, TICKET

SHOTS = os.path.join(ARTIFACTS, "browser-admin")
NO_RELAY_SHOTS = os.path.join(ARTIFACTS, "browser-admin-no-relay")
VIEWS = ("admin-ticket", "admin-replied", "admin-executed", "privacy-receipt-no-clerk")
CASES = 6  # cases in admin.mjs
MESSAGE = "The export stops at 40 % and then nothing happens.\nCould you look?"
REPLY = "Hello Asha — we found the cause: a font the export lacked. It works now.\n\nJobtune support"


class BrowserAdminTest(DevSignInScriptTest):
    SCRIPT = "admin.mjs"
    SHOTS = SHOTS
    timeout = RUN_TIMEOUT
    staff, user = tokens.new_user_id(), tokens.new_user_id()
    relay = None

    @classmethod
    def prepare(cls):
        cls.relay = FakeSmtp().start()

    @classmethod
    def stack_env(cls, base):
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "SMTP_URL": cls.relay.url,
                "SMTP_FROM": "Jobtune Support <support@jobtune.example>"}

    @classmethod
    def seed(cls):
        cls.ticket = cls.file_ticket("asha@example.in", "Export stops")
        cls.deletion = cls.file_ticket("leaving@example.in", "Data Deletion Request")

    @classmethod
    def script_env(cls):
        return {"JT_STAFF_ID": cls.staff, "JT_USER_ID": cls.user, "JT_TICKET": cls.ticket,
                "JT_DELETION": cls.deletion, "JT_REPLY": REPLY}

    @classmethod
    def file_ticket(cls, address, subject):
        r = cls.stack.request("POST", "/api/support", body={
            "email": address, "name": "Asha Rao", "subject": subject, "message": MESSAGE})
        assert r.status == 201, r.text
        return r.json()["ticket"]

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            if cls.relay is not None:
                cls.relay.stop()
                cls.relay = None

    def test_tickets_are_numbers(self):
        self.assertRegex(self.ticket, TICKET)

    def test_console_says_what_this_server_cannot_do(self):
        self.case_ok("console_shows_notices")

    def test_a_ticket_opens_with_its_message(self):
        self.case_ok("ticket_opens_whole")

    def test_the_reply_typed_is_the_one_sent_and_kept(self):
        self.case_ok("reply_is_sent_and_shown")
        self.assertEqual(len(self.relay.messages), 1)
        sent = email.message_from_bytes(self.relay.messages[0]["data"], policy=email.policy.default)
        self.assertEqual(sent["To"], "asha@example.in")
        self.assertEqual(str(sent["Subject"]), f"Re: Export stops [{self.ticket}]")
        self.assertEqual(sent.get_content().replace("\r\n", "\n").rstrip("\n"), REPLY)
        doc = self.stack.db()["tickets"].find_one({"_id": self.ticket})
        self.assertEqual([(r["text"], r["status"], r["staffId"]) for r in doc["replies"].values()],
                         [(REPLY, "sent", self.staff)])

    def test_a_status_change_redraws_the_ticket(self):
        self.case_ok("status_change_redraws_the_ticket")
        self.assertEqual(self.stack.db()["tickets"].find_one({"_id": self.ticket})["status"],
                         "pending")

    def test_request_steps_redraw_the_ticket(self):
        self.case_ok("request_steps_redraw_the_ticket")
        pr = self.stack.db()["tickets"].find_one({"_id": self.deletion})["privacyRequest"]
        self.assertEqual(pr["status"], "completed")
        self.assertEqual(pr["outcome"]["signInAccounts"], "not_deleted")

    def test_the_privacy_centre_says_the_sign_in_account_stays(self):
        self.case_ok("privacy_centre_tells_the_truth")
        receipt = self.stack.db()["receipts"].find_one({"clerk": "not_configured"})
        self.assertIsNotNone(receipt, "no receipt records the sign-in account as kept")

    def test_script_summary(self):
        self.assert_summary(CASES)

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))


class BrowserAdminNoRelayTest(DevSignInScriptTest):
    """admin.mjs with JT_NO_RELAY=1 against a stack without SMTP_URL: the
    console's notice names it and the reply box is disabled before anyone
    types."""
    SCRIPT = "admin.mjs"
    SHOTS = NO_RELAY_SHOTS
    timeout = RUN_TIMEOUT
    workers = 1
    staff = tokens.new_user_id()

    @classmethod
    def stack_env(cls, base):
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "SMTP_URL": None}

    @classmethod
    def seed(cls):
        r = cls.stack.request("POST", "/api/support", body={
            "email": "asha@example.in", "subject": "Export stops", "message": MESSAGE})
        assert r.status == 201, r.text
        cls.ticket = r.json()["ticket"]

    @classmethod
    def script_env(cls):
        return {"JT_STAFF_ID": cls.staff, "JT_USER_ID": "user_unused", "JT_TICKET": cls.ticket,
                "JT_DELETION": "JT-0000-0000", "JT_REPLY": "unused", "JT_NO_RELAY": "1"}

    def test_the_console_says_replies_cannot_go_before_anyone_types(self):
        self.case_ok("no_relay_says_so_first")
        self.assert_summary(1)
        self.assert_pngs(os.path.join(NO_RELAY_SHOTS, f"admin-no-relay-{w}.png")
                         for w in (375, 1280))


if __name__ == "__main__":
    unittest.main()
