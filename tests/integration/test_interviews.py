"""Mock interviews through nginx: GPT-4o questions that follow up, answers
typed or spoken (Sarvam speech-to-text, audio in memory only), spoken
questions (Sarvam text-to-speech), a scored feedback report, and every
error the contract and the services can produce.

Audio is made by the test: tones through Python's wave module, converted
with sox to FLAC and Ogg, and speech from espeak-ng; fake OpenAI and Sarvam
servers (Python standard library) check every request they receive.
"""
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import uuid
import wave

import tokens
from fake_openai import FakeOpenAI
from fake_sarvam import FakeSarvam
from test_auth import AuthStack
from test_resumes import WEBHOOK_SECRET, ResumeClient
from test_webhooks import sign, user_event
from tokens import ISSUER, ORIGIN

IV = "/api/interviews"
RATE = 16000
MARKER = b"JTAUDIOMARKER-7f3a"   # in the samples of the privacy test's upload


def tone_wav(seconds, rate=RATE, channels=1, first_samples=None, marker=False):
    """A WAV of a quiet tone; first_samples {frame: value} set exact samples
    (the fake transcribes each chunk as "<ms>ms:<first nonzero sample>")."""
    frames = int(seconds * rate)
    samples = bytearray(frames * 2 * channels)
    for f in (first_samples or {}):
        for c in range(channels):
            struct.pack_into("<h", samples, (f * channels + c) * 2, first_samples[f])
    if marker:
        for off in range(4096, len(samples) - len(MARKER), 65536):
            samples[off:off + len(MARKER)] = MARKER
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(samples))
    return buf.getvalue()


