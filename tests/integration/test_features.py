"""GET /api/features through nginx: what this server can offer, so that a
page can say "not available on this server" before anyone fills its form.
Each class is a stack with a different set of keys; the answer must follow
the keys, and every feature that needs no outside service stays available."""
import os
import unittest

import tokens
from browser_run import DevSignInScriptTest
from stack import ARTIFACTS, SignedInStackTest

LOCAL = {"resumes", "keywordScore", "import"}
OPENAI = {"importStructuring", "tailoring", "interviews", "typedAnswers"}
SPEECH = {"spokenAnswers", "spokenQuestions"}


class Base(SignedInStackTest):
    workers = 1

    def features(self):
        r = self.stack.get("/api/features")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("cache-control"), "no-store")
        f = r.json()["features"]
        self.assertEqual(set(f), LOCAL | OPENAI | SPEECH)
        for name in LOCAL:
            self.assertEqual(f[name], {"available": True}, name)
        return f


class NoKeysTest(Base):
    def test_every_ai_feature_names_its_missing_keys(self):
        f = self.features()
        for name in OPENAI:
            self.assertEqual(f[name], {"available": False, "missing": ["OPENAI_API_KEY"]}, name)
        for name in SPEECH:
            self.assertEqual(f[name], {"available": False,
                                       "missing": ["OPENAI_API_KEY", "SARVAM_API_KEY"]}, name)

    def test_what_the_page_is_told_matches_what_the_route_does(self):
        # tailoring said unavailable: its route is the 503 naming the same key
        r = self.stack.get("/api/features").json()["features"]["tailoring"]
        self.assertFalse(r["available"])
        h = self.auth("user_features_1")
        created = self.stack.request("POST", "/api/resumes", headers=h,
                                     body={"basics": {"name": "Ada Lovelace"}})
        self.assertEqual(created.status, 201, created.text)
        rid = created.json()["id"]
        t = self.stack.request("POST", f"/api/resumes/{rid}/tailor", headers=h,
                               body={"jobDescription": "Python developer with Django."})
        self.assertEqual(t.status, 503, t.text)
        self.assertEqual(t.json()["error"]["operator"], {"missing": r["missing"][0]})


class OpenAIOnlyTest(Base):
    fake_openai = True

    def test_gpt4o_features_available_speech_not(self):
        f = self.features()
        for name in OPENAI:
            self.assertEqual(f[name], {"available": True}, name)
        for name in SPEECH:
            self.assertEqual(f[name], {"available": False, "missing": ["SARVAM_API_KEY"]}, name)


class AllKeysTest(Base):
    fake_openai = True
    fake_sarvam = True

    def test_everything_available(self):
        f = self.features()
        for name in OPENAI | SPEECH:
            self.assertEqual(f[name], {"available": True}, name)


class PagesWithoutKeysTest(DevSignInScriptTest):
    """tests/browser/features.mjs on a server with neither key: the pages
    say so up front and disable what would fail."""
    SCRIPT = "features.mjs"
    SHOTS = os.path.join(ARTIFACTS, "features")

    @classmethod
    def script_env(cls):
        return {"JT_USER_ID": tokens.new_user_id()}

    def test_tailoring_page_says_so_and_the_keyword_score_works(self):
        self.case_ok("tailor_says_so_and_scores_keywords")

    def test_interviews_page_says_so_and_disables_the_form(self):
        self.case_ok("interviews_say_so")


if __name__ == "__main__":
    unittest.main()
