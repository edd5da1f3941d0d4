"""No user can starve the others, with slow routes that wait on a service
(issue 18, item 1).

Two workers for the quick routes and the default eight that slow routes
may fill.  One user starts four interview creates (each waits 4 s on a
slow OpenAI) and a ZIP export of 40 resumes at once.  Their own per-user
limit (2) refuses three of the five with 429; the two admitted keep their
places.  Meanwhile another user's GET /api/me stays fast (p99 of 100 under
100 ms) and their PDF is answered 200, not 429: a place is always left for
a user who holds none.  GET /api/status counts the refusals.

And the quotas (item 4): a count quota at its limit answers 409 naming it,
stores nothing, and makes room after a deletion; the daily AI quota
answers 429 with Retry-After to midnight UTC and is not spent by a request
that never calls out; the export counts both."""
import threading
import time
import unittest

import tokens
from stack import SignedInStackTest, latencies_ms, wait_until

LOOPBACK = "127.0.0.1"  # GET /api/status answers loopback only

P99_LIMIT_MS = 100
ME_SAMPLES = 100
AI_DELAY = 4.0


def resume(i):
    return {"basics": {"name": f"Share User {i}", "label": "Engineer"},
            "work": [{"name": "Acme", "position": "Engineer",
                      "summary": "Built the thing. " * 40}]}


class TestFairShare(SignedInStackTest):
    workers = 2
    fake_openai = True
    stack_options = {"slow_workers": 8, "max_requests": 10000}

    def status(self):
        r = self.stack.get("/api/status", client_ip=LOOPBACK)
        self.assertEqual(r.status, 200, r.text)
        return r.json()

    def test_one_users_slow_requests_leave_others_served(self):
        heavy, other = tokens.new_user_id(), tokens.new_user_id()
        ha, oa = self.auth(heavy), self.auth(other)
        for i in range(40):
            r = self.stack.request("POST", "/api/resumes", body=resume(i), headers=ha)
            self.assertEqual(r.status, 201, r.text[:300])
        r = self.stack.request("POST", "/api/resumes", body=resume(99), headers=oa)
        self.assertEqual(r.status, 201, r.text[:300])
        other_rid = r.json()["id"]
        before = self.status()["admission"]
        self.assertEqual(before["slowWorkers"], 8)
        self.assertEqual(before["perUser"], 2)
        self.assertEqual(before["reservedForNewUsers"], 2)

        self.ai.delay = AI_DELAY
        results, lock = [], threading.Lock()

        def send(kind):
            if kind == "export":
                r = self.stack.get("/api/me/export?format=zip", headers=ha, timeout=60)
            else:
                r = self.stack.request("POST", "/api/interviews", headers=ha, timeout=60,
                                       body={"role": "Backend engineer"})
            with lock:
                results.append((kind, r.status, r))

        threads = [threading.Thread(target=send, args=(k,))
                   for k in ["interview"] * 4 + ["export"]]
        try:
            for t in threads:
                t.start()
            # three of the five are refused by the heavy user's own limit,
            # at once; two hold their places
            wait_until(lambda: len(results) >= 3, timeout=30, what="the refusals")
            wait_until(lambda: self.status()["admission"]["slowInFlight"] >= 2, timeout=10,
                       what="two slow requests in flight")
            latencies, p50, p99 = latencies_ms(
                self, lambda: self.stack.get("/api/me", headers=oa), ME_SAMPLES)
            pdf = self.stack.get(f"/api/resumes/{other_rid}/pdf", headers=oa, timeout=60)
            in_flight = len(results) < 5  # the heavy user still held places
        finally:
            for t in threads:
                t.join()
            self.ai.delay = 0.0

        codes = sorted((k, s) for k, s, _ in results)
        print(f"\n  heavy user: {codes}; other user's GET /api/me p50 {p50:.1f} ms, "
              f"p99 {p99:.1f} ms, max {latencies[-1]:.1f} ms; their PDF {pdf.status}")
        self.assertTrue(in_flight, "the heavy user's requests ended before the other user's")
        self.assertLess(p99, P99_LIMIT_MS)
        self.assertEqual(pdf.status, 200, pdf.text[:300])
        self.assertEqual(pdf.header("content-type"), "application/pdf")
        refused = [r for _, s, r in results if s == 429]
        self.assertEqual(len(refused), 3, codes)
        for r in refused:
            self.assertEqual(r.json()["error"]["code"], "too_many_requests")
            self.assertEqual(r.header("retry-after"), "1")
        self.assertEqual(len([s for _, s, _ in results if s in (200, 201)]), 2, codes)
        after = self.status()["admission"]
        self.assertEqual(after["refused"]["userBusy"] - before["refused"]["userBusy"], 3)
        self.assertEqual(after["refused"]["full"], before["refused"]["full"])
        self.assertEqual(after["slowInFlight"], 0)