def sox(data, fmt):
    """data (a WAV) converted by sox to fmt ("flac", "ogg")."""
    d = tempfile.mkdtemp()
    try:
        src, dst = os.path.join(d, "in.wav"), os.path.join(d, "out." + fmt)
        with open(src, "wb") as f:
            f.write(data)
        subprocess.run(["sox", src, dst], check=True, capture_output=True)
        with open(dst, "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(d)


def espeak(text):
    """Speech made by espeak-ng, as the WAV it writes (22050 Hz mono)."""
    return subprocess.run(["espeak-ng", "--stdout", text], check=True,
                          capture_output=True).stdout


def multipart(field, data, content_type="audio/wav", filename="answer.wav"):
    boundary = "----jt" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode() + \
        data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class InterviewClient(ResumeClient):
    def start_interview(self, user, **fields):
        body = {"role": "Backend engineer", "questionCount": 3, **fields}
        r = self.call("POST", IV, user, body=body)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def answer_text(self, user, iid, text, question=None):
        q = f"?question={question}" if question else ""
        return self.call("POST", f"{IV}/{iid}/answers{q}", user, body={"text": text})

    def answer_audio(self, user, iid, data, content_type="audio/wav", question=None):
        q = f"?question={question}" if question else ""
        return self.call("POST", f"{IV}/{iid}/answers{q}", user, body=data,
                         headers={"Content-Type": content_type})


class InterviewsTest(InterviewClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_interviews")
        cls.ai = FakeOpenAI().start()
        cls.sv = FakeSarvam().start()
        cls.stack = AuthStack(workers=2, env={
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "SARVAM_API_KEY": cls.sv.api_key, "SARVAM_BASE_URL": cls.sv.base_url,
            "SARVAM_TIMEOUT_MS": "3000"})
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.ai.stop()
            cls.sv.stop()
            raise
        cls.interviews = cls.stack.db()["interviews"]

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()
        cls.sv.stop()

    def setUp(self):
        self.alice, self.bob = tokens.new_user_id(), tokens.new_user_id()
        self.ai.reset()
        self.sv.reset()

    def tearDown(self):
        self.assertEqual(self.ai.violations, [])
        self.assertEqual(self.sv.violations, [])

    def stored(self, iid):
        return self.interviews.find_one({"_id": iid})

    # ---- the whole interview -----------------------------------------------------------
    def test_typed_interview_from_creation_to_report(self):
        resume = self.create(self.alice, {"basics": {"name": "Ananya Rao",
                                                     "email": "ananya@example.in"},
                                          "work": [{"name": "Acme", "position": "SRE"}]})
        self.ai.pii = ["Ananya Rao", "ananya@example.in"]
        iv = self.start_interview(self.alice, level="senior", resumeId=resume["id"],
                                  jobDescription="Run payments on Go and Postgres.")
        iid = iv["id"]
        self.assertEqual((iv["status"], iv["questionCount"], iv["currentQuestion"],
                          iv["language"]), ("active", 3, 1, "en-IN"))
        self.assertEqual(len(iv["questions"]), 1)
        self.assertIsNone(iv["questions"][0]["answer"])

        r = self.answer_text(self.alice, iid, "I cut p99 latency by half at Acme, I am "
                             "Ananya Rao.", question=1)
        self.assertEqual(r.status, 201, r.text)
        iv = r.json()
        self.assertEqual(iv["currentQuestion"], 2)
        # a real follow-up: the second question was written with the first answer in view
        self.assertIn("I cut p99 latency by half", iv["questions"][1]["text"])
        self.assertEqual(iv["questions"][0]["answer"]["source"], "text")
        # the same question again is 409, and nothing changes
        self.assertEqual(self.answer_text(self.alice, iid, "again", question=1).status, 409)
        self.assertEqual(self.answer_text(self.alice, iid, "Second answer.").status, 201)
        iv = self.answer_text(self.alice, iid, "Third answer.").json()
        self.assertIsNone(iv["currentQuestion"])
        self.assertEqual(len(iv["questions"]), 3)
        self.assert_error(self.answer_text(self.alice, iid, "a fourth"), 409, "conflict")

        r = self.call("POST", f"{IV}/{iid}/finish", self.alice)
        self.assertEqual(r.status, 200, r.text)
        report = r.json()["report"]
        self.assertEqual(r.json()["status"], "completed")
        self.assertEqual(report["overallScore"], 68)
        self.assertEqual(set(report["rubric"]), {"communication", "relevance", "structure",
                                                 "depth", "confidence"})
        self.assertEqual([q["n"] for q in report["questions"]], [1, 2, 3])
        self.assertEqual((len(report["strengths"]), len(report["improvements"])), (3, 3))
        self.assertEqual(report["unanswered"], [])
        self.assertEqual(self.call("GET", f"{IV}/{iid}", self.alice).json()["report"], report)
        self.assert_error(self.call("POST", f"{IV}/{iid}/finish", self.alice), 409, "conflict")
        self.assert_error(self.answer_text(self.alice, iid, "late"), 409, "conflict")
        listed = self.call("GET", IV, self.alice).json()["items"]
        self.assertEqual([(i["id"], i["status"], i["answered"]) for i in listed],
                         [(iid, "completed", 3)])
        # the resume's contact details reached no prompt (ai.pii, checked in tearDown)
        self.assertGreaterEqual(self.ai.count, 4)

    def test_finishing_early_names_the_unanswered_questions(self):
        iv = self.start_interview(self.alice, questionCount=4)
        self.assertEqual(self.answer_text(self.alice, iv["id"], "Only one answer.").status, 201)
        r = self.call("POST", f"{IV}/{iv['id']}/finish", self.alice)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["report"]["unanswered"], [2, 3, 4])

    def test_list_is_newest_first_and_paginated(self):
        made = [self.start_interview(self.alice, role=f"Role {i}")["id"] for i in range(3)]
        r = self.call("GET", f"{IV}?limit=2", self.alice).json()
        self.assertEqual([i["id"] for i in r["items"]], made[::-1][:2])
        r2 = self.call("GET", f"{IV}?limit=2&cursor={r['next']}", self.alice).json()
        self.assertEqual([i["id"] for i in r2["items"]], [made[0]])
        self.assertIsNone(r2["next"])

    def test_delete(self):
        iid = self.start_interview(self.alice)["id"]
        self.assertEqual(self.call("DELETE", f"{IV}/{iid}", self.alice).status, 204)
        self.assertEqual(self.call("GET", f"{IV}/{iid}", self.alice).status, 404)
        self.assertIsNone(self.stored(iid))
        self.assertEqual(self.call("GET", IV, self.alice).json()["items"], [])

    # ---- validation -----------------------------------------------------------------------
    def test_creation_is_validated_and_stores_nothing(self):
        other = self.create(self.bob, {})["id"]
        cases = [({"role": "x", "language": "fr-FR"}, "language"),
                 ({"role": "x", "questionCount": 2}, "questionCount"),
                 ({"role": "x", "questionCount": 11}, "questionCount"),
                 ({"role": "x", "questionCount": "5"}, "questionCount"),
                 ({}, "role"),
                 ({"role": "   "}, "role"),
                 ({"role": "x", "extra": 1}, "extra"),
                 ({"role": "x", "resumeId": other}, "resumeId")]
        for body, field in cases:
            with self.subTest(body=body):
                r = self.call("POST", IV, self.alice, body=body)
                err = self.assert_error(r, 422, "validation_failed")
                self.assertIn(field, err["fields"])
        r = self.call("POST", IV, self.alice, body={"role": "x", "language": "xx"})
        self.assertIn("hi-IN", r.json()["error"]["fields"]["language"])
        self.assertEqual(self.call("GET", IV, self.alice).json()["items"], [])
        self.assertEqual(self.ai.count, 0)

    def test_a_language_sarvam_speaks(self):
        iv = self.start_interview(self.alice, language="hi-IN")
        self.assertEqual(iv["language"], "hi-IN")
        r = self.answer_audio(self.alice, iv["id"], tone_wav(2, first_samples={0: 9}))
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(self.sv.requests[-1]["fields"]["language_code"], "hi-IN")

    # ---- spoken answers --------------------------------------------------------------------
    def test_spoken_answers_in_wav_flac_ogg_and_multipart(self):
        iv = self.start_interview(self.alice, questionCount=5)
        wav = tone_wav(5, first_samples={0: 7})
        formats = [(wav, "audio/wav"), (sox(wav, "flac"), "audio/flac"),
                   (sox(wav, "ogg"), "audio/ogg")]
        for data, ctype in formats:
            with self.subTest(format=ctype):
                r = self.answer_audio(self.alice, iv["id"], data, ctype)
                self.assertEqual(r.status, 201, r.text)
                a = [q for q in r.json()["questions"] if q["answer"]][-1]["answer"]
                self.assertEqual(a["source"], "audio")
                self.assertTrue(a["text"].startswith("5000ms:"), a["text"])
        body, ctype = multipart("audio", wav)
        r = self.answer_audio(self.alice, iv["id"], body, ctype)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual([q for q in r.json()["questions"] if q["answer"]][-1]["answer"]["text"],
                         "5000ms:7")
        # a 16 kHz mono 16-bit WAV reaches Sarvam sample for sample
        self.assertEqual(self.sv.requests[-1]["wav"][44:], wav[44:])

    def test_speech_made_by_espeak(self):
        iv = self.start_interview(self.alice)
        r = self.answer_audio(self.alice, iv["id"], espeak("I led the migration to Go."))
        self.assertEqual(r.status, 201, r.text)
        self.assertRegex(r.json()["questions"][0]["answer"]["text"], r"^\d+ms:-?\d+$")

    def test_a_70_second_answer_arrives_as_three_chunks_joined_in_order(self):
        iv = self.start_interview(self.alice)
        wav = tone_wav(70, first_samples={0: 1, 30 * RATE: 2, 60 * RATE: 3})
        self.sv.hold_until = 3   # all three in flight before any is answered
        self.sv.answer_reversed = 3   # the first to arrive is answered last
        r = self.answer_audio(self.alice, iv["id"], wav)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["questions"][0]["answer"]["text"],
                         "30000ms:1 30000ms:2 10000ms:3")
        self.assertEqual(len(self.sv.requests), 3)
        self.assertEqual(self.sv.max_in_flight, 3)
        self.assertEqual(self.sv.answered, [2, 1, 0])

    def test_bad_audio_is_415_too_long_is_413(self):
        iv = self.start_interview(self.alice)
        r = self.answer_audio(self.alice, iv["id"], b"RIFF....not audio at all" * 100)
        err = self.assert_error(r, 415, "unsupported_media_type")
        self.assertIn("WAV", err["message"])
        self.assert_error(self.answer_audio(self.alice, iv["id"], b"x", "image/png"), 415,
                          "unsupported_media_type")
        long = tone_wav(301, rate=8000)
        self.assert_error(self.answer_audio(self.alice, iv["id"], long), 413, "payload_too_large")
        huge = b"\0" * (10 * 1024 * 1024 + 1)
        self.assertEqual(self.answer_audio(self.alice, iv["id"], huge).status, 413)
        self.assertEqual(self.sv.count, 0)
        self.assertIsNone(self.call("GET", f"{IV}/{iv['id']}", self.alice).json()
                          ["questions"][0]["answer"])

    # ---- Sarvam's failures ----------------------------------------------------------------
    def test_sarvam_failures_store_nothing_and_the_answer_can_be_sent_again(self):
        iv = self.start_interview(self.alice)
        wav = tone_wav(3, first_samples={0: 5})
        for mode, status, code in (("403", 503, "speech_unavailable"),
                                   ("500", 502, "speech_upstream_error"),
                                   ("hang", 504, "speech_timeout")):
            with self.subTest(mode=mode):
                self.sv.reset(mode)
                r = self.answer_audio(self.alice, iv["id"], wav)
                self.assert_error(r, status, code)
                self.assertNotIn(self.sv.api_key, r.text)
                self.assertIsNone(self.call("GET", f"{IV}/{iv['id']}", self.alice).json()
                                  ["questions"][0]["answer"])
        self.assertNotIn(self.sv.api_key, self.stack.log_text())
        self.sv.reset("429")
        self.sv.fail_times = 1
        r = self.answer_audio(self.alice, iv["id"], wav)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["questions"][0]["answer"]["text"], "3000ms:5")

    def test_openai_errors_map_as_tailorings_do(self):
        iv = self.start_interview(self.alice)
        for mode, status, code in (("refusal", 422, "ai_refused"), ("500", 502,
                                                                     "ai_upstream_error"),
                                   ("401", 503, "ai_unavailable"),
                                   ("bad-json", 502, "ai_bad_output")):
            with self.subTest(mode=mode):
                self.ai.reset(mode)
                self.assert_error(self.answer_text(self.alice, iv["id"], "An answer."), status,
                                  code)
        self.ai.reset("bad-score")
        self.assert_error(self.call("POST", f"{IV}/{iv['id']}/finish", self.alice), 502,
                          "ai_bad_output")
        self.ai.reset()
        self.assertEqual(self.answer_text(self.alice, iv["id"], "An answer.").status, 201)

    # ---- spoken questions ----------------------------------------------------------------
    def test_questions_are_spoken_and_never_stored(self):
        iv = self.start_interview(self.alice, language="ta-IN")
        r = self.call("GET", f"{IV}/{iv['id']}/questions/1/audio", self.alice)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("content-type"), "audio/wav")
        self.assertIn("no-store", r.header("cache-control"))
        with wave.open(io.BytesIO(r.body)) as w:
            self.assertEqual((w.getnchannels(), w.getframerate()), (1, 22050))
            self.assertGreater(w.getnframes(), 0)
        tts = self.sv.requests[-1]["json"]
        self.assertEqual((tts["target_language_code"], tts["text"]),
                         ("ta-IN", iv["questions"][0]["text"]))
        self.assertEqual(self.call("GET", f"{IV}/{iv['id']}/questions/2/audio",
                                   self.alice).status, 404)
        self.assertNotIn("audio", json.dumps(self.stored(iv["id"]), default=str).lower()
                         .replace('"source": "audio"', ""))

    # ---- audio never touches disk -----------------------------------------------------
    def test_audio_never_reaches_disk_database_or_logs(self):
        iv = self.start_interview(self.alice)
        wav = tone_wav(8, first_samples={0: 3}, marker=True)

        def answer():
            r = self.answer_audio(self.alice, iv["id"], wav)
            self.assertEqual(r.status, 201, r.text)
            # the streamed answer too: its progress lines, the next
            # question's speech among them, pass nginx unbuffered
            r = self.call("POST", f"{IV}/{iv['id']}/answers", self.alice, body=wav,
                          headers={"Content-Type": "audio/wav",
                                   "Accept": "application/x-ndjson"})
            self.assertEqual(r.status, 200, r.text)
            events = [json.loads(line)["event"] for line in r.text.splitlines()]
            self.assertEqual(events[0], "transcript")
            self.assertIn("audio", events)
            self.assertEqual(events[-1], "done")

        to_socket = to_other = 0
        for path, line in self.stack.writes_with(MARKER, answer):
            if path.startswith("socket:"):
                to_socket += 1
            else:
                to_other += 1
                self.fail(f"audio written to {path}: {line[:80]}")
        # the capture works: the upload did cross a socket (nginx to the worker)
        self.assertGreater(to_socket, 0)
        self.assertEqual(to_other, 0)
        # nothing of it in the database files, the logs, or anything else the stack wrote
        b64_riff = b"UklGR"
        for path, data in self.stack.files():
            self.assertNotIn(MARKER, data, path)
            self.assertNotIn(b64_riff, data, path)

    # ---- ownership and erasure ------------------------------------------------------------
    def test_another_users_interview_is_404_on_every_route(self):
        iid = self.start_interview(self.alice)["id"]
        for method, path, body in (("GET", f"{IV}/{iid}", None),
                                   ("DELETE", f"{IV}/{iid}", None),
                                   ("POST", f"{IV}/{iid}/answers", {"text": "mine now"}),
                                   ("POST", f"{IV}/{iid}/finish", None),
                                   ("GET", f"{IV}/{iid}/questions/1/audio", None)):
            with self.subTest(route=f"{method} {path}"):
                self.assert_error(self.call(method, path, self.bob, body=body), 404, "not_found")
        self.assertEqual(self.call("GET", IV, self.bob).json()["items"], [])
        self.assertIsNone(self.call("GET", f"{IV}/{iid}", self.alice).json()
                          ["questions"][0]["answer"])

    def test_user_deleted_erases_interviews(self):
        iid = self.start_interview(self.alice)["id"]
        kept = self.start_interview(self.bob)["id"]
        body = json.dumps(user_event("user.deleted", self.alice)).encode()
        msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        r = self.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg_id, ts, body)})
        self.assertEqual(r.status, 200, r.text)
        self.assertIsNone(self.stored(iid))
        self.assertIsNotNone(self.stored(kept))


class InterviewsWithoutSarvamTest(InterviewClient, unittest.TestCase):
    """Sarvam not configured: spoken answers and questions are 503
    not_configured naming SARVAM_API_KEY; typed answers still work."""

    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_interviews_nosarvam")
        cls.ai = FakeOpenAI().start()
        cls.stack = AuthStack(workers=1, env={
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "SARVAM_API_KEY": None})
        try:
            cls.stack.start()
        except BaseException:
            cls.stack.stop()
            cls.ai.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()

    def test_spoken_is_503_typed_works(self):
        alice = tokens.new_user_id()
        iid = self.start_interview(alice)["id"]
        err = self.assert_error(self.answer_audio(alice, iid, tone_wav(1)), 503, "not_configured")
        self.assertEqual(err["operator"], {"missing": "SARVAM_API_KEY"})
        err = self.assert_error(self.call("GET", f"{IV}/{iid}/questions/1/audio", alice), 503,
                                "not_configured")
        self.assertEqual(err["operator"], {"missing": "SARVAM_API_KEY"})
        self.assertEqual(self.answer_text(alice, iid, "Typed instead.").status, 201)


if __name__ == "__main__":
    unittest.main()
