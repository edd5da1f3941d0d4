"""The interview rehearsal, the privacy centre and the staff console in a
real headless Chromium, against the real stack with fake Clerk, OpenAI and
Sarvam.

tests/browser/rehearsal.mjs drives the browser (one user's journey, then a
staff user, each signed in through /app/signin's development form); this
module starts the stack, makes the signing key and the WAV that Chromium's fake microphone plays (a tone, Python's wave
module), runs the script once, and checks what it reports against the
database and what the fake services received: the spoken answers reached
Sarvam as 16 kHz mono 16-bit WAV, sample for sample what the browser
recorded; the consent was stored; the exports are a valid JSON document
and ZIP; the account and the deletion request's account are erased.
"""
import io
import json
import math
import os
import re
import shutil
import struct
import tempfile
import time
import unittest
import uuid
import wave
import zipfile

import tokens
from browser_run import ScriptOutput, require_node, run_script
from fake_clerk import FakeClerk
from fake_openai import FakeOpenAI
from fake_sarvam import FakeSarvam
from stack import ARTIFACTS
from test_auth import AuthStack
from test_browser import build_mmdb
from test_resumes import WEBHOOK_SECRET
from test_webhooks import sign, user_event
from test_auth import DEV_ISSUER

SHOTS = os.path.join(ARTIFACTS, "browser-rehearsal")
CASES = 7  # cases in rehearsal.mjs
VIEWS = ("interviews-empty", "interviews-list", "interviews-confirm-delete",
         "interview-question", "interview-recording", "interview-report", "privacy",
         "privacy-delete-refused", "privacy-receipt", "admin", "admin-verified")
AXE_PAGES = ["interviews", "interview-rehearsal", "interview-report", "privacy",
             "privacy-receipt", "admin"]
RUN_TIMEOUT = 300
MIC_RATE = 48000


