"""Answering again, through nginx: POST /api/interviews/{id}/answers
?question=n&replace=true makes the newest answer anew (spoken or typed,
JSON or streamed), GPT-4o writes question n+1 again with the new answer in
view, and both are stored in the one versioned commit an answer uses: a
failure anywhere leaves the earlier answer and question as they were, and
of two requests racing on one version only one is stored.

The recordings come from test_interview_delivery.py (a tone whose first
sample tells fake_sarvam.py which scripted transcript to answer) and
test_interviews.py (the marked tone of the no-audio-on-disk check).
"""
import json
import threading
import unittest

import tokens
from test_interview_delivery import IV, DeliveryBase, recording
from test_interviews import MARKER, tone_wav

AGAIN = "?question={}&replace=true"


class ReplaceTest(DeliveryBase):
    # two answers of one user in flight at once (the race), within the
    # fair share's per-user and reserve limits
    stack_options = {"slow_workers": 4}

    def setUp(self):
        super().setUp()
        self.sv.stt_script = {
            1: ("I led the team through the outage", []),
            2: ("I rewrote the billing service in Go", []),
            3: ("I mentored two juniors", []),
        }

    def again(self, iid, n, data, content_type="audio/wav", user=None):
        if isinstance(data, dict):
            data, content_type = json.dumps(data).encode(), "application/json"
        return self.call("POST", f"{IV}/{iid}/answers{AGAIN.format(n)}", data,
                         {"Content-Type": content_type}, user=user)

    def typed(self, iid, text):
        r = self.call("POST", f"{IV}/{iid}/answers", {"text": text})
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def spoken(self, iid, mark, seconds=2):
        r = self.answer(iid, recording([(seconds, 8000)], {0: mark}))
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def assert_conflict(self, r, words):
        self.assertEqual(r.status, 409, r.text)
        err = r.json()["error"]
        self.assertEqual(err["code"], "conflict")
        self.assertIn(words, err["message"])

    def last_question_request(self):
        """The interview data of the last question GPT-4o was asked for."""
        asked = [b for b in self.ai.requests if self.ai.schema_name(b) == "interview_question"]
        return self.ai.user_input(asked[-1])

    # ---- spoken and typed ---------------------------------------------------------
    def test_a_spoken_answer_replaced_and_the_next_question_rewritten(self):
        iv = self.start()
        before = self.spoken(iv["id"], 1)
        self.assertIn("I led the team", before["questions"][1]["text"])
        r = self.again(iv["id"], 1, recording([(3, 8000), (1, 0)], {0: 2}))
        self.assertEqual(r.status, 201, r.text)
        got = r.json()
        self.assertEqual(got["version"], before["version"] + 1)
        self.assertEqual(got["currentQuestion"], 2)
        self.assertEqual(len(got["questions"]), 2)
        a = got["questions"][0]["answer"]
        self.assertEqual((a["text"], a["source"]), ("I rewrote the billing service in Go", "audio"))
        self.assertEqual(a["delivery"]["durationSeconds"], 4.0)
        # question 2 asked again, following up on the new answer, with the
        # old question 2 out of GPT-4o's view
        self.assertIn("I rewrote the billing service", got["questions"][1]["text"])
        self.assertIsNone(got["questions"][1]["answer"])
        self.assertEqual([t["question"] for t in self.last_question_request()["transcript"]],
                         [iv["questions"][0]["text"]])
        stored = self.stored(iv["id"])["body"]
        self.assertEqual(stored["questions"][0]["answer"]["text"],
                         "I rewrote the billing service in Go")
        self.assertEqual(stored["questions"][0]["answer"]["delivery"], a["delivery"])
        self.assertEqual(stored["questions"][1]["text"], got["questions"][1]["text"])
        self.assertEqual(len(stored["questions"]), 2)
        # the interview goes on from the new question 2
        r = self.call("POST", f"{IV}/{iv['id']}/answers?question=2", {"text": "Typed."})
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["currentQuestion"], 3)

    def test_a_typed_answer_replaced_and_a_spoken_one_by_a_typed_one(self):
        iv = self.start()
        self.typed(iv["id"], "First try.")
        self.ai.question_texts = {2: "What did the second try teach you?"}
        r = self.again(iv["id"], 1, {"text": "Second try."})
        self.assertEqual(r.status, 201, r.text)
        q = r.json()["questions"]
        self.assertEqual((q[0]["answer"]["text"], q[0]["answer"]["source"]),
                         ("Second try.", "text"))
        self.assertEqual(q[1]["text"], "What did the second try teach you?")
        # spoken, then typed again: the delivery of the recording goes with it
        self.ai.question_texts = {}
        self.again(iv["id"], 1, recording([(2, 8000)], {0: 3}))
        self.assertIn("delivery", self.stored(iv["id"])["body"]["questions"][0]["answer"])
        r = self.again(iv["id"], 1, {"text": "Third try."})
        self.assertEqual(r.status, 201, r.text)
        self.assertIsNone(r.json()["questions"][0]["answer"]["delivery"])
        stored = self.stored(iv["id"])["body"]["questions"][0]["answer"]
        self.assertNotIn("delivery", stored)
        self.assertEqual(stored["text"], "Third try.")

    def test_the_last_question_answered_again_has_no_next_question(self):
        iv = self.start(count=3)
        for text in ("One.", "Two.", "Three."):
            self.typed(iv["id"], text)
        asked = self.ai.count
        r = self.again(iv["id"], 3, {"text": "Three, better."})
        self.assertEqual(r.status, 201, r.text)
        got = r.json()
        self.assertEqual(len(got["questions"]), 3)
        self.assertEqual(got["questions"][2]["answer"]["text"], "Three, better.")
        self.assertIsNone(got["currentQuestion"])
        self.assertEqual(self.ai.count, asked, "a question was asked after the last")
        self.assertEqual(self.call("POST", f"{IV}/{iv['id']}/finish").status, 200)

    # ---- what may not be answered again ----------------------------------------------
    def test_conflicts_and_bad_parameters(self):
        iv = self.start(count=3)
        self.assert_conflict(self.again(iv["id"], 1, {"text": "x"}), "No question has an answer")
        self.typed(iv["id"], "One.")
        self.assert_conflict(self.again(iv["id"], 2, {"text": "x"}),
                             "no answer to give again; only question 1's")
        self.typed(iv["id"], "Two.")
        # question 2 answered: 1 is no longer the newest
        self.assert_conflict(self.again(iv["id"], 1, {"text": "x"}),
                             "Question 2 already has an answer")
        for query, field in (("?replace=true", "question"),
                             ("?question=2&replace=yes", "replace")):
            with self.subTest(query=query):
                r = self.call("POST", f"{IV}/{iv['id']}/answers{query}", {"text": "x"})
                self.assertEqual(r.status, 422, r.text)
                self.assertIn(field, r.json()["error"]["fields"])
        before = self.stored(iv["id"])
        self.assertEqual(self.call("POST", f"{IV}/{iv['id']}/finish").status, 200)
        finished = self.stored(iv["id"])
        self.assert_conflict(self.again(iv["id"], 2, {"text": "x"}), "finished")
        self.assertEqual(self.stored(iv["id"]), finished)
        self.assertEqual(before["body"]["questions"][1]["answer"]["text"], "Two.")

    def test_another_users_interview_is_404(self):
        iv = self.start()
        self.typed(iv["id"], "Mine.")
        r = self.again(iv["id"], 1, {"text": "Yours now."}, user=tokens.new_user_id())
        self.assertEqual(r.status, 404, r.text)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        self.assertEqual(self.stored(iv["id"])["body"]["questions"][0]["answer"]["text"],
                         "Mine.")

    # ---- a failure keeps the earlier answer ------------------------------------------
    def test_a_failing_retry_leaves_the_earlier_answer_and_question(self):
        iv = self.start()
        self.spoken(iv["id"], 1)
        before = self.stored(iv["id"])
        self.sv.reset("500")           # speech to text fails
        r = self.again(iv["id"], 1, recording([(2, 8000)], {0: 2}))
        self.assertEqual(r.status, 502, r.text)
        self.assertEqual(self.stored(iv["id"]), before)
        self.sv.reset()
        self.sv.stt_script = {2: ("I rewrote the billing service in Go", [])}
        self.ai.reset("500")           # GPT-4o fails after the new transcript
        r = self.again(iv["id"], 1, recording([(2, 8000)], {0: 2}))
        self.assertEqual(r.status, 502, r.text)
        self.assertEqual(r.json()["error"]["code"], "ai_upstream_error")
        self.assertEqual(self.stored(iv["id"]), before)
        r = self.again(iv["id"], 1, {"text": "Typed instead."})
        self.assertEqual(r.status, 502, r.text)
        self.assertEqual(self.stored(iv["id"]), before)
        # streamed: the transcript line, then the error line, and nothing stored
        status, _, lines = self.stream(iv["id"], {"text": "Streamed instead."},
                                       query=AGAIN.format(1))
        self.assertEqual(status, 200, lines)
        self.assertEqual([e["event"] for _, e in lines], ["transcript", "error"])
        self.assertEqual(self.stored(iv["id"]), before)
        self.ai.reset()
        self.assertEqual(self.again(iv["id"], 1, {"text": "Now it works."}).status, 201)

    # ---- streamed ------------------------------------------------------------------
    def test_streamed_replacement(self):
        iv = self.start()
        self.spoken(iv["id"], 1)
        self.ai.question_texts = {2: "Why Go? What would you pick today?"}
        status, ctype, lines = self.stream(iv["id"], recording([(3, 8000)], {0: 2}),
                                           query=AGAIN.format(1))
        self.assertEqual(status, 200, lines)
        self.assertEqual(ctype, "application/x-ndjson")
        events = [e for _, e in lines]
        self.assertEqual([e["event"] for e in events],
                         ["transcript", "question", "audio", "audio", "done"])
        self.assertEqual((events[0]["n"], events[0]["text"]),
                         (1, "I rewrote the billing service in Go"))
        self.assertEqual(events[0]["delivery"]["durationSeconds"], 3.0)
        self.assertEqual((events[1]["n"], events[1]["text"]),
                         (2, "Why Go? What would you pick today?"))
        done = events[-1]["interview"]
        self.assertEqual(done["questions"][0]["answer"]["text"],
                         "I rewrote the billing service in Go")
        self.assertEqual(done["questions"][1]["text"], "Why Go? What would you pick today?")
        self.assertEqual(self.stored(iv["id"])["body"]["questions"][1]["text"],
                         "Why Go? What would you pick today?")

    # ---- racing ------------------------------------------------------------------------
    def race(self, iid, *sends):
        """Send each (query, recording) at once; Sarvam answers none of
        them before all have arrived, so each has read the interview before
        any commits.  The statuses, in the order given."""
        self.sv.hold_until = len(sends)
        statuses = [None] * len(sends)

        def send(i, query, data):
            statuses[i] = self.call("POST", f"{IV}/{iid}/answers{query}", data,
                                    {"Content-Type": "audio/wav"}).status

        threads = [threading.Thread(target=send, args=(i, q, d))
                   for i, (q, d) in enumerate(sends)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        return statuses

    def test_racing_replacements_and_an_answer_one_wins(self):
        iv = self.start()
        self.spoken(iv["id"], 1)
        statuses = self.race(iv["id"], (AGAIN.format(1), recording([(2, 8000)], {0: 2})),
                             (AGAIN.format(1), recording([(2, 8000)], {0: 3})))
        self.assertEqual(sorted(statuses), [201, 409])
        stored = self.stored(iv["id"])["body"]
        self.assertEqual(len(stored["questions"]), 2)
        self.assertIn(stored["questions"][0]["answer"]["text"],
                      ("I rewrote the billing service in Go", "I mentored two juniors"))
        # a replacement of 1 racing the answer to 2: one of them, never both
        self.sv.reset()
        self.sv.stt_script = {2: ("Again.", []), 3: ("Answer two.", [])}
        statuses = self.race(iv["id"], (AGAIN.format(1), recording([(2, 8000)], {0: 2})),
                             ("?question=2", recording([(2, 8000)], {0: 3})))
        self.assertEqual(sorted(statuses), [201, 409])
        stored = self.stored(iv["id"])["body"]
        if statuses[0] == 201:
            self.assertEqual(stored["questions"][0]["answer"]["text"], "Again.")
            self.assertEqual(len(stored["questions"]), 2)
            self.assertNotIn("answer", stored["questions"][1])
        else:
            self.assertEqual(stored["questions"][1]["answer"]["text"], "Answer two.")
            self.assertEqual(len(stored["questions"]), 3)

    # ---- audio never touches disk -----------------------------------------------------
    def test_replacement_audio_never_reaches_disk_database_or_logs(self):
        iv = self.start()
        self.spoken(iv["id"], 1)
        wav = tone_wav(4, first_samples={0: 3}, marker=True)

        def again():
            r = self.again(iv["id"], 1, wav)
            self.assertEqual(r.status, 201, r.text)

        found = self.stack.writes_with(MARKER, again)
        self.assertTrue(any(p.startswith("socket:") for p, _ in found),
                        "the upload was not seen crossing a socket")
        self.assertEqual([p for p, _ in found if not p.startswith("socket:")], [])
        for path, data in self.stack.files():
            self.assertNotIn(MARKER, data, path)


class ReplaceQuotaTest(DeliveryBase):
    """Answering again spends one of the day's AI calls, as an answer does."""

    @classmethod
    def env_extra(cls):
        return {**super().env_extra(), "JOBTUNE_QUOTA_AI_CALLS": "3"}

    def test_an_answer_given_again_is_one_ai_call(self):
        iv = self.start()                       # 1: question 1
        r = self.call("POST", f"{IV}/{iv['id']}/answers", {"text": "One."})
        self.assertEqual(r.status, 201, r.text)  # 2: question 2
        r = self.call("POST", f"{IV}/{iv['id']}/answers?question=1&replace=true",
                      {"text": "One, again."})
        self.assertEqual(r.status, 201, r.text)  # 3: question 2 again
        before = self.stored(iv["id"])
        asked = self.ai.count
        r = self.call("POST", f"{IV}/{iv['id']}/answers?question=1&replace=true",
                      {"text": "One, a third time."})
        self.assertEqual(r.status, 429, r.text)
        self.assertIn("aiCallsPerDay", r.text)
        self.assertEqual(self.ai.count, asked)
        self.assertEqual(self.stored(iv["id"]), before)


if __name__ == "__main__":
    unittest.main()
