"""docs/openapi.yaml is a true description of the server.

The document passes `redocly lint` (npm @redocly/cli, tests/tools) with
its recommended rules, and every route of the route table answers, live
through nginx, only statuses the document lists for it, with bodies that
validate against the document's schemas (Debian's python3-jsonschema,
Draft 2020-12 as OpenAPI 3.1 uses).  The calls cover every route of
src/routes/table.c at least once, happy paths and the usual errors."""
import json
import os
import re
import subprocess
import time
import unittest

import jsonschema
import yaml

import tokens
from fake_clerk import FakeClerk
from fake_smtp import FakeSmtp
from fake_openai import FakeOpenAI
from fake_sarvam import FakeSarvam
from stack import ROOT
from test_auth import AuthStack
from test_resumes import npm_sample_resume
from test_webhooks import SECRET, new_id, sign, user_event

DOC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
TOOLS = os.path.join(ROOT, "tests", "tools")


def redocly():
    exe = os.path.join(TOOLS, "node_modules", ".bin", "redocly")
    if not os.path.exists(exe):  # the test installs what it needs, never skips
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=TOOLS, check=True, timeout=600)
    return exe


def table_routes():
    with open(os.path.join(ROOT, "src", "routes", "table.c"), encoding="utf-8") as f:
        return set(re.findall(r'\{"(GET|POST|PUT|PATCH|DELETE)",\s*"(/api/[^"]*)"', f.read()))


