"""Resumes through nginx: create (the JSON Resume import), read, export
(?format=jsonresume), replace with If-Match, delete, and list with keyset
pagination -- for two signed-in users, each of whom must never see, change
or even detect the other's resumes.  Also: validation problems named by
exact path with nothing stored, stale and missing preconditions, a complete
realistic document (tests/integration/data/resume-full.json) that survives
a round trip unchanged, the sub-resources other features hang off a resume
(/pdf, /tailor, /tailorings, ... as the route table lists them), erasure
of resumes and tailorings, sign-in, and a database outage."""
import datetime
import json
import os
import re
import threading
import time
import unittest
import uuid

import tokens
from stack import ARTIFACTS, ROOT, Stack, wait_until
from test_auth import AuthStack
from test_webhooks import sign, user_event
from tokens import ISSUER, ORIGIN

RESUMES = "/api/resumes"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ID = re.compile(r"^[0-9a-f]{24}$")
STORED_KEYS = {"id", "version", "title", "createdAt", "updatedAt", "resume"}
ITEM_KEYS = {"id", "title", "version", "createdAt", "updatedAt"}
JOB = ("Senior Backend Engineer (Go, Kafka, PostgreSQL) at a Bengaluru fintech: design "
       "settlement and ledger services, mentor engineers, own reliability. " * 3)


def npm_sample_resume():
    """sample.resume.json of the npm package resume-schema, fetched now with
    `npm pack` into tests/artifacts (the test tooling's npm is on PATH)."""
    import subprocess
    import tarfile
    os.makedirs(ARTIFACTS, exist_ok=True)
    out = subprocess.run(["npm", "pack", "resume-schema", "--pack-destination", ARTIFACTS],
                         check=True, capture_output=True, text=True, timeout=120)
    tgz = os.path.join(ARTIFACTS, out.stdout.strip().splitlines()[-1])
    with tarfile.open(tgz) as t:
        data = t.extractfile("package/sample.resume.json").read()
    with open(os.path.join(ARTIFACTS, "sample.resume.json"), "wb") as f:
        f.write(data)
    return json.loads(data)


