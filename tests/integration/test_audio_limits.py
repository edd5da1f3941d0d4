"""Spoken answers cost what the audio is, not what its bytes say
(issue 18, item 5): hostile FLAC files of a few kilobytes that announce
hundreds of millions of samples (hostile_audio.py) are refused with the
contract's error, in milliseconds of the worker's time, before Sarvam
hears anything; a header that says less than the frames hold is decoded
to the header's length and no further; and the decoding of a file within
every cap stops at JOBTUNE_AUDIO_CPU_MS.
"""
import unittest

import hostile_audio
import tokens
from stack import AuthStack, SignedInStackTest, wait_until
from test_interviews import IV, InterviewClient
from test_resumes import WEBHOOK_SECRET

ROUTE = "/api/interviews/{id}/answers"
CPU_MS = 300          # JOBTUNE_AUDIO_CPU_MS of this stack
FAST_MS = 500         # a refused file's whole request in the worker, at most (~100 here)
HEADER_MS = 50        # ... when its header alone refuses it (~4 here)
CODES = {413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed"}


class AudioLimitsTest(InterviewClient, SignedInStackTest):
    key_id = "ins_test_audio_limits"
    stack_class = AuthStack
    fake_openai = fake_sarvam = True

    @classmethod
    def env_extra(cls):
        return {"CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET, "JOBTUNE_AUDIO_CPU_MS": str(CPU_MS)}

    def setUp(self):
        self.alice = tokens.new_user_id()
        self.ai.reset()
        self.sv.reset()

    def tearDown(self):
        self.assertEqual(self.sv.violations, [])

    def answer_lines(self):
        return [l for l in self.stack.log_lines() if l.get("route") == ROUTE]

    def post_timed(self, iid, data):
        """The answer and the worker's own duration of it (its log line)."""
        before = len(self.answer_lines())
        r = self.answer_audio(self.alice, iid, data, "audio/flac")
        lines = wait_until(lambda: self.answer_lines()[before:], what="the answer's log line")
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["status"], r.status)
        return r, lines[0]["duration_ms"]

    def test_hostile_files_are_refused_in_milliseconds_before_sarvam(self):
        iid = self.start_interview(self.alice)["id"]
        for name, (data, status) in hostile_audio.refused().items():
            with self.subTest(name):
                r, ms = self.post_timed(iid, data)
                err = self.assert_error(r, status, CODES[status])
                if status == 422:
                    self.assertIn("audio", err["fields"])
                self.assertLess(ms, FAST_MS, f"{name}: {ms} ms in the worker")
        self.assertEqual(self.sv.count, 0)
        q = self.call("GET", f"{IV}/{iid}", self.alice).json()["questions"][0]
        self.assertIsNone(q["answer"])

    def test_the_probe_file_names_the_limits(self):
        iid = self.start_interview(self.alice)["id"]
        data, _ = hostile_audio.refused()["probe-8ch-384k-299s"]
        r, ms = self.post_timed(iid, data)
        err = self.assert_error(r, 422, "validation_failed")
        self.assertLess(ms, HEADER_MS)  # it cost 17.9 s before
        self.assertIn("stereo", err["fields"]["audio"])
        self.assertIn("48 kHz", err["fields"]["audio"])

    def test_a_header_shorter_than_its_frames_is_decoded_to_the_header(self):
        iid = self.start_interview(self.alice)["id"]
        r, _ = self.post_timed(iid, hostile_audio.truncated())
        self.assertEqual(r.status, 201, r.text)
        # one piece of 10 s (the fake transcribes each as "<ms>ms:<first sample>"),
        # not thirty of the 15 minutes the frames hold
        self.assertEqual(self.sv.count, 1)
        self.assertTrue(r.json()["questions"][0]["answer"]["text"].startswith("10000ms:"))

    def test_decoding_stops_at_the_cpu_budget(self):
        iid = self.start_interview(self.alice)["id"]
        r, ms = self.post_timed(iid, hostile_audio.slow())
        err = self.assert_error(r, 422, "validation_failed")
        self.assertIn("too long to decode", err["fields"]["audio"])
        # the budget is CPU time; the request's wall time is that and a little
        self.assertLess(ms, CPU_MS * 3)
        self.assertEqual(self.sv.count, 0)


if __name__ == "__main__":
    unittest.main()
