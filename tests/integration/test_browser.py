"""The support form and the privacy page in a real headless Chromium.

tests/browser/support.mjs drives the browser (playwright-core, installed by
`npm ci` in tests/browser, which scripts/test runs); this module starts the
stack, runs the script once, and turns each of its cases into a test, with
the database checked for the tickets the browser created.  The stack's
GEOIP_DB is built from tests/geoip/city.json, so the privacy page's "Your
rights where you are" section can place the browser's X-Forwarded-For
addresses (German: GDPR, Californian: CCPA).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from browser_run import ScriptOutput, require_node, run_script
from stack import ARTIFACTS, ROOT, Stack

try:
    from test_region import build_mmdb
except ImportError:
    def build_mmdb(source, out):
        geoip = os.path.join(ROOT, "tests", "geoip")
        subprocess.run(["perl", os.path.join(geoip, "build-mmdb.pl"),
                        os.path.join(geoip, source), out], check=True)

SHOTS = os.path.join(ARTIFACTS, "browser")
SCREENSHOTS = ("privacy.png", "privacy-region-gdpr.png", "privacy-region-ccpa.png",
               "privacy-no-javascript.png", "support.png", "support-invalid-email.png",
               "support-thanks.png")
CASES = 8  # cases in support.mjs
TICKET = re.compile(r"^JT-[0-9A-Z]{4}-[0-9A-Z]{4}$")
RUN_TIMEOUT = 180


class BrowserTest(ScriptOutput, unittest.TestCase):
    SCRIPT = "support.mjs"
    stack = None
    tmp = None

    @classmethod
    def setUpClass(cls):
        require_node()
        os.makedirs(SHOTS, exist_ok=True)
        for name in SCREENSHOTS:
            try:
                os.remove(os.path.join(SHOTS, name))
            except FileNotFoundError:
                pass

        cls.tmp = tempfile.mkdtemp(prefix="jobtune-geoip-")
        try:
            geoip_db = os.path.join(cls.tmp, "city.mmdb")
            build_mmdb("city.json", geoip_db)
            cls.stack = Stack(workers=2, env={"GEOIP_DB": geoip_db})
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            cls.tmp = None
            raise
        try:
            cls.stack.start()
            base = f"http://127.0.0.1:{cls.stack.http_port}"
            cls.output, cls.returncode = run_script(cls.SCRIPT, base, SHOTS, RUN_TIMEOUT)
        except BaseException:
            try:
                cls.stack.stop()
            finally:
                cls.stack = None
                shutil.rmtree(cls.tmp, ignore_errors=True)
                cls.tmp = None
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.stack is not None:
                cls.stack.stop()
        finally:
            cls.stack = None
            if cls.tmp is not None:
                shutil.rmtree(cls.tmp, ignore_errors=True)
                cls.tmp = None

    # ---- helpers -----------------------------------------------------------
    def typed(self, name):
        return json.loads(self.info_line(f"{name} typed"))

    def assert_ticket_stored(self, name, channel):
        ticket = self.case_ok(name)
        self.assertRegex(ticket, TICKET)
        typed = self.typed(name)
        doc = self.stack.db()["tickets"].find_one({"_id": ticket})
        self.assertIsNotNone(doc, f"ticket {ticket} shown in the browser is not stored")
        self.assertEqual(doc["number"], ticket)
        self.assertEqual(doc["email"], typed["email"])
        self.assertEqual(doc["name"], typed["name"])
        self.assertEqual(doc["subject"], typed["subject"])
        self.assertEqual(doc["message"], typed["message"])
        self.assertEqual(doc["status"], "open")
        self.assertEqual(doc["channel"], channel)
        self.assertNotIn("privacyRequest", doc)

    # ---- the browser cases ---------------------------------------------------
    def test_support_form_submits_and_shows_ticket(self):
        # With JavaScript the form posts JSON, so the ticket comes through the API.
        self.assert_ticket_stored("support_form_submits_and_shows_ticket", "api")

    def test_invalid_email_shows_field_error(self):
        self.case_ok("invalid_email_shows_field_error")
        typed = self.typed("invalid_email_shows_field_error")
        self.assertIsNone(self.stack.db()["tickets"].find_one({"message": typed["message"]}),
                          "a ticket was stored for an invalid email")

    def test_support_form_works_without_javascript(self):
        self.assert_ticket_stored("support_form_works_without_javascript", "form")

    def test_privacy_page_renders(self):
        self.case_ok("privacy_page_renders")

    # ---- "Your rights where you are" ------------------------------------------
    def test_privacy_region_with_javascript_german(self):
        # 192.0.2.10 is Munich: the GDPR answer, its rights, 30 days.
        self.case_ok("privacy_region_with_javascript_german")

    def test_privacy_region_with_javascript_californian(self):
        # 198.51.100.7 is San Francisco: the CCPA answer.
        self.case_ok("privacy_region_with_javascript_californian")

    def test_privacy_region_gpc(self):
        # Sec-GPC: 1 is acknowledged as a Global Privacy Control signal.
        self.case_ok("privacy_region_gpc")

    def test_privacy_without_javascript_lists_both(self):
        # No answer box; the static GDPR and CCPA lists are both shown.
        self.case_ok("privacy_without_javascript_lists_both")

    def test_script_summary(self):
        self.assert_summary(CASES)

    def test_screenshots(self):
        self.assert_pngs(os.path.join(SHOTS, name) for name in SCREENSHOTS)


if __name__ == "__main__":
    unittest.main()
