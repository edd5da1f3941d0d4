#!/usr/bin/python3
"""Write the seed corpora of tests/fuzz/corpus/<name>/ (small, real examples
of each parser's input, valid and invalid).  Run once when a seed is added;
the files are committed.  Names are the content's SHA-1, as libFuzzer names
corpus files, so rerunning adds nothing twice."""
import base64, hashlib, io, json, os, re, struct, subprocess, sys, tempfile, wave

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


# ---- form bodies and query strings
for s in ["a=1&b=2", "email=ada%40example.com&message=Hello+world%21&topic=billing",
          "a=%zz", "a=%4", "a=1&a=2", "%24where=1", "a.b=1", "q=%C3%A9t%C3%A9",
          "limit=20&cursor=MTcwMDAwMDAwMDAwMHwwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc",
          "a=%00", "a=%C3", "a=%ff", "", "&&=&", "=x", "k", "a+b=c+d%2B"]:
    put("form", s)

# ---- multipart (the answer upload; field "audio")
wav = io.BytesIO()
with wave.open(wav, "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"\x00\x01" * 160)
part = (b"--XyZ\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n"
        b"Content-Type: audio/wav\r\n\r\n" + wav.getvalue() + b"\r\n--XyZ--\r\n")
put("multipart", b"multipart/form-data; boundary=XyZ\n" + part)
put("multipart", b"multipart/form-data; boundary=\"XyZ\"; charset=utf-8\n" + part)
put("multipart", b"multipart/form-data; boundary=b\n--b\r\nContent-Disposition: form-data; "
    b"name=\"language\"\r\n\r\nen\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"\r\n"
    b"\r\nxyz\r\n--b--\r\n")
put("multipart", b"multipart/form-data; boundary=b\n--b\r\nContent-Disposition: form-data; "
    b"name=\"other\"\r\n\r\nv\r\n--b--\r\n")
put("multipart", b"multipart/form-data\n--b\r\n\r\n")

# ---- JSON bodies
for s in ['{"a":1}', '{"$where":"1"}', '{"a.b":1}', '{"a":[{"b":{"$gt":1}}]}',
          '{"a":' * 40 + '1' + '}' * 40, '[1]', '"x"', '{"a":"\\u0000"}', '{"a":1,"a":2}',
          '{"a":"\xff"}', '{"email":"a@b.c","message":"hi","topic":"billing"}',
          '{"a":1e999}', '{"":1}', '{"a":{"":{}}}', '{"a": [1, 2.5, true, null, "s"]}']:
    put("json", s)

# ---- resumes
with open(os.path.join(ROOT, "tests/integration/data/resume-full.json"), "rb") as f:
    full = f.read()
put("resume", full)
put("resume", "{}")

# ---- a tailoring's result and a person's choice (POST .../apply)
_resume = {"basics": {"summary": "Builds APIs."},
           "work": [{"name": "Acme", "highlights": ["Built a REST API in Python",
                                                    "Introduced unit testing", "Mentored"]},
                    {"name": "Beta", "highlights": ["Wrote Go services"]}],
           "skills": [{"name": "Python"}, {"name": "Go"}, {"name": "SQL"}]}
_result = {"summary": "Backend engineer.",
           "work": [{"index": 0, "highlights": ["Introduced unit testing widely",
                                                "Built a REST API in Python, fast", "New line"]},
                    {"index": 1, "highlights": ["Delivered: Wrote Go services"]}],
           "skills": ["SQL", "Rust", "Python"]}
for accept, edits in ((["basics.summary", "skills"], {}),
                      (["work[0].highlights[0]"], {"work[0].highlights[0]": " Mine "}),
                      (["work[9].highlights[0]", 3], {"skills": "x"}), ([], None)):
    choice = {"resume": _resume, "result": _result, "accept": accept}
    if edits is not None:
        choice["edits"] = edits
    put("tailoring", json.dumps(choice))
put("tailoring", json.dumps({"resume": {"work": [{}]}, "result": {"work": [{"index": 0}]}}))
put("resume", json.dumps({"$schema": "https://jsonresume.org/schema",
                          "basics": {"name": "  Ada  ", "email": "not-an-email",
                                     "url": "example.com/me",
                                     "profiles": [{"network": "x", "url": "ftp://x"}]},
                          "work": [{"name": "Co", "startDate": "2021-02-29",
                                    "highlights": ["a", 1]}],
                          "skills": [{"name": "C", "keywords": ["x"] * 31}],
                          "unknown": 1, "$where": 2}))
put("resume", json.dumps({"basics": {"name": "x" * 2001}, "meta": {"version": "v1"},
                          "education": [{"startDate": "2999-12-31", "endDate": "1000"}]}))

# ---- routes
table = open(os.path.join(ROOT, "src/routes/table.c")).read()
for method, pattern in re.findall(r'\{"([A-Z]+)",\s*"(/[^"]*)"', table):
    path = pattern.replace("{id}", "0123456789abcdef01234567").replace("{n}", "2") \
                  .replace("{ticket}", "T-1234")
    put("router", f"{method} {path}")
put("router", "HEAD /api/resumes?limit=5")
put("router", "PUT /api/resumes")
put("router", "GET /api/resumes//pdf")
put("router", "GET /" + "a/" * 13)
put("router", "GET api/me")

# ---- Clerk session tokens: \x00 + a token as sent, or \x01 + header \n claims
ISS = "https://clerk.jobtune.test"
good = {"sub": "user_2abc", "iss": ISS, "exp": 1700000600, "iat": 1699999990,
        "nbf": 1699999990, "azp": "https://jobtune.test", "sid": "sess_1"}
hdr = {"alg": "RS256", "kid": "ins_1", "typ": "JWT"}
for h, c in [(hdr, good), (hdr, {**good, "exp": 1699999000}), (hdr, {**good, "iss": "x"}),
             (hdr, {**good, "azp": "https://evil.test"}), (hdr, {**good, "exp": 1.7e9 + 600.5}),
             (hdr, {**good, "exp": "1700000600"}), (hdr, {k: v for k, v in good.items() if k != "sub"}),
             ({"alg": "HS256", "kid": "k"}, good), ({"alg": "RS256"}, good),
             ({**hdr, "crit": ["x"]}, good), ({**hdr, "typ": "at+jwt"}, good),
             (hdr, {**good, "nbf": 1800000000})]:
    put("clerk", b"\x01" + json.dumps(h).encode() + b"\n" + json.dumps(c).encode())
fake = b64u(json.dumps(hdr).encode()) + "." + b64u(json.dumps(good).encode()) + "." + b64u(b"s" * 128)
for t in [fake, "a.b.c", "a..c", "x", fake + ".d", "eyJ.eyJ.", "Bearer " + fake]:
    put("clerk", b"\x00" + t.encode())

# ---- Svix: secret \n svix-id \n svix-timestamp \n svix-signature \n body
# (Svix's published test vector, then "@": the correct signature, made by the harness)
SEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
put("svix", f"{SEC}\nmsg_p5jXN8AQM9LWM0D4loKWxJek\n1614265330\n"
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n{\"test\": 2432232314}")
put("svix", f"{SEC}\nmsg_1\n1700000000\n@\n{{\"type\":\"user.created\",\"data\":{{\"id\":\"user_1\"}}}}")
put("svix", f"{SEC}\nmsg_1\n1700000100\nv2,abc v1,xyz  v1,\n{{}}")
put("svix", f"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\nmsg_1\n1699999000\n@\n")
put("svix", f"whsec_!!\nmsg_1\n1700000000\nv1,x\n")
put("svix", f"{SEC}\n\n17000000000000000000\n\n")

# ---- audio: WAVs from Python's wave module, and what sox makes of one
def make_wav(rate, channels, width, frames):
    b = io.BytesIO()
    with wave.open(b, "wb") as w:
        w.setnchannels(channels); w.setsampwidth(width); w.setframerate(rate)
        w.writeframes(bytes((i * 37) & 0xff for i in range(frames * channels * width)))
    return b.getvalue()
small = make_wav(16000, 1, 2, 3000)
put("audio", small)
put("audio", make_wav(8000, 2, 1, 1000))
put("audio", make_wav(44100, 1, 2, 2000))
put("audio", make_wav(16000, 1, 2, 0))
put("audio", make_wav(1000, 1, 3, 200))
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "in.wav")
    open(src, "wb").write(small)
    for ext in ["flac", "ogg", "aiff"]:
        out = os.path.join(tmp, "out." + ext)
        if subprocess.run(["sox", src, out], capture_output=True).returncode == 0:
            data = open(out, "rb").read()
            # Ogg's stream serial is random: one seed per container, not per run
            have = [open(os.path.join(HERE, "corpus/audio", f), "rb").read(4)
                    for f in os.listdir(os.path.join(HERE, "corpus/audio"))]
            if data[:4] not in have:
                put("audio", data)

# ---- audio: hostile FLACs (constant subframes: a few bytes announce
# millions of samples), each refused before it is decoded in full; the
# file within every cap (hostile_audio.slow) is left out, as it takes
# seconds by design and would slow every run
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import hostile_audio  # noqa: E402
for data, _ in hostile_audio.refused().values():
    put("audio", data)
put("audio", hostile_audio.truncated())

# ---- client addresses (tests/geoip/city.json has the ranges)
for s in ["192.0.2.1", "198.51.100.200", "203.0.113.130", "81.2.69.160", "216.160.83.58",
          "2001:db8:de::1", "2001:db8:ca::2", "2a01:4f8::1", "::ffff:192.0.2.1", "127.0.0.1",
          "10.0.0.1", "::1", "fe80::1%lo", "1.2.3", "256.1.1.1", "0x7f.1", "", "example.com",
          "2001:db8::/32", " 192.0.2.1"]:
    put("geo", s)

# ---- list queries and cursors
cur = b64u(b"1700000000000|0123456789abcdef01234567")
for s in [cur, f"limit=5&cursor={cur}", "limit=100", "limit=0", "limit=abc", "limit=0100",
          "cursor=" + b64u(b"|0123456789abcdef01234567"), "cursor=" + b64u(b"12|xyz"),
          "cursor=" + cur + "==", "cursor=%4D", b64u(b"9" * 15 + b"|" + b"a" * 24)]:
    put("cursor", s)

# ---- request bodies: method path \n Content-Type \n Content-Length \n Accept \n body
ID = "0123456789abcdef01234567"
for route, ct, cl, accept, body in [
        ("POST /api/support", "application/x-www-form-urlencoded; charset=utf-8", "", "text/html",
         "email=ada%40example.com&message=Hi&topic=billing"),
        ("POST /api/support", "application/x-www-form-urlencoded", "", "", "a=1&a=2"),
        ("POST /api/support", "application/x-www-form-urlencoded", "", "text/html", "%24x=1"),
        ("POST /api/support", "application/json; charset=\"UTF-8\"", "", "application/json",
         '{"email":"a@b.c","message":"hi","topic":"billing"}'),
        ("POST /api/support", "application/json; charset=latin1", "", "", "{}"),
        ("POST /api/support", "text/plain", "", "", "x"),
        ("POST /api/resumes", "application/json", "", "", full.decode()),
        ("PUT /api/resumes/" + ID, "application/json", "", "", '{"$where":1}'),
        (f"POST /api/admin/privacy-requests/{ID}/close", "application/json", "", "",
         '{"a":{"b.c":1}}'),
        ("POST /api/resumes", "application/json", "12abc", "", "{}"),
        ("POST /api/resumes", "application/json", "99999999999999999999", "", "{}"),
        ("POST /api/resumes", "application/json", "10", "", "{}"),
        (f"POST /api/interviews/{ID}/answers", "audio/wav", "", "", small[:200]),
        ("GET /api/me", "", "", "", ""),
        ("GET /api/me", "application/json", "", "", "{}")]:
    b = body if isinstance(body, bytes) else body.encode()
    put("body", f"{route}\n{ct}\n{cl}\n{accept}\n".encode("latin1") + b)

# ---- clerk, the headers a token comes in: \x02 + Authorization \n Cookie
for auth, cookie in [("Bearer " + fake, ""), ("", "a=1; __session=" + fake + "; b=2"),
                     (fake, ""), ("Basic dXNlcjpwdw==", ""), ("bearer   ", "__session="),
                     ("", "__session_x=1;__session=" + fake)]:
    put("clerk", b"\x02" + auth.encode() + b"\n" + cookie.encode())
