"""A stand-in for Sarvam AI's speech API (docs/external-apis.md section 2),
for the mock-interview tests, on a free loopback port, served from a
background thread.  Python 3 standard library only.

    sv = FakeSarvam(api_key="sk_test_...").start()
    env = {"SARVAM_API_KEY": sv.api_key, "SARVAM_BASE_URL": sv.base_url}
    sv.mode = "success"        # what the next requests get (see MODES)
    sv.fail_times = 1          # a failing mode applies to this many requests, then
                               # success (-1: every request)
    sv.delay = 1.0             # every call waits this long first (benchmarks)
    sv.answer_reversed = 3     # the first 3 calls to arrive are answered last
                               # first: each waits until every later one of
                               # them has been answered (or HOLD_TIMEOUT)
    sv.hold_until = 3          # no call is answered before 3 have arrived (or
                               # HOLD_TIMEOUT passed): concurrency made certain,
                               # not left to timing
    ...
    sv.stt_script = {2: ("Um I led it", [("Um", 0.5, 0.7), ...])}
                               # the chunk whose first nonzero sample is 2 is
                               # heard as this text, with these word timings
                               # (seconds from the chunk's start)
    sv.timestamps = False      # never answer timestamps, even when asked
    sv.stt_latency = 1.0       # each speech-to-text call takes this long per
                               # 30 s of its audio (benchmarks)
    sv.tts_latency = (0.2, 0.01)   # each text-to-speech call takes 0.2 s plus
                               # 0.01 s a character of its text
    sv.tts_gate = threading.Event()   # text-to-speech calls wait for it
                               # (HOLD_TIMEOUT at most); each records in
                               # "gate_opened" whether it was set in time
    sv.overlapping("/text-to-speech")   # pairs of calls that were being
                               # answered at the same time (each request's
                               # "started" and "ended", monotonic seconds)
    sv.count                   # requests received (all paths)
    sv.requests                # one dict per request, in arrival order
    sv.max_in_flight           # most requests being answered at once
    sv.answered                # arrival numbers (0, 1, ...) in the order answered
    sv.violations              # broken rules, one sentence each: tests assert []
    sv.stop()

Every request is checked against the contract: the api-subscription-key
header (a wrong or missing key is answered 403 invalid_api_key_error, as
Sarvam does, and is not a violation); speech-to-text as multipart/form-data
with `file` a RIFF/WAVE, 16 kHz, mono, 16-bit, at most 30 s, plus `model`
and `language_code`; text-to-speech as JSON with `text` (at most the
model's limit in characters: bulbul:v2 1500, bulbul:v3 2500),
`target_language_code`, `speaker`, `model` and `speech_sample_rate`.

Answers are deterministic so that a test can predict them:
 - speech-to-text: transcript = "<ms>ms:<v>" where <ms> is the chunk's
   duration in milliseconds and <v> its first nonzero sample (0 if silent),
   unless stt_script has <v>.  With with_timestamps=true, `timestamps` is
   {words, start_time_seconds, end_time_seconds} as the API documents it:
   the script's timings, else the one word spanning the chunk; null
   otherwise (and always when sv.timestamps is False).
   A test that writes sample value k+1 at the start of chunk k (sample
   k * 480000 of a 16 kHz input) gets "30000ms:1 30000ms:2 10000ms:3" for
   70 s, whatever order the answers arrive in.
 - text-to-speech: `audios_per_call` WAVs (wave module) at the requested
   speech_sample_rate, mono 16-bit, together 10 ms per character of text.

Run standalone to try it with curl:  python3 fake_sarvam.py [--key KEY]
"""
import base64
import email.parser
import email.policy
import io
import json
import secrets
import struct
import threading
import time
import wave

from fake_server import FakeServer, JsonHandler

MODES = (
    "success",  # 200
    "403",      # 403 invalid_api_key_error (also whenever the key is wrong)
    "429",      # 429 rate_limit_exceeded_error with Retry-After: retry_after
    "quota",    # 429 insufficient_quota_error (not to be retried)
    "500",      # 500 internal_server_error
    "400",      # 400 invalid_request_error
    "422",      # 422 unprocessable_entity_error
    "hang",     # no answer for hang_seconds (then success, if anyone still listens)
    "bad-json", # 200 with a body that is not the documented JSON
)

# How long hold() waits for the calls it expects (see hold_until): under
# the sanitizer build on a loaded machine a client's third chunk has been
# seen to take over 10 s to arrive; below the client's 30 s call timeout.
HOLD_TIMEOUT = 20.0

