"""Product analytics through the real stack, in production mode, against a
fake PostHog (fake_posthog.py) that records every batch's raw bytes.

A scripted session (sign in, create, tailor, PDF, interview, ticket,
export, delete) sends only allow-listed events and properties, under the
HMAC pseudonym, with none of the seeded personal data; consent by regime
(GDPR opt-in from a German address, CCPA opt-out from a Californian one,
Sec-GPC), nothing in development or without a key; a PostHog that hangs or
fails costs a user's request nothing and its drops are counted in the log
and in GET /metrics (sent, retries, drops, the child's restarts);
SIGQUIT flushes what is queued within 2 s.

No sleep is used to synchronise: the fake is waited on with a condition,
the stacks with readiness checks.  Absence is shown with a sentinel: the
stacks that check it run one worker, so an event that a request should
not have sent would be handed over before the next request's, and reach
the fake before the sentinel event that follows it.
"""
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import statistics
import tempfile
import time
import unittest

import tokens
from fake_clerk import FakeClerk
from fake_openai import FakeOpenAI
from fake_posthog import FakePostHog
from stack import wait_until
from test_auth import AuthStack
from test_region import build_mmdb
from test_resumes import WEBHOOK_SECRET
from test_metrics import parse_exposition
from test_tailor import JD, RESUME
from test_webhooks import new_id, sign, user_event
from tokens import ISSUER, ORIGIN

SECRET = "analytics-test-secret-0123456789abcdef0123456789"
GERMAN, CALIFORNIAN, INDIAN = "192.0.2.10", "198.51.100.7", "203.0.113.9"

COMMON = {"distinct_id", "regime", "$process_person_profile", "$ip", "$geoip_disable"}
ALLOWED = {
    "resume_created": set(),
    "resume_tailored": {"ats_score_bucket", "duration_ms"},
    "pdf_exported": {"paper"},
    "interview_started": {"language", "question_count"},
    "interview_completed": {"language", "answered_count", "duration_ms"},
    "ticket_submitted": {"channel", "deletion_request"},
    "data_exported": {"format"},
    "account_deleted": set(),
}
BUCKETS = {"0-19", "20-39", "40-59", "60-79", "80-100"}
HEX64 = re.compile(r"^[0-9a-f]{64}$")

EMAIL = "Greta.Analytics@Example.com"
FIRST, LAST = "Gretaxyz", "Pseudonymovna"
ANSWERS = ["I rebuilt the Quokkabridge ledger in Rust", "We reduced Zephyrine latency by half"]
TICKET_TEXT = "Please help with my Marmalade invoice"


def pseudonym(user):
    """PostHog's distinct_id: apart from the tombstone's HMAC of the bare id."""
    return hmac.new(SECRET.encode(), f"analytics:{user}".encode(), hashlib.sha256).hexdigest()


