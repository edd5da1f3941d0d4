"""The website as one new user's journey, in a real headless Chromium
against one real stack (fake Clerk, OpenAI and Sarvam; a GeoIP database;
the development signing key).

The same person, one user id (JT_USER_ID) in both scripts, in this order:

1. tests/browser/journey.mjs: signs in through the development route,
   builds a resume (an inline 422 fixed, sections reordered by keyboard, a
   412 conflict, JSON import and export), tailors it against the fake
   OpenAI, downloads the PDFs, deletes the imported copy and signs out;
2. tests/browser/rehearsal.mjs: signs in again, rehearses a three-question
   interview with the microphone (Chromium's fake capture device plays a
   tone this module writes), reads the report, deletes a second interview,
   grants analytics consent, sees a Global Privacy Control signal
   acknowledged, downloads both exports and deletes the account; then a
   second person, a staff user, works a deletion request in the console.

setUpModule starts the stack and runs both scripts once; each script case
becomes a test of JourneyTest or RehearsalTest, checked against the
database and what the fake services received.  What the first phase made
is read through the API as the user between the phases (the account is
erased at the end); OneUserTest checks that the export the browser
downloaded before the deletion holds the resume and tailoring of the first
phase and the interview of the second.  Every view is checked with
axe-core and screenshotted at 375 and 1280 px into tests/artifacts/journey.
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
from test_auth import DEV_ISSUER, AuthStack
from test_browser import build_mmdb
from test_resumes import WEBHOOK_SECRET
from test_webhooks import sign, user_event

SHOTS = os.path.join(ARTIFACTS, "journey")
JOURNEY_VIEWS = ("signin", "resumes-empty", "editor-new", "editor-errors", "editor-filled",
                 "editor-conflict", "resumes-import-error", "tailor-empty", "tailor-result",
                 "resumes-confirm-delete", "resumes-list", "editor-not-found")
REHEARSAL_VIEWS = ("interviews-empty", "interviews-list", "interviews-confirm-delete",
                   "interview-question", "interview-recording", "interview-report", "privacy",
                   "privacy-delete-refused", "privacy-receipt", "admin", "admin-verified")
JOURNEY_CASES = 12  # cases in journey.mjs
REHEARSAL_CASES = 7  # cases in rehearsal.mjs
REHEARSAL_AXE_PAGES = ["interviews", "interview-rehearsal", "interview-report", "privacy",
                       "privacy-receipt", "admin"]
JOURNEY_TIMEOUT = 600
REHEARSAL_TIMEOUT = 300
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


class Run:
    """The one run of the module: the stack, the fakes, both scripts' output
    and what the first phase left, read between the phases."""
    stack = clerk = ai = sv = tmp = None
    key = base = None
    user = staff = victim = email = victim_email = None
    journey = rehearsal = None  # (output, returncode)
    after_journey = {}


def setUpModule():
    require_node(("playwright-core", "axe-core"))
    shutil.rmtree(SHOTS, ignore_errors=True)
    os.makedirs(SHOTS, exist_ok=True)
    R = Run
    R.tmp = tempfile.mkdtemp(prefix="jobtune-journey-")
    R.key = tokens.Key(kid="ins_test_journey")
    R.user, R.staff, R.victim = (tokens.new_user_id() for _ in range(3))
    R.email = f"asha.{uuid.uuid4().hex[:8]}@example.in"
    R.victim_email = f"ira.{uuid.uuid4().hex[:8]}@example.in"
    try:
        R.clerk = FakeClerk(keys=[R.key]).start()
        R.ai = FakeOpenAI().start()
        R.sv = FakeSarvam().start()
        geoip_db = os.path.join(R.tmp, "city.mmdb")
        build_mmdb("city.json", geoip_db)
        audio = os.path.join(R.tmp, "microphone.wav")
        with open(audio, "wb") as f:
            f.write(tone(4.0))
        signing_key = os.path.join(R.tmp, "dev-signing-key.pem")
        with open(signing_key, "w") as f:
            f.write(R.key.private_pem())
        R.stack = AuthStack(workers=2)
        R.base = f"http://127.0.0.1:{R.stack.http_port}"
        R.stack.extra_env = {
            "GEOIP_DB": geoip_db,
            # the development sign-in (/app/signin) mints the sessions
            "CLERK_JWT_KEY": R.key.public_pem(), "CLERK_ISSUER": DEV_ISSUER,
            "JOBTUNE_DEV_SIGNING_KEY": signing_key,
            "CLERK_AUTHORIZED_PARTIES": R.base, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "CLERK_SECRET_KEY": R.clerk.secret_key, "CLERK_API_URL": R.clerk.api_url,
            "OPENAI_API_KEY": R.ai.api_key, "OPENAI_BASE_URL": R.ai.base_url,
            "OPENAI_MODEL": R.ai.model,
            "SARVAM_API_KEY": R.sv.api_key, "SARVAM_BASE_URL": R.sv.base_url,
            "JOBTUNE_ADMIN_USER_IDS": R.staff}
        R.stack.start()
        # the person whose account a staff user erases on request
        R.clerk.add_user(R.victim, email=R.victim_email, first_name="Ira", last_name="Sen")
        webhook(user_event("user.created", R.victim, email=R.victim_email, first="Ira",
                           last="Sen"))
        # the journey's user is known to Clerk; the account itself is made
        # by the first sign-in
        R.clerk.add_user(R.user, email=R.email, first_name="Asha", last_name="Sen")
        R.after_journey["account_before"] = R.stack.db()["users"].find_one({"_id": R.user})

        env = dict(os.environ, JT_USER_ID=R.user)
        R.journey = run_script("journey.mjs", R.base, SHOTS, JOURNEY_TIMEOUT, env=env,
                               log="journey-output.txt")
        read_after_journey()
        # Clerk's user.created reaches the webhook after the first sign-in
        webhook(user_event("user.created", R.user, email=R.email, first="Asha", last="Sen"))

        env = dict(os.environ, JT_USER_ID=R.user, JT_STAFF_ID=R.staff, JT_FAKE_AUDIO=audio,
                   JT_VICTIM_EMAIL=R.victim_email)
        R.rehearsal = run_script("rehearsal.mjs", R.base, SHOTS, REHEARSAL_TIMEOUT, env=env,
                                 log="rehearsal-output.txt")
    except BaseException:
        tearDownModule()
        raise


def tearDownModule():
    R = Run
    try:
        if R.stack is not None:
            R.stack.stop()
    finally:
        R.stack = None
        for fake in ("clerk", "ai", "sv"):
            if getattr(R, fake) is not None:
                getattr(R, fake).stop()
                setattr(R, fake, None)
        if R.tmp is not None:
            shutil.rmtree(R.tmp, ignore_errors=True)
            R.tmp = None


def webhook(event):
    body = json.dumps(event).encode()
    msg_id, ts = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
    r = Run.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
        "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts,
        "svix-signature": sign(WEBHOOK_SECRET, msg_id, ts, body)})
    if r.status != 200:
        raise RuntimeError(f"webhook answered {r.status}: {r.text}")


def as_user(path):
    """GET path as the journey's user, with a token of its own."""
    token = tokens.rs256(Run.key, tokens.claims(Run.user, iss=DEV_ISSUER, azp=Run.base))
    return Run.stack.get(path, headers={"Authorization": f"Bearer {token}"})


