"""A stand-in for OpenAI's Chat Completions API, for the tailoring and
interview tests (the answer follows the request's json_schema name), on a
free loopback port, served from a background thread.

    ai = FakeOpenAI(api_key="sk-test-...", model="gpt-4o").start()
    env = {"OPENAI_API_KEY": ai.api_key, "OPENAI_BASE_URL": ai.base_url}
    ai.mode = "success"           # what the next requests get (see MODES)
    ai.pii = ["Ana Müller", ...]  # values no message may contain
    ai.delay = 1.0                # every answer waits this long first (slow upstream)
    ai.question_texts = {2: "..."}  # interview question 2 is this text
    ...
    ai.count                      # POST /v1/chat/completions received
    ai.violations                 # broken rules, one sentence each: tests assert []
    ai.stop()

Every request is checked against what docs/external-apis.md section 1 says
a client must send (and what jobtuned promises on top): Authorization
`Bearer <key>`, Content-Type application/json, the configured model,
`store: false`, `response_format` of type json_schema with a valid name,
`strict: true` and a schema whose objects all have `additionalProperties:
false` with every property required, and no message containing any of
`pii`.  Whatever the mode, a broken rule is recorded in `violations`.

Answers follow the documented shapes: a `chat.completion` whose
`message.content` is the structured output *as a JSON string*, a refusal
(`content: null`, `refusal` set), `finish_reason: "length"` with truncated
content, and errors as {"error": {"message","type","param","code"}}.
"""
import json
import re
import secrets
import threading
import time

from fake_server import FakeServer, JsonHandler

MODES = (
    "success",             # 200, a valid tailoring built from the request's resume
    "refusal",             # 200, message.refusal set, content null
    "length",              # 200, finish_reason "length", content cut off
    "429-then-success",    # 429 with retry-after-ms: 200 once, then success
    "429",                 # 429 rate_limit_exceeded with retry-after-ms, every time
    "500",                 # 500 with an error body, every time
    "401",                 # 401 invalid_api_key
    "hang",                # no answer for `hang_seconds`
    "fabricate",           # 200, adds a year and a skill the resume does not have
    "bad-json",            # 200, content that is not JSON
    "bad-index",           # 200, a work index that does not exist
    "bad-score",           # 200, an interview report scored out of range
)

REFUSAL = "I'm sorry, I can't help with that request."
NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def error_body(message, type_, code, param=None):
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