def load(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as f:
        return json.load(f)


def resume_subroutes():
    """(method, suffix) of every route under /api/resumes/{id}/ in the table."""
    with open(os.path.join(ROOT, "src", "routes", "table.c"), encoding="utf-8") as f:
        text = f.read()
    return sorted(set(re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)",\s*"/api/resumes/\{id\}(/[^"]+)"',
                                 text)))


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class ResumeClient:
    """HTTP helpers; the using class has self.stack and self.key."""

    def token(self, sub):
        return tokens.rs256(self.key, tokens.claims(sub))

    def call(self, method, path, user, body=None, headers=None):
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = f"Bearer {self.token(user)}"
        return self.stack.request(method, path, body=body, headers=h)

    def create(self, user, doc):
        r = self.call("POST", RESUMES, user, body=doc)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def put(self, user, rid, doc, if_match=None):
        h = {} if if_match is None else {"If-Match": if_match}
        return self.call("PUT", f"{RESUMES}/{rid}", user, body=doc, headers=h)

    def store_tailoring(self, user, rid, tid):
        """A tailoring stored as the tailor route stores one: the document,
        and its entry under the resume in the owner's directory (the head
        of a chain with no newer generation, so changing it in place is
        what a commit would leave)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        ms = int(now.timestamp() * 1000)
        self.tailorings.insert_one({"_id": tid, "resumeId": rid, "userId": user,
                                    "createdAt": now})
        self.stack.db()["directories"].update_one({"_id": user}, {"$push": {
            f"body.tailorings.{rid}": {"id": tid, "createdAt": ms, "state": "ok", "at": ms}}})

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertTrue((r.header("content-type") or "").startswith("application/json"))
        err = r.json()["error"]
        self.assertEqual(err["code"], code, r.text)
        self.assertTrue(err["message"])
        return err

    def assert_fields(self, r, keys):
        err = self.assert_error(r, 422, "validation_failed")
        self.assertEqual(set(err.get("fields", {})), set(keys), r.text)
        return err["fields"]

    def list_all(self, user, limit=20):
        """Every page of user's list: (pages of items, the cursors)."""
        pages, cursor = [], None
        while True:
            q = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            r = self.call("GET", RESUMES + q, user)
            self.assertEqual(r.status, 200, r.text)
            body = r.json()
            pages.append(body["items"])
            cursor = body["next"]
            if cursor is None:
                return pages
            self.assertLess(len(pages), 100, "the list does not end")


class ResumesTest(ResumeClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_resumes")
        cls.stack = AuthStack(workers=2, env={
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET})
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            raise
        db = cls.stack.db()
        cls.resumes, cls.tailorings = db["resumes"], db["tailorings"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def setUp(self):
        self.alice, self.bob = tokens.new_user_id(), tokens.new_user_id()

    # ---- create, read, replace, delete ----------------------------------------------
    def test_crud(self):
        doc = {"basics": {"name": "  Meera Iyer ", "email": "meera@example.in"},
               "skills": [{"name": "Go", "keywords": ["gRPC"]}]}
        r = self.call("POST", RESUMES, self.alice, body=doc)
        self.assertEqual(r.status, 201, r.text)
        made = r.json()
        self.assertEqual(set(made), STORED_KEYS)
        rid = made["id"]
        self.assertRegex(rid, ID)
        self.assertEqual(made["version"], 1)
        self.assertEqual(made["title"], "Meera Iyer")
        self.assertEqual(made["resume"], doc)
        self.assertEqual(made["createdAt"], made["updatedAt"])
        self.assertLess(abs((datetime.datetime.now(datetime.timezone.utc)
                             - parse_time(made["createdAt"])).total_seconds()), 60)
        self.assertEqual(r.header("location"), f"{RESUMES}/{rid}")
        self.assertEqual(r.header("etag"), '"1"')

        head = self.resumes.find_one({"_id": rid})
        stored = head["body"]
        self.assertEqual(stored["userId"], self.alice)
        self.assertEqual(head["gen"], 1)
        self.assertEqual(stored["title"], "Meera Iyer")
        self.assertEqual(stored["resume"], doc)
        self.assertIsInstance(stored["createdAt"], int)

        r = self.call("GET", f"{RESUMES}/{rid}", self.alice)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), made)
        self.assertEqual(r.header("etag"), '"1"')

        doc2 = {"basics": {"name": "Meera Iyer-Rao"}, "work": [{"name": "Zoho"}]}
        r = self.put(self.alice, rid, doc2, '"1"')
        self.assertEqual(r.status, 200, r.text)
        v2 = r.json()
        self.assertEqual(set(v2), STORED_KEYS)
        self.assertEqual((v2["id"], v2["version"], v2["title"]), (rid, 2, "Meera Iyer-Rao"))
        self.assertEqual(v2["resume"], doc2)
        self.assertEqual(v2["createdAt"], made["createdAt"])
        self.assertGreaterEqual(parse_time(v2["updatedAt"]), parse_time(made["updatedAt"]))
        self.assertEqual(r.header("etag"), '"2"')

        # If-Match without the quotes is accepted too; {} is a valid resume
        r = self.put(self.alice, rid, {}, "2")
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual((r.json()["version"], r.json()["title"]), (3, "Untitled resume"))
        self.assertEqual(r.header("etag"), '"3"')
        self.assertEqual(self.resumes.find_one({"_id": rid})["gen"], 3)

        items = self.call("GET", RESUMES, self.alice).json()["items"]
        self.assertEqual([(i["id"], i["version"]) for i in items], [(rid, 3)])
        self.assertEqual(set(items[0]), ITEM_KEYS)

        r = self.call("DELETE", f"{RESUMES}/{rid}", self.alice)
        self.assertEqual(r.status, 204, r.text)
        self.assertEqual(r.body, b"")
        self.assertIsNone(self.resumes.find_one({"_id": rid}))
        self.assert_error(self.call("GET", f"{RESUMES}/{rid}", self.alice), 404, "not_found")
        self.assert_error(self.call("DELETE", f"{RESUMES}/{rid}", self.alice), 404, "not_found")
        self.assert_error(self.put(self.alice, rid, {}, '"3"'), 404, "not_found")
        self.assertEqual(self.call("GET", RESUMES, self.alice).json(), {"items": [], "next": None})

    def test_empty_document_is_an_untitled_resume(self):
        made = self.create(self.alice, {})
        self.assertEqual((made["title"], made["resume"], made["version"]),
                         ("Untitled resume", {}, 1))

    def test_delete_takes_the_resumes_tailorings_with_it(self):
        rid = self.create(self.alice, {"basics": {"name": "Kabir"}})["id"]
        keep_rid = self.create(self.alice, {"basics": {"name": "Kabir 2"}})["id"]
        mine = [uuid.uuid4().hex[:24] for _ in range(2)]
        for tid in mine:
            self.store_tailoring(self.alice, rid, tid)
        kept = uuid.uuid4().hex[:24]
        self.store_tailoring(self.alice, keep_rid, kept)
        self.assertEqual(self.call("DELETE", f"{RESUMES}/{rid}", self.alice).status, 204)
        self.assertEqual(self.tailorings.count_documents({"resumeId": rid}), 0)
        self.assertIsNotNone(self.tailorings.find_one({"_id": kept}))
        self.assertIsNotNone(self.resumes.find_one({"_id": keep_rid}))

    # ---- validation -----------------------------------------------------------------
    def test_validation_names_exact_paths_and_stores_nothing(self):
        cases = [
            ({"work": [{}, {}, {"startDate": "2023-02-29"}]}, {"work[2].startDate"}),
            ({"work": [{"startDate": "2024-13"}, {"endDate": "2024-1"}]},
             {"work[0].startDate", "work[1].endDate"}),
            ({"basics": {"email": "not-an-email",
                         "profiles": [{"url": "github com/aarav"}],
                         "location": {"countryCode": "XX"}}},
             {"basics.email", "basics.profiles[0].url", "basics.location.countryCode"}),
            ({"education": [{"startDate": "2019-08", "endDate": "2018-05"}]},
             {"education[0].endDate"}),
            ({"hobbies": ["chess"], "work": [{"company": "Infosys"}]},
             {"hobbies", "work[0].company"}),
            ({"skills": [{"keywords": "Go, C"}], "basics": {"name": 7}, "projects": {}},
             {"skills[0].keywords", "basics.name", "projects"}),
            ({"projects": [{"url": "javascript:alert(1)", "roles": ["Lead", 3]}]},
             {"projects[0].url", "projects[0].roles[1]"}),
            ({"basics": {"summary": "x" * 5001, "label": "y" * 2001}},
             {"basics.summary", "basics.label"}),
            ({"work": [{} for _ in range(51)]}, {"work"}),
            ({"skills": [{"keywords": ["k"] * 31}]}, {"skills[0].keywords"}),
        ]
        for doc, keys in cases:
            with self.subTest(keys=sorted(keys)):
                self.assert_fields(self.call("POST", RESUMES, self.alice, body=doc), keys)
        self.assertEqual(self.resumes.count_documents({"body.userId": self.alice}), 0)

        # the same checks guard PUT, and a refused PUT changes nothing
        made = self.create(self.alice, {"basics": {"name": "Valid"}})
        self.assert_fields(self.put(self.alice, made["id"], {"work": [{"url": "ftp://x.org"}]},
                                    '"1"'), {"work[0].url"})
        self.assertEqual(self.call("GET", f"{RESUMES}/{made['id']}", self.alice).json(), made)

    def test_operator_keys_and_bad_bodies(self):
        r = self.call("POST", RESUMES, self.alice, body={"basics": {"$where": "1"}})
        self.assert_fields(r, {"basics.$where"})
        # "$schema" is JSON Resume's own key: a string, at the top only
        r = self.call("POST", RESUMES, self.alice, body={"$schema": 7})
        self.assert_fields(r, {"$schema"})
        r = self.call("POST", RESUMES, self.alice, body={"work": [{"$schema": "x"}]})
        self.assert_fields(r, {"work[0].$schema"})
        # every problem in one answer: '$' keys with the schema's own problems
        r = self.call("POST", RESUMES, self.alice, body={
            "$set": {}, "basics": {"email": "nope", "profiles": [{"url": "not a url"}]},
            "work": [{"startDate": "2021-13", "$gt": 1}]})
        self.assert_fields(r, {"$set", "basics.email", "basics.profiles[0].url",
                               "work[0].startDate", "work[0].$gt"})
        r = self.call("POST", RESUMES, self.alice, body="[1,2]",
                      headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r.text)
        r = self.call("POST", RESUMES, self.alice, body="{}",
                      headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415, r.text)
        big = {"basics": {"summary": "x"}, "work": [{"summary": "y" * 4900} for _ in range(50)],
               "projects": [{"description": "z" * 1000} for _ in range(20)]}
        self.assertGreater(len(json.dumps(big)), 256 * 1024)
        self.assertEqual(self.call("POST", RESUMES, self.alice, body=big).status, 413)
        self.assertEqual(self.resumes.count_documents({"body.userId": self.alice}), 0)

    # ---- the JSON Resume ecosystem -------------------------------------------------
    def test_official_sample_imports_and_round_trips(self):
        sample = npm_sample_resume()
        self.assertIn("$schema", sample)
        r = self.call("POST", RESUMES, self.alice, body=sample)
        self.assertEqual(r.status, 201, r.text)
        made = r.json()
        # the one URL without a scheme gets https://, and the answer says so
        self.assertEqual(made["normalized"], [{
            "path": "projects[0].url", "from": "missdirection.example.com",
            "to": "https://missdirection.example.com"}])
        expected = json.loads(json.dumps(sample))
        expected["projects"][0]["url"] = "https://missdirection.example.com"
        self.assertEqual(made["resume"], expected)
        self.assertEqual(list(made["resume"])[0], "$schema")
        r = self.call("GET", f"{RESUMES}/{made['id']}?format=jsonresume", self.alice)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json(), expected)  # "" values and $schema kept as given
        with open(os.path.join(ARTIFACTS, "sample.resume.exported.json"), "wb") as f:
            f.write(r.body)
        # the export imports again, unchanged, with nothing left to normalize
        again = self.create(self.alice, r.json())
        self.assertNotIn("normalized", again)
        self.assertEqual(again["resume"], expected)
        # and PUT keeps $schema too
        r = self.put(self.alice, again["id"], dict(expected, basics=dict(
            expected["basics"], url="richard.example.com")), '"1"')
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["resume"]["$schema"], sample["$schema"])
        self.assertEqual(r.json()["normalized"][0]["path"], "basics.url")
        stored = self.resumes.find_one({"_id": again["id"]}) or {}
        self.assertNotIn("$schema", json.dumps(stored.get("body", {}).get("resume", {})))

    def test_blank_url_email_and_date_mean_absent(self):
        doc = {"basics": {"email": "", "url": "", "profiles": [{"network": "X", "url": ""}]},
               "work": [{"name": "Acme", "startDate": "2020-01", "endDate": "", "url": ""}],
               "awards": [{"title": "Prize", "date": ""}]}
        made = self.create(self.alice, doc)
        self.assertEqual(made["resume"], doc)
        self.assertNotIn("normalized", made)

    # ---- preconditions --------------------------------------------------------------
    def test_stale_if_match_is_412_and_changes_nothing(self):
        rid = self.create(self.alice, {"basics": {"name": "v1"}})["id"]
        self.assertEqual(self.put(self.alice, rid, {"basics": {"name": "v2"}}, '"1"').status, 200)
        current = self.call("GET", f"{RESUMES}/{rid}", self.alice).json()
        for stale in ('"1"', "1", '"3"', '"0"', 'W/"2"', '"abc"'):
            with self.subTest(if_match=stale):
                r = self.put(self.alice, rid, {"basics": {"name": "lost update"}}, stale)
                self.assert_error(r, 412, "precondition_failed")
        self.assertEqual(self.call("GET", f"{RESUMES}/{rid}", self.alice).json(), current)
        self.assertEqual(self.resumes.find_one({"_id": rid})["gen"], 2)

    def test_missing_if_match_is_428_and_changes_nothing(self):
        made = self.create(self.alice, {"basics": {"name": "v1"}})
        for headers in ({}, {"If-Match": ""}):
            with self.subTest(headers=headers):
                r = self.call("PUT", f"{RESUMES}/{made['id']}", self.alice,
                              body={"basics": {"name": "blind write"}}, headers=headers)
                self.assert_error(r, 428, "precondition_required")
        self.assertEqual(self.call("GET", f"{RESUMES}/{made['id']}", self.alice).json(), made)

    def race(self, n, work):
        """work(i) in n threads released together by a barrier: their
        results in thread order.  Fails unless at least two calls were in
        flight at the same time."""
        barrier = threading.Barrier(n)
        results, spans, errors = [None] * n, [None] * n, []

        def run(i):
            try:
                barrier.wait(timeout=30)
                started = time.monotonic()
                results[i] = work(i)
                spans[i] = (started, time.monotonic())
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertFalse([t for t in threads if t.is_alive()], "a racing request never returned")
        self.assertEqual(errors, [])
        # really concurrent: at least two requests were in flight at once
        starts = sorted(s for s, _ in spans)
        self.assertLess(starts[1], min(e for _, e in spans), "the requests ran one after another")
        return results

    def test_concurrent_writers_of_one_version_one_wins(self):
        """WRITERS tabs PUT over the same version at the same moment, for
        several rounds: each round exactly one wins (200) and the others get
        412, the stored version moves by exactly one and holds the winner's
        document."""
        writers, rounds = 6, 5
        rid = self.create(self.alice, {"basics": {"name": "v1"}})["id"]
        for version in range(1, rounds + 1):
            with self.subTest(round=version):
                names = [f"round {version} tab {i}" for i in range(writers)]
                answers = self.race(writers, lambda i: self.put(
                    self.alice, rid, {"basics": {"name": names[i]}}, f'"{version}"'))
                statuses = [r.status for r in answers]
                self.assertEqual(sorted(statuses), [200] + [412] * (writers - 1),
                                 [(r.status, r.text[:200]) for r in answers])
                for r in answers:
                    if r.status == 412:
                        self.assert_error(r, 412, "precondition_failed")
                winner = statuses.index(200)
                won = answers[winner].json()
                self.assertEqual((won["version"], won["title"]), (version + 1, names[winner]))
                self.assertEqual(answers[winner].header("etag"), f'"{version + 1}"')
                head = self.resumes.find_one({"_id": rid})
                self.assertEqual(head["gen"], version + 1)
                self.assertEqual(head["body"]["resume"], {"basics": {"name": names[winner]}})
                r = self.call("GET", f"{RESUMES}/{rid}", self.alice)
                self.assertEqual((r.json()["version"], r.header("etag")),
                                 (version + 1, f'"{version + 1}"'))
                self.assertEqual(r.json()["resume"], {"basics": {"name": names[winner]}})
        items = self.call("GET", RESUMES, self.alice).json()["items"]
        self.assertEqual([(i["id"], i["version"]) for i in items], [(rid, rounds + 1)])

    def test_concurrent_creates_are_each_listed_once(self):
        """One user's creates at the same moment: every one is 201 with its
        own id, and the list (every page) names each exactly once, with
        nothing else in it; the other user's list stays empty."""
        creators = 8
        names = [f"parallel {i}" for i in range(creators)]
        answers = self.race(creators, lambda i: self.call(
            "POST", RESUMES, self.alice, body={"basics": {"name": names[i]}}))
        self.assertEqual([r.status for r in answers], [201] * creators,
                         [r.text[:200] for r in answers])
        made = {r.json()["id"]: r.json()["title"] for r in answers}
        self.assertEqual(len(made), creators, "two creates answered with one id")
        self.assertEqual(sorted(made.values()), sorted(names))
        for limit in (100, 3):
            with self.subTest(limit=limit):
                listed = [(i["id"], i["title"], i["version"])
                          for page in self.list_all(self.alice, limit=limit) for i in page]
                self.assertEqual(sorted(listed), sorted((rid, title, 1)
                                                        for rid, title in made.items()))
        self.assertEqual(self.resumes.count_documents({"body.userId": self.alice}), creators)
        self.assertEqual(self.call("GET", RESUMES, self.bob).json(), {"items": [], "next": None})

    # ---- one user's resumes are invisible to another ---------------------------------
    def test_another_users_resume_is_404_everywhere(self):
        doc = {"basics": {"name": "Alice Fernandes"}, "work": [{"name": "TCS"}]}
        made = self.create(self.alice, doc)
        rid = made["id"]
        path = f"{RESUMES}/{rid}"
        self.assert_error(self.call("GET", path, self.bob), 404, "not_found")
        self.assert_error(self.call("GET", path + "?format=jsonresume", self.bob), 404,
                          "not_found")
        self.assert_error(self.put(self.bob, rid, {"basics": {"name": "Bob"}}, '"1"'), 404,
                          "not_found")
        self.assert_error(self.put(self.bob, rid, {"basics": {"name": "Bob"}}, '"7"'), 404,
                          "not_found")
        self.assert_error(self.call("DELETE", path, self.bob), 404, "not_found")
        subroutes = resume_subroutes()
        for method, suffix in subroutes:
            with self.subTest(route=f"{method} {suffix}"):
                body = {"jobDescription": JOB} if method in ("POST", "PUT", "PATCH") else None
                if suffix.endswith("/apply"):  # a well-formed choice, so only the owner decides
                    body = {"as": "new", "accept": []}
                self.assert_error(self.call(method, path + suffix, self.bob, body=body), 404,
                                  "not_found")
        # Bob's own list is empty; Alice's resume is untouched
        self.assertEqual(self.call("GET", RESUMES, self.bob).json(), {"items": [], "next": None})
        self.assertEqual(self.call("GET", path, self.alice).json(), made)
        self.assertEqual(self.tailorings.count_documents({"resumeId": rid}), 0)

        # what an unknown id, or no id at all, looks like: the same 404
        for other in ("0" * 24, "f" * 24, "ABCDEF" * 4, rid[:-1], rid + "0", "x", "%24where"):
            with self.subTest(id=other):
                self.assert_error(self.call("GET", f"{RESUMES}/{other}", self.alice), 404,
                                  "not_found")
                self.assert_error(self.call("DELETE", f"{RESUMES}/{other}", self.alice), 404,
                                  "not_found")
                self.assert_error(self.put(self.alice, other, {}, '"1"'), 404, "not_found")

    # ---- the list ------------------------------------------------------------------
    def test_pagination_across_45_resumes(self):
        made = [self.create(self.alice, {"basics": {"name": f"Resume {i:02d}"}})["id"]
                for i in range(45)]
        self.create(self.bob, {"basics": {"name": "Bob's"}})

        r = self.call("GET", f"{RESUMES}?limit=20", self.alice)
        self.assertEqual(r.status, 200, r.text)
        first = r.json()
        self.assertEqual(len(first["items"]), 20)
        self.assertIsInstance(first["next"], str)
        r = self.call("GET", f"{RESUMES}?limit=20&cursor={first['next']}", self.alice)
        second = r.json()
        self.assertEqual(len(second["items"]), 20, r.text)
        # a resume created between pages goes to the top, not into later pages
        late = self.create(self.alice, {"basics": {"name": "Late"}})["id"]
        r = self.call("GET", f"{RESUMES}?limit=20&cursor={second['next']}", self.alice)
        third = r.json()
        self.assertEqual(len(third["items"]), 5, r.text)
        self.assertIsNone(third["next"])

        items = first["items"] + second["items"] + third["items"]
        ids = [i["id"] for i in items]
        self.assertEqual(len(ids), len(set(ids)), "an item appeared twice")
        self.assertEqual(set(ids), set(made))
        self.assertNotIn(late, ids)
        keys = [(i["updatedAt"], i["id"]) for i in items]
        self.assertEqual(keys, sorted(keys, reverse=True), "not newest first")
        # created one after another: newest first is the reverse creation order
        # wherever the clock told them apart
        stamps = {i["id"]: i["updatedAt"] for i in items}
        for older, newer in zip(made, made[1:]):
            if stamps[older] != stamps[newer]:
                self.assertLess(ids.index(newer), ids.index(older))
        for item in items:
            self.assertEqual(set(item), ITEM_KEYS)
            self.assertRegex(item["title"], r"^Resume \d\d$")

        # the default page is 20; the whole list now starts with the late one
        r = self.call("GET", RESUMES, self.alice).json()
        self.assertEqual(len(r["items"]), 20)
        self.assertEqual(r["items"][0]["id"], late)
        pages = self.list_all(self.alice, limit=100)
        self.assertEqual([len(p) for p in pages], [46])
        pages = self.list_all(self.alice, limit=7)
        self.assertEqual([len(p) for p in pages], [7] * 6 + [4])
        self.assertEqual(len({i["id"] for p in pages for i in p}), 46)
        # Bob sees only his own
        self.assertEqual([i["title"] for i in self.call("GET", RESUMES, self.bob).json()["items"]],
                         ["Bob's"])

    def test_invalid_limit_and_cursor_are_422(self):
        for limit in ("0", "101", "abc", "-1", "", "1.5", "20x", "0020"):
            with self.subTest(limit=limit):
                self.assert_fields(self.call("GET", f"{RESUMES}?limit={limit}", self.alice),
                                   {"limit"})
        for cursor in ("garbage", "!!!", "", "MTIzfHh5eg", "eyJhIjoxfQ"):
            with self.subTest(cursor=cursor):
                self.assert_fields(self.call("GET", f"{RESUMES}?cursor={cursor}", self.alice),
                                   {"cursor"})
        self.assertEqual(self.call("GET", f"{RESUMES}?limit=1", self.alice).status, 200)
        self.assertEqual(self.call("GET", f"{RESUMES}?limit=100", self.alice).status, 200)

    # ---- JSON Resume import and export ------------------------------------------------
    def test_full_json_resume_round_trip(self):
        doc = load("resume-full.json")
        sections = {"basics", "work", "volunteer", "education", "awards", "certificates",
                    "publications", "skills", "languages", "interests", "references",
                    "projects", "meta"}
        self.assertEqual(set(doc), sections)
        r = self.call("POST", RESUMES, self.alice, body=doc)
        self.assertEqual(r.status, 201, r.text)
        made = r.json()
        # no meta.jobtune.title: the name and the label
        self.assertEqual(made["title"], "Aarav Sharma (आरव शर्मा) — "
                                        "Senior Software Engineer — Distributed Systems")
        self.assertEqual(made["resume"], doc)

        r = self.call("GET", f"{RESUMES}/{made['id']}?format=jsonresume", self.alice)
        self.assertEqual(r.status, 200, r.text)
        self.assertTrue(r.header("content-type").startswith("application/json"))
        # named as its PDF is, after the person (RFC 6266, the UTF-8 name in filename*)
        self.assertRegex(r.header("content-disposition"),
                         r'^attachment; filename="Aarav_Sharma_[^"]*Resume\.json"; '
                         r"filename\*=UTF-8''Aarav_Sharma_%E0%A4%86.*_Resume\.json$")
        self.assertEqual(json.loads(r.body.decode("utf-8")), doc)
        self.assertEqual(self.call("GET", f"{RESUMES}/{made['id']}", self.alice).json()["resume"],
                         doc)
        # what was exported imports again as the same document
        again = self.create(self.alice, json.loads(r.body))
        self.assertEqual(again["resume"], doc)
        self.assert_fields(self.call("GET", f"{RESUMES}/{made['id']}?format=pdfx", self.alice),
                           {"format"})

    # ---- sign-in and erasure -------------------------------------------------------
    def test_unauthenticated_is_401(self):
        rid = self.create(self.alice, {})["id"]
        for method, path, body in (("GET", RESUMES, None), ("POST", RESUMES, {}),
                                   ("GET", f"{RESUMES}/{rid}", None),
                                   ("GET", f"{RESUMES}/{rid}?format=jsonresume", None),
                                   ("PUT", f"{RESUMES}/{rid}", {}),
                                   ("DELETE", f"{RESUMES}/{rid}", None)):
            with self.subTest(route=f"{method} {path}"):
                self.assert_error(self.call(method, path, None, body=body), 401,
                                  "unauthenticated")
                self.assert_error(self.stack.request(method, path, body=body, headers={
                    "Authorization": "Bearer not-a-token"}), 401, "unauthenticated")
        self.assertEqual(self.resumes.count_documents({"body.userId": self.alice}), 1)

    def test_user_deleted_erases_resumes_and_tailorings(self):
        mine = [self.create(self.alice, {"basics": {"name": f"A{i}"}})["id"] for i in range(3)]
        theirs = self.create(self.bob, {"basics": {"name": "B"}})["id"]
        self.store_tailoring(self.alice, mine[0], uuid.uuid4().hex[:24])
        bob_t = uuid.uuid4().hex[:24]
        self.store_tailoring(self.bob, theirs, bob_t)

        body = json.dumps(user_event("user.deleted", self.alice)).encode()
        msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg_id, ts, body)})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(self.resumes.count_documents({"body.userId": self.alice}), 0)
        self.assertEqual(self.tailorings.count_documents({"userId": self.alice}), 0)
        self.assertIsNotNone(self.resumes.find_one({"_id": theirs}))
        self.assertIsNotNone(self.tailorings.find_one({"_id": bob_t}))


