#!/usr/bin/python3
"""scripts/bench-export.py - GET /api/me/export's time and memory against
the size of the account, through the real stack (FerretDB, jobtuned,
nginx).

Three users with BENCH_EXPORT_COUNTS resumes (10,100,400), each resume a
JSON Resume document of 10 to 250 KB (sizes spread evenly over that range,
the same spread in every user: a long career's resume is large, a
graduate's small), all created through the API.  Each user's export is
taken BENCH_EXPORT_RUNS times (3) as JSON and as ZIP through one worker
(JOBTUNE_WORKERS=1, never recycled, the default limits): the
median time, the size, and the worker's peak RSS (VmHWM of
/proc/<pid>/status) over those exports, reset (/proc/<pid>/clear_refs "5")
before each user and form after a warm-up export of the smallest user.

Targets: every export of the largest user whole within the stream limit, and
a peak RSS that does not follow the account (the largest user's peak
within 8 MiB of the smallest's: one resume's JSON and PDF at a time).

Writes a Markdown section between <!-- export --> and <!-- /export --> of
BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier one, and prints it.
Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench and scripts/lib.sh set
them).
"""
import copy
import http.client
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import tokens  # noqa: E402
from doc_section import write_section  # noqa: E402
from test_auth import AuthStack  # noqa: E402
from test_tailor import RESUME  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402

COUNTS = [int(n) for n in os.environ.get("BENCH_EXPORT_COUNTS", "10,100,400").split(",")]
RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))
LIMIT_S = 60          # JOBTUNE_REQUEST_TIMEOUT's default: a stall of a streamed answer
STREAM_LIMIT_S = 600  # JOBTUNE_STREAM_TIMEOUT's default: a streamed answer in all
PEAK_SPREAD_KIB = 8192
MIN_KB, MAX_KB = 10, 250
WORDS = ("migrated routed scaled measured shipped mentored rebuilt audited the billing search "
         "ingest pipeline latency budget across eleven services teams on call").split()


def text(n, seed):
    return " ".join(WORDS[(seed * 7 + k * 3) % len(WORDS)] for k in range(n))


def resume_of(kb, i):
    """A valid JSON Resume document of about kb KB: jobs of about 5 KB (a
    3,000-character summary and ten highlights), as many as the size needs."""
    doc = copy.deepcopy(RESUME)
    doc["basics"]["label"] = f"Engineer {i}"
    jobs = max(1, min(50, round(kb / 5)))
    doc["work"] = [{"name": f"Company {i}-{j}", "position": "Senior Engineer",
                    "startDate": f"{1980 + j % 40}-01", "summary": text(440, j)[:3000],
                    "highlights": [text(30, j + k)[:190] for k in range(10)]}
                   for j in range(jobs)]
    return doc


def size_kb(i, count):
    """The i-th of count sizes spread evenly over MIN_KB..MAX_KB."""
    return MIN_KB + (MAX_KB - MIN_KB) * i // max(1, count - 1)


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
        self.stack = AuthStack(workers=1, max_requests=0, request_timeout=LIMIT_S,
                               stream_timeout=STREAM_LIMIT_S, env={
            "CLERK_JWT_KEY": self.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN,
            # the largest account is past the resume quota on purpose
            "JOBTUNE_QUOTA_RESUMES": "0"})
        self.stack.start()

    def close(self):
        self.stack.stop()

    def call(self, user, method, path, body=None, expect=(200, 201)):
        token = tokens.rs256(self.key, tokens.claims(user))
        r = self.stack.request(method, path, body=body, timeout=300,
                               headers={"Authorization": f"Bearer {token}"})
        assert r.status in expect, f"{method} {path}: {r.status} {r.text[:300]}"
        return r

    def seed(self, user, count):
        """Seconds to create count resumes."""
        t0 = time.monotonic()
        for i in range(count):
            self.call(user, "POST", "/api/resumes", resume_of(size_kb(i, count), i))
        return time.monotonic() - t0

    def measure(self, user, query):
        """(median seconds, max seconds, bytes, peak RSS KiB, cut) of RUNS
        exports; cut: an export was killed (a failed transfer), after which
        the worker is replaced and the rest skipped."""
        pid = self.stack.worker_pids()[0]
        reset_peak(pid)
        times, size = [], 0
        for _ in range(RUNS):
            t0 = time.monotonic()
            try:
                r = self.call(user, "GET", "/api/me/export" + query)
            except http.client.IncompleteRead as e:
                times.append(time.monotonic() - t0)
                size = len(e.partial)
                return statistics.median(times), max(times), size, 0, True
            times.append(time.monotonic() - t0)
            size = len(r.body)
            assert r.header("transfer-encoding") == "chunked"
        peak = status_kb(pid, "VmHWM")
        assert self.stack.worker_pids() == [pid], "the worker was replaced during the run"
        return statistics.median(times), max(times), size, peak, False

    def wait_for_worker(self):
        deadline = time.monotonic() + 30
        while len(self.stack.worker_pids()) != 1 and time.monotonic() < deadline:
            time.sleep(0.2)


