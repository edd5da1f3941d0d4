#!/usr/bin/python3
"""scripts/bench-analytics.py - what analytics cost a user's request, through
the real stack (FerretDB, jobtuned, nginx) in production mode.

Two stacks run side by side in the same run, identical but for analytics:
one with POSTHOG_API_KEY pointing at the tests' fake PostHog, which answers
each batch only after 2 s, and one without a key (analytics off).  Each
round, each stack serves BENCH_ANALYTICS_REQUESTS (400) POST /api/resumes
from BENCH_ANALYTICS_CLIENTS (8) concurrent clients from a Californian
address (CCPA: events are sent without an opt-in); the rounds alternate
between the stacks (BENCH_ANALYTICS_ROUNDS, 3) and the report shows the
median throughput ratio (on / off).  Target: >= 0.9.

Writes a Markdown section between the markers <!-- analytics --> and
<!-- /analytics --> of BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier
one, and prints it.  Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/lib.sh
sets FERRETDB_BIN; JOBTUNED_BIN defaults to ./jobtuned).
"""
import concurrent.futures
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from fake_posthog import FakePostHog  # noqa: E402
from test_analytics import CALIFORNIAN, production_env  # noqa: E402
from test_auth import AuthStack  # noqa: E402
from test_region import build_mmdb  # noqa: E402
from test_tailor import RESUME  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ANALYTICS_ROUNDS", "3"))
REQUESTS = int(os.environ.get("BENCH_ANALYTICS_REQUESTS", "400"))
CLIENTS = int(os.environ.get("BENCH_ANALYTICS_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))


class Side:
    def __init__(self, name, key, geoip, ph):
        self.name = name
        env = production_env(ph, key, geoip=geoip, POSTHOG_REPORT_SECONDS="60",
                             POSTHOG_TIMEOUT_MS="5000")
        self.stack = AuthStack(workers=WORKERS, env=env).start()
        self.key = key
        self.new_users()
        self.rates, self.p50s = [], []

    def new_users(self):
        """Fresh users, so that every round starts from the same short lists."""
        self.auth = [{"Authorization": "Bearer " + tokens.rs256(self.key, tokens.claims(u))}
                     for u in (tokens.new_user_id() for _ in range(CLIENTS))]

    def post(self, i):
        t0 = time.monotonic()
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=self.auth[i],
                               client_ip=CALIFORNIAN)
        assert r.status == 201, r.text
        return time.monotonic() - t0

    def round(self):
        per = REQUESTS // CLIENTS
        self.new_users()
        for i in range(CLIENTS):  # each token's first sight, outside the timing
            self.post(i)
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            t0 = time.monotonic()
            lat = list(pool.map(lambda i: [self.post(i) for _ in range(per)], range(CLIENTS)))
            took = time.monotonic() - t0
        flat = [x for xs in lat for x in xs]
        self.rates.append(len(flat) / took)
        self.p50s.append(statistics.median(flat))


def main():
    tmp = tempfile.mkdtemp(prefix="jobtune-bench-analytics-")
    geoip = os.path.join(tmp, "city.mmdb")
    build_mmdb("city.json", geoip)
    key = tokens.Key(kid="ins_bench_analytics")
    ph = FakePostHog().start()
    ph.reset("ok", delay=2.0)
    on = off = None
    try:
        on = Side("on", key, geoip, ph)
        off = Side("off", key, geoip, None)
        for side in (on, off):  # warm-up: the tokens' first sight, the caches
            for i in range(CLIENTS):
                side.post(i)
        for _ in range(ROUNDS):
            on.round()
            off.round()
        ratios = [a / b for a, b in zip(on.rates, off.rates)]
        ratio = statistics.median(ratios)
        pick = ratios.index(ratio)
        attempts, received = ph.attempts, len(ph.events())
    finally:
        for side in (on, off):
            if side is not None:
                side.stack.stop()
        ph.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    verdict = "PASS" if ratio >= 0.9 else "MISS"
    section = f"""<!-- analytics -->
## Analytics cost (`scripts/bench-analytics.py`)

`POST /api/resumes` in production mode through nginx and {WORKERS} jobtuned
workers, {CLIENTS} concurrent clients from a Californian address (CCPA: each
request emits `resume_created`), {REQUESTS} requests per round, {ROUNDS}
rounds alternating between two stacks of the same run: analytics on, against
the tests' fake PostHog answering every batch after **2 s**, and analytics
off (no `POSTHOG_API_KEY`).  The events are handed over after
`FCGX_Finish_r` and sent by the analytics child, so the 2 s never reach a
request.

| round | on: req/s | off: req/s | ratio | on: p50 | off: p50 |
|---|---|---|---|---|---|
""" + "".join(
        f"| {i + 1}{' (median)' if i == pick else ''} | {a:.0f} | {b:.0f} | {a / b:.2f} | "
        f"{pa * 1000:.1f} ms | {pb * 1000:.1f} ms |\n"
        for i, (a, b, pa, pb) in enumerate(zip(on.rates, off.rates, on.p50s, off.p50s))) + f"""
Median ratio **{ratio:.2f}** (target ≥ 0.9: {verdict}).  During the run the
fake PostHog received {attempts} batch requests and accepted {received} events
(the analytics child keeps one batch of at most 100 in flight; what PostHog
cannot take in time waits in the bounded queue).
<!-- /analytics -->
"""
    print(section)
    write_section(OUT, "analytics", section)
    return 0 if ratio >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
