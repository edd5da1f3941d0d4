#!/usr/bin/python3
"""scripts/bench-export.py - GET /api/me/export's cost, through the real
stack (FerretDB, jobtuned, nginx) with the fake OpenAI of the integration
tests.

A large user (BENCH_EXPORT_RESUMES resumes (50), as many tailorings made
through the API, BENCH_EXPORT_INTERVIEWS interviews (20), each with a typed
answer and a report) against a small one (1 resume), exported through one
worker (JOBTUNE_WORKERS=1, never recycled): the median time of
BENCH_EXPORT_RUNS (5) exports, and the worker's peak RSS (VmHWM of
/proc/<pid>/status) while exporting each, the peak reset before each user
(/proc/<pid>/clear_refs "5") after a warm-up.  The export is streamed, so
the target is a peak that differs by under 2 MiB between the two users.
The ZIP form is measured the same way (its PDFs and archive go through
files, not memory).

Writes a Markdown section between <!-- export --> and <!-- /export --> of
BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier one, and prints it.
Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench and scripts/lib.sh set
them).
"""
import copy
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from fake_openai import FakeOpenAI  # noqa: E402
from test_auth import AuthStack  # noqa: E402
from test_tailor import JD, RESUME  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402

RESUMES = int(os.environ.get("BENCH_EXPORT_RESUMES", "50"))
INTERVIEWS = int(os.environ.get("BENCH_EXPORT_INTERVIEWS", "20"))
RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "5"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
TARGET_KIB = 2048


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def reset_peak(pid):
    """Linux resets VmHWM to the current RSS on "5" in clear_refs."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


class Bench:
    def __init__(self):
        self.key = tokens.Key(kid="ins_bench_export")
        self.ai = FakeOpenAI().start()
        self.stack = AuthStack(workers=1, max_requests=0, env={
            "CLERK_JWT_KEY": self.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN,
            "OPENAI_API_KEY": self.ai.api_key, "OPENAI_BASE_URL": self.ai.base_url,
            "OPENAI_MODEL": self.ai.model})
        self.stack.start()

    def close(self):
        self.stack.stop()
        self.ai.stop()

    def call(self, user, method, path, body=None, expect=(200, 201)):
        token = tokens.rs256(self.key, tokens.claims(user))
        r = self.stack.request(method, path, body=body, timeout=300,
                               headers={"Authorization": f"Bearer {token}"})
        assert r.status in expect, f"{method} {path}: {r.status} {r.text[:300]}"
        return r

    def seed(self, user, resumes, interviews):
        t0 = time.monotonic()
        for i in range(resumes):
            doc = copy.deepcopy(RESUME)
            doc["basics"]["label"] = f"Backend Engineer {i}"
            rid = self.call(user, "POST", "/api/resumes", doc).json()["id"]
            if resumes > 1:
                self.call(user, "POST", f"/api/resumes/{rid}/tailor", {"jobDescription": JD})
        for i in range(interviews):
            iv = self.call(user, "POST", "/api/interviews",
                           {"role": f"Backend engineer {i}", "questionCount": 3}).json()
            self.call(user, "POST", f"/api/interviews/{iv['id']}/answers",
                      {"text": "I rebuilt the routing service and halved its latency."})
            self.call(user, "POST", f"/api/interviews/{iv['id']}/finish")
        return time.monotonic() - t0

    def measure(self, user, query=""):
        """(median seconds, bytes, peak RSS KiB, RSS before KiB) of RUNS exports."""
        pid = self.stack.worker_pids()[0]
        self.call(user, "GET", "/api/me/export" + query)  # warm-up
        before = status_kb(pid, "VmRSS")
        reset_peak(pid)
        times, size = [], 0
        for _ in range(RUNS):
            t0 = time.monotonic()
            r = self.call(user, "GET", "/api/me/export" + query)
            times.append(time.monotonic() - t0)
            size = len(r.body)
            assert r.header("transfer-encoding") == "chunked"
        peak = status_kb(pid, "VmHWM")
        assert self.stack.worker_pids() == [pid], "the worker was replaced during the run"
        return statistics.median(times), size, peak, before


def main():
    b = Bench()
    try:
        small, large = tokens.new_user_id(), tokens.new_user_id()
        b.seed(small, 1, 0)
        seeded = b.seed(large, RESUMES, INTERVIEWS)
        results = {}
        for label, query in (("JSON", ""), ("ZIP", "?format=zip")):
            results[label] = (b.measure(small, query), b.measure(large, query))
    finally:
        b.close()
    rows, ok = [], True
    for label, (s, l) in results.items():
        diff = l[2] - s[2]
        passed = diff < TARGET_KIB
        ok = ok and passed
        rows.append(f"| {label} | 1 resume | {s[1] / 1024:.1f} KiB | {s[0] * 1000:.0f} ms "
                    f"| {s[2]} KiB | |")
        rows.append(f"| {label} | {RESUMES} resumes, {RESUMES} tailorings, {INTERVIEWS} "
                    f"interviews | {l[1] / 1024:.1f} KiB | {l[0] * 1000:.0f} ms | {l[2]} KiB "
                    f"| {diff:+d} KiB ({'PASS' if passed else 'MISS'}: < 2 MiB) |")
    table = "\n".join(rows)
    section = f"""<!-- export -->
## Data export (`scripts/bench-export.py`)

Through nginx and one jobtuned worker (JOBTUNE_WORKERS=1, never recycled),
the fake OpenAI of the tests. The large user was seeded through the API
({RESUMES} resumes, {RESUMES} tailorings, {INTERVIEWS} interviews with a typed
answer and a report: {seeded:.1f} s). Each row: the median of {RUNS} exports;
peak RSS is the worker's VmHWM over those exports, reset
(`/proc/<pid>/clear_refs` 5) after one warm-up export of the same user.

| form | user | size | time | worker peak RSS | peak vs. 1 resume |
|---|---|---|---|---|---|
{table}

The JSON is streamed record by record (chunked through nginx), so the
worker's peak does not follow the data. The ZIP writes export.json and each
resume's PDF to files in a private directory in memory-backed /dev/shm, lets libzip build
the archive file from them, and streams the archive out in 64 KiB pieces.
<!-- /export -->
"""
    print(section)
    write_section(OUT, "export", section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
