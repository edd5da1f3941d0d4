"""Resume tailoring through nginx, against a fake OpenAI (fake_openai.py).

POST /api/resumes/{id}/tailor in every outcome the client knows -- success,
refusal, truncation, 429 then success, 500 until the retries run out, a
rejected key, no answer in time, invented facts, unusable output, and no
OPENAI_API_KEY at all -- with what must hold each time: the status and
error code, the number of requests OpenAI saw, no personal data in any
message, the original resume untouched, nothing stored when it failed,
and neither the key nor the resume's text in jobtuned's log.  Also GET
/api/resumes/{id}/tailorings (newest first, the owner only) and POST
/api/resumes/{id}/ats, the local keyword score that needs no AI.

The stack runs with OPENAI_TIMEOUT_MS=1500 so the "no answer" case takes
1.5 s rather than a minute."""
import copy
import subprocess
import tempfile
import time
import unittest

import tokens
from fake_openai import REFUSAL, FakeOpenAI
from stack import Stack
from tokens import ISSUER, ORIGIN

TIMEOUT_MS = 1500

NAME = "Ana Müller"
EMAIL = "ana.mueller@example.com"
PHONE = "+49 30 1234567"
URL = "https://ana-mueller.example.dev"
ADDRESS = "Hauptstraße 12"
POSTAL = "10115"
PROFILE_URL = "https://github.com/anamueller-dev"
PROFILE_USER = "anamueller-dev"
PII = [NAME, EMAIL, PHONE, URL, ADDRESS, POSTAL, PROFILE_URL, PROFILE_USER]

RESUME = {
    "basics": {
        "name": NAME,
        "label": "Backend Engineer",
        "email": EMAIL,
        "phone": PHONE,
        "url": URL,
        "summary": f"{NAME} builds backend services in Python and Go. Contact: {EMAIL}.",
        "location": {"address": ADDRESS, "postalCode": POSTAL, "city": "Berlin",
                     "countryCode": "DE", "region": "Berlin"},
        "profiles": [{"network": "GitHub", "username": PROFILE_USER, "url": PROFILE_URL}],
    },
    "work": [
        {"name": "Acme Logistics", "position": "Senior Backend Engineer",
         "startDate": "2019-04", "endDate": "2024-01",
         "summary": "Routing platform.",
         "highlights": ["Built a REST API in Python serving 2 million requests a day",
                        "Introduced unit testing and continuous integration"]},
        {"name": "Datawerk GmbH", "position": "Software Engineer",
         "startDate": "2016-09", "endDate": "2019-03",
         "highlights": ["Maintained PostgreSQL schemas", "Wrote Go services"]},
    ],
    "education": [{"institution": "TU Berlin", "area": "Computer Science",
                   "studyType": "Bachelor", "startDate": "2012", "endDate": "2016"}],
    "skills": [{"name": "Python", "keywords": ["Django", "FastAPI"]},
               {"name": "Go"}, {"name": "PostgreSQL"}, {"name": "Docker"}],
}