TTS_LIMITS = {"bulbul:v2": 1500, "bulbul:v3": 2500}
TTS_RATES = {"bulbul:v2": {8000, 16000, 22050, 24000},
             "bulbul:v3": {8000, 16000, 22050, 24000, 32000, 44100, 48000}}
LANGUAGES = {"bn-IN", "en-IN", "gu-IN", "hi-IN", "kn-IN", "ml-IN", "mr-IN", "od-IN", "pa-IN",
             "ta-IN", "te-IN"}
STT_MAX_FRAMES = 30 * 16000

ERRORS = {
    "400": (400, "invalid_request_error", "body.model : Field required"),
    "403": (403, "invalid_api_key_error", "Invalid API key"),
    "422": (422, "unprocessable_entity_error", "Unprocessable entity"),
    "429": (429, "rate_limit_exceeded_error", "Rate limit exceeded"),
    "quota": (429, "insufficient_quota_error", "Quota exhausted"),
    "500": (500, "internal_server_error", "Internal server error"),
}


def request_id():
    return time.strftime("%Y%m%d") + "_" + secrets.token_hex(8)


def error_body(code, message, rid):
    return {"error": {"message": message, "code": code, "request_id": rid}}


def make_wav(rate, frames, channels=1, width=2):
    """A WAV of a quiet saw wave (deterministic)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", (i % 200) * 50 - 5000)
                               for i in range(frames * channels)))
    return out.getvalue()


def wav_facts(data):
    """(rate, channels, width, frames, samples as ints) or raise ValueError."""
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("file is not a RIFF/WAVE")
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            rate, ch, width, n = (w.getframerate(), w.getnchannels(), w.getsampwidth(),
                                  w.getnframes())
            frames = w.readframes(n)
    except (wave.Error, EOFError) as e:
        raise ValueError(f"file is not a readable WAV ({e})")
    if len(frames) != n * ch * width:
        raise ValueError("file's data chunk is shorter than its header says")
    samples = struct.unpack(f"<{n * ch}h", frames) if width == 2 else ()
    return rate, ch, width, n, samples


class FakeSarvam(FakeServer):
    handler_attr = "sv"
    thread_name = "fake-sarvam"

    def __init__(self, api_key=None, hang_seconds=5.0):
        self.api_key = api_key or "sk_test_" + secrets.token_hex(16)
        self.hang_seconds = hang_seconds
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.reset()

    @property
    def base_url(self):
        return self.url("")

    def reset(self, mode="success"):
        with self.lock:
            # a request of the previous test may still be leaving (its
            # client had its answer and moved on): its leave() must not
            # count against this test's in_flight
            self.generation = getattr(self, "generation", 0) + 1
            self.mode = mode
            self.fail_times = -1
            self.retry_after = "1"
            self.delay = 0.0
            self.answer_reversed = 0
            self.answered = []
            self.hold_until = 0
            self.audios_per_call = 1
            self.count = 0
            self.failed = 0
            self.requests = []
            self.violations = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.stt_script = {}
            self.timestamps = True
            self.stt_latency = 0.0
            self.tts_latency = (0.0, 0.0)
            self.tts_gate = None

    def overlapping(self, path):
        """Pairs (arrival, arrival) of calls to path that were being
        answered at the same time."""
        with self.lock:
            calls = [r for r in self.requests if r["path"] == path and "ended" in r]
        return [(a["arrival"], b["arrival"]) for i, a in enumerate(calls)
                for b in calls[i + 1:]
                if a["started"] < b["ended"] and b["started"] < a["ended"]]

    def violate(self, text):
        with self.lock:
            self.violations.append(text)

    # ---- bookkeeping around one request -------------------------------------------
    def arrive(self, record):
        with self.lock:
            self.count += 1
            record["generation"] = self.generation
            record["arrival"] = len(self.requests)
            record["started"] = time.monotonic()
            self.requests.append(record)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.arrived.notify_all()
            return record["arrival"]

    def hold(self):
        """Wait until hold_until calls have arrived, or HOLD_TIMEOUT: a
        client that does not send them at once is answered late, and its
        max_in_flight shows it."""
        with self.lock:
            self.arrived.wait_for(lambda: self.count >= self.hold_until, timeout=HOLD_TIMEOUT)

    def wait_turn(self, arrival):
        """The answer_reversed order: wait until every call that arrived
        after this one, among the first answer_reversed, was answered."""
        later = set(range(arrival + 1, self.answer_reversed))
        with self.lock:
            self.arrived.wait_for(lambda: later <= set(self.answered), timeout=HOLD_TIMEOUT)

    def leave(self, record):
        with self.lock:
            if record["generation"] != self.generation:
                return  # a previous test's request, reset since
            self.in_flight -= 1
            record["ended"] = time.monotonic()
            self.answered.append(record["arrival"])
            self.arrived.notify_all()

    def failure_now(self):
        """The mode this request gets: the failing mode while fail_times lasts."""
        with self.lock:
            if self.mode == "success":
                return "success"
            if self.fail_times >= 0 and self.failed >= self.fail_times:
                return "success"
            self.failed += 1
            return self.mode

    # ---- speech to text -------------------------------------------------------------
    def check_stt(self, headers, raw, record):
        ctype = headers.get("content-type") or ""
        if not ctype.startswith("multipart/form-data"):
            self.violate(f"speech-to-text Content-Type is {ctype!r}, not multipart/form-data")
            return None
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
        fields, wav = {}, None
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            if name == "file":
                wav = record["wav"] = data
                record["filename"] = part.get_filename()
                record["file_type"] = part.get_content_type()
            elif name in fields:
                self.violate(f"speech-to-text field {name!r} sent twice")
            else:
                fields[name] = data.decode("utf-8", "replace")
        record["fields"] = fields
        unknown = set(fields) - {"model", "language_code", "with_timestamps",
                                 "input_audio_codec", "mode"}
        if unknown:
            self.violate(f"speech-to-text has unknown fields {sorted(unknown)}")
        for name in ("model", "language_code"):
            if not fields.get(name):
                self.violate(f"speech-to-text field {name!r} missing")
        lang = fields.get("language_code")
        if lang and lang not in LANGUAGES and lang != "unknown":
            self.violate(f"speech-to-text language_code {lang!r} is not a Sarvam language")
        if wav is None:
            self.violate("speech-to-text has no file")
            return None
        if record.get("file_type") != "audio/wav":
            self.violate(f"file's type is {record.get('file_type')!r}, not audio/wav")
        try:
            rate, ch, width, frames, samples = wav_facts(wav)
        except ValueError as e:
            self.violate(str(e))
            return None
        record.update(rate=rate, channels=ch, width=width, frames=frames)
        if (rate, ch, width) != (16000, 1, 2):
            self.violate(f"file is {rate} Hz, {ch} channel(s), {8 * width}-bit, "
                         "not 16 kHz mono 16-bit")
        if frames > STT_MAX_FRAMES:
            self.violate(f"file is {frames / 16000:.2f} s, over the 30 s limit")
        if fields.get("with_timestamps", "false") not in ("true", "false"):
            self.violate(f"with_timestamps is {fields['with_timestamps']!r}, not true or false")
        first = next((s for s in samples if s != 0), 0)
        seconds = frames / max(rate, 1)
        if first in self.stt_script:
            text, words = self.stt_script[first]
        else:
            text = f"{frames * 1000 // max(rate, 1)}ms:{first}"
            words = [(text, 0.0, round(seconds, 3))]
        record["timestamps"] = None
        if fields.get("with_timestamps") == "true" and self.timestamps:
            record["timestamps"] = {"words": [w[0] for w in words],
                                    "start_time_seconds": [w[1] for w in words],
                                    "end_time_seconds": [w[2] for w in words]}
        if self.stt_latency:
            time.sleep(self.stt_latency * seconds / 30.0)
        return text

    # ---- text to speech ---------------------------------------------------------------
    def check_tts(self, headers, raw, record):
        if not (headers.get("content-type") or "").startswith("application/json"):
            self.violate("text-to-speech Content-Type is not application/json")
        try:
            body = json.loads(raw)
        except ValueError:
            self.violate("text-to-speech body is not JSON")
            return None
        if not isinstance(body, dict):
            self.violate("text-to-speech body is not a JSON object")
            return None
        record["json"] = body
        want = {"text", "target_language_code", "speaker", "model", "speech_sample_rate"}
        if set(body) != want:
            self.violate(f"text-to-speech fields are {sorted(body)}, not {sorted(want)}")
        model, text = body.get("model"), body.get("text")
        if model not in TTS_LIMITS:
            self.violate(f"text-to-speech model {model!r} is not bulbul:v2 or bulbul:v3")
            return None
        if not isinstance(text, str) or not text.strip():
            self.violate("text-to-speech text is missing or empty")
            return None
        if self.tts_gate is not None:
            record["gate_opened"] = self.tts_gate.wait(HOLD_TIMEOUT)
        if self.tts_latency != (0.0, 0.0):
            time.sleep(self.tts_latency[0] + self.tts_latency[1] * len(text))
        if len(text) > TTS_LIMITS[model]:
            self.violate(f"text-to-speech text has {len(text)} characters, over {model}'s "
                         f"{TTS_LIMITS[model]}")
        if body.get("target_language_code") not in LANGUAGES:
            self.violate(f"target_language_code {body.get('target_language_code')!r} "
                         "is not a Sarvam language")
        speaker = body.get("speaker")
        if not isinstance(speaker, str) or not speaker.islower():
            self.violate(f"speaker {speaker!r} is not a lowercase name")
        rate = body.get("speech_sample_rate")
        if not isinstance(rate, int) or rate not in TTS_RATES[model]:
            self.violate(f"speech_sample_rate {rate!r} is not one {model} offers")
            return None
        return text, rate

    def tts_answer(self, text, rate):
        total = len(text) * rate // 100  # 10 ms per character
        n = max(1, self.audios_per_call)
        sizes = [total // n] * n
        sizes[-1] += total - sum(sizes)
        return {"request_id": request_id(),
                "audios": [base64.b64encode(make_wav(rate, k)).decode() for k in sizes]}


class _Handler(JsonHandler):
    sv = None  # set by FakeSarvam.start

    def send_json(self, status, body, headers=None):
        try:
            super().send_json(status, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the hang mode, a timeout)

    def do_POST(self):
        sv = self.sv
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        rid = request_id()
        record = {"path": self.path, "key_ok": headers.get("api-subscription-key") == sv.api_key}
        arrival = sv.arrive(record)
        try:
            if self.path not in ("/speech-to-text", "/text-to-speech"):
                self.send_json(404, error_body("not_found_error", f"Not found: {self.path}",
                                               rid), {"x-request-id": rid})
                return
            if "authorization" in headers:
                sv.violate("an Authorization header was sent (Sarvam uses api-subscription-key)")
            if sv.delay:
                time.sleep(sv.delay)
            if sv.hold_until:
                sv.hold()
            if arrival < sv.answer_reversed:
                sv.wait_turn(arrival)
            if self.path == "/speech-to-text":
                result = sv.check_stt(headers, raw, record)
            else:
                result = sv.check_tts(headers, raw, record)
            if not record["key_ok"]:
                self.send_error_json("403", rid)
                return
            mode = sv.failure_now()
            record["mode"] = mode
            if mode == "hang":
                time.sleep(sv.hang_seconds)
                mode = "success"
            if mode in ERRORS:
                extra = {"Retry-After": sv.retry_after} if mode == "429" else {}
                self.send_error_json(mode, rid, extra)
                return
            if mode == "bad-json":
                self.send_json(200, {"request_id": rid, "text": "not what you expected"},
                               {"x-request-id": rid})
                return
            if result is None:
                self.send_error_json("400", rid)
                return
            if self.path == "/speech-to-text":
                record["transcript"] = result
                answer = {"request_id": rid, "transcript": result, "language_code":
                          record["fields"].get("language_code"),
                          "timestamps": record["timestamps"], "diarized_transcript": None}
            else:
                answer = sv.tts_answer(*result)
            self.send_json(200, answer, {"x-request-id": rid})
        finally:
            sv.leave(record)

    def send_error_json(self, mode, rid, extra=None):
        status, code, message = ERRORS[mode]
        self.send_json(status, error_body(code, message, rid), {"x-request-id": rid,
                                                                **(extra or {})})

    def do_GET(self):
        rid = request_id()
        self.send_json(404, error_body("not_found_error", f"Not found: {self.path}", rid))


FakeSarvam.handler = _Handler


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Run the fake Sarvam API until interrupted.")
    ap.add_argument("--key", default="sk_test_standalone")
    ap.add_argument("--mode", default="success", choices=MODES)
    ap.add_argument("--delay", type=float, default=0.0)
    args = ap.parse_args()
    fake = FakeSarvam(api_key=args.key).start()
    fake.mode, fake.delay = args.mode, args.delay
    print(f"fake Sarvam at {fake.base_url} (key {fake.api_key})", flush=True)
    try:
        while True:
            time.sleep(1)
            if fake.violations:
                for v in fake.violations:
                    print("violation:", v, flush=True)
                fake.violations.clear()
    except KeyboardInterrupt:
        fake.stop()
