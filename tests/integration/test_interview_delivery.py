"""Coaching on delivery and an answer that flows, through nginx: word
timestamps asked of Sarvam and joined across chunks, the pace, fillers and
pauses of a spoken answer stored as numbers, the answer's progress streamed
line by line (Accept: application/x-ndjson) with the next question spoken
sentence by sentence at once, the report's delivery summary, the scores in
the list and their trend.

The recordings are made here: a 200 Hz tone for speech and zeros for
silence, with one exact sample at the start of each 30 s chunk, by which
fake_sarvam.py knows which scripted transcript and timings to answer.
"""
import array
import base64
import hashlib
import hmac
import http.client
import io
import json
import math
import threading
import time
import unittest
import uuid
import wave

import jsonschema
import yaml

import tokens
from fake_clerk import FakeClerk
from stack import ROOT, AuthStack, SignedInStackTest, wait_until

IV = "/api/interviews"
RATE = 16000
TTS = "/text-to-speech"


def recording(parts, marks=None):
    """A 16 kHz mono WAV of parts [(seconds, amplitude)]: a tone, or
    silence for amplitude 0; marks {second: value} set one exact sample
    (the fake's key for a chunk: its first nonzero sample)."""
    samples = array.array("h")
    for seconds, amp in parts:
        n = int(seconds * RATE)
        step = 2 * math.pi * 200 / RATE
        samples.extend(int(amp * math.sin(step * i)) for i in range(n))
    for second, value in (marks or {}).items():
        samples[int(second * RATE)] = value
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def answer_event_validator():
    """docs/openapi.yaml's AnswerEvent, the schema of a streamed answer's lines."""
    with open(f"{ROOT}/docs/openapi.yaml", encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return jsonschema.Draft202012Validator({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"], "$ref": "#/components/schemas/AnswerEvent"})


def wav_frames(data):
    with wave.open(io.BytesIO(data)) as w:
        return w.getframerate(), w.getnchannels(), w.getnframes()


class DeliveryBase(SignedInStackTest):
    """The stack, the fakes and the calls of the tests below; no tests."""
    stack_class = AuthStack
    fake_openai = True
    fake_sarvam = True

    @classmethod
    def env_extra(cls):
        return {"SARVAM_TIMEOUT_MS": "5000"}

    events = answer_event_validator()

    def setUp(self):
        self.user = tokens.new_user_id()
        self.ai.reset()
        self.sv.reset()

    def tearDown(self):
        self.assertEqual(self.ai.violations, [])
        self.assertEqual(self.sv.violations, [])

    # ---- helpers ------------------------------------------------------------------
    def call(self, method, path, body=None, headers=None, user=None):
        return self.stack.request(method, path, body=body,
                                  headers={**self.auth(user or self.user), **(headers or {})})

    def start(self, count=3, **fields):
        r = self.call("POST", IV, {"role": "Backend engineer", "questionCount": count, **fields})
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def answer(self, iid, data, content_type="audio/wav"):
        return self.call("POST", f"{IV}/{iid}/answers", data, {"Content-Type": content_type})

    def stream(self, iid, data, content_type="audio/wav", query="", on_line=None):
        """POST an answer asking for its progress: (status, content type,
        [(monotonic time the line was read, event)]); on_line(event) is
        called as each line is read."""
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=60)
        if isinstance(data, dict):
            data, content_type = json.dumps(data).encode(), "application/json"
        try:
            conn.request("POST", f"{IV}/{iid}/answers{query}", body=data, headers={
                **self.auth(self.user), "Content-Type": content_type,
                "Accept": "application/x-ndjson", "X-Forwarded-For": "10.9.8.7"})
            r = conn.getresponse()
            if r.status != 200:
                return r.status, r.getheader("content-type"), json.loads(r.read())
            lines = []
            while True:
                line = r.readline()
                if not line:
                    break
                lines.append((time.monotonic(), json.loads(line)))
                problems = [e.message for e in self.events.iter_errors(lines[-1][1])]
                if problems:
                    raise AssertionError(f"a line is not an AnswerEvent: {problems[:3]}")
                if on_line is not None:
                    on_line(lines[-1][1])
            return r.status, r.getheader("content-type"), lines
        finally:
            conn.close()

    def stored(self, iid):
        return self.stack.db()["interviews"].find_one({"_id": iid})


class DeliveryTest(DeliveryBase):

    # ---- word timestamps, joined across chunks -----------------------------------
    def test_timestamps_of_a_70_second_answer_are_joined_across_chunks(self):
        iv = self.start()
        # speech all through (the energy hears no silence): the only pause is
        # the 4 s between "um" (ends 31.5 s) and "we" (starts 35.5 s), which
        # only the second chunk's timings, shifted by its 30 s, can show
        self.sv.stt_script = {
            1: ("I led the team", [("I", 0.2, 0.4), ("led", 0.5, 0.8), ("the", 0.9, 1.0),
                                   ("team", 1.1, 29.5)]),
            2: ("and um we shipped", [("and", 0.5, 1.0), ("um", 1.2, 1.5), ("we", 5.5, 6.0),
                                      ("shipped", 6.1, 29.9)]),
            3: ("on time.", [("on", 0.1, 0.5), ("time.", 0.6, 9.0)]),
        }
        self.sv.hold_until = 3        # all three in flight before any is answered
        self.sv.answer_reversed = 3   # and answered last first
        r = self.answer(iv["id"], recording([(70, 6000)], {0: 1, 30: 2, 60: 3}))
        self.assertEqual(r.status, 201, r.text)
        a = r.json()["questions"][0]["answer"]
        self.assertEqual(a["text"], "I led the team and um we shipped on time.")
        d = a["delivery"]
        self.assertEqual(d["durationSeconds"], 70.0)
        self.assertEqual(d["words"], 10)
        self.assertEqual(d["wordsPerMinute"], 8.6)
        self.assertEqual(d["pauses"], {"count": 1, "longestSeconds": 4.0})
        self.assertEqual(d["fillers"], {"count": 1, "perMinute": 0.86,
                                        "top": [{"word": "um", "count": 1}]})
        self.assertEqual(self.sv.answered, [2, 1, 0])
        for req in self.sv.requests:
            self.assertEqual(req["fields"]["with_timestamps"], "true")

    # ---- pace, fillers and pauses, without any timestamps -------------------------
    def test_known_transcript_and_timing_without_timestamps(self):
        iv = self.start()
        self.sv.timestamps = False
        self.sv.stt_script = {7: ("Um, I mean, I led the migration, you know, and uh it "
                                  "worked well.", [])}
        r = self.answer(iv["id"], recording([(3, 8000), (4, 0), (3, 8000)], {0: 7}))
        self.assertEqual(r.status, 201, r.text)
        d = r.json()["questions"][0]["answer"]["delivery"]
        self.assertEqual(self.sv.requests[0]["timestamps"], None)
        self.assertEqual(d["durationSeconds"], 10.0)
        self.assertEqual(d["words"], 14)
        self.assertEqual(d["wordsPerMinute"], 84.0)
        self.assertAlmostEqual(d["speakingSeconds"], 6.0, delta=0.05)
        self.assertEqual(d["pauses"], {"count": 1, "longestSeconds": 4.0})
        self.assertEqual(d["fillers"]["count"], 4)
        self.assertEqual(d["fillers"]["perMinute"], 24.0)
        self.assertEqual(d["fillers"]["top"], [{"word": "um", "count": 1},
                                               {"word": "I mean", "count": 1},
                                               {"word": "you know", "count": 1}])
        # stored with the answer, as numbers; read back the same
        stored = self.stored(iv["id"])["body"]["questions"][0]["answer"]
        self.assertEqual(stored["delivery"], d)
        got = self.call("GET", f"{IV}/{iv['id']}").json()["questions"][0]["answer"]
        self.assertEqual(got["delivery"], d)
        # a typed answer has none
        r = self.call("POST", f"{IV}/{iv['id']}/answers", {"text": "Typed."})
        self.assertIsNone(r.json()["questions"][1]["answer"]["delivery"])

    # ---- the streamed answer ---------------------------------------------------------
    def test_streamed_answer_in_order_with_sentences_spoken_at_once(self):
        iv = self.start()
        question = "Tell me about the launch. What went wrong? What would you change next time?"
        sentences = ["Tell me about the launch.", "What went wrong?",
                     "What would you change next time?"]
        self.ai.question_texts = {2: question}
        # no sentence is spoken before the client has read the question
        # line: a line held back in a buffer (the worker's or nginx's) would
        # keep the gate shut until the fake gives up
        gate = self.sv.tts_gate = threading.Event()
        # each sentence takes a moment to speak, so sentences spoken at once
        # overlap and sentences spoken one by one cannot, however fast the
        # calls happen to arrive
        self.sv.tts_latency = (0.2, 0.0)
        status, ctype, lines = self.stream(
            iv["id"], recording([(2, 8000)], {0: 4}),
            on_line=lambda e: e["event"] == "question" and gate.set())
        self.assertEqual(status, 200, lines)
        self.assertEqual(ctype, "application/x-ndjson")
        events = [e for _, e in lines]
        self.assertEqual([e["event"] for e in events],
                         ["transcript", "question", "audio", "audio", "audio", "done"])
        self.assertEqual(events[0]["text"], "2000ms:4")
        self.assertEqual(events[0]["delivery"]["durationSeconds"], 2.0)
        self.assertEqual((events[1]["n"], events[1]["text"]), (2, question))
        for seq, (e, text) in enumerate(zip(events[2:5], sentences)):
            self.assertEqual((e["n"], e["seq"]), (2, seq))
            self.assertEqual(wav_frames(base64.b64decode(e["wav"])),
                             (22050, 1, len(text) * 22050 // 100))
        done = events[5]["interview"]
        self.assertEqual(done["questions"][1]["text"], question)
        self.assertEqual(done["questions"][0]["answer"]["delivery"], events[0]["delivery"])
        self.assertEqual(done["currentQuestion"], 2)
        stored = self.stored(iv["id"])["body"]
        self.assertEqual(len(stored["questions"]), 2)
        # each sentence its own request, made while the others were in flight
        tts = [r for r in self.sv.requests if r["path"] == TTS]
        self.assertEqual(sorted(r["json"]["text"] for r in tts), sorted(sentences))
        self.assertTrue(self.sv.overlapping(TTS), "the sentences were spoken one by one")
        self.assertEqual([r["gate_opened"] for r in tts], [True] * 3,
                         "the question line was held back until its speech was made")

    def test_an_error_midway_is_an_error_line_and_stores_nothing(self):
        iv = self.start()
        self.ai.question_texts = {2: "One. Two."}
        self.sv.reset("400")   # text to speech refused: not retried
        status, _, lines = self.stream(iv["id"], {"text": "I shipped it."})
        self.assertEqual(status, 200, lines)
        events = [e for _, e in lines]
        self.assertEqual([e["event"] for e in events], ["transcript", "question", "error"])
        self.assertEqual(events[2]["status"], 502)
        self.assertEqual(events[2]["error"]["code"], "speech_upstream_error")
        self.assertTrue(events[2]["error"]["message"])
        body = self.stored(iv["id"])["body"]
        self.assertEqual(len(body["questions"]), 1)
        self.assertNotIn("answer", body["questions"][0])
        self.sv.reset()
        # GPT-4o failing after the transcript: the same
        self.ai.reset("500")
        status, _, lines = self.stream(iv["id"], {"text": "I shipped it."})
        self.assertEqual([e["event"] for _, e in lines], ["transcript", "error"])
        self.assertEqual(lines[1][1]["error"]["code"], "ai_upstream_error")
        self.assertNotIn("answer", self.stored(iv["id"])["body"]["questions"][0])
        # what fails before the first line is the usual answer
        self.ai.reset()
        status, ctype, err = self.stream(iv["id"], {"text": "x"}, query="?question=2")
        self.assertEqual((status, err["error"]["code"]), (409, "conflict"))
        self.assertTrue(ctype.startswith("application/json"))
        # and the answer can be sent again
        status, _, lines = self.stream(iv["id"], {"text": "I shipped it."})
        self.assertEqual(lines[-1][1]["event"], "done")

    def test_the_last_answer_streams_its_transcript_then_done(self):
        iv = self.start()
        for n in (1, 2):
            r = self.call("POST", f"{IV}/{iv['id']}/answers", {"text": f"Answer {n}."})
            self.assertEqual(r.status, 201, r.text)
        status, _, lines = self.stream(iv["id"], recording([(1, 8000)], {0: 9}))
        self.assertEqual(status, 200, lines)
        self.assertEqual([e["event"] for _, e in lines], ["transcript", "done"])
        self.assertEqual(lines[1][1]["interview"]["currentQuestion"], None)
        self.assertEqual(len([r for r in self.sv.requests if r["path"] == TTS]), 0)

    # ---- the report, the list and the trend ---------------------------------------------
    def test_report_summary_scores_in_the_list_and_the_trend(self):
        self.sv.timestamps = False
        self.sv.stt_script = {7: ("Um, I mean, I led the migration, you know, and uh it "
                                  "worked well.", [])}
        spoken = self.start()
        r = self.answer(spoken["id"], recording([(3, 8000), (4, 0), (3, 8000)], {0: 7}))
        self.assertEqual(r.status, 201, r.text)
        first = r.json()["questions"][0]["answer"]["delivery"]
        self.call("POST", f"{IV}/{spoken['id']}/answers", {"text": "Typed."})
        r = self.call("POST", f"{IV}/{spoken['id']}/finish")
        self.assertEqual(r.status, 200, r.text)
        report = r.json()["report"]
        self.assertEqual(report["delivery"], {
            "answers": 1, "durationSeconds": 10.0, "wordsPerMinute": 84.0,
            "pace": {"min": 120, "max": 160, "verdict": "slow"},
            "fillersPerMinute": 24.0, "longestPauseSeconds": 4.0})
        by_n = {q["n"]: q for q in report["questions"]}
        self.assertEqual(by_n[1]["delivery"], first)
        self.assertIsNone(by_n[2]["delivery"])

        typed = self.start()
        self.call("POST", f"{IV}/{typed['id']}/answers", {"text": "Typed."})
        r = self.call("POST", f"{IV}/{typed['id']}/finish")
        self.assertIsNone(r.json()["report"]["delivery"])
        active = self.start()

        listed = self.call("GET", IV).json()
        items = {i["id"]: i for i in listed["items"]}
        self.assertEqual(items[spoken["id"]]["score"], 68)
        self.assertEqual(items[spoken["id"]]["delivery"], {
            "wordsPerMinute": 84.0, "fillersPerMinute": 24.0, "longestPauseSeconds": 4.0})
        self.assertTrue(items[spoken["id"]]["completedAt"].endswith("Z"))
        self.assertEqual(items[typed["id"]]["score"], 68)
        self.assertIsNone(items[typed["id"]]["delivery"])
        self.assertIsNone(items[active["id"]]["score"])
        self.assertIsNone(items[active["id"]]["completedAt"])
        trend = listed["trend"]
        self.assertEqual([t["id"] for t in trend["interviews"]], [spoken["id"], typed["id"]])
        self.assertEqual(trend["interviews"][0]["wordsPerMinute"], 84.0)
        self.assertIsNone(trend["interviews"][1]["wordsPerMinute"])
        self.assertEqual(trend["averages"], {"score": 68.0, "wordsPerMinute": 84.0,
                                             "fillersPerMinute": 24.0,
                                             "longestPauseSeconds": 4.0})
        # one page of one: the trend is the same on every page
        page = self.call("GET", IV + "?limit=1").json()
        self.assertEqual(len(page["items"]), 1)
        self.assertEqual(page["trend"], trend)

    # ---- a spoken question -------------------------------------------------------------
    def test_a_spoken_question_is_made_sentence_by_sentence_at_once(self):
        self.ai.question_texts = {1: "Hello there. Tell me about yourself. Why this role?"}
        iv = self.start()
        self.sv.tts_latency = (0.5, 0.01)
        r = self.call("GET", f"{IV}/{iv['id']}/questions/1/audio")
        self.assertEqual(r.status, 200, r.text)
        tts = [q for q in self.sv.requests if q["path"] == TTS]
        self.assertEqual(len(tts), 3)
        self.assertTrue(self.sv.overlapping(TTS))
        # joined in order: the frames of every sentence, one after another
        texts = ["Hello there.", "Tell me about yourself.", "Why this role?"]
        self.assertEqual(wav_frames(r.body)[2], sum(len(t) * 22050 // 100 for t in texts))


# JOBTUNE_SECRET's development default: the key of the erasure's pseudonyms
DEV_SECRET = b"jobtune-development-secret-not-for-production"


class ErasureDuringAStreamedAnswerTest(DeliveryBase):
    """An erasure that begins while an answer streams (its question being
    spoken) leaves nothing of it once its second pass is done: the answer
    stores at its end, after the erasure's first pass, and the second pass
    (JOBTUNE_STREAM_TIMEOUT, here the request timeout, plus 5 s later)
    deletes what it wrote."""
    stack_options = {"request_timeout": 10}
    clerk = None

    @classmethod
    def setUpClass(cls):
        cls.clerk = FakeClerk().start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.clerk.stop()

    @classmethod
    def env_extra(cls):
        return {"CLERK_SECRET_KEY": cls.clerk.secret_key, "CLERK_API_URL": cls.clerk.api_url,
                "JOBTUNE_SCHEDULER_PERIOD": "1"}

    def test_an_erasure_racing_a_streamed_answer_leaves_nothing(self):
        marker = f"Racer{uuid.uuid4().hex[:10]}"
        self.clerk.add_user(self.user, email=f"{marker.lower()}@example.in")
        iv = self.start()
        self.ai.question_texts = {2: f"{marker} question one. And two?"}
        self.sv.tts_latency = (3.0, 0.0)   # the erasure runs while the question is spoken
        asked, result = threading.Event(), {}

        def answer():
            result["r"] = self.stream(iv["id"], {"text": f"{marker} answered."},
                                      on_line=lambda e: e["event"] == "question" and asked.set())
        t = threading.Thread(target=answer)
        t.start()
        try:
            self.assertTrue(asked.wait(20), "the question line never came")
            r = self.call("DELETE", "/api/me")
            self.assertEqual(r.status, 200, r.text)
        finally:
            t.join(30)
        status, _, lines = result["r"]
        self.assertEqual(status, 200)
        # stored just after the first pass (a "done"), or refused by the
        # sealed directory (an "error"): either way gone after the second
        self.assertIn(lines[-1][1]["event"], ("done", "error"), lines[-1][1])
        print(f"\n    the racing answer ended with {lines[-1][1]['event']} "
              f"{lines[-1][1].get('status', '')}", flush=True)
        db = self.stack.db()
        subject = hmac.new(DEV_SECRET, self.user.encode(), hashlib.sha256).hexdigest()
        wait_until(lambda: (db["erasure_claims"].find_one({"_id": subject}) or {})
                   .get("state") == "done", timeout=60, what="the second pass")
        left = [(name, doc.get("_id")) for name in db.list_collection_names()
                for doc in db[name].find({})
                if marker.lower() in json.dumps(doc, default=str).lower() or
                self.user.lower() in json.dumps(doc, default=str).lower()]
        self.assertEqual(left, [])


if __name__ == "__main__":
    unittest.main()
