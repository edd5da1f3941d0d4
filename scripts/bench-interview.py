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
3. The streamed answer (Accept: application/x-ndjson): with fakes of fixed
   latency (speech-to-text 1 s per 30 s chunk, GPT-4o 2 s, text-to-speech
   0.2 s + 10 ms a character), the time from the end of a 30 s answer's
   upload to its first "audio" line, against the sum of those latencies
   for one chunk, one question and the question's first sentence; median
   of BENCH_INTERVIEW_RUNS.  Target: at most that sum + 150 ms.

Writes a Markdown section between the markers <!-- interview --> and
<!-- /interview --> of BENCH_OUT (docs/BENCHMARKS.md), replacing an earlier
one, and prints it.  Needs FERRETDB_BIN and JOBTUNED_BIN (scripts/bench
and scripts/lib.sh set them).
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
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


# the question every streamed answer is asked next: three sentences
QUESTION = ("Tell me about a time you disagreed with your team. What did you do? "
            "What was the result?")
FIRST_SENTENCE = "Tell me about a time you disagreed with your team."
STT_S, GPT_S, TTS_S, TTS_CHAR_S = 1.0, 2.0, 0.2, 0.01


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
            self.answer_next_interview()
        t0 = time.monotonic()
        r = self.call("POST", f"/api/interviews/{self.interview}/answers", body=wav,
                      headers={"Content-Type": "audio/wav"})
        elapsed = time.monotonic() - t0
        assert r.status == 201, r.text
        self.left -= 1
        return elapsed

    def streamed(self, wav):
        """One streamed spoken answer: seconds from the end of the upload to
        the first audio line, and the events in order."""
        if self.left == 0:
            self.answer_next_interview()
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=120)
        try:
            conn.request("POST", f"/api/interviews/{self.interview}/answers", body=wav,
                         headers={"Authorization": f"Bearer {self.token}",
                                  "Content-Type": "audio/wav",
                                  "Accept": "application/x-ndjson"})
            sent = time.monotonic()
            r = conn.getresponse()
            assert r.status == 200, r.read()[:300]
            first, events = None, []
            for line in r:
                events.append(json.loads(line)["event"])
                if events[-1] == "audio" and first is None:
                    first = time.monotonic() - sent
        finally:
            conn.close()
        assert events[-1] == "done", events
        self.left -= 1
        return first, events

    def answer_next_interview(self):
        r = self.call("POST", "/api/interviews",
                      body={"role": "Backend engineer", "questionCount": 10})
        assert r.status == 201, r.text
        self.interview, self.left = r.json()["id"], 10

    def first_audio(self):
        self.sv.reset()
        self.ai.reset()
        self.sv.stt_latency = STT_S
        self.sv.tts_latency = (TTS_S, TTS_CHAR_S)
        self.ai.delay = GPT_S
        self.ai.question_texts = {n: QUESTION for n in range(2, 11)}
        wav = tone_wav(30, first_samples={0: 1})
        runs = [self.streamed(wav) for _ in range(RUNS)]
        self.ai.reset()
        return statistics.median(t for t, _ in runs), runs[0][1]

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


def delivery_pass():
    """tests/bench/delivery_bench.c, built -O2 and run: (ms of CPU per
    minute of audio, pauses heard)."""
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "delivery_bench")
        subprocess.run(["gcc", "-O2", "-I" + os.path.join(ROOT, "src"),
                        os.path.join(ROOT, "tests", "bench", "delivery_bench.c"),
                        os.path.join(ROOT, "src", "model", "delivery.c"),
                        "-ljansson", "-lm", "-o", exe], check=True)
        out = subprocess.run([exe], check=True, stdout=subprocess.PIPE, text=True).stdout.split()
    return float(out[0]), int(out[2])


def main():
    per_minute, pauses = delivery_pass()
    b = Bench()
    try:
        one, three = b.latency()
        size, before, after, took = b.memory()
        first, events = b.first_audio()
    finally:
        b.close()
    ratio = three / one
    growth = after - before
    budget = STT_S + GPT_S + TTS_S + TTS_CHAR_S * len(FIRST_SENTENCE)
    streamed_ok = first <= budget + 0.150
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

The streamed answer (`Accept: application/x-ndjson`), a 30 s answer (one
chunk), fakes of fixed latency: speech-to-text {STT_S:.0f} s per 30 s chunk, GPT-4o
{GPT_S:.0f} s, text-to-speech {TTS_S:.1f} s + {TTS_CHAR_S * 1000:.0f} ms a character; the next question
has three sentences, the first of {len(FIRST_SENTENCE)} characters. Lines: {", ".join(events)}.

| from the end of the upload to | median of {RUNS} | sum of the fakes' latencies | target |
|---|---|---|---|
| the first `audio` line | {first * 1000:.0f} ms | {budget * 1000:.0f} ms (one chunk + one question + its first sentence) | ≤ {(budget + 0.150) * 1000:.0f} ms ({"PASS" if streamed_ok else "MISS"}) |

What is left above the sum is our own work: decoding, the delivery pass,
the store's reads, the lines through nginx unbuffered.
<!-- /interview -->
"""
    delivery_ok = per_minute <= 5.0
    delivery = f"""<!-- delivery -->
## The delivery pass of a spoken answer (`tests/bench/delivery_bench.c`)

`delivery_listen()` and `delivery_fillers()` (`src/model/delivery.c`) over
five minutes of 16 kHz speech with a 2 s silence every 5 s (the longest
answer taken; {pauses} pauses heard), built `-O2`, the best of 5 runs in the
thread's CPU time: **{per_minute:.2f} ms per minute of audio** (target ≤ 5 ms:
{"PASS" if delivery_ok else "MISS"}).
<!-- /delivery -->
"""
    print(section)
    print(delivery)
    write_section(OUT, "interview", section)
    write_section(OUT, "delivery", delivery)
    return 0 if ratio <= 1.5 and growth < 1024 and streamed_ok and delivery_ok else 1


if __name__ == "__main__":
    sys.exit(main())