class TestQuotas(SignedInStackTest):
    workers = 2
    fake_openai = True

    @classmethod
    def env_extra(cls):
        return {"JOBTUNE_QUOTA_RESUMES": "3", "JOBTUNE_QUOTA_INTERVIEWS": "2",
                "JOBTUNE_QUOTA_TAILORINGS": "1", "JOBTUNE_QUOTA_AI_CALLS": "4"}

    def quota_refusal(self, r, status, name, limit):
        self.assertEqual(r.status, status, r.text[:300])
        err = r.json()["error"]
        self.assertEqual(err["code"], "quota_exceeded")
        self.assertEqual(err["quota"]["name"], name)
        self.assertEqual(err["quota"]["limit"], limit)
        self.assertIn(str(limit), err["message"])
        return err

    def refused_quota(self):
        r = self.stack.get("/api/status", client_ip=LOOPBACK)
        return r.json()["admission"]["refused"]["quota"]

    def test_count_quotas_are_409_and_store_nothing(self):
        user = tokens.new_user_id()
        a = self.auth(user)
        counted = self.refused_quota()
        ids = []
        for i in range(3):
            r = self.stack.request("POST", "/api/resumes", body=resume(i), headers=a)
            self.assertEqual(r.status, 201, r.text[:300])
            ids.append(r.json()["id"])
        r = self.stack.request("POST", "/api/resumes", body=resume(3), headers=a)
        err = self.quota_refusal(r, 409, "resumes", 3)
        self.assertIsNone(err["quota"]["resetsAt"])
        listed = self.stack.get("/api/resumes", headers=a).json()["items"]
        self.assertEqual(sorted(x["id"] for x in listed), sorted(ids))
        self.assertEqual(self.stack.db()["resumes"].count_documents({"body.userId": user}), 3)
        self.assertEqual(self.stack.request("DELETE", f"/api/resumes/{ids[0]}", headers=a).status,
                         204)
        r = self.stack.request("POST", "/api/resumes", body=resume(3), headers=a)
        self.assertEqual(r.status, 201, r.text[:300])
        rid = r.json()["id"]

        # a tailoring per resume: the second is refused before the model is asked
        jd = {"jobDescription": "Backend engineer: Python, Go, PostgreSQL and Kubernetes."}
        r = self.stack.request("POST", f"/api/resumes/{rid}/tailor", body=jd, headers=a)
        self.assertEqual(r.status, 201, r.text[:300])
        asked = self.ai.count
        r = self.stack.request("POST", f"/api/resumes/{rid}/tailor", body=jd, headers=a)
        self.quota_refusal(r, 409, "tailoringsPerResume", 1)
        self.assertEqual(self.ai.count, asked)
        self.assertEqual(self.refused_quota() - counted, 2)

    def test_daily_ai_quota_is_429_until_midnight(self):
        user = tokens.new_user_id()
        a = self.auth(user)
        iv = []
        for _ in range(2):  # two AI calls
            r = self.stack.request("POST", "/api/interviews", headers=a,
                                   body={"role": "Backend engineer", "questionCount": 3})
            self.assertEqual(r.status, 201, r.text[:300])
            iv.append(r.json()["id"])
        # the interview count quota is checked before the model is asked,
        # and spends nothing
        asked = self.ai.count
        r = self.stack.request("POST", "/api/interviews", headers=a,
                               body={"role": "Backend engineer"})
        self.quota_refusal(r, 409, "interviews", 2)
        self.assertEqual(self.ai.count, asked)
        for _ in range(2):  # typed answers that ask the next question: calls 3 and 4
            r = self.stack.request("POST", f"/api/interviews/{iv[0]}/answers", headers=a,
                                   body={"text": "I built a queue in Go."})
            self.assertEqual(r.status, 201, r.text[:300])
        # the last question's typed answer calls nothing: not spent, not refused
        r = self.stack.request("POST", f"/api/interviews/{iv[0]}/answers", headers=a,
                               body={"text": "And I kept it simple."})
        self.assertEqual(r.status, 201, r.text[:300])
        asked = self.ai.count
        before = time.time()
        r = self.stack.request("POST", f"/api/interviews/{iv[0]}/finish", headers=a)
        err = self.quota_refusal(r, 429, "aiCallsPerDay", 4)
        self.assertEqual(self.ai.count, asked)
        self.assertEqual(err["quota"]["used"], 4)
        midnight = (int(before) // 86400 + 1) * 86400
        self.assertEqual(err["quota"]["resetsAt"],
                         time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(midnight)))
        self.assertAlmostEqual(int(r.header("retry-after")), midnight - before, delta=5)
        # the export counts what was spent and kept
        quotas = self.stack.get("/api/me/export", headers=a).json()["quotas"]
        self.assertEqual(quotas["aiCallsPerDay"]["used"], 4)
        self.assertEqual(quotas["aiCallsPerDay"]["limit"], 4)
        self.assertEqual(quotas["interviews"], {"used": 2, "limit": 2})
        self.assertEqual(quotas["resumes"], {"used": 0, "limit": 3})
        self.assertTrue(quotas["aiCallsPerDay"]["resetsAt"].endswith("T00:00:00.000Z"))
        # another user is not touched by this one's quota
        r = self.stack.request("POST", "/api/interviews", headers=self.auth(tokens.new_user_id()),
                               body={"role": "Backend engineer"})
        self.assertEqual(r.status, 201, r.text[:300])


if __name__ == "__main__":
    unittest.main()
