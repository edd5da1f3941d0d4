"""Acting on a tailoring in a real headless Chromium (tests/browser/tailor.mjs):
each suggested change shown beside the original it rewrites, used, edited
or turned down, saved as a new resume or applied to this one, an empty
edit refused at the change, an outdated tailoring saying so, and the
resume quota's refusal; checked here against the database.  The stack's
OpenAI is fake_openai.py, signed in through the development route.
"""
import json
import os
import unittest

import tokens
from browser_run import DevSignInScriptTest
from stack import ARTIFACTS
from test_browser import RUN_TIMEOUT
from test_tailor import JD, RESUME

SHOTS = os.path.join(ARTIFACTS, "browser-tailor")
VIEWS = ("tailor-choices", "tailor-chosen", "tailor-saved-new", "tailor-edit-error",
         "tailor-outdated", "tailor-quota")
CASES = 5  # cases in tailor.mjs
QUOTA_RESUMES = 4
TITLE = "Acme Logistics — Senior Backend Engineer"
EDIT = "Brought unit tests and continuous integration to the routing platform"


class TailorBrowserTest(DevSignInScriptTest):
    SCRIPT = "tailor.mjs"
    SHOTS = SHOTS
    timeout = RUN_TIMEOUT * 2
    fake_openai = True
    user = tokens.new_user_id()

    @classmethod
    def stack_env(cls, base):
        return {"JOBTUNE_QUOTA_RESUMES": str(QUOTA_RESUMES)}

    @classmethod
    def script_env(cls):
        return {"JT_USER_ID": cls.user, "JT_RESUME": json.dumps(RESUME), "JT_JD": JD,
                "JT_TITLE": TITLE, "JT_EDIT": EDIT}

    def resumes(self):
        """The user's resumes as stored, by id: {gen, body: {resume, ...}}."""
        return {str(d["_id"]): d for d in
                self.stack.db()["resumes"].find({"body.userId": self.user})}

    def test_choices_are_shown_beside_their_originals(self):
        self.case_ok("choices_shown")

    def test_saved_as_new_with_the_choices_and_title(self):
        self.case_ok("save_as_new")
        new_id = json.loads(self.info_line("save_as_new id"))
        doc = self.resumes()[new_id]["body"]["resume"]
        self.assertEqual(doc["meta"]["jobtune"]["title"], TITLE)
        self.assertEqual(doc["work"][0]["highlights"], [EDIT, RESUME["work"][0]["highlights"][0]])
        # the skills' order was turned down, the other job's lines used
        self.assertEqual(doc["skills"], RESUME["skills"])
        self.assertEqual(doc["work"][1]["highlights"],
                         [f"Delivered: {h}" for h in reversed(RESUME["work"][1]["highlights"])])

    def test_empty_edit_is_refused_at_the_change(self):
        self.case_ok("empty_edit_refused")

    def test_applied_to_this_resume_then_outdated(self):
        self.case_ok("apply_to_this")

    def test_quota_refusal_is_shown_and_nothing_more_stored(self):
        self.case_ok("quota_shown")
        self.assertEqual(json.loads(self.info_line("quota listed")), QUOTA_RESUMES)
        self.assertEqual(len(self.resumes()), QUOTA_RESUMES)

    def test_script_summary(self):
        self.assert_summary(CASES)

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))


if __name__ == "__main__":
    unittest.main()
