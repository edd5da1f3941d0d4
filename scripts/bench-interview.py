#!/usr/bin/python3
"""scripts/bench-interview.py - the spoken answer's costs, through the real
stack (FerretDB, jobtuned, nginx) with the fake OpenAI and Sarvam servers of
the integration tests.

1. Latency: a 90 s answer against a fake Sarvam that takes 1 s per call,
   compared with a single 30 s chunk's answer, each the median of
   BENCH_INTERVIEW_RUNS (5).  The 90 s answer is three chunks transcribed
   concurrently, so the target is a ratio of at most 1.5.
2. Memory: one worker's RSS after a warm-up of 10 answers and after 200
   answers of 5 MB (about 163 s of 16 kHz mono 16-bit speech, six chunks
   each), with the worker never recycled.  Target: no growth beyond noise
   (under 1 MiB).

Writes a Markdown section between the markers <!-- interview --> and
<!-- /interview --> of BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier
one, and prints it.  Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench
and scripts/lib.sh set them).
"""
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
from fake_sarvam import FakeSarvam  # noqa: E402
from test_auth import AuthStack  # noqa: E402
from test_interviews import tone_wav  # noqa: E402
from tokens import ISSUER, ORIGIN  # noqa: E402

RUNS = int(os.environ.get("BENCH_INTERVIEW_RUNS", "5"))
ANSWERS = int(os.environ.get("BENCH_INTERVIEW_ANSWERS", "200"))
OUT = os.environ.get("BENCH_OUT", os.path.join(ROOT, "docs", "BENCHMARKS.md"))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Bench:
    def __init__(self):
        self.key = tokens.Key(kid="ins_bench_interview")
        self.ai = FakeOpenAI().start()
        self.sv = FakeSarvam().start()
        self.stack = AuthStack(workers=1, max_requests=0, env={
            "CLERK_JWT_KEY": self.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN,
            "OPENAI_API_KEY": self.ai.api_key, "OPENAI_BASE_URL": self.ai.base_url,
            "SARVAM_API_KEY": self.sv.api_key, "SARVAM_BASE_URL": self.sv.base_url})
        self.stack.start()
        self.user = tokens.new_user_id()
        self.token = tokens.rs256(self.key, tokens.claims(self.user))
        self.interview, self.left = None, 0

    def close(self):
        self.stack.stop()
        self.ai.stop()
        self.sv.stop()

    def call(self, method, path, body=None, headers=None):
        h = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.stack.request(method, path, body=body, headers=h, timeout=120)

    def answer(self, wav):
        """One spoken answer, in a fresh interview when the last is used up;
        its latency in seconds."""
        if self.left == 0:
            r = self.call("POST", "/api/interviews",
                          body={"role": "Backend engineer", "questionCount": 10})
            assert r.status == 201, r.text
            self.interview, self.left = r.json()["id"], 10
        t0 = time.monotonic()
        r = self.call("POST", f"/api/interviews/{self.interview}/answers", body=wav,
                      headers={"Content-Type": "audio/wav"})
        elapsed = time.monotonic() - t0
        assert r.status == 201, r.text
        self.left -= 1
        return elapsed

    def latency(self):
        self.sv.reset()
        self.sv.delay = 1.0
        chunk = tone_wav(30, first_samples={0: 1})
        long = tone_wav(90, first_samples={0: 1, 480000: 2, 960000: 3})
        one, three = [], []
        for _ in range(RUNS):
            one.append(self.answer(chunk))
            three.append(self.answer(long))
        return statistics.median(one), statistics.median(three)

    def memory(self):
        self.sv.reset()
        five_mb = tone_wav(5 * 1024 * 1024 / 32000, first_samples={0: 1})
        pid = self.stack.worker_pids()[0]
        for _ in range(10):
            self.answer(five_mb)
        before = rss_kb(pid)
        t0 = time.monotonic()
        for _ in range(ANSWERS):
            self.answer(five_mb)
        took = time.monotonic() - t0
        after = rss_kb(pid)
        assert self.stack.worker_pids() == [pid], "the worker was replaced during the run"
        return len(five_mb), before, after, took


def main():
    b = Bench()
    try:
        one, three = b.latency()
        size, before, after, took = b.memory()
    finally:
        b.close()
    ratio = three / one
    growth = after - before
    section = f"""<!-- interview -->
## Spoken interview answers (`scripts/bench-interview.py`)

Through nginx and one jobtuned worker, against the fake Sarvam of the tests
answering each speech-to-text call after 1 s, median of {RUNS} answers each:

| answer | chunks sent | latency | ratio to one chunk | target |
|---|---|---|---|---|
| 30 s (one chunk) | 1 | {one * 1000:.0f} ms | 1.00 | |
| 90 s | 3, concurrently | {three * 1000:.0f} ms | {ratio:.2f} | ≤ 1.5 ({"PASS" if ratio <= 1.5 else "MISS"}) |

Worker memory, the worker never recycled, over {ANSWERS} answers of {size / 1048576:.1f} MB
each ({size // 32000} s of 16 kHz mono 16-bit audio, six chunks; fake Sarvam
without delay):

| after | worker RSS |
|---|---|
| a warm-up of 10 answers | {before} KiB |
| {ANSWERS} more answers | {after} KiB ({growth:+d} KiB; target < 1 MiB of growth: {"PASS" if growth < 1024 else "MISS"}) |

The {ANSWERS} answers took {took:.1f} s, {took / ANSWERS * 1000:.0f} ms each (decoding,
chunking, six local transcription calls and the next question).
<!-- /interview -->
"""
    print(section)
    write_section(OUT, "interview", section)
    return 0 if ratio <= 1.5 and growth < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
