"""Acting on a tailoring through nginx: POST
/api/resumes/{id}/tailorings/{tid}/apply, against a fake OpenAI
(fake_openai.py, whose tailoring reverses each job's highlights, prefixes
each with "Delivered: " and reverses the skills).

What must hold: each suggestion is named by a path ("basics.summary",
"work[I].highlights[J]", "skills") that the tailoring lists, with each
tailored highlight's original ("from"); "as": "new" makes a resume of its
own titled for the job (201, the original untouched), counted against the
resume quota (409 quota_exceeded); "as": "this" replaces the resume under
If-Match (428 without, 412 stale, one winner of two); a path the tailoring
does not suggest, an edit of a change not accepted or an edit that is not
acceptable text is a 422 naming the path; a resume changed since the
tailoring is 409 tailoring_outdated; another user's resume or tailoring is
404; and every refusal leaves the database as it was.  No AI call is made.
"""
import copy
import threading
import unittest

import tokens
from fake_openai import FakeOpenAI
from test_tailor import JD, NAME, RESUME, Client, TailorStack, stack_env

QUOTA_RESUMES = 3
SUMMARY = "Backend engineer focused on reliable, well-tested services."
ALL = ["basics.summary", "work[0].highlights[0]", "work[0].highlights[1]",
       "work[1].highlights[0]", "work[1].highlights[1]", "skills"]