def tone(seconds, rate=MIC_RATE, hz=440.0, amplitude=0.3):
    """A WAV of a sine tone, mono 16-bit: what the fake microphone plays."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        frames += struct.pack("<h", int(amplitude * 32767 * math.sin(2 * math.pi * hz * i / rate)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    return buf.getvalue()


class RehearsalBrowserTest(ScriptOutput, unittest.TestCase):
    SCRIPT = "rehearsal.mjs"
    stack = None
    tmp = None

    @classmethod
    def setUpClass(cls):
        require_node()
        os.makedirs(SHOTS, exist_ok=True)
        for name in os.listdir(SHOTS):
            os.remove(os.path.join(SHOTS, name))
        cls.tmp = tempfile.mkdtemp(prefix="jobtune-rehearsal-")
        cls.key = tokens.Key(kid="ins_test_browser_rehearsal")
        cls.clerk = FakeClerk(keys=[cls.key]).start()
        cls.ai = FakeOpenAI().start()
        cls.sv = FakeSarvam().start()
        cls.user, cls.staff, cls.victim = (tokens.new_user_id() for _ in range(3))
        cls.email = f"asha.{uuid.uuid4().hex[:8]}@example.in"
        cls.victim_email = f"ira.{uuid.uuid4().hex[:8]}@example.in"
        try:
            geoip_db = os.path.join(cls.tmp, "city.mmdb")
            build_mmdb("city.json", geoip_db)
            audio = os.path.join(cls.tmp, "microphone.wav")
            with open(audio, "wb") as f:
                f.write(tone(4.0))
            signing_key = os.path.join(cls.tmp, "dev-signing-key.pem")
            with open(signing_key, "w") as f:
                f.write(cls.key.private_pem())
            cls.stack = AuthStack(workers=2)
            origin = f"http://127.0.0.1:{cls.stack.http_port}"
            cls.stack.extra_env = {
                "GEOIP_DB": geoip_db,
                # the development sign-in (/app/signin) mints the sessions
                "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": DEV_ISSUER,
                "JOBTUNE_DEV_SIGNING_KEY": signing_key,
                "CLERK_AUTHORIZED_PARTIES": origin, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "CLERK_SECRET_KEY": cls.clerk.secret_key, "CLERK_API_URL": cls.clerk.api_url,
                "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
                "SARVAM_API_KEY": cls.sv.api_key, "SARVAM_BASE_URL": cls.sv.base_url,
                "JOBTUNE_ADMIN_USER_IDS": cls.staff}
            cls.stack.start()
            for user, email, first in ((cls.user, cls.email, "Asha"),
                                       (cls.victim, cls.victim_email, "Ira")):
                cls.clerk.add_user(user, email=email, first_name=first, last_name="Sen")
                cls.webhook(user_event("user.created", user, email=email, first=first,
                                       last="Sen"))
            env = dict(os.environ, JT_USER_ID=cls.user, JT_STAFF_ID=cls.staff, JT_FAKE_AUDIO=audio,
                       JT_VICTIM_EMAIL=cls.victim_email)
            cls.output, cls.returncode = run_script(cls.SCRIPT, origin, SHOTS, RUN_TIMEOUT,
                                                    env=env)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.stack is not None:
                cls.stack.stop()
        finally:
            cls.stack = None
            for fake in ("clerk", "ai", "sv"):
                if getattr(cls, fake, None) is not None:
                    getattr(cls, fake).stop()
                    setattr(cls, fake, None)
            if cls.tmp is not None:
                shutil.rmtree(cls.tmp, ignore_errors=True)
                cls.tmp = None

    @classmethod
    def webhook(cls, event):
        body = json.dumps(event).encode()
        msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
        r = cls.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg_id, ts, body)})
        if r.status != 200:
            raise RuntimeError(f"webhook answered {r.status}: {r.text}")

    # ---- helpers -----------------------------------------------------------
    def info(self, name, key):
        return json.loads(self.info_line(f"{name} {key}"))

    # ---- the rehearsal ---------------------------------------------------------
    def test_spoken_answers_reach_sarvam_as_the_recorded_wav(self):
        self.case_ok("rehearse_with_microphone")
        uploads = self.info("rehearse_with_microphone", "uploads")
        self.assertEqual(len(uploads), 3)
        stt = [r for r in self.sv.requests if "wav" in r]
        self.assertEqual(len(stt), 3, "not one transcription per answer")
        for up, got in zip(uploads, stt):
            self.assertEqual((up["format"], up["rate"], up["channels"], up["bits"]),
                             (1, 16000, 1, 16))
            self.assertEqual(got["wav"][:4], b"RIFF")
            self.assertEqual(got["wav"][8:12], b"WAVE")
            self.assertEqual((got["rate"], got["channels"], got["width"]), (16000, 1, 2))
            # 16 kHz mono passes through sample for sample
            self.assertEqual(got["frames"], up["frames"])
        self.assertEqual(self.sv.violations, [])
        self.assertEqual(self.ai.violations, [])

    def test_transcripts_are_stored_as_the_answers(self):
        self.case_ok("rehearse_with_microphone")
        iid = self.info("rehearse_with_microphone", "interview")
        uploads = self.info("rehearse_with_microphone", "uploads")
        # the account was erased at the end of the journey: the transcripts
        # are checked in the export the browser downloaded before that
        path = self.info("consent_and_export", "json")
        with open(path) as f:
            doc = json.load(f)
        found = [i for i in doc["interviews"] if i.get("id", i.get("_id")) == iid]
        self.assertEqual(len(found), 1, f"interview {iid} is not in the export")
        answers = [q["answer"] for q in found[0]["questions"]]
        self.assertEqual([a["source"] for a in answers], ["audio"] * 3)
        self.assertEqual([a["text"] for a in answers],
                         [f"{u['frames'] * 1000 // 16000}ms:{u['first']}" for u in uploads])
        self.assertIsNotNone(found[0]["report"])

    def test_report_shows_scores_and_chart(self):
        self.case_ok("rehearse_with_microphone")
        report = self.info("rehearse_with_microphone", "report")
        self.assertTrue(0 <= report["overall"] <= 100)
        self.assertEqual(len(report["rows"]), 5)

    def test_typed_answer_and_delete_from_the_list(self):
        second = self.case_ok("typed_answer_and_delete")
        self.assertRegex(second, r"^[0-9a-f]{24}$")
        self.assertIsNone(self.stack.db()["interviews"].find_one({"_id": second}))

    # ---- the privacy centre ------------------------------------------------------
    def test_consent_granted_and_exports_are_valid(self):
        self.case_ok("consent_and_export")
        with open(self.info("consent_and_export", "json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "jobtune-export/1")
        self.assertEqual(doc["userId"], self.user)
        consent = doc["account"]["consent"]
        self.assertEqual(consent["analytics"], "granted")
        self.assertEqual(consent["history"][-1]["value"], "granted")
        with zipfile.ZipFile(self.info("consent_and_export", "zip")) as z:
            self.assertIsNone(z.testzip())
            names = z.namelist()
        self.assertTrue(any(n.endswith(".json") for n in names), names)

    def test_global_privacy_control_is_shown(self):
        # a Californian visitor whose browser sends Sec-GPC: 1
        self.case_ok("privacy_shows_gpc")

    def test_account_deleted_with_a_receipt_and_signed_out(self):
        receipt_id = self.case_ok("delete_account")
        receipt = self.info("delete_account", "receipt")
        self.assertEqual(receipt["receiptId"], receipt_id)
        db = self.stack.db()
        self.assertIsNone(db["users"].find_one({"_id": self.user}))
        self.assertEqual(db["interviews"].count_documents({"userId": self.user}), 0)
        self.assertNotIn(self.user, self.clerk.users)

    # ---- the staff console ---------------------------------------------------------
    def test_staff_completes_a_deletion_request(self):
        ticket = self.case_ok("staff_works_deletion_request")
        doc = self.stack.db()["tickets"].find_one({"_id": ticket})
        self.assertIsNotNone(doc)
        self.assertEqual(doc["privacyRequest"]["status"], "completed")
        steps = doc["privacyRequest"]["history"]
        self.assertEqual([h["action"] for h in steps][-4:],
                         ["verified", "executing", "pseudonymised", "completed"])
        self.assertTrue(all(h.get("staffId") == self.staff for h in steps[-4:]))
        self.assertEqual(doc["privacyRequest"]["verification"]["method"], "Reply from the address")
        # execute closed the ticket; the console then set it back to pending
        self.assertEqual([(h["from"], h["to"]) for h in doc["history"]][-2:],
                         [("open", "closed"), ("closed", "pending")])
        self.assertEqual(doc["status"], "pending")
        self.assertIsNone(self.stack.db()["users"].find_one({"_id": self.victim}))
        self.assertNotIn(self.victim, self.clerk.users)

    # ---- every page ------------------------------------------------------------------
    def test_axe_checked_every_page(self):
        # rehearsal.mjs says "info browser axe page=NAME" after each clean axe run
        seen = [json.loads(m) for m in re.findall(r"^info browser axe page=(.*)$", self.output,
                                                  re.M)]
        self.assertEqual(seen, AXE_PAGES, f"rehearsal.mjs said:\n{self.output}")

    def test_screenshots_at_375_and_1280(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))

    def test_script_summary(self):
        self.assert_summary(CASES)


if __name__ == "__main__":
    unittest.main()
