"""A stand-in for PostHog's batch capture endpoint (docs/external-apis.md
section 3), for the analytics tests and the benchmark.

    ph = FakePostHog(api_key="phc_test").start()
    env = {"POSTHOG_API_KEY": ph.api_key, "POSTHOG_HOST": ph.url()}
    ph.mode = "ok" | "500" | "hang"   # what the next requests get
    ph.delay = 2.0                    # seconds before an "ok" answer
    ph.raw                            # every request body, as received (bytes)
    ph.events()                       # every event of the accepted batches
    ph.violations                     # broken rules, one sentence each
    ph.wait_for(lambda ph: ..., timeout)
    ph.stop()

Every request is recorded, whatever the mode, and checked: POST /batch/,
JSON, `api_key` equal to the configured one, a non-empty `batch` of events
with a name and a distinct_id (PostHog drops the others silently).
"""
import json
import threading
import time

from fake_server import FakeServer, JsonHandler


class FakePostHog(FakeServer):
    handler_attr = "ph"
    thread_name = "fake-posthog"

    def __init__(self, api_key="phc_test_analytics", hang_seconds=30.0):
        self.api_key = api_key
        self.hang_seconds = hang_seconds
        self.mode = "ok"
        self.delay = 0.0
        self.lock = threading.Condition()
        self.raw = []        # request bodies, every request
        self.batches = []    # parsed bodies of the requests answered 200
        self.attempts = 0
        self.violations = []

    def events(self):
        with self.lock:
            return [e for b in self.batches for e in b.get("batch", [])]

    def reset(self, mode="ok", delay=0.0):
        with self.lock:
            self.mode, self.delay = mode, delay
            self.raw, self.batches, self.attempts, self.violations = [], [], 0, []

    def wait_for(self, check, timeout=10.0, what="the fake PostHog's condition"):
        deadline = time.monotonic() + timeout
        with self.lock:
            while not check(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out waiting for {what}")
                self.lock.wait(min(left, 0.1))
            return True

    def _check(self, path, headers, body):
        bad = []
        if path != "/batch/":
            bad.append(f"posted to {path}, not /batch/")
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            bad.append("Content-Type is not application/json")
        try:
            doc = json.loads(body)
        except ValueError:
            return None, bad + ["the body is not JSON"]
        if doc.get("api_key") != self.api_key:
            bad.append("wrong or missing api_key")
        batch = doc.get("batch")
        if not isinstance(batch, list) or not batch:
            bad.append("batch is missing or empty")
        for e in batch or []:
            if not e.get("event") or not (e.get("properties") or {}).get("distinct_id"):
                bad.append(f"an event without a name or a distinct_id: {e}")
        return doc, bad


class _Handler(JsonHandler):
    def do_POST(self):
        ph = self.ph
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n)
        doc, bad = ph._check(self.path, self.headers, body)
        with ph.lock:
            ph.raw.append(body)
            ph.attempts += 1
            ph.violations.extend(bad)
            mode, delay = ph.mode, ph.delay
            ph.lock.notify_all()
        if mode == "hang":
            time.sleep(ph.hang_seconds)
            return
        if mode == "500":
            self.send_json(500, {"type": "server_error", "detail": "test failure"})
            return
        if delay:
            time.sleep(delay)
        with ph.lock:
            if doc is not None:
                ph.batches.append(doc)
            ph.lock.notify_all()
        self.send_json(200, {"status": 1})


FakePostHog.handler = _Handler