class ApplyTest(Client, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_tailor_apply")
        cls.ai = FakeOpenAI().start()
        cls.stack = TailorStack(workers=2, env=stack_env(cls.key, {
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "OPENAI_MODEL": cls.ai.model, "JOBTUNE_QUOTA_RESUMES": str(QUOTA_RESUMES)}))
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.ai.stop()
            raise
        db = cls.stack.db()
        cls.resumes, cls.tailorings = db["resumes"], db["tailorings"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()

    def setUp(self):
        self.ai.reset()
        self.sub = tokens.new_user_id()
        self.rid = self.create_resume(self.sub)
        r = self.tailor(self.sub, self.rid)
        self.assertEqual(r.status, 201, r.text)
        self.t = r.json()
        self.calls = self.ai.count

    def tearDown(self):
        self.assertEqual(self.ai.count, self.calls, "applying called OpenAI")

    # ---- helpers ----------------------------------------------------------------
    def apply(self, body, sub=None, rid=None, tid=None, if_match=None, raw=None):
        headers = {"Authorization": f"Bearer {self.token(sub or self.sub)}"}
        if if_match is not None:
            headers["If-Match"] = if_match
        if raw is not None:
            headers["Content-Type"] = "application/json"
        return self.stack.request(
            "POST", f"/api/resumes/{rid or self.rid}/tailorings/{tid or self.t['id']}/apply",
            body=raw if raw is not None else body, headers=headers)

    def snapshot(self):
        """Every resume, resume log entry and tailoring of the database."""
        db = self.stack.db()
        return {name: sorted(db[name].find(), key=lambda d: str(d["_id"]))
                for name in ("resumes", "resumes_log", "tailorings", "directories")}

    def assert_unchanged(self, before):
        self.assertEqual(self.snapshot(), before, "a refused apply wrote something")

    def assert_422(self, r, *paths):
        err = self.assert_error(r, 422, "validation_failed")
        for p in paths:
            self.assertIn(p, err.get("fields", {}), r.text)
        return err

    def resume(self, rid, sub=None):
        r = self.call("GET", f"/api/resumes/{rid}", sub or self.sub)
        self.assertEqual(r.status, 200, r.text)
        return r

    # ---- the tailoring names its changes ------------------------------------------
    def test_tailoring_lists_its_paths_and_each_lines_original(self):
        self.assertEqual(self.t["paths"], ALL)
        # the fake reverses the highlights: tailored line 0 rewrites original 1
        self.assertEqual([w["from"] for w in self.t["work"]], [[1, 0], [1, 0]])
        listed = self.call("GET", f"/api/resumes/{self.rid}/tailorings", self.sub).json()
        self.assertEqual(listed["items"][0]["paths"], ALL)
        self.assertEqual(listed["items"][0]["work"], self.t["work"])

    # ---- as new -------------------------------------------------------------------
    def test_as_new_is_201_a_resume_for_the_job_and_the_original_untouched(self):
        before = self.resumes.find_one({"_id": self.rid})
        edit = "  Brought in unit tests and CI for the routing platform.  "
        r = self.apply({"as": "new",
                        "accept": ["basics.summary", "work[0].highlights[0]", "skills"],
                        "edits": {"work[0].highlights[0]": edit}})
        self.assertEqual(r.status, 201, r.text)
        body = r.json()
        self.assertNotEqual(body["id"], self.rid)
        self.assertEqual(r.header("Location"), f"/api/resumes/{body['id']}")
        self.assertEqual(r.header("ETag"), '"1"')
        self.assertNotIn("userId", body)
        doc = body["resume"]
        self.assertEqual(doc["basics"]["summary"], SUMMARY)
        self.assertEqual(doc["basics"]["email"], RESUME["basics"]["email"])
        # the accepted line (edited, trimmed) first, in the tailoring's order;
        # the rejected one gives back the original it rewrote
        self.assertEqual(doc["work"][0]["highlights"],
                         [edit.strip(), RESUME["work"][0]["highlights"][0]])
        self.assertEqual(doc["work"][1], RESUME["work"][1])
        self.assertEqual([s["name"] for s in doc["skills"]],
                         ["Docker", "PostgreSQL", "Go", "Python"])
        self.assertEqual(doc["skills"][3], RESUME["skills"][0])
        # "<the original's title> — <the advert's first words>"
        original = self.call("GET", f"/api/resumes/{self.rid}", self.sub).json()["title"]
        title = doc["meta"]["jobtune"]["title"]
        self.assertTrue(title.startswith(f"{original} — We are hiring a Senior Backend Engineer"),
                        title)
        self.assertTrue(title.endswith("…"), title)
        self.assertLessEqual(len(title), len(original) + 3 + 81)
        # the original, as stored and as read
        self.assertEqual(self.resumes.find_one({"_id": self.rid}), before)
        self.assertEqual(self.resume(self.rid).json()["resume"], RESUME)
        self.assertEqual(self.resume(body["id"]).json()["resume"], doc)
        ids = [i["id"] for i in self.call("GET", "/api/resumes", self.sub).json()["items"]]
        self.assertEqual(sorted(ids), sorted([self.rid, body["id"]]))

    def test_as_new_with_a_title_and_nothing_accepted_is_a_copy(self):
        r = self.apply({"as": "new", "accept": [], "title": "  Acme — backend  "})
        self.assertEqual(r.status, 201, r.text)
        doc = r.json()["resume"]
        self.assertEqual(doc["meta"], {"jobtune": {"title": "Acme — backend"}})
        del doc["meta"]
        self.assertEqual(doc, RESUME)

    def test_every_change_accepted_reads_as_the_tailored_pdf_does(self):
        r = self.apply({"as": "new", "accept": ALL})
        self.assertEqual(r.status, 201, r.text)
        doc = r.json()["resume"]
        for w, item in zip(doc["work"], self.t["work"]):
            self.assertEqual(w["highlights"], item["highlights"])

    def test_as_new_counts_against_the_resume_quota(self):
        for _ in range(QUOTA_RESUMES - 1):
            self.create_resume(self.sub)
        before = self.snapshot()
        r = self.apply({"as": "new", "accept": ALL})
        err = self.assert_error(r, 409, "quota_exceeded")
        self.assertEqual(err["quota"]["name"], "resumes")
        self.assertEqual(err["quota"]["limit"], QUOTA_RESUMES)
        self.assert_unchanged(before)

    # ---- as this ------------------------------------------------------------------
    def test_as_this_needs_if_match_and_replaces_the_resume(self):
        before = self.snapshot()
        body = {"as": "this", "accept": ["basics.summary", "work[1].highlights[1]"],
                "edits": {"basics.summary": "Backend engineer: Python, Go, PostgreSQL."}}
        self.assert_error(self.apply(body), 428, "precondition_required")
        self.assert_error(self.apply(body, if_match='"2"'), 412, "precondition_failed")
        self.assert_error(self.apply(body, if_match='W/"1"'), 412, "precondition_failed")
        self.assert_unchanged(before)
        r = self.apply(body, if_match='"1"')
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("ETag"), '"2"')
        doc = r.json()["resume"]
        self.assertEqual(r.json()["id"], self.rid)
        self.assertEqual(doc["basics"]["summary"], "Backend engineer: Python, Go, PostgreSQL.")
        # tailored line 1 of job 1 rewrites original 0 and comes second; the
        # rejected line 0 gives back original 1 in its place
        self.assertEqual(doc["work"][1]["highlights"],
                         ["Wrote Go services", "Delivered: Maintained PostgreSQL schemas"])
        self.assertEqual(doc["work"][0], RESUME["work"][0])
        self.assertNotIn("meta", doc)
        self.assertEqual(self.resume(self.rid).json()["resume"], doc)
        # the tailoring was of version 1: applying it again is refused
        r = self.apply(body, if_match='"2"')
        self.assert_error(r, 409, "tailoring_outdated")
        self.assert_error(self.apply({"as": "new", "accept": ALL}), 409, "tailoring_outdated")

    def test_two_applies_of_one_version_one_wins(self):
        results = []
        body = {"as": "this", "accept": ["skills"]}
        barrier = threading.Barrier(2)

        def go():
            barrier.wait()
            results.append(self.apply(body, if_match='"1"').status)

        threads = [threading.Thread(target=go) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(results), [200, 412], results)
        self.assertEqual(self.resume(self.rid).header("ETag"), '"2"')

    def test_a_resume_changed_since_is_409_outdated(self):
        changed = copy.deepcopy(RESUME)
        changed["work"].reverse()
        r = self.stack.request("PUT", f"/api/resumes/{self.rid}", body=changed, headers={
            "Authorization": f"Bearer {self.token(self.sub)}", "If-Match": '"1"'})
        self.assertEqual(r.status, 200, r.text)
        before = self.snapshot()
        self.assert_error(self.apply({"as": "new", "accept": ALL}), 409, "tailoring_outdated")
        self.assert_error(self.apply({"as": "this", "accept": ALL}, if_match='"2"'), 409,
                          "tailoring_outdated")
        self.assert_unchanged(before)

    # ---- paths and edits ----------------------------------------------------------
    def test_paths_the_tailoring_does_not_suggest_are_422_by_path(self):
        before = self.snapshot()
        for path in ("work[9].highlights[0]", "work[0].highlights[2]", "work[0].highlights[01]",
                     "basics.name", "basics.summary ", "skills[0]", "work[0].highlights"):
            with self.subTest(path=path):
                err = self.assert_422(self.apply({"as": "new", "accept": ["skills", path]}), path)
                self.assertEqual(list(err["fields"]), [path])
        self.assert_422(self.apply({"as": "new", "accept": [7]}), "accept[0]")
        self.assert_422(self.apply({"as": "new", "accept": "skills"}), "accept")
        self.assert_422(self.apply({"as": "new"}), "accept")
        self.assert_unchanged(before)

    def test_edits_must_be_of_accepted_changes_and_fit(self):
        before = self.snapshot()
        cases = [
            ({"work[0].highlights[1]": "New text"}, "work[0].highlights[1]", "not accepted"),
            ({"work[5].highlights[0]": "New text"}, "work[5].highlights[0]", "no change"),
            ({"skills": "Go, Python"}, "skills", "no text"),
            ({"basics.summary": "   "}, "basics.summary", "empty"),
            ({"basics.summary": 5}, "basics.summary", "as text"),
            ({"work[0].highlights[0]": "x" * 2001}, "work[0].highlights[0]", "2000"),
            ({"basics.summary": "y" * 5001}, "basics.summary", "5000"),
            ({"work[0].highlights[0]": "a\u202eb"}, "work[0].highlights[0]", "control"),
        ]
        for edits, path, words in cases:
            with self.subTest(path=path, words=words):
                err = self.assert_422(self.apply({
                    "as": "new", "accept": ["basics.summary", "work[0].highlights[0]", "skills"],
                    "edits": edits}), path)
                self.assertIn(words, err["fields"][path])
        self.assert_422(self.apply({"as": "new", "accept": [], "edits": ["x"]}), "edits")
        self.assert_unchanged(before)

    def test_the_body_is_checked(self):
        before = self.snapshot()
        self.assert_422(self.apply({"accept": ALL}), "as")
        err = self.assert_422(self.apply({"as": "copy", "accept": [], "title": "T"}), "as")
        self.assertEqual(list(err["fields"]), ["as"])
        self.assert_422(self.apply({"as": "new", "accept": ALL, "keep": True}), "keep")
        self.assert_422(self.apply({"as": "new", "accept": ALL, "$where": "1"}), "$where")
        self.assert_422(self.apply({"as": "this", "accept": ALL, "title": "T"}, if_match='"1"'),
                        "title")
        self.assert_422(self.apply({"as": "new", "accept": ALL, "title": "a\nb"}), "title")
        self.assert_422(self.apply({"as": "new", "accept": ALL, "title": "t" * 201}), "title")
        self.assert_422(self.apply({"as": "this", "accept": []}, if_match='"1"'), "accept")
        r = self.apply(None, raw="[1]")
        self.assertEqual(r.status, 400, r.text)
        self.assert_unchanged(before)

    # ---- whose ----------------------------------------------------------------------
    def test_another_users_resume_or_tailoring_is_404(self):
        other = tokens.new_user_id()
        other_rid = self.create_resume(other)
        second = self.create_resume(self.sub)
        before = self.snapshot()
        body = {"as": "new", "accept": ALL}
        for sub, rid, tid, what in (
                (other, self.rid, None, "someone else's resume and tailoring"),
                (other, other_rid, None, "someone else's tailoring on one's own resume"),
                (self.sub, second, None, "a tailoring of another resume"),
                (self.sub, None, "0" * 24, "no such tailoring"),
                (self.sub, None, "not-an-id", "no tailoring id"),
                (self.sub, "0" * 24, None, "no such resume")):
            with self.subTest(what):
                r = self.apply(body, sub=sub, rid=rid, tid=tid)
                self.assert_error(r, 404, "not_found")
        # as "this" too, If-Match or not
        self.assert_error(self.apply({"as": "this", "accept": ALL}, sub=other, if_match='"1"'),
                          404, "not_found")
        self.assert_unchanged(before)

    def test_needs_a_session(self):
        r = self.stack.request("POST", f"/api/resumes/{self.rid}/tailorings/{self.t['id']}/apply",
                               body={"as": "new", "accept": ALL})
        self.assert_error(r, 401, "unauthenticated")


if __name__ == "__main__":
    unittest.main()