class FakeOpenAI(FakeServer):
    handler_attr = "ai"
    thread_name = "fake-openai"

    def __init__(self, api_key=None, model="gpt-4o", hang_seconds=5.0):
        self.api_key = api_key or "sk-test-" + secrets.token_hex(16)
        self.model = model
        self.hang_seconds = hang_seconds
        self.mode = "success"
        self.delay = 0.0
        self.question_texts = {}
        self.pii = []
        self.lock = threading.Lock()
        self.count = 0
        self.requests = []      # parsed request bodies, in order
        self.violations = []
        self._failed_once = False

    @property
    def base_url(self):
        return self.url("/v1")

    def reset(self, mode="success"):
        with self.lock:
            self.mode = mode
            self.delay = 0.0
            self.question_texts = {}
            self.count = 0
            self.requests = []
            self.violations = []
            self._failed_once = False

    # ---- checks -----------------------------------------------------------------
    def violate(self, text):
        with self.lock:
            self.violations.append(text)

    def check(self, headers, body):
        if headers.get("authorization") != f"Bearer {self.api_key}":
            self.violate("Authorization is not Bearer <OPENAI_API_KEY>")
        if not (headers.get("content-type") or "").startswith("application/json"):
            self.violate("Content-Type is not application/json")
        if not isinstance(body, dict):
            self.violate("the body is not a JSON object")
            return
        if body.get("model") != self.model:
            self.violate(f"model is {body.get('model')!r}, not {self.model!r}")
        if body.get("store") is not False:
            self.violate("store is not false")
        rf = body.get("response_format") or {}
        js = rf.get("json_schema") or {}
        if rf.get("type") != "json_schema":
            self.violate("response_format.type is not json_schema")
        if not isinstance(js.get("name"), str) or not NAME_RE.match(js["name"]):
            self.violate("json_schema.name is missing or not [a-zA-Z0-9_-]{1,64}")
        if js.get("strict") is not True:
            self.violate("json_schema.strict is not true")
        self.check_schema(js.get("schema"), "schema")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            self.violate("messages is not a non-empty array")
            return
        for i, m in enumerate(messages):
            if m.get("role") not in ("system", "developer", "user", "assistant"):
                self.violate(f"messages[{i}].role is {m.get('role')!r}")
            content = m.get("content")
            text = json.dumps(content, ensure_ascii=False).lower()
            try:  # JSON text inside a message: its strings, unescaped, too
                text += json.dumps(json.loads(content), ensure_ascii=False).lower()
            except (TypeError, ValueError):
                pass
            for value in self.pii:
                if value.lower() in text:
                    self.violate(f"messages[{i}] contains personal data ({value[:3]}...)")

    def check_schema(self, node, path):
        if isinstance(node, dict):
            if node.get("type") == "object" or "properties" in node:
                if node.get("additionalProperties") is not False:
                    self.violate(f"{path}: additionalProperties is not false")
                props = set((node.get("properties") or {}).keys())
                if set(node.get("required") or []) != props:
                    self.violate(f"{path}: not every property is required")
            for k, v in node.items():
                self.check_schema(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self.check_schema(v, f"{path}[{i}]")

    # ---- answers --------------------------------------------------------------------
    @staticmethod
    def user_input(body):
        """The {jobDescription, resume} object jobtuned sends as the user message."""
        for m in body.get("messages") or []:
            if m.get("role") == "user":
                try:
                    return json.loads(m.get("content") or "")
                except ValueError:
                    return {}
        return {}

    def tailoring(self, body, fabricate=False, bad_index=False):
        data = self.user_input(body)
        resume = data.get("resume") or {}
        jd = (data.get("jobDescription") or "").lower()
        work = []
        for i, item in enumerate(resume.get("work") or []):
            highlights = list(reversed(item.get("highlights") or []))
            work.append({"index": i, "highlights": [f"Delivered: {h}" for h in highlights]})
        skills = [s.get("name") for s in resume.get("skills") or [] if s.get("name")]
        skills.reverse()
        summary = "Backend engineer focused on reliable, well-tested services."
        if fabricate:
            summary += " Promoted to principal engineer in 2031."
            skills.append("Kubernetes")
            if work:
                work[0]["highlights"].append("Led the 2031 migration to Kubernetes.")
        if bad_index:
            work.append({"index": len(resume.get("work") or []) + 5, "highlights": ["x"]})
        words = sorted({w for w in re.findall(r"[a-z+#.]+", jd) if len(w) > 3})
        text = json.dumps(resume).lower()
        return {
            "summary": summary,
            "work": work,
            "skills": skills,
            "keywords": {"found": [w for w in words if w in text][:10],
                         "missing": [w for w in words if w not in text][:10]},
            "atsScore": {"score": 72, "reasons": ["Most required skills are present."]},
        }

    @staticmethod
    def schema_name(body):
        return ((body.get("response_format") or {}).get("json_schema") or {}).get("name")

    def question(self, body):
        """The next interview question: it quotes the last answer, so a test
        can see that the follow-up had the transcript in view."""
        data = self.user_input(body)
        n = data.get("questionNumber")
        if n in self.question_texts:
            return {"question": self.question_texts[n]}
        said = [t.get("answer") for t in data.get("transcript") or [] if t.get("answer")]
        if said:
            words = " ".join(said[-1].split()[:6])
            text = f"Q{n} for {data.get('role')}: you said \"{words}\" - what was the result?"
        else:
            text = f"Q{n} for {data.get('role')}: tell me about a project you are proud of."
        return {"question": text}

    def report(self, body):
        data = self.user_input(body)
        questions = data.get("transcript") or []
        return {
            "overallScore": 68,
            "rubric": {"communication": 7, "relevance": 6, "structure": 5, "depth": 6,
                       "confidence": 8},
            "questions": [{"n": q.get("n"),
                           "wentWell": "Clear and concrete." if q.get("answer") else "",
                           "toImprove": "Quantify the result." if q.get("answer")
                           else "This question was not answered.",
                           "strongerAnswer": ["Situation", "Task", "Action", "Result"]}
                          for q in questions],
            "strengths": ["Clarity", "Ownership", "Pace"],
            "improvements": ["Use STAR", "Give numbers", "Close with the result"],
        }

    def resume_import(self, body, fabricate=False):
        """A resume's text as JSON Resume fields: the skills listed under a
        "Skills" heading, one per comma; with fabricate, one more skill the
        text never names (the server must list it as unverified)."""
        lines = [l.strip() for l in (self.user_input(body).get("text") or "").splitlines()]
        skills, inside = [], False
        for line in lines:
            low = line.lower().rstrip(":")
            if low in ("skills", "technical skills"):
                inside = True
            elif inside and (not line or low in ("languages", "education", "experience",
                                                 "certifications", "references")):
                inside = False
            elif inside:
                skills += [s.strip() for s in line.split(":")[-1].split(",") if s.strip()]
        if fabricate:
            skills.append("Mainframe Wizardry")
        return {"basics": {"label": "", "summary": ""}, "work": [], "education": [],
                "skills": [{"name": s, "keywords": []} for s in skills], "projects": [],
                "languages": [], "certificates": [], "unplaced": []}

    def output(self, body, fabricate=False, bad_index=False):
        name = self.schema_name(body)
        if name == "resume_import":
            return self.resume_import(body, fabricate=fabricate)
        if name == "interview_question":
            return self.question(body)
        if name == "interview_feedback":
            out = self.report(body)
            if self.mode == "bad-score":
                out["overallScore"] = 140
            return out
        return self.tailoring(body, fabricate=fabricate, bad_index=bad_index)

    def completion(self, content=None, refusal=None, finish="stop"):
        return {
            "id": "chatcmpl-" + secrets.token_hex(12),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model + "-2024-08-06",
            "choices": [{"index": 0,
                         "message": {"role": "assistant", "content": content,
                                     "refusal": refusal, "annotations": []},
                         "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200,
                      "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                    "accepted_prediction_tokens": 0,
                                                    "rejected_prediction_tokens": 0}},
            "service_tier": "default",
            "system_fingerprint": "fp_fake",
        }

    @staticmethod
    def rate_limited():
        return 429, {"retry-after-ms": "200", "retry-after": "1",
                     "x-ratelimit-reset-tokens": "200ms"}, error_body(
            "Rate limit reached for gpt-4o in organization org-test on tokens per min "
            "(TPM): Limit 30000, Used 29937, Requested 385. Please try again in 200ms.",
            "tokens", "rate_limit_exceeded")

    def answer(self, body):
        """(status, headers, body dict or None) for the current mode."""
        mode = self.mode
        if mode == "429-then-success":
            with self.lock:
                first = not self._failed_once
                self._failed_once = True
            if first:
                return self.rate_limited()
            mode = "success"
        if mode == "429":
            return self.rate_limited()
        if mode == "500":
            return 500, {}, error_body("The server had an error while processing your request.",
                                       "server_error", None)
        if mode == "401":
            return 401, {}, error_body("Incorrect API key provided. You can find your API key "
                                       "at https://platform.openai.com/account/api-keys.",
                                       "invalid_request_error", "invalid_api_key")
        if mode == "hang":
            time.sleep(self.hang_seconds)
            mode = "success"
        if mode == "refusal":
            return 200, {}, self.completion(refusal=REFUSAL)
        if mode == "length":
            text = json.dumps(self.output(body))
            return 200, {}, self.completion(content=text[: len(text) // 2], finish="length")
        if mode == "bad-json":
            return 200, {}, self.completion(content="Here is your tailored resume: {summary")
        output = self.output(body, fabricate=mode == "fabricate", bad_index=mode == "bad-index")
        return 200, {}, self.completion(content=json.dumps(output))


class _Handler(JsonHandler):
    ai = None  # set by FakeOpenAI.start

    def send_json(self, status, body, headers=None):
        try:
            super().send_json(status, body, {"x-request-id": "req_" + secrets.token_hex(8),
                                             **(headers or {})})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the hang mode)

    def do_POST(self):
        ai = self.ai
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path != "/v1/chat/completions":
            self.send_json(404, error_body(f"Invalid URL (POST {self.path})",
                                           "invalid_request_error", None))
            return
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        with ai.lock:
            ai.count += 1
            ai.requests.append(body)
        ai.check(headers, body)
        if ai.delay:
            time.sleep(ai.delay)
        if not isinstance(body, dict):
            self.send_json(400, error_body("We could not parse the JSON body of your request.",
                                           "invalid_request_error", None))
            return
        status, extra, answer = ai.answer(body)
        self.send_json(status, answer, extra)

    def do_GET(self):
        self.send_json(404, error_body(f"Invalid URL (GET {self.path})",
                                       "invalid_request_error", None))


FakeOpenAI.handler = _Handler
