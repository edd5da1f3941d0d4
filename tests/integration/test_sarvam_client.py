"""The Sarvam client (src/svc/sarvam.c, src/svc/audio.c) against
fake_sarvam.py, through tests/integration/sarvam_probe (built by `make
check`; built here when missing).  No stack needed: the route-level tests
come with the routes.

Test audio is made here with the wave module: 16 kHz mono 16-bit, silent
but for sample value k+1 at the start of 30 s chunk k, which the fake
reads back as its transcript ("<ms>ms:<first nonzero sample>").
"""
import email.utils
import io
import os
import struct
import subprocess
import time
import unittest
import wave

from fake_sarvam import FakeSarvam

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROBE = os.path.join(HERE, "sarvam_probe")


def marked_wav(seconds, rate=16000):
    frames = bytearray(seconds * rate * 2)
    for k in range(0, seconds * rate, 30 * rate):
        struct.pack_into("<h", frames, 2 * k, k // (30 * rate) + 1)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return out.getvalue()


def wav_info(data):
    with wave.open(io.BytesIO(data), "rb") as w:
        return w.getframerate(), w.getnchannels(), w.getnframes()


class SarvamClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(PROBE):
            subprocess.run(["make", "-s", "tests/integration/sarvam_probe"], cwd=ROOT,
                           check=True)
        cls.sv = FakeSarvam(hang_seconds=3.0).start()

    @classmethod
    def tearDownClass(cls):
        cls.sv.stop()

    def setUp(self):
        self.sv.reset()

    def probe(self, args, stdin=b"", **env):
        full = {"PATH": os.environ.get("PATH", ""), "SARVAM_API_KEY": self.sv.api_key,
                "SARVAM_BASE_URL": self.sv.base_url, "JOBTUNE_REQUEST_TIMEOUT": "60"}
        full.update(env)
        full = {k: v for k, v in full.items() if v is not None}
        t0 = time.monotonic()
        p = subprocess.run([PROBE] + args, input=stdin, capture_output=True, env=full,
                           timeout=60)
        elapsed = time.monotonic() - t0
        err = p.stderr.decode()
        self.assertNotIn(self.sv.api_key, err)  # never logged
        rc = None
        for word in err.split():
            if word.startswith("rc="):
                rc = int(word[3:])
        return rc, p.stdout, err, elapsed

    # ---- speech to text ---------------------------------------------------------------
    def test_70s_in_order_whatever_the_answer_order(self):
        # the first chunk to arrive waits longest: answers come back 3, 2, 1
        self.sv.hold_until = 3   # all three in flight before any is answered
        self.sv.answer_reversed = 3
        rc, out, err, _ = self.probe(["stt", "hi-IN"], marked_wav(70))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().strip(), "30000ms:1 30000ms:2 10000ms:3")
        self.assertEqual(self.sv.violations, [])
        self.assertEqual(self.sv.count, 3)
        self.assertEqual(self.sv.max_in_flight, 3)
        self.assertEqual(self.sv.answered, [2, 1, 0])
        for r in self.sv.requests:
            self.assertEqual(r["fields"], {"model": "saarika:v2.5", "language_code": "hi-IN",
                                           "with_timestamps": "true"})
            self.assertEqual(r["filename"], "chunk.wav")

    def test_at_most_four_at_once_and_the_benchmark(self):
        # 5 minutes = 10 chunks; each call takes 1 s: 3 rounds of at most 4
        self.sv.delay = 1.0
        rc, out, err, _ = self.probe(["stt", "en-IN"], marked_wav(300))
        self.assertEqual(rc, 0, err)
        ms = int(err.split("ms=")[1].split()[0])
        self.assertEqual(out.decode().split(), [f"30000ms:{k}" for k in range(1, 11)])
        self.assertEqual(self.sv.max_in_flight, 4)
        self.assertEqual(self.sv.violations, [])
        self.assertLess(ms, 4500)  # serially it would be 10 s
        print(f"    benchmark: 10 chunks at 1 s per call took {ms} ms", flush=True)

    def test_resampled_input_is_sent_as_16k_mono(self):
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(2)
            w.setsampwidth(2)
            w.setframerate(44100)
            w.writeframes(struct.pack("<2h", 1000, 3000) * 44100 * 2)
        rc, text, err, _ = self.probe(["stt", "unknown"], out.getvalue())
        self.assertEqual(rc, 0, err)
        self.assertTrue(text.decode().startswith("2000ms:"), text)
        self.assertEqual(self.sv.violations, [])

    def test_rejected_key_is_auth(self):
        rc, out, err, _ = self.probe(["stt", "en-IN"], marked_wav(5), SARVAM_API_KEY="wrong")
        self.assertEqual(rc, -2, err)
        self.assertNotIn("wrong", err)
        self.assertEqual(self.sv.count, 1)  # not retried

    def test_not_configured(self):
        rc, _, err, _ = self.probe(["stt", "en-IN"], marked_wav(5), SARVAM_API_KEY=None)
        self.assertEqual(rc, -1, err)
        self.assertEqual(self.sv.count, 0)

    def test_429_is_retried_after_retry_after(self):
        self.sv.mode, self.sv.fail_times, self.sv.retry_after = "429", 1, "1"
        rc, out, err, elapsed = self.probe(["stt", "en-IN"], marked_wav(5))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().strip(), "5000ms:1")
        self.assertEqual(self.sv.count, 2)
        self.assertGreaterEqual(elapsed, 1.0)

    def test_429_is_retried_after_an_http_date(self):
        # Retry-After's other form (RFC 9110 section 10.2.3): 2 s from now, to the second
        when = time.time() + 2
        self.sv.mode, self.sv.fail_times = "429", 1
        self.sv.retry_after = email.utils.formatdate(when, usegmt=True)
        rc, out, err, elapsed = self.probe(["stt", "en-IN"], marked_wav(5))
        self.assertEqual(rc, 0, err)
        self.assertEqual(out.decode().strip(), "5000ms:1")
        self.assertEqual(self.sv.count, 2)
        self.assertGreaterEqual(elapsed, 1.0)

    def test_500_gives_up_after_two_retries(self):
        self.sv.mode = "500"
        rc, _, err, elapsed = self.probe(["stt", "en-IN"], marked_wav(5))
        self.assertEqual(rc, -4, err)
        self.assertEqual(self.sv.count, 3)
        # two jittered waits (src/svc/retry.c), neither shorter than the 1 s base
        self.assertGreaterEqual(elapsed, 2.0)

    def test_quota_is_not_retried(self):
        self.sv.mode = "quota"
        rc, _, err, _ = self.probe(["stt", "en-IN"], marked_wav(5))
        self.assertEqual(rc, -4, err)
        self.assertEqual(self.sv.count, 1)

    def test_400_and_422_are_bad_request(self):
        for mode in ("400", "422"):
            self.sv.reset(mode)
            rc, _, err, _ = self.probe(["stt", "en-IN"], marked_wav(5))
            self.assertEqual(rc, -5, err)
            self.assertEqual(self.sv.count, 1)

    def test_timeout(self):
        self.sv.mode = "hang"
        rc, _, err, elapsed = self.probe(["stt", "en-IN"], marked_wav(5),
                                         SARVAM_TIMEOUT_MS="500")
        self.assertEqual(rc, -3, err)
        self.assertLess(elapsed, 2.5)

    def test_bad_output(self):
        self.sv.mode = "bad-json"
        rc, _, err, _ = self.probe(["stt", "en-IN"], marked_wav(5))
        self.assertEqual(rc, -6, err)

    # ---- text to speech ----------------------------------------------------------------
    def test_speak_short(self):
        self.sv.audios_per_call = 2
        rc, wav, err, _ = self.probe(["tts", "en-IN", "Tell me about yourself."])
        self.assertEqual(rc, 0, err)
        self.assertEqual(wav_info(wav), (22050, 1, 23 * 22050 // 100))
        self.assertEqual(self.sv.violations, [])
        body = self.sv.requests[0]["json"]
        self.assertEqual(body, {"text": "Tell me about yourself.", "target_language_code": "en-IN",
                                "speaker": "anushka", "model": "bulbul:v2",
                                "speech_sample_rate": 22050})

    def test_speak_long_text_in_pieces(self):
        sentence = "नमस्ते, यह एक लंबा प्रश्न है। "  # Devanagari, danda-terminated
        text = sentence * 120  # ~3600 characters, over bulbul:v2's 1500
        rc, wav, err, _ = self.probe(["tts", "hi-IN", text], SARVAM_TTS_SAMPLE_RATE="16000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.sv.violations, [])
        texts = [r["json"]["text"] for r in sorted(self.sv.requests, key=lambda r: r["arrival"])]
        self.assertGreaterEqual(len(texts), 3)
        self.assertTrue(all(len(t) <= 1500 and t.endswith("।") for t in texts))
        self.assertEqual(sorted(" ".join(texts).split()), sorted(text.split()))
        rate, ch, frames = wav_info(wav)
        self.assertEqual((rate, ch), (16000, 1))
        self.assertEqual(frames, sum(len(t) * 16000 // 100 for t in texts))

    def test_speak_v3(self):
        rc, wav, err, _ = self.probe(["tts", "ta-IN", "Vanakkam."], SARVAM_TTS_MODEL="bulbul:v3",
                                     SARVAM_TTS_SAMPLE_RATE="48000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.sv.requests[0]["json"]["speaker"], "shubh")
        self.assertEqual(wav_info(wav)[0], 48000)
        self.assertEqual(self.sv.violations, [])


if __name__ == "__main__":
    unittest.main()
