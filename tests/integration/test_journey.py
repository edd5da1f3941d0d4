"""The website under /app/ in a real headless Chromium, against the real
stack: tests/browser/journey.mjs walks one new user through signing in
(the development session route), the resume list and editor (inline 422
problems, sections reordered, a 412 conflict, import and export), tailoring
(with the fake OpenAI) and the PDFs; each view is checked with axe-core and
screenshotted at 375 and 1280 px into tests/artifacts/journey.  This module
starts the stack, runs the script once and turns each of its cases into a
test, checking the database for what the browser did."""
import os
import shutil
import tempfile
import unittest

import tokens
from browser_run import ScriptOutput, require_node, run_script
from fake_openai import FakeOpenAI
from stack import ARTIFACTS
from test_auth import AuthStack

SHOTS = os.path.join(ARTIFACTS, "journey")
DEV_ISSUER = "https://dev.jobtune.invalid"
VIEWS = ("signin", "resumes-empty", "editor-new", "editor-errors", "editor-filled",
         "editor-conflict", "resumes-import-error", "tailor-empty", "tailor-result",
         "resumes-confirm-delete", "resumes-list", "editor-not-found")
RUN_TIMEOUT = 600


class JourneyTest(ScriptOutput, unittest.TestCase):
    SCRIPT = "journey.mjs"
    stack = ai = tmp = None

    @classmethod
    def setUpClass(cls):
        require_node(("playwright-core", "axe-core"))
        shutil.rmtree(SHOTS, ignore_errors=True)
        os.makedirs(SHOTS, exist_ok=True)
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-journey-")
        cls.key = key = tokens.Key(kid="jobtune-dev")
        key_path = os.path.join(cls.tmp, "dev-key.pem")
        with open(key_path, "w") as f:
            f.write(key.private_pem())
        cls.ai = FakeOpenAI().start()
        cls.stack = AuthStack(workers=2, env={
            "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": DEV_ISSUER,
            "JOBTUNE_DEV_SIGNING_KEY": key_path,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "OPENAI_MODEL": cls.ai.model})
        base = f"http://127.0.0.1:{cls.stack.http_port}"
        cls.stack.extra_env["CLERK_AUTHORIZED_PARTIES"] = base
        cls.base = base
        try:
            cls.stack.start()
            cls.output, cls.returncode = run_script(cls.SCRIPT, base, SHOTS, RUN_TIMEOUT)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.stack is not None:
                cls.stack.stop()
        finally:
            cls.stack = None
            if cls.ai is not None:
                cls.ai.stop()
                cls.ai = None
            if cls.tmp is not None:
                shutil.rmtree(cls.tmp, ignore_errors=True)
                cls.tmp = None

    def as_user(self, path):
        """GET path as the journey's user, with a token of its own."""
        token = tokens.rs256(self.key, tokens.claims(self.info("user"), iss=DEV_ISSUER,
                                                     azp=self.base))
        return self.stack.get(path, headers={"Authorization": f"Bearer {token}"})

    def info(self, key):
        return self.info_line(key).strip('"')

    def test_signed_out_goes_to_sign_in(self):
        self.assertEqual(self.case_ok("signed_out_goes_to_sign_in"), "/app/")

    def test_sign_in_as_a_new_user(self):
        user = self.case_ok("sign_in_as_a_new_user")
        self.assertRegex(user, r"^user_[A-Za-z0-9]+$")
        self.assertIsNotNone(self.stack.db()["users"].find_one({"_id": user}),
                             "the minted session did not create the account")

    def test_create_resume(self):
        rid = self.case_ok("create_resume")
        r = self.as_user(f"/api/resumes/{rid}")
        self.assertEqual(r.status, 200, "the resume the browser created is not the user's")

    def test_fix_validation_error_inline(self):
        self.case_ok("fix_validation_error_inline")

    def test_edit_sections_with_keyboard(self):
        self.case_ok("edit_sections_with_keyboard")
        r = self.as_user(f"/api/resumes/{self.info('resume')}")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual([s["name"] for s in r.json()["resume"]["skills"]],
                         ["Python", "Docker", "PostgreSQL"])

    def test_conflict_offers_reload(self):
        self.case_ok("conflict_offers_reload")

    def test_export_and_import_json(self):
        imported = self.case_ok("export_and_import_json")
        self.assertRegex(imported, r"^[0-9a-f]{24}$")

    def test_download_pdf(self):
        self.case_ok("download_pdf")

    def test_tailor_the_resume(self):
        self.case_ok("tailor_the_resume")
        r = self.as_user(f"/api/resumes/{self.info('resume')}/tailorings")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(len(r.json()["items"]), 1)
        self.assertEqual(self.ai.violations, [])

    def test_delete_a_resume(self):
        gone = self.case_ok("delete_a_resume")
        self.assertEqual(self.as_user(f"/api/resumes/{gone}").status, 404)
        listed = [i["id"] for i in self.as_user("/api/resumes").json()["items"]]
        self.assertNotIn(gone, listed)
        self.assertIn(self.info("resume"), listed)

    def test_unknown_resume_shows_not_found(self):
        self.case_ok("unknown_resume_shows_not_found")

    def test_sign_out(self):
        self.case_ok("sign_out")

    def test_script_summary(self):
        self.assert_summary()

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))


if __name__ == "__main__":
    unittest.main()