def pdf_text(data):
    """pdftotext (poppler-utils) of a PDF's bytes."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"], check=True,
                              capture_output=True).stdout.decode("utf-8")


JD = ("We are hiring a Senior Backend Engineer (Python, Go, Kubernetes). You will design "
      "a REST API, practise unit testing and continuous integration, and run PostgreSQL "
      "and Docker in production. Terraform is a plus.")


class TailorStack(Stack):
    """A Stack with only the CLERK_/OPENAI_ configuration the test gives."""

    def env(self):
        e = super().env()
        for k in list(e):
            if k.startswith(("CLERK_", "OPENAI_")) and k not in self.extra_env:
                del e[k]
        return e


class Client:
    """Signed-in requests; the using class has stack, key and collections."""

    def token(self, sub):
        return tokens.rs256(self.key, tokens.claims(sub))

    def call(self, method, path, sub, body=None):
        return self.stack.request(method, path, body=body,
                                  headers={"Authorization": f"Bearer {self.token(sub)}"})

    def create_resume(self, sub, resume=None):
        r = self.call("POST", "/api/resumes", sub, resume or RESUME)
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def tailor(self, sub, rid, jd=JD):
        return self.call("POST", f"/api/resumes/{rid}/tailor", sub, {"jobDescription": jd})

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        err = r.json()["error"]
        self.assertEqual(err["code"], code, r.text)
        self.assertTrue(err["message"])
        return err

    def stored(self, rid):
        return list(self.tailorings.find({"resumeId": rid}))


def stack_env(key, extra):
    env = {"CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": ISSUER,
           "CLERK_AUTHORIZED_PARTIES": ORIGIN}
    env.update(extra)
    return env


class TailorTest(Client, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_tailor")
        cls.ai = FakeOpenAI(hang_seconds=5).start()
        cls.stack = TailorStack(workers=2, env=stack_env(cls.key, {
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "OPENAI_MODEL": cls.ai.model, "OPENAI_TIMEOUT_MS": str(TIMEOUT_MS)}))
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.ai.stop()
            raise
        db = cls.stack.db()
        cls.tailorings = db["tailorings"]
        cls.resumes = db["resumes"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()

    def setUp(self):
        self.ai.reset()
        self.ai.pii = PII
        self.sub = tokens.new_user_id()
        self.rid = self.create_resume(self.sub)
        self.before = self.resumes.find_one({"_id": self.rid})

    def tearDown(self):
        self.assertEqual(self.ai.violations, [])
        self.assertEqual(self.resumes.find_one({"_id": self.rid}), self.before,
                         "the original resume changed")

    def assert_nothing_stored(self):
        self.assertEqual(self.stored(self.rid), [])

    # ---- success --------------------------------------------------------------------
    def test_success_is_201_stored_and_minimised(self):
        t0 = time.monotonic()
        r = self.tailor(self.sub, self.rid)
        self.assertEqual(r.status, 201, r.text)
        self.assertLess(time.monotonic() - t0, 5)
        body = r.json()
        self.assertLessEqual({"id", "resumeId", "resumeVersion", "createdAt", "model",
                              "summary", "work", "skills", "keywords", "atsScore", "localAts",
                              "flags", "flagged"}, set(body))
        self.assertRegex(body["id"], r"^[0-9a-f]{24}$")
        self.assertEqual(body["resumeId"], self.rid)
        self.assertEqual(body["resumeVersion"], 1)
        self.assertEqual(body["model"], "gpt-4o")
        self.assertEqual(body["skills"], ["Docker", "PostgreSQL", "Go", "Python"])
        self.assertEqual([w["index"] for w in body["work"]], [0, 1])
        self.assertEqual(body["atsScore"], {"score": 72,
                                            "reasons": ["Most required skills are present."]})
        self.assertEqual(body["flags"], [])
        self.assertIs(body["flagged"], False)
        local = body["localAts"]
        self.assertEqual(local["method"], "keyword")
        self.assertIn("kubernetes", local["missing"])
        self.assertIn("rest api", local["found"])
        self.assertIn("continuous integration", local["found"])
        self.assertTrue(0 <= local["score"] <= 100)
        self.assertEqual(self.ai.count, 1)

        # what OpenAI saw: the placeholder, no contact details, the settings
        sent = self.ai.requests[0]
        self.assertEqual(sent["temperature"], 0.2)
        self.assertIs(sent["store"], False)
        user = FakeOpenAI.user_input(sent)
        basics = user["resume"]["basics"]
        self.assertEqual(basics["name"], "[CANDIDATE]")
        for gone in ("email", "phone", "url", "profiles"):
            self.assertNotIn(gone, basics)
        self.assertNotIn("address", basics["location"])
        self.assertNotIn("postalCode", basics["location"])
        self.assertEqual(basics["location"]["city"], "Berlin")
        self.assertIn("[CANDIDATE] builds backend services", basics["summary"])
        self.assertEqual(user["jobDescription"], JD)

        # stored: one document, in the documented shape
        docs = self.stored(self.rid)
        self.assertEqual(len(docs), 1)
        doc = docs[0]
        self.assertEqual(doc["_id"], body["id"])
        self.assertEqual(doc["userId"], self.sub)
        self.assertEqual(doc["resumeVersion"], 1)
        self.assertEqual(doc["jobDescription"], JD)
        self.assertEqual(doc["model"], "gpt-4o")
        self.assertEqual(doc["result"]["skills"], body["skills"])
        self.assertEqual(doc["ats"]["local"], local)
        self.assertEqual(doc["ats"]["model"], body["atsScore"])
        self.assertEqual(doc["flags"], [])
        self.assertIs(doc["flagged"], False)
        self.assertIsNotNone(doc["createdAt"].year)  # a BSON date

    def test_job_description_with_the_candidates_email_is_scrubbed(self):
        r = self.tailor(self.sub, self.rid, JD + f" Questions: {EMAIL}")
        self.assertEqual(r.status, 201, r.text)
        # tearDown asserts no violation: the email never reached OpenAI

    def test_list_is_newest_first_and_owner_only(self):
        first = self.tailor(self.sub, self.rid).json()["id"]
        second = self.tailor(self.sub, self.rid, "Go developer for distributed systems").json()["id"]
        r = self.call("GET", f"/api/resumes/{self.rid}/tailorings", self.sub)
        self.assertEqual(r.status, 200, r.text)
        items = r.json()["items"]
        self.assertEqual([i["id"] for i in items], [second, first])
        self.assertEqual(items[1]["skills"], ["Docker", "PostgreSQL", "Go", "Python"])
        self.assert_error(self.call("GET", f"/api/resumes/{self.rid}/tailorings",
                                    tokens.new_user_id()), 404, "not_found")

    def test_tailored_pdf_reads_as_the_tailoring(self):
        tid = self.tailor(self.sub, self.rid).json()["id"]
        r = self.call("GET", f"/api/resumes/{self.rid}/pdf?tailoring={tid}&paper=letter", self.sub)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("content-type"), "application/pdf")
        self.assertTrue(r.body.startswith(b"%PDF-"))
        text = " ".join(pdf_text(r.body).split())
        self.assertIn("Backend engineer focused on reliable, well-tested services.", text)
        self.assertIn("Delivered: Introduced unit testing and continuous integration", text)
        self.assertNotIn("Contact:", text)  # the original summary is replaced
        skills = text[text.index("TU Berlin"):]  # Skills come after Education
        self.assertLess(skills.index("Docker"), skills.index("PostgreSQL"))  # the tailored order
        plain = " ".join(pdf_text(self.call("GET", f"/api/resumes/{self.rid}/pdf",
                                            self.sub).body).split())
        self.assertNotIn("Delivered:", plain)  # the stored resume is unchanged
        self.assertIn("Contact:", plain)
        # another resume's tailoring, someone else's, a malformed id: 404
        other = self.create_resume(self.sub)
        self.assert_error(self.call("GET", f"/api/resumes/{other}/pdf?tailoring={tid}",
                                    self.sub), 404, "not_found")
        stranger = tokens.new_user_id()
        srid = self.create_resume(stranger)
        self.assert_error(self.call("GET", f"/api/resumes/{srid}/pdf?tailoring={tid}",
                                    stranger), 404, "not_found")
        for bad in ("0" * 24, "nope", "../" + tid):
            self.assert_error(self.call("GET", f"/api/resumes/{self.rid}/pdf?tailoring={bad}",
                                        self.sub), 404, "not_found")

    # ---- model outcomes ----------------------------------------------------------------
    def test_refusal_is_422_ai_refused(self):
        self.ai.reset("refusal")
        err = self.assert_error(self.tailor(self.sub, self.rid), 422, "ai_refused")
        self.assertEqual(err["message"], REFUSAL)
        self.assertEqual(self.ai.count, 1)
        self.assert_nothing_stored()

    def test_length_is_502_ai_incomplete(self):
        self.ai.reset("length")
        self.assert_error(self.tailor(self.sub, self.rid), 502, "ai_incomplete")
        self.assertEqual(self.ai.count, 1)
        self.assert_nothing_stored()

    def test_content_that_is_not_json_is_502_ai_bad_output(self):
        self.ai.reset("bad-json")
        self.assert_error(self.tailor(self.sub, self.rid), 502, "ai_bad_output")
        self.assert_nothing_stored()

    def test_work_index_that_does_not_exist_is_502_ai_bad_output(self):
        self.ai.reset("bad-index")
        self.assert_error(self.tailor(self.sub, self.rid), 502, "ai_bad_output")
        self.assert_nothing_stored()

    def test_invented_year_and_skill_are_flagged_and_stored(self):
        self.ai.reset("fabricate")
        r = self.tailor(self.sub, self.rid)
        self.assertEqual(r.status, 201, r.text)
        body = r.json()
        self.assertIs(body["flagged"], True)
        paths = {f["path"]: f["problem"] for f in body["flags"]}
        self.assertIn("summary", paths)
        self.assertIn("2031", paths["summary"])
        self.assertIn("work[0].highlights[2]", paths)
        self.assertIn("skills[4]", paths)
        self.assertIn("Kubernetes", paths["skills[4]"])
        # years the resume does have are not flagged
        self.assertFalse(any("2019" in p for p in paths.values()))
        docs = self.stored(self.rid)
        self.assertEqual(len(docs), 1)
        self.assertIs(docs[0]["flagged"], True)
        self.assertEqual(docs[0]["flags"], body["flags"])

    # ---- transport outcomes ------------------------------------------------------------
    def test_429_then_success_is_201_after_two_requests(self):
        self.ai.reset("429-then-success")
        t0 = time.monotonic()
        r = self.tailor(self.sub, self.rid)
        self.assertEqual(r.status, 201, r.text)
        self.assertGreaterEqual(time.monotonic() - t0, 0.2)  # retry-after-ms honoured
        self.assertEqual(self.ai.count, 2)
        self.assertEqual(len(self.stored(self.rid)), 1)

    def test_500_is_502_after_three_requests(self):
        self.ai.reset("500")
        self.assert_error(self.tailor(self.sub, self.rid), 502, "ai_upstream_error")
        self.assertEqual(self.ai.count, 3)
        self.assert_nothing_stored()
        self.assertIn("retrying", self.stack.log_text())

    def test_401_is_503_and_the_key_is_never_logged(self):
        self.ai.reset("401")
        self.assert_error(self.tailor(self.sub, self.rid), 503, "ai_unavailable")
        self.assertEqual(self.ai.count, 1)
        self.assert_nothing_stored()
        log = self.stack.log_text()
        self.assertIn("OpenAI rejected the API key", log)
        self.assertNotIn(self.ai.api_key, log)
        self.assertNotIn(self.ai.api_key[8:], log)

    def test_no_answer_is_504_quickly(self):
        self.ai.reset("hang")
        t0 = time.monotonic()
        self.assert_error(self.tailor(self.sub, self.rid), 504, "ai_timeout")
        elapsed = time.monotonic() - t0
        self.assertGreaterEqual(elapsed, TIMEOUT_MS / 1000 - 0.1)
        self.assertLess(elapsed, 4.5)
        self.assertEqual(self.ai.count, 1)
        self.assert_nothing_stored()

    # ---- requests that never reach OpenAI -------------------------------------------------
    def test_another_users_resume_is_404(self):
        other = tokens.new_user_id()
        self.assert_error(self.tailor(other, self.rid), 404, "not_found")
        self.assert_error(self.tailor(self.sub, "0" * 24), 404, "not_found")
        self.assert_error(self.call("POST", f"/api/resumes/{self.rid}/ats", other,
                                    {"jobDescription": JD}), 404, "not_found")
        self.assertEqual(self.ai.count, 0)
        self.assert_nothing_stored()

    def test_invalid_job_description_is_422(self):
        for body in ({}, {"jobDescription": ""}, {"jobDescription": "   "},
                     {"jobDescription": 42}, {"jobDescription": "x" * 20001},
                     {"jobDescription": JD, "extra": 1}):
            with self.subTest(body=str(body)[:40]):
                r = self.call("POST", f"/api/resumes/{self.rid}/tailor", self.sub, body)
                self.assert_error(r, 422, "validation_failed")
        ok = self.call("POST", f"/api/resumes/{self.rid}/ats", self.sub,
                       {"jobDescription": "word " * 4000})
        self.assertEqual(ok.status, 200, ok.text)
        self.assertEqual(self.ai.count, 0)
        self.assert_nothing_stored()

    def test_ats_is_local_and_deterministic(self):
        a = self.call("POST", f"/api/resumes/{self.rid}/ats", self.sub, {"jobDescription": JD})
        b = self.call("POST", f"/api/resumes/{self.rid}/ats", self.sub, {"jobDescription": JD})
        self.assertEqual(a.status, 200, a.text)
        self.assertEqual(a.json(), b.json())
        body = a.json()
        self.assertEqual(set(body), {"score", "found", "missing", "method", "required",
                                     "preferred"})
        self.assertIn("python", body["found"])
        self.assertIn("terraform", body["missing"])
        self.assertEqual(body["preferred"], ["terraform"])  # "Terraform is a plus."
        # the advert's words that are no requirement are no term
        for word in ("senior", "hiring", "production", "design"):
            self.assertNotIn(word, body["found"] + body["missing"])
        self.assertEqual(self.ai.count, 0)

    def test_the_fake_notices_personal_data(self):
        # the check behind every test's "no violations" has teeth: the city
        # is sent (it is not personal enough to remove), so listing it trips it
        self.ai.pii = PII + ["Berlin"]
        self.assertEqual(self.tailor(self.sub, self.rid).status, 201)
        self.assertTrue(any("personal data" in v for v in self.ai.violations),
                        self.ai.violations)
        self.ai.reset()

    def test_zz_log_holds_no_resume_text_job_description_or_key(self):
        self.tailor(self.sub, self.rid)
        log = self.stack.log_text()
        for secret in [self.ai.api_key, "Hauptstraße", "Kubernetes", "Acme Logistics",
                       "REST API in Python", "Backend engineer focused"] + \
                [v for v in PII if v != POSTAL]:  # digits could occur in any log line
            self.assertNotIn(secret, log)


class NotConfiguredTest(Client, unittest.TestCase):
    """No OPENAI_API_KEY: tailoring answers 503 not_configured; the rest works."""

    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_tailor_nc")
        cls.stack = TailorStack(workers=1, env=stack_env(cls.key, {}))
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            raise
        cls.tailorings = cls.stack.db()["tailorings"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    def test_tailor_is_503_not_configured_and_ats_still_works(self):
        sub = tokens.new_user_id()
        rid = self.create_resume(sub)
        err = self.assert_error(self.tailor(sub, rid), 503, "not_configured")
        self.assertEqual(err["operator"], {"missing": "OPENAI_API_KEY"})
        # the person reads that the feature is not available, not a variable name
        self.assertIn("not available right now", err["message"])
        self.assertNotIn("OPENAI_API_KEY", err["message"])
        # the operator reads it in the log, once per worker, not once per call
        self.assert_error(self.tailor(sub, rid), 503, "not_configured")
        self.assertEqual(self.stack.log_text().count("OPENAI_API_KEY is not set"), 1)
        self.assertEqual(self.stored(rid), [])
        r = self.call("POST", f"/api/resumes/{rid}/ats", sub, {"jobDescription": JD})
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["method"], "keyword")
        r = self.call("GET", f"/api/resumes/{rid}/tailorings", sub)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json(), {"items": []})


if __name__ == "__main__":
    unittest.main()