class ResumesDatabaseDownTest(ResumeClient, unittest.TestCase):
    def test_db_down_is_503_db_unavailable(self):
        self.key = tokens.Key(kid="ins_test_resumes_down")
        self.stack = AuthStack(workers=1, env={
            "CLERK_JWT_KEY": self.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN}).start()
        try:
            user = tokens.new_user_id()
            rid = self.create(user, {"basics": {"name": "Outage"}})["id"]
            self.stack.stop_db()
            for method, path, body, headers in (
                    ("GET", RESUMES, None, {}), ("POST", RESUMES, {}, {}),
                    ("GET", f"{RESUMES}/{rid}", None, {}),
                    ("PUT", f"{RESUMES}/{rid}", {}, {"If-Match": '"1"'}),
                    ("DELETE", f"{RESUMES}/{rid}", None, {})):
                with self.subTest(route=f"{method} {path}"):
                    started = time.monotonic()
                    r = self.call(method, path, user, body=body, headers=headers)
                    self.assert_error(r, 503, "db_unavailable")
                    self.assertLess(time.monotonic() - started, 5)
            self.stack.start_db()
            wait_until(lambda: self.stack.get("/api/health").status == 200, timeout=30,
                       what="health after the database returned")
            r = self.call("GET", f"{RESUMES}/{rid}", user)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.json()["version"], 1)
        finally:
            self.stack.stop()


if __name__ == "__main__":
    unittest.main()