class Spec:
    def __init__(self):
        with open(DOC_PATH, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.templates = [(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", p) + "$"), p)
                          for p in self.doc["paths"]]

    def template(self, path):
        path = path.split("?", 1)[0]
        hits = [t for rx, t in self.templates if rx.match(path)]
        # a literal segment beats a parameter: the template with fewest braces
        return min(hits, key=lambda t: t.count("{")) if hits else None

    def check(self, method, path, r):
        """Problems of response r to method path, as a list of strings."""
        t = self.template(path)
        if t is None:
            return [f"{method} {path}: no path in the document"]
        op = self.doc["paths"][t].get(method.lower())
        if op is None:
            return [f"{method} {t}: no operation in the document"]
        resp = op["responses"].get(str(r.status)) or op["responses"].get("default")
        if resp is None:
            return [f"{method} {t}: status {r.status} is not documented ({r.text[:200]})"]
        if "$ref" in resp:
            resp = self.doc["components"]["responses"][resp["$ref"].rsplit("/", 1)[1]]
        ctype = (r.header("content-type") or "").split(";")[0].strip()
        content = resp.get("content") or {}
        if not r.body:
            return []
        if ctype not in content:
            return [f"{method} {t} {r.status}: content type {ctype} is not documented"]
        schema = content[ctype].get("schema")
        if schema is None or ctype != "application/json":
            return []
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": self.doc["components"], "allOf": [schema]}
        v = jsonschema.Draft202012Validator(root)
        return [f"{method} {t} {r.status}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in v.iter_errors(r.json())]


class OpenApiLintTest(unittest.TestCase):
    def test_redocly_recommended_rules_pass(self):
        p = subprocess.run([redocly(), "lint", "--format=stylish", DOC_PATH],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("valid", p.stdout + p.stderr)

    def test_every_table_route_is_documented_with_an_operation_id(self):
        doc = Spec().doc
        for method, path in sorted(table_routes()):
            with self.subTest(route=f"{method} {path}"):
                op = doc["paths"].get(path, {}).get(method.lower())
                self.assertIsNotNone(op)
                self.assertIn("operationId", op)
                self.assertIn("security", op)


class LiveResponsesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.spec = Spec()
        cls.key = tokens.Key()
        cls.staff = tokens.new_user_id()
        cls.clerk = FakeClerk().start()
        cls.ai = FakeOpenAI().start()
        cls.sv = FakeSarvam().start()
        cls.relay = FakeSmtp().start()
        cls.stack = AuthStack(workers=2, env={
            "SMTP_URL": cls.relay.url, "SMTP_FROM": "support@jobtune.example",
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": tokens.ISSUER,
            "CLERK_AUTHORIZED_PARTIES": tokens.ORIGIN, "CLERK_WEBHOOK_SECRET": SECRET,
            "CLERK_SECRET_KEY": cls.clerk.secret_key, "CLERK_API_URL": cls.clerk.api_url,
            "JOBTUNE_ADMIN_USER_IDS": cls.staff,
            "CLERK_PUBLISHABLE_KEY": "pk_test_Y2xlcmsudGVzdC5pbnZhbGlkJA",
            "JOBTUNE_SECRET": "openapi-test-secret-0123456789abcdef0123456789",
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "SARVAM_API_KEY": cls.sv.api_key, "SARVAM_BASE_URL": cls.sv.base_url})
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            for s in (cls.clerk, cls.ai, cls.sv, cls.relay):
                s.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        for s in (cls.clerk, cls.ai, cls.sv, cls.relay):
            s.stop()

    def setUp(self):
        self.problems, self.seen = [], set()

    def call(self, method, path, user=None, body=None, headers=None, **kw):
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = "Bearer " + tokens.rs256(self.key, tokens.claims(user))
        if method != "GET" and user is not None:
            h.setdefault("Origin", tokens.ORIGIN)
        r = self.stack.request(method, path, body=body, headers=h, **kw)
        t = self.spec.template(path)
        self.seen.add((method, t))
        self.problems += self.spec.check(method, path, r)
        return r

    def webhook(self, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        return self.call("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(SECRET, msg, ts, body)})

    def test_every_route_answers_as_documented(self):
        user = tokens.new_user_id()
        self.clerk.add_user(user, email="asha@example.in", first_name="Asha", last_name="Menon")
        self.assertEqual(self.webhook(user_event("user.created", user, email="asha@example.in",
                                                 first="Asha", last="Menon")).status, 200)
        self.call("POST", "/api/webhooks/clerk", body=b"{}",
                  headers={"Content-Type": "application/json"})  # unsigned
        self.call("GET", "/api/health")
        self.call("GET", "/api/auth/config")
        self.call("GET", "/api/features")
        # not a development server: the session route is absent
        self.call("POST", "/api/session", body={"userId": "user_dev"},
                  headers={"Origin": tokens.ORIGIN})
        self.call("DELETE", "/api/session", headers={"Origin": tokens.ORIGIN})
        self.call("DELETE", "/api/session")
        self.call("GET", "/api/status", client_ip="127.0.0.1")
        self.call("GET", "/api/status")
        self.call("GET", "/metrics", client_ip="127.0.0.1")
        self.call("GET", "/metrics")
        self.call("GET", "/api/privacy/region")
        self.call("GET", "/api/pdf/templates")
        self.call("POST", "/api/support", body={"email": "a@example.in", "subject": "Hi",
                                                "message": "A question"})
        self.call("POST", "/api/support", body={"email": "nope"})
        self.call("GET", "/api/me")
        self.call("GET", "/api/me", user)
        self.call("PATCH", "/api/me", user, body={"analyticsConsent": True})
        self.call("PATCH", "/api/me", user, body={"nonsense": 1})
        self.call("GET", "/api/me/export", user)

        # resumes, with the official JSON Resume sample and its export
        sample = npm_sample_resume()
        r = self.call("POST", "/api/resumes", user, body=sample)
        self.assertEqual(r.status, 201, r.text)
        rid = r.json()["id"]
        self.call("POST", "/api/resumes", user, body={"work": [{"startDate": "soon"}]})
        self.call("GET", "/api/resumes", user)
        self.call("POST", "/api/resumes/import", user, body=b"Jane Doe\nSkills\nGo\n",
                  headers={"Content-Type": "text/plain"})
        self.call("POST", "/api/resumes/import", user, body=b"GIF89a",
                  headers={"Content-Type": "image/gif"})
        self.call("GET", "/api/resumes?limit=0", user)
        self.call("GET", f"/api/resumes/{rid}", user)
        self.call("GET", f"/api/resumes/{rid}?format=jsonresume", user)
        self.call("GET", "/api/resumes/" + "0" * 24, user)
        self.call("PUT", f"/api/resumes/{rid}", user, body=sample, headers={"If-Match": '"1"'})
        self.call("PUT", f"/api/resumes/{rid}", user, body=sample, headers={"If-Match": '"1"'})
        self.call("PUT", f"/api/resumes/{rid}", user, body=sample)
        self.call("GET", f"/api/resumes/{rid}/pdf", user)
        self.call("GET", f"/api/resumes/{rid}/pdf?template=classic&font=liberation-serif", user)
        self.call("GET", f"/api/resumes/{rid}/pdf?template=fancy", user)
        self.call("POST", f"/api/resumes/{rid}/duplicate", user)
        self.call("POST", "/api/resumes/" + "0" * 24 + "/duplicate", user)
        self.call("POST", "/api/preview?page=1", user, body=sample)
        self.call("POST", "/api/preview?page=99", user, body=sample)
        self.call("POST", "/api/preview", user, body={"meta": {"jobtune": {"font": "comic"}}})
        self.call("POST", f"/api/resumes/{rid}/ats", user,
                  body={"jobDescription": "Go, Kafka and PostgreSQL engineer " * 5})
        t = self.call("POST", f"/api/resumes/{rid}/tailor", user,
                      body={"jobDescription": "Go, Kafka and PostgreSQL engineer " * 5}).json()
        self.call("POST", f"/api/resumes/{rid}/tailor", user, body={})
        self.call("GET", f"/api/resumes/{rid}/tailorings", user)
        apply = f"/api/resumes/{rid}/tailorings/{t['id']}/apply"
        self.call("POST", apply, user, body={"as": "new", "accept": t["paths"]})
        self.call("POST", apply, user, body={"as": "new", "accept": ["basics.name"]})
        self.call("POST", apply, user, body={"as": "this", "accept": ["skills"]})
        self.call("POST", apply, user, body={"as": "this", "accept": ["skills"]},
                  headers={"If-Match": '"1"'})
        self.call("POST", apply, user, body={"as": "this", "accept": ["skills"]},
                  headers={"If-Match": '"2"'})
        self.call("POST", apply, user, body={"as": "this", "accept": ["skills"]},
                  headers={"If-Match": '"3"'})

        # interviews
        r = self.call("POST", "/api/interviews", user,
                      body={"role": "Backend engineer", "questionCount": 3})
        self.assertEqual(r.status, 201, r.text)
        iid = r.json()["id"]
        self.call("GET", "/api/interviews", user)
        self.call("GET", f"/api/interviews/{iid}", user)
        self.call("GET", f"/api/interviews/{iid}/questions/1/audio", user)
        self.call("POST", f"/api/interviews/{iid}/answers", user, body={"text": "I led a team."})
        self.call("POST", f"/api/interviews/{iid}/finish", user)
        self.call("DELETE", f"/api/interviews/{iid}", user)
        self.call("POST", "/api/interviews", user, body={"questionCount": 99})

        # staff routes, as a user and as staff
        self.call("GET", "/api/admin/tickets", user)
        r = self.call("GET", "/api/admin/tickets", self.staff)
        tickets = r.json().get("items") or [{}]
        number = tickets[0].get("ticket", "JT-0000-0000")
        self.call("PATCH", f"/api/admin/tickets/{number}", self.staff, body={"note": "Seen."})
        self.call("GET", "/api/admin/config", self.staff)
        self.call("GET", f"/api/admin/tickets/{number}", self.staff)
        self.call("GET", "/api/admin/tickets/JT-0000-0000", self.staff)
        self.call("POST", f"/api/admin/tickets/{number}/replies", self.staff, body={})
        self.call("POST", f"/api/admin/tickets/{number}/replies", self.staff,
                  body={"message": "Thanks, fixed."})
        self.call("POST", f"/api/admin/tickets/{number}/replies", self.staff,
                  body={"message": "Thanks, fixed."})
        self.call("GET", "/api/admin/privacy-requests", self.staff)
        self.call("POST", "/api/support", body={
            "email": "asha@example.in", "subject": "data deletion request",
            "message": "Please delete my account."})
        items = self.call("GET", "/api/admin/privacy-requests", self.staff).json()["items"]
        number = items[0]["id"] if items else "JT-0000-0000"
        self.call("POST", f"/api/admin/privacy-requests/{number}/verify", self.staff, body={})
        self.call("POST", f"/api/admin/privacy-requests/{number}/verify", self.staff,
                  body={"method": "email reply from the account's address"})
        self.call("POST", f"/api/admin/privacy-requests/{number}/close", self.staff,
                  body={"reason": "done otherwise"})
        self.call("POST", f"/api/admin/privacy-requests/{number}/execute", self.staff)

        self.call("DELETE", f"/api/resumes/{rid}", user)
        self.call("DELETE", "/api/me", user)

        missing = {(m, p) for m, p in table_routes()} - self.seen
        self.assertEqual(missing, set(), "routes this test did not call")
        self.assertEqual(self.problems, [], "\n".join(self.problems))


if __name__ == "__main__":
    unittest.main()
