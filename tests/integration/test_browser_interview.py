"""A spoken interview that flows, in a real headless Chromium against the
real stack (fake OpenAI and Sarvam, the development sign-in), with
Chromium's fake microphone playing a tone this module writes.

tests/browser/interview.mjs drives the page once (setUpClass); each of its
cases becomes a test here, checked against the database and what the fake
services received:

- the question reads itself when it arrives, with Pause and Replay, and a
  setting that turns that off, remembered by the browser;
- an answer is recorded, listened back and recorded again, and nothing
  leaves the page before Send;
- after Send the steps of the wait are on the page, the transcript and its
  delivery numbers appear, and the next question plays by itself;
- having read the transcript, the candidate answers question 1 again: the
  panel goes back to it (with Cancel), the new transcript replaces the old
  on the page and in the database, and question 2, asked again with the
  new answer in view, plays;
- the answer stream's contract (NDJSON events, the sentences of a question
  out of order, an error mid-way) played to the page through a routed
  request: the sentences play in order, an error keeps nothing and keeps
  the recording;
- in a browser that allows no sound before a press, the question says so
  and plays on one press;
- on a server without a speech service the page offers reading and typing
  only, and asks for no question's voice;
- the report charts how the spoken answers were said, and the list shows
  each interview's score and the trend.

Screenshots at 375 and 1280 px land in tests/artifacts/browser-interview.
"""
import json
import os
import unittest

import tokens
from browser_run import DevSignInScriptTest
from fake_openai import FakeOpenAI
from stack import ARTIFACTS
from test_journey import tone

SHOTS = os.path.join(ARTIFACTS, "browser-interview")
VIEWS = ("interview-question", "interview-review", "interview-next-question",
         "interview-answer-again", "interview-answered-again",
         "interview-stream-error", "interview-delivery", "interview-without-speech",
         "interview-report", "interviews-list")
CASES = 9  # cases in interview.mjs
RUN_TIMEOUT = 300
SECOND_QUESTION = ("What went wrong? Walk me through the incident from the first alert to the "
                   "last change you shipped, and say what you would do differently next time "
                   "with the same team and the same deadline.")
TTS_LATENCY = (0.1, 0.02)  # 0.1 s a call and 20 ms a character: 0.4 s, then 3.2 s
STT_LATENCY = 20.0  # seconds per 30 s of audio: a 2 s answer takes 1.3 s to transcribe


class InterviewBrowserTest(DevSignInScriptTest):
    SCRIPT = "interview.mjs"
    SHOTS = SHOTS
    timeout = RUN_TIMEOUT
    fake_openai = fake_sarvam = True
    user = tokens.new_user_id()

    @classmethod
    def prepare(cls):
        cls.audio = os.path.join(cls.tmp, "microphone.wav")
        with open(cls.audio, "wb") as f:
            f.write(tone(4.0))
        # question 2 is a short sentence then a long one, and speech
        # takes time by the character: its first sentence is ready
        # seconds before the second
        cls.ai.question_texts = {2: SECOND_QUESTION}
        cls.ai.delay = 1.0  # a question takes a moment to write, as GPT-4o's do
        cls.sv.stt_latency = STT_LATENCY
        cls.sv.tts_latency = TTS_LATENCY

    @classmethod
    def script_env(cls):
        return {"JT_USER_ID": cls.user, "JT_FAKE_AUDIO": cls.audio}

    def info(self, name, key):
        return json.loads(self.info_line(f"{name} {key}"))

    def interview(self):
        iid = self.info("question_reads_itself", "interview")
        doc = self.stack.db()["interviews"].find_one({"_id": iid})
        self.assertIsNotNone(doc, f"interview {iid} is not stored")
        return doc

    def test_question_reads_itself(self):
        # playing at once, or held back by the browser's autoplay rule and
        # then played by one press of the visible button
        self.assertIn(self.case_ok("question_reads_itself"), ("playing", "ended"))
        tts = [r for r in self.sv.requests if r["path"] == "/text-to-speech"]
        self.assertGreaterEqual(len(tts), 1, "the question was never spoken")

    def test_autoplay_off_is_remembered(self):
        self.assertEqual(self.case_ok("autoplay_off_is_remembered"), "off")

    def test_nothing_leaves_the_page_before_send(self):
        self.case_ok("record_review_and_record_again")

    def test_answer_flows_to_the_next_question(self):
        self.case_ok("answer_flows_to_next_question")
        self.case_ok("report_and_list")
        stt = [r for r in self.sv.requests if r["path"] == "/speech-to-text"]
        # one transcription per answer sent: the takes recorded again before
        # Send, and the answers routed to the page, never reached Sarvam;
        # the first answer's transcript was replaced by the second's
        doc = self.interview()
        answers = [q["answer"] for q in doc["body"]["questions"]]
        self.assertEqual([a["source"] for a in answers], ["audio", "audio", "text"])
        self.assertEqual(len(stt), 3)
        self.assertEqual([a["text"] for a in answers[:2]], [r["transcript"] for r in stt[1:]])
        self.assertEqual(self.sv.violations, [])
        self.assertEqual(self.ai.violations, [])

    def test_answer_again(self):
        after = self.case_ok("answer_again")
        before, shown = self.info("answer_again", "transcripts")
        self.assertEqual(shown, after)
        self.assertNotEqual(before, after)
        stt = [r["transcript"] for r in self.sv.requests if r["path"] == "/speech-to-text"]
        self.assertEqual(stt[:2], [before, after])
        self.assertEqual(self.interview()["body"]["questions"][0]["answer"]["text"], after)
        # question 2 asked twice, the second time after the new answer
        asked = [FakeOpenAI.user_input(b) for b in self.ai.requests
                 if FakeOpenAI.schema_name(b) == "interview_question"]
        twos = [a["transcript"] for a in asked if a["questionNumber"] == 2]
        self.assertEqual(len(twos), 2)
        self.assertEqual([[t["answer"] for t in ts] for ts in twos], [[before], [after]])

    def test_stream_contract_played_in_order(self):
        self.assertEqual(self.case_ok("stream_contract_played_in_order"), "2")

    def test_held_back_until_a_press(self):
        # a browser that allows no sound before a press: the page says so
        self.assertIn("Press Play question", self.case_ok("held_back_until_a_press"))

    def test_without_speech_the_page_reads_and_types(self):
        self.case_ok("without_speech")

    def test_report_and_list(self):
        overall = self.case_ok("report_and_list")
        report = self.interview()["body"]["report"]
        self.assertEqual(overall, str(report["overallScore"]))
        self.assertEqual(report["delivery"]["answers"], 2)
        self.assertIn(f"score {overall} out of 100", self.info("report_and_list", "list_item"))

    def test_script_summary(self):
        self.assert_summary(CASES)

    def test_screenshots_at_both_widths(self):
        self.assert_pngs(os.path.join(SHOTS, f"{view}-{width}.png")
                         for view in VIEWS for width in (375, 1280))
        self.assert_pngs([os.path.join(SHOTS, "interview-waiting-375.png"),
                          os.path.join(SHOTS, "interview-held-back-1280.png")])


if __name__ == "__main__":
    unittest.main()