def journey_info(key):
    m = re.search(rf"^info browser {re.escape(key)}=(.*)$", Run.journey[0], re.M)
    return json.loads(m.group(1)) if m else None


def read_after_journey():
    """What the first phase left, read through the API as the user (and in
    the database) before the second phase erases the account."""
    seen = Run.after_journey
    seen["account"] = Run.stack.db()["users"].find_one({"_id": Run.user})
    resume = journey_info("resume")
    if resume:
        seen["resume"] = as_user(f"/api/resumes/{resume}")
        seen["tailorings"] = as_user(f"/api/resumes/{resume}/tailorings")
    seen["list"] = as_user("/api/resumes")
    m = re.search(r"^ok   browser delete_a_resume (\S+)$", Run.journey[0], re.M)
    if m:
        seen["deleted"] = as_user(f"/api/resumes/{m.group(1)}")


class JourneyTest(ScriptOutput, unittest.TestCase):
    """journey.mjs: sign-in, resumes, editor, tailoring, PDFs, sign-out."""
    SCRIPT = "journey.mjs"

    @classmethod
    def setUpClass(cls):
        cls.output, cls.returncode = Run.journey
        cls.seen = Run.after_journey

    def info(self, key):
        return self.info_line(key).strip('"')

    def test_signed_out_goes_to_sign_in(self):
        self.assertEqual(self.case_ok("signed_out_goes_to_sign_in"), "/app/")

    def test_sign_in_as_a_new_user(self):
        user = self.case_ok("sign_in_as_a_new_user")
        self.assertEqual(user, Run.user, "journey.mjs did not sign in as JT_USER_ID")
        self.assertEqual(self.info("user"), Run.user)
        self.assertIsNone(self.seen["account_before"], "the account existed before sign-in")
        self.assertIsNotNone(self.seen["account"], "the minted session did not create the account")

    def test_create_resume(self):
        self.case_ok("create_resume")
        r = self.seen["resume"]
        self.assertEqual(r.status, 200, "the resume the browser created is not the user's")

    def test_fix_validation_error_inline(self):
        self.case_ok("fix_validation_error_inline")

    def test_edit_sections_with_keyboard(self):
        self.case_ok("edit_sections_with_keyboard")
        r = self.seen["resume"]
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual([s["name"] for s in r.json()["resume"]["skills"]],
                         ["Python", "Docker", "PostgreSQL"])

    def test_conflict_offers_reload(self):
        self.case_ok("conflict_offers_reload")

    def test_export_and_import_json(self):
        imported = self.case_ok("export_and_import_json")
        self.assertRegex(imported, r"^[0-9a-f]{24}$")

    def test_download_pdf(self):
        self.case_ok("download_pdf")

    def test_tailor_the_resume(self):
        self.case_ok("tailor_the_resume")
        r = self.seen["tailorings"]
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(len(r.json()["items"]), 1)
        self.assertEqual(Run.ai.violations, [])

    def test_delete_a_resume(self):
        self.case_ok("delete_a_resume")
        self.assertEqual(self.seen["deleted"].status, 404)
        listed = [i["id"] for i in self.seen["list"].json()["items"]]
        self.assertNotIn(self.case_ok("delete_a_resume"), listed)
        self.assertIn(self.info("resume"), listed)

    def test_unknown_resume_shows_not_found(self):
        self.case_ok("unknown_resume_shows_not_found")

    def test_sign_out(self):
        self.case_ok("sign_out")

    def test_script_summary(self):
        self.assert_summary(JOURNEY_CASES)

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in JOURNEY_VIEWS for width in (375, 1280))


