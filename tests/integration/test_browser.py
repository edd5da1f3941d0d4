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

from stack import ARTIFACTS, ROOT, Stack

try:
    from test_region import build_mmdb
except ImportError:
    def build_mmdb(source, out):
        geoip = os.path.join(ROOT, "tests", "geoip")
        subprocess.run(["perl", os.path.join(geoip, "build-mmdb.pl"),
                        os.path.join(geoip, source), out], check=True)

BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
SCRIPT = os.path.join("tests", "browser", "support.mjs")
SHOTS = os.path.join(ARTIFACTS, "browser")
SCREENSHOTS = ("privacy.png", "privacy-region-gdpr.png", "privacy-region-ccpa.png",
               "privacy-no-javascript.png", "support.png", "support-invalid-email.png",
               "support-thanks.png")
CASES = 8  # cases in support.mjs
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
TICKET = re.compile(r"^JT-[0-9A-Z]{4}-[0-9A-Z]{4}$")
RUN_TIMEOUT = 180


class BrowserTest(unittest.TestCase):
    stack = None
    tmp = None
    output = ""
    returncode = None

    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
            raise RuntimeError(
                "tests/browser/node_modules/playwright-core is missing: run "
                "`npm ci` in tests/browser (scripts/test does this)")
        if shutil.which("node") is None:
            raise RuntimeError("node is not installed (Debian package nodejs)")
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
            rel_shots = os.path.relpath(SHOTS, ROOT)
            try:
                proc = subprocess.run(["node", SCRIPT, base, rel_shots], cwd=ROOT,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      timeout=RUN_TIMEOUT)
                cls.output = proc.stdout.decode("utf-8", "replace")
                cls.returncode = proc.returncode
            except subprocess.TimeoutExpired as e:
                cls.output = (e.stdout or b"").decode("utf-8", "replace") + \
                    f"\n(support.mjs timed out after {RUN_TIMEOUT} s)"
                cls.returncode = None
            with open(os.path.join(SHOTS, "output.txt"), "w") as f:
                f.write(cls.output)
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
    def case_ok(self, name):
        """Asserts the case passed; returns the rest of its ok line."""
        pattern = re.compile(rf"^ok   browser {re.escape(name)}(?: (.*))?$", re.M)
        m = pattern.search(self.output)
        self.assertIsNotNone(m, f"browser case {name} did not pass; support.mjs said:\n"
                                f"{self.output}")
        return (m.group(1) or "").strip()

    def typed(self, name):
        m = re.search(rf"^info browser {re.escape(name)} typed=(.*)$", self.output, re.M)
        self.assertIsNotNone(m, f"support.mjs printed no typed values for {name}")
        return json.loads(m.group(1))

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
        lines = self.output.strip().splitlines()
        self.assertEqual(lines[-1:], [f"{CASES} passed, 0 failed"],
                         f"support.mjs said:\n{self.output}")
        self.assertEqual(self.returncode, 0, f"support.mjs said:\n{self.output}")

    def test_screenshots(self):
        for name in SCREENSHOTS:
            path = os.path.join(SHOTS, name)
            self.assertTrue(os.path.isfile(path), f"{path} was not written")
            self.assertGreater(os.path.getsize(path), 0, f"{path} is empty")
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), PNG_MAGIC, f"{path} is not a PNG")


if __name__ == "__main__":
    unittest.main()
