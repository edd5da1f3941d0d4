"""The resume editor in a real headless Chromium against the real stack:
the form beside its live preview and its pages, autosave and its 412, the
leave-page warning, Ctrl+S, the resume's own title, template, font, paper
and sections (meta.jobtune), Download PDF, Duplicate and the tailoring
link saving first.

tests/browser/editor.mjs drives the browser as one person signed in
through the development route; this class starts the stack, runs the
script once, and turns each of its cases into a test, checked against the
database and the downloaded PDF's text (pdftotext).
"""
import json
import os
import subprocess
import unittest

import tokens
from browser_run import DevSignInScriptTest
from stack import ARTIFACTS

SHOTS = os.path.join(ARTIFACTS, "browser-editor")
VIEWS = ("editor", "editor-preview-tab", "editor-preview", "editor-autosave-problem",
         "editor-conflict", "editor-layout", "resumes-duplicated", "editor-preview-pages")
CASES = 11  # cases in editor.mjs
RUN_TIMEOUT = 360


class EditorTest(DevSignInScriptTest):
    SCRIPT = "editor.mjs"
    SHOTS = SHOTS
    timeout = RUN_TIMEOUT
    user = tokens.new_user_id()

    @classmethod
    def script_env(cls):
        return {"JT_USER_ID": cls.user}

    def resumes(self):
        """The user's resumes as stored, {_id: resume}."""
        return {str(d["_id"]): d["body"]["resume"]
                for d in self.stack.db()["resumes"].find({"body.userId": self.user})}

    def test_editor_beside_preview(self):
        self.case_ok("editor_beside_preview")

    def test_preview_follows_typing(self):
        self.case_ok("preview_follows_typing")

    def test_autosave(self):
        self.case_ok("autosave")

    def test_conflict_with_a_second_tab(self):
        self.case_ok("conflict_with_a_second_tab")
        rows = json.loads(self.info_line("conflict_with_a_second_tab rows"))
        self.assertTrue(all(len(r) == 3 and r[1] != r[2] for r in rows), rows)

    def test_leave_warning(self):
        self.case_ok("leave_warning")

    def test_ctrl_s_saves(self):
        self.case_ok("ctrl_s_saves")

    def test_layout_round_trip(self):
        self.case_ok("layout_round_trip")
        shown = json.loads(self.info_line("layout_round_trip jobtune"))
        stored = [r["meta"]["jobtune"] for r in self.resumes().values()
                  if r.get("meta", {}).get("jobtune", {}).get("title") == "Wren — payments SRE"]
        self.assertTrue(stored, "no stored resume has the title")
        self.assertEqual(stored[0], shown)

    def test_download_saves_first(self):
        self.case_ok("download_saves_first")
        pdf = json.loads(self.info_line("download_saves_first pdf"))
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                              stdout=subprocess.PIPE).stdout.decode()
        # typed just before the click: the PDF is what was on the screen
        self.assertIn("quietzebra", text)
        # the layout chosen: the sections left out are not printed
        self.assertNotIn("Keeps payment systems up", text)

    def test_duplicate(self):
        self.case_ok("duplicate")
        self.assertEqual(len(self.resumes()), 3)

    def test_preview_pages(self):
        self.case_ok("preview_pages")

    def test_tailor_link_saves_first(self):
        self.case_ok("tailor_link_saves_first")

    def test_script_summary(self):
        self.assert_summary(CASES)

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))


if __name__ == "__main__":
    unittest.main()