class RehearsalTest(ScriptOutput, unittest.TestCase):
    """rehearsal.mjs: the interview, the privacy centre, the account's
    deletion, then the staff console."""
    SCRIPT = "rehearsal.mjs"

    @classmethod
    def setUpClass(cls):
        cls.output, cls.returncode = Run.rehearsal

    def info(self, name, key):
        return json.loads(self.info_line(f"{name} {key}"))

    # ---- the rehearsal ---------------------------------------------------------
    def test_interviews_empty(self):
        self.case_ok("interviews_empty")

    def test_spoken_answers_reach_sarvam_as_the_recorded_wav(self):
        self.case_ok("rehearse_with_microphone")
        uploads = self.info("rehearse_with_microphone", "uploads")
        self.assertEqual(len(uploads), 3)
        stt = [r for r in Run.sv.requests if "wav" in r]
        self.assertEqual(len(stt), 3, "not one transcription per answer")
        for up, got in zip(uploads, stt):
            self.assertEqual((up["format"], up["rate"], up["channels"], up["bits"]),
                             (1, 16000, 1, 16))
            self.assertEqual(got["wav"][:4], b"RIFF")
            self.assertEqual(got["wav"][8:12], b"WAVE")
            self.assertEqual((got["rate"], got["channels"], got["width"]), (16000, 1, 2))
            # 16 kHz mono passes through sample for sample
            self.assertEqual(got["frames"], up["frames"])
        self.assertEqual(Run.sv.violations, [])
        self.assertEqual(Run.ai.violations, [])

    def test_transcripts_are_stored_as_the_answers(self):
        self.case_ok("rehearse_with_microphone")
        iid = self.info("rehearse_with_microphone", "interview")
        uploads = self.info("rehearse_with_microphone", "uploads")
        # the account was erased at the end of the journey: the transcripts
        # are checked in the export the browser downloaded before that
        with open(self.info("consent_and_export", "json")) as f:
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
        self.assertIsNone(Run.stack.db()["interviews"].find_one({"_id": second}))

    # ---- the privacy centre ------------------------------------------------------
    def test_consent_granted_and_exports_are_valid(self):
        self.case_ok("consent_and_export")
        with open(self.info("consent_and_export", "json")) as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "jobtune-export/1")
        self.assertEqual(doc["userId"], Run.user)
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
        db = Run.stack.db()
        self.assertIsNone(db["users"].find_one({"_id": Run.user}))
        self.assertEqual(db["interviews"].count_documents({"userId": Run.user}), 0)
        self.assertEqual(db["resumes"].count_documents({"userId": Run.user}), 0)
        self.assertNotIn(Run.user, Run.clerk.users)

    # ---- the staff console ---------------------------------------------------------
    def test_staff_completes_a_deletion_request(self):
        ticket = self.case_ok("staff_works_deletion_request")
        doc = Run.stack.db()["tickets"].find_one({"_id": ticket})
        self.assertIsNotNone(doc)
        self.assertEqual(doc["privacyRequest"]["status"], "completed")
        steps = doc["privacyRequest"]["history"]
        self.assertEqual([h["action"] for h in steps][-4:],
                         ["verified", "executing", "pseudonymised", "completed"])
        self.assertTrue(all(h.get("staffId") == Run.staff for h in steps[-4:]))
        self.assertEqual(doc["privacyRequest"]["verification"]["method"], "Reply from the address")
        # execute closed the ticket; the console then set it back to pending
        self.assertEqual([(h["from"], h["to"]) for h in doc["history"]][-2:],
                         [("open", "closed"), ("closed", "pending")])
        self.assertEqual(doc["status"], "pending")
        self.assertIsNone(Run.stack.db()["users"].find_one({"_id": Run.victim}))
        self.assertNotIn(Run.victim, Run.clerk.users)

    # ---- every page ------------------------------------------------------------------
    def test_axe_checked_every_page(self):
        # rehearsal.mjs says "info browser axe page=NAME" after each clean axe run
        seen = [json.loads(m) for m in re.findall(r"^info browser axe page=(.*)$", self.output,
                                                  re.M)]
        self.assertEqual(seen, REHEARSAL_AXE_PAGES, f"rehearsal.mjs said:\n{self.output}")

    def test_screenshots_at_375_and_1280(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in REHEARSAL_VIEWS for width in (375, 1280))

    def test_script_summary(self):
        self.assert_summary(REHEARSAL_CASES)