def strings_of(value):
    """Every string leaf of a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)


def production_env(ph, key, clerk=None, ai=None, geoip=None, **extra):
    env = {"JOBTUNE_ENV": "production", "JOBTUNE_SECRET": SECRET,
           "CLERK_JWT_KEY": key.public_pem(), "CLERK_ISSUER": ISSUER,
           "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "POSTHOG_TIMEOUT_MS": "500", "POSTHOG_REPORT_SECONDS": "1"}
    if ph is not None:
        env.update({"POSTHOG_API_KEY": ph.api_key, "POSTHOG_HOST": ph.url()})
    if clerk is not None:
        env.update({"CLERK_SECRET_KEY": clerk.secret_key, "CLERK_API_URL": clerk.api_url})
    if ai is not None:
        env.update({"OPENAI_API_KEY": ai.api_key, "OPENAI_BASE_URL": ai.base_url,
                    "OPENAI_MODEL": ai.model})
    if geoip is not None:
        env["GEOIP_DB"] = geoip
    env.update(extra)
    return env


class AnalyticsCase(unittest.TestCase):
    """A production stack with GeoIP, fake OpenAI, Clerk and PostHog.
    Subclasses set `workers` and may change the environment."""
    workers = 1
    with_posthog = True

    @classmethod
    def env_overrides(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-analytics-")
        cls.geoip = os.path.join(cls.tmp, "city.mmdb")
        build_mmdb("city.json", cls.geoip)
        cls.key = tokens.Key(kid="ins_test_analytics")
        cls.ph = FakePostHog().start()
        cls.ai = FakeOpenAI().start()
        cls.clerk = FakeClerk().start()
        env = production_env(cls.ph if cls.with_posthog else None, cls.key, cls.clerk, cls.ai,
                             cls.geoip)
        env.update(cls.env_overrides())
        cls.stack = AuthStack(workers=cls.workers, env=env)
        try:
            cls.stack.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stack.stop()
        finally:
            for fake in (cls.ph, cls.ai, cls.clerk):
                fake.stop()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    # ---- helpers --------------------------------------------------------------
    def call(self, method, path, user, body=None, ip=INDIAN, headers=None, status=None):
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = "Bearer " + tokens.rs256(self.key, tokens.claims(user))
        r = self.stack.request(method, path, body=body, headers=h, client_ip=ip)
        if status is not None:
            self.assertEqual(r.status, status, f"{method} {path}: {r.text}")
        return r

    def deliver(self, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg, ts, body)})
        self.assertEqual(r.status, 200, r.text)

    def create_resume(self, user, ip=INDIAN, headers=None):
        return self.call("POST", "/api/resumes", user, body=RESUME, ip=ip, headers=headers,
                         status=201).json()["id"]

    def events_of(self, user):
        return [e for e in self.ph.events()
                if e["properties"]["distinct_id"] == pseudonym(user)]

    def sentinel(self):
        """An event that must arrive: once it has, every event handed over
        before it has arrived too (one worker: hand-overs are in order)."""
        user = tokens.new_user_id()
        self.create_resume(user, ip=INDIAN)
        self.ph.wait_for(lambda ph: self.events_of(user), what="the sentinel event")
        return user

    def assert_event_shape(self, e):
        name, props = e["event"], e["properties"]
        self.assertIn(name, ALLOWED, e)
        self.assertLessEqual(set(props) - COMMON, ALLOWED[name], e)
        self.assertLessEqual(COMMON, set(props), e)
        self.assertIs(props["$process_person_profile"], False, e)
        self.assertIsNone(props["$ip"], e)
        self.assertIs(props["$geoip_disable"], True, e)
        self.assertIn(props["regime"], ("gdpr", "ccpa", "baseline"), e)
        self.assertRegex(props["distinct_id"], HEX64, e)
        self.assertRegex(e["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", e)
        self.assertLessEqual(set(e), {"event", "properties", "timestamp"}, e)

    def me_analytics(self, user, ip=INDIAN, headers=None):
        return self.call("GET", "/api/me", user, ip=ip, headers=headers,
                         status=200).json()["analytics"]


class SessionTest(AnalyticsCase):
    """The scripted session of one user, from a baseline (Indian) address."""
    workers = 2

    def test_scripted_session(self):
        user = tokens.new_user_id()
        self.clerk.add_user(user, email=EMAIL, first_name=FIRST, last_name=LAST)
        self.deliver(user_event("user.created", user, email=EMAIL, first=FIRST, last=LAST))
        self.assertEqual(self.me_analytics(user),
                         {"state": "on", "reason": "not opted out (opt-out)"})

        rid = self.create_resume(user)
        self.call("POST", f"/api/resumes/{rid}/tailor", user, body={"jobDescription": JD},
                  status=201)
        r = self.call("GET", f"/api/resumes/{rid}/pdf?paper=letter", user, status=200)
        self.assertTrue(r.body.startswith(b"%PDF"))
        iv = self.call("POST", "/api/interviews", user, status=201,
                       body={"role": "Backend engineer", "questionCount": 3}).json()["id"]
        for text in ANSWERS:
            self.call("POST", f"/api/interviews/{iv}/answers", user, body={"text": text},
                      status=201)
        self.call("POST", f"/api/interviews/{iv}/finish", user, status=200)
        self.call("POST", "/api/support", user, headers={"Accept": "application/json"},
                  body={"email": EMAIL, "name": f"{FIRST} {LAST}", "subject": "Billing",
                        "message": TICKET_TEXT}, status=201)
        # the processing record names PostHog once a batch of this user's went
        wait_until(lambda: any(
            en["processor"] == "posthog" for d in self.stack.db()["processing"].find({})
            if d["_id"].startswith(user + ":") for en in d["entries"]),
            timeout=15, what="a posthog entry in the processing record")
        slots = [d for d in self.stack.db()["processing"].find({})
                 if d["_id"].startswith(user + ":")]
        entry = next(en for d in slots for en in d["entries"] if en["processor"] == "posthog")
        self.assertEqual(entry["purpose"], "product analytics")
        self.assertEqual(entry["dataCategories"], ["pseudonymous usage events"])
        r = self.call("GET", "/api/me/export", user, status=200)
        self.assertIn(b"posthog", r.body)
        self.call("DELETE", "/api/me", user, status=200)

        expected = ["resume_created", "resume_tailored", "pdf_exported", "interview_started",
                    "interview_completed", "ticket_submitted", "data_exported",
                    "account_deleted"]
        self.ph.wait_for(lambda ph: {e["event"] for e in self.events_of(user)} >= set(expected),
                         timeout=15, what="every event of the session")
        events = self.events_of(user)
        self.assertEqual(sorted(e["event"] for e in events), sorted(expected))
        self.assertEqual(self.ph.violations, [])
        for e in events:
            self.assert_event_shape(e)
            self.assertEqual(e["properties"]["distinct_id"], pseudonym(user))
            self.assertEqual(e["properties"]["regime"], "baseline")
        # the erased account's tombstone key is not PostHog's id
        tombstone_key = hmac.new(SECRET.encode(), user.encode(), hashlib.sha256).hexdigest()
        self.assertNotIn(tombstone_key, {e["properties"]["distinct_id"] for e in events})
        by_name = {e["event"]: e["properties"] for e in events}
        self.assertIn(by_name["resume_tailored"]["ats_score_bucket"], BUCKETS)
        self.assertIsInstance(by_name["resume_tailored"]["duration_ms"], int)
        self.assertEqual(by_name["pdf_exported"]["paper"], "letter")
        self.assertEqual(by_name["interview_started"],
                         {**by_name["interview_started"], "language": "en-IN",
                          "question_count": 3})
        self.assertEqual(by_name["interview_completed"]["answered_count"], 2)
        self.assertEqual(by_name["ticket_submitted"]["channel"], "api")
        self.assertIs(by_name["ticket_submitted"]["deletion_request"], False)
        self.assertEqual(by_name["data_exported"]["format"], "json")

        # nothing personal in any byte PostHog received
        raw = b"\n".join(self.ph.raw)
        secrets_ = {EMAIL, EMAIL.lower(), FIRST, LAST, user, JD, TICKET_TEXT, *ANSWERS}
        secrets_ |= {s for s in strings_of(RESUME) if len(s) >= 8}
        for s in sorted(secrets_):
            self.assertNotIn(s.encode(), raw, f"PostHog received {s!r}")
            self.assertNotIn(json.dumps(s)[1:-1].encode(), raw, f"PostHog received {s!r}")
        # the erased account got no new processing record after its deletion
        self.assertEqual([d for d in self.stack.db()["processing"].find({})
                          if d["_id"].startswith(user + ":")], [])

    def test_visitor_tickets_get_a_random_id_each(self):
        ids = []
        for form in (False, True):
            fields = {"email": "visitor@example.org", "subject": "Data Deletion Request",
                      "message": "Delete me"}
            if form:
                r = self.stack.post_form("/api/support", fields, client_ip=CALIFORNIAN)
                self.assertEqual(r.status, 303, r.text)
            else:
                r = self.stack.request("POST", "/api/support", body=fields,
                                       client_ip=CALIFORNIAN,
                                       headers={"Accept": "application/json"})
                self.assertEqual(r.status, 201, r.text)
            self.ph.wait_for(lambda ph: len([
                e for e in ph.events() if e["event"] == "ticket_submitted"
                and e["properties"]["distinct_id"] not in ids
                and e["properties"]["channel"] == ("form" if form else "api")
                and e["properties"]["regime"] == "ccpa"]) > 0, what="the visitor's ticket")
            e = [e for e in self.ph.events() if e["event"] == "ticket_submitted"
                 and e["properties"]["distinct_id"] not in ids
                 and e["properties"]["channel"] == ("form" if form else "api")][-1]
            self.assert_event_shape(e)
            self.assertIs(e["properties"]["deletion_request"], True)
            ids.append(e["properties"]["distinct_id"])
        self.assertNotEqual(ids[0], ids[1])
        raw = b"\n".join(self.ph.raw)
        self.assertNotIn(b"visitor@example.org", raw)


class ConsentTest(AnalyticsCase):
    """Consent by regime, one worker (see the module's note on absence)."""

    def test_gdpr_nothing_before_consent_then_events(self):
        user = tokens.new_user_id()
        self.assertEqual(self.me_analytics(user, ip=GERMAN),
                         {"state": "off", "reason": "not consented (GDPR: opt-in)"})
        self.create_resume(user, ip=GERMAN)
        self.sentinel()
        self.assertEqual(self.events_of(user), [])
        r = self.call("PATCH", "/api/me", user, body={"consent": {"analytics": "granted"}},
                      ip=GERMAN, status=200)
        self.assertEqual(r.json()["analytics"], {"state": "on", "reason": "consent granted"})
        self.create_resume(user, ip=GERMAN)
        self.ph.wait_for(lambda ph: self.events_of(user), what="the consented event")
        (e,) = self.events_of(user)
        self.assert_event_shape(e)
        self.assertEqual((e["event"], e["properties"]["regime"]), ("resume_created", "gdpr"))
        # withdrawn: nothing again
        self.call("PATCH", "/api/me", user, body={"consent": {"analytics": "denied"}},
                  ip=GERMAN, status=200)
        self.create_resume(user, ip=GERMAN)
        self.sentinel()
        self.assertEqual(len(self.events_of(user)), 1)

    def test_declared_residence_wins_over_the_address(self):
        user = tokens.new_user_id()
        self.call("PATCH", "/api/me", user, ip=INDIAN, status=200,
                  body={"residence": {"country": "FR", "subdivision": None}})
        self.assertEqual(self.me_analytics(user, ip=INDIAN)["state"], "off")
        self.create_resume(user, ip=INDIAN)
        self.sentinel()
        self.assertEqual(self.events_of(user), [])

    def test_ccpa_gpc_sends_nothing(self):
        user = tokens.new_user_id()
        gpc = {"Sec-GPC": "1"}
        self.assertEqual(self.me_analytics(user, ip=CALIFORNIAN, headers=gpc),
                         {"state": "off", "reason": "global privacy control"})
        self.create_resume(user, ip=CALIFORNIAN, headers=gpc)
        self.sentinel()
        self.assertEqual(self.events_of(user), [])
        # GPC was recorded as an opt-out: without the header it stays off
        self.assertEqual(self.me_analytics(user, ip=CALIFORNIAN),
                         {"state": "off", "reason": "opted out"})

    def test_ccpa_without_gpc_sends(self):
        user = tokens.new_user_id()
        self.assertEqual(self.me_analytics(user, ip=CALIFORNIAN),
                         {"state": "on", "reason": "not opted out (CCPA: opt-out)"})
        self.create_resume(user, ip=CALIFORNIAN)
        self.ph.wait_for(lambda ph: self.events_of(user), what="the ccpa event")
        (e,) = self.events_of(user)
        self.assertEqual(e["properties"]["regime"], "ccpa")

    def test_gdpr_visitor_ticket_sends_nothing(self):
        r = self.stack.request("POST", "/api/support", client_ip=GERMAN,
                               headers={"Accept": "application/json"},
                               body={"email": "besucher@example.de", "subject": "Hallo",
                                     "message": "Eine Frage"})
        self.assertEqual(r.status, 201, r.text)
        before = [e for e in self.ph.events() if e["properties"]["regime"] == "gdpr"
                  and e["event"] == "ticket_submitted"]
        self.sentinel()
        after = [e for e in self.ph.events() if e["properties"]["regime"] == "gdpr"
                 and e["event"] == "ticket_submitted"]
        self.assertEqual(after, before)


class DevelopmentTest(AnalyticsCase):
    """JOBTUNE_ENV=development with a PostHog key: nothing is sent."""
    workers = 1

    @classmethod
    def env_overrides(cls):
        return {"JOBTUNE_ENV": "development"}

    def test_nothing_in_development(self):
        self.assertIsNone(self.stack.analytics_pid())
        self.assertIn("analytics are off: JOBTUNE_ENV is not production", self.stack.log_text())
        user = tokens.new_user_id()
        self.assertEqual(self.me_analytics(user, ip=CALIFORNIAN),
                         {"state": "off", "reason": "analytics disabled in this environment"})
        self.create_resume(user, ip=CALIFORNIAN)
        self.call("GET", "/api/me/export", user, ip=CALIFORNIAN, status=200)
        # a graceful stop would flush anything queued: still nothing
        self.stack.signal_master(signal.SIGQUIT)
        self.stack.jobtuned.wait(10)
        self.assertEqual(self.ph.attempts, 0)
        self.assertEqual(self.stack.log_text().count("analytics are off"), 1)


class NoKeyTest(AnalyticsCase):
    """Production without POSTHOG_API_KEY: off, and the log says why."""
    with_posthog = False

    def test_off_without_a_key(self):
        self.assertIsNone(self.stack.analytics_pid())
        self.assertIn("analytics are off: POSTHOG_API_KEY is not set", self.stack.log_text())
        user = tokens.new_user_id()
        self.assertEqual(self.me_analytics(user, ip=CALIFORNIAN)["state"], "off")


class FailureTest(AnalyticsCase):
    """A PostHog that hangs or fails: the user does not notice."""
    workers = 2

    def p50(self, n=20):
        user = tokens.new_user_id()
        self.create_resume(user, ip=CALIFORNIAN)  # the first sight of the token
        times = []
        for _ in range(n):
            t0 = time.monotonic()
            self.create_resume(user, ip=CALIFORNIAN)
            times.append(time.monotonic() - t0)
        return statistics.median(times)

    def metrics(self):
        """The analytics counts of GET /metrics, read by test_metrics' strict
        parser."""
        r = self.stack.get("/metrics", client_ip="127.0.0.1")
        self.assertEqual(r.status, 200, r.text)
        fams = parse_exposition(r.text)

        def one(name, **labels):
            return sum(v for n, l, v in fams[name]["samples"]
                       if all(l.get(k) == x for k, x in labels.items()))

        return {"sent": one("jobtune_analytics_events_sent_total"),
                "dropped": one("jobtune_analytics_events_dropped_total",
                               reason="delivery_failed"),
                "retries": one("jobtune_analytics_retries_total"),
                "restarts": one("jobtune_child_restarts_total", child="analytics")}

    def wait_for_log(self, pattern, timeout=30):
        return wait_until(lambda: re.search(pattern, self.stack.log_text()), timeout=timeout,
                          what=f"log line {pattern}")

    def test_hanging_or_failing_posthog_costs_nothing(self):
        self.ph.reset("ok")
        base = self.p50()
        self.ph.wait_for(lambda ph: ph.events(), what="the healthy batches")
        self.wait_for_log(r"analytics: [1-9]\d* events sent")

        self.ph.reset("hang")
        hang = self.p50()
        self.assertLess(hang, 2 * base + 0.05, f"p50 {hang:.4f}s hanging vs {base:.4f}s")
        self.ph.wait_for(lambda ph: ph.attempts >= 1, what="an attempt at the hanging host")
        self.wait_for_log(r"[1-9]\d* dropped \(delivery failed\)")

        self.ph.reset("500")
        failing = self.p50()
        self.assertLess(failing, 2 * base + 0.05, f"p50 {failing:.4f}s failing vs {base:.4f}s")
        # the first attempt and three retries, then the drop is counted
        self.ph.wait_for(lambda ph: ph.attempts >= 4, what="the retries")
        self.assertIn("failed 4 times (last status 500); dropped", self.wait_for_log(
            r"failed 4 times \(last status 500\); dropped").string)
        # and GET /metrics counts the same (the child publishes as it goes)
        m = wait_until(lambda: (lambda m: m if m["dropped"] > 0 else None)(self.metrics()),
                       what="the drops in /metrics")
        self.assertGreater(m["sent"], 0)
        self.assertGreaterEqual(m["retries"], 3)
        print(f"\n    p50 POST /api/resumes: healthy {base * 1000:.1f} ms, "
              f"hanging {hang * 1000:.1f} ms, failing {failing * 1000:.1f} ms", end=" ")

    def test_the_analytics_child_is_restarted(self):
        pid = wait_until(self.stack.analytics_pid, what="the analytics child")
        os.kill(pid, signal.SIGKILL)
        new = wait_until(lambda: (p := self.stack.analytics_pid()) not in (None, pid) and p,
                         timeout=10, what="a new analytics child")
        self.assertNotEqual(new, pid)
        self.assertIn("the analytics child died on signal 9; restarting it in 1 s",
                      self.stack.log_text())
        self.assertEqual(self.metrics()["restarts"], 1)


class QuitTest(AnalyticsCase):
    """SIGQUIT: what is queued reaches PostHog within 2 s, then all stop."""
    workers = 2

    def test_sigquit_flushes_within_two_seconds(self):
        user = tokens.new_user_id()
        self.create_resume(user, ip=CALIFORNIAN)
        self.ph.wait_for(lambda ph: self.events_of(user), what="the first batch")
        # within the second after a batch began, events wait in the queue
        for _ in range(5):
            self.create_resume(user, ip=CALIFORNIAN)
        t0 = time.monotonic()
        self.stack.signal_master(signal.SIGQUIT)
        self.ph.wait_for(lambda ph: len(self.events_of(user)) == 6, timeout=5,
                         what="the queued events")
        flushed = time.monotonic() - t0
        self.stack.jobtuned.wait(10)
        stopped = time.monotonic() - t0
        self.assertLess(flushed, 2.0, f"flushed after {flushed:.2f} s")
        self.assertLess(stopped, 3.0, f"stopped after {stopped:.2f} s")
        self.assertIn("analytics stopped", self.stack.log_text())
        print(f"\n    flushed {flushed * 1000:.0f} ms, stopped {stopped * 1000:.0f} ms after "
              "SIGQUIT", end=" ")


if __name__ == "__main__":
    unittest.main()