def main():
    b = Bench()
    try:
        users = {n: tokens.new_user_id() for n in COUNTS}
        seeded = {n: b.seed(u, n) for n, u in users.items()}
        smallest = users[min(COUNTS)]
        b.call(smallest, "GET", "/api/me/export?format=zip")  # warm-up: fonts, caches
        idle = status_kb(b.stack.worker_pids()[0], "VmRSS")
        results = {}
        for label, query in (("JSON", ""), ("ZIP", "?format=zip")):
            results[label] = {}
            for n, u in users.items():
                b.wait_for_worker()
                results[label][n] = b.measure(u, query)
    finally:
        b.close()
    rows, ok = [], True
    for label, by_count in results.items():
        base = by_count[min(COUNTS)][3]
        for n, (med, worst, size, peak, cut) in by_count.items():
            checks = []
            if cut:
                ok = False
                rows.append(f"| {label} | {n} | {size / 1048576:.1f} MiB sent, then cut | "
                            f"{worst:.1f} s | {size / 1048576 / worst:.1f} MiB/s | — | killed, "
                            f"a failed transfer: MISS |")
                continue
            if n == max(COUNTS):
                in_time = worst < STREAM_LIMIT_S
                flat = peak - base < PEAK_SPREAD_KIB
                ok = ok and in_time and flat
                checks.append(f"slowest {worst:.1f} s < {STREAM_LIMIT_S} s: "
                              f"{'PASS' if in_time else 'MISS'}")
                checks.append(f"peak {peak - base:+d} KiB vs. {min(COUNTS)}, < 8 MiB: "
                              f"{'PASS' if flat else 'MISS'}")
            rows.append(f"| {label} | {n} | {size / 1048576:.1f} MiB | {med:.2f} s "
                        f"| {size / 1048576 / med:.1f} MiB/s | {peak} KiB | {'; '.join(checks)} |")
    table = "\n".join(rows)
    seeding = ", ".join(f"{n}: {s:.0f} s" for n, s in seeded.items())
    section = f"""<!-- export -->
## Data export against the account's size (`scripts/bench export`)

Through nginx and one jobtuned worker (JOBTUNE_WORKERS=1, never recycled,
JOBTUNE_REQUEST_TIMEOUT {LIMIT_S} s, which for a streamed answer measures the
time since its last piece, and JOBTUNE_STREAM_TIMEOUT {STREAM_LIMIT_S} s in
all; resume quota off). Each user's resumes were created through
the API ({seeding}), sized evenly from {MIN_KB} to {MAX_KB} KB of JSON Resume
(jobs of about 5 KB each). Each row: the median of {RUNS} exports; peak RSS is
the worker's VmHWM over those exports, reset (`/proc/<pid>/clear_refs` 5)
before each user and form, after one warm-up export (the worker's RSS then:
{idle} KiB).

| form | resumes | size | time | rate | worker peak RSS | checks |
|---|---|---|---|---|---|---|
{table}

Both forms stream as they are made (chunked through nginx): the JSON record
by record, the ZIP through `src/svc/archive.c`, which deflates export.json as
it passes and then renders each resume's PDF in memory, sends it stored and
frees it before the next. Nothing is written to a file, and the worker's
peak is one resume's JSON and PDF, not the account. The ZIP's time is the
PDFs' typesetting (about 290 ms for a 250 KB resume of 57 pages); it keeps
sending throughout, so no piece waits anywhere near the request timeout.
<!-- /export -->
"""
    print(section)
    write_section(OUT, "export", section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