class OneUserTest(unittest.TestCase):
    """The two phases were one person: the export rehearsal.mjs downloaded
    before the deletion holds what journey.mjs made and the interview."""

    def test_export_holds_the_resume_the_tailoring_and_the_interview(self):
        resume = journey_info("resume")
        self.assertIsNotNone(resume, f"journey.mjs made no resume:\n{Run.journey[0]}")
        m = re.search(r"^info browser consent_and_export json=(.*)$", Run.rehearsal[0], re.M)
        self.assertIsNotNone(m, f"rehearsal.mjs downloaded no export:\n{Run.rehearsal[0]}")
        with open(json.loads(m.group(1))) as f:
            doc = json.load(f)
        self.assertEqual(doc["userId"], Run.user)
        resumes = {r["id"]: r for r in doc["resumes"]}
        self.assertIn(resume, resumes, "the first phase's resume is not in the export")
        self.assertEqual(resumes[resume]["resume"]["basics"]["name"], "Ana Journey")
        self.assertEqual(resumes[resume]["resume"]["basics"]["email"], "ana.journey@example.com")
        tailored = [t for t in doc["tailorings"] if t.get("resumeId") == resume]
        self.assertEqual(len(tailored), 1, "the first phase's tailoring is not in the export")
        m = re.search(r"^info browser rehearse_with_microphone interview=(.*)$",
                      Run.rehearsal[0], re.M)
        self.assertIsNotNone(m, f"rehearsal.mjs made no interview:\n{Run.rehearsal[0]}")
        interview = json.loads(m.group(1))
        self.assertIn(interview, [i.get("id", i.get("_id")) for i in doc["interviews"]],
                      "the second phase's interview is not in the export")


if __name__ == "__main__":
    unittest.main()
