"""GET /metrics (Prometheus' text format 0.0.4) and the slow-request log,
through nginx on the real stack.

The exposition is read by a strict parser of the format written here (not
a client library's forgiving one): HELP and TYPE lines before their
family's samples and once each, a family's samples together, metric and
label names of the allowed alphabet, label values with only the three
escapes, no series twice, and histograms whose buckets are cumulative,
end at le="+Inf" and agree with _count.  Counters must move with the
requests the test makes; anyone but a loopback client or staff gets the
404 of an unknown address.  The slow-request log: a tailoring against a
fake OpenAI that waits 1.5 s, with JOBTUNE_SLOW_MS=300, is logged once
while it runs, in phase "openai", without anything of the user; and a
spoken question held as long by the fake Sarvam, in phase "sarvam"."""
import math
import os
import re
import shutil
import tempfile
import unittest

import tokens
from stack import SignedInStackTest, wait_until

LOOPBACK = "127.0.0.1"
OUTSIDER = "203.0.113.9"
SLOW_MS = 300

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")

NAME = "Priya Raman"
EMAIL = "priya.raman@example.in"
RESUME = {
    "basics": {"name": NAME, "email": EMAIL, "label": "Backend Engineer",
               "summary": "Builds backend services in Python and Go."},
    "work": [{"name": "Acme", "position": "Engineer", "startDate": "2019-04",
              "highlights": ["Built a REST API in Python"]}],
    "skills": [{"name": "Python"}, {"name": "Go"}],
}
JD = "Backend engineer: Python, Go, REST APIs, PostgreSQL and Docker in production."


class FormatError(AssertionError):
    pass


def unescape(text, allowed):
    """Undo the format's backslash escapes; any other escape is an error."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            if i + 1 >= len(text) or text[i + 1] not in allowed:
                raise FormatError(f"bad escape in {text!r}")
            out.append({"\\": "\\", "n": "\n", '"': '"'}[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_labels(text):
    """{k="v",...} (the braces stripped) -> dict, strictly."""
    labels, i = {}, 0
    while i < len(text):
        eq = text.find("=", i)
        if eq < 0:
            raise FormatError(f"label without '=': {text!r}")
        name = text[i:eq]
        if not LABEL_NAME.match(name) or name in labels:
            raise FormatError(f"bad or repeated label name {name!r}")
        if eq + 1 >= len(text) or text[eq + 1] != '"':
            raise FormatError(f"label value not quoted: {text!r}")
        j = eq + 2
        while j < len(text) and text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        if j >= len(text):
            raise FormatError(f"unterminated label value: {text!r}")
        labels[name] = unescape(text[eq + 2:j], '\\"n')
        i = j + 1
        if i < len(text):
            if text[i] != ",":
                raise FormatError(f"expected ',' in {text!r}")
            i += 1
    return labels


def parse_value(text):
    if text in ("+Inf", "-Inf", "NaN"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.match(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z", text):
        raise FormatError(f"bad value {text!r}")
    return float(text)


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        base = name[:-len(suffix)]
        if name.endswith(suffix) and types.get(base) in ("histogram", "summary"):
            return base
    return name


def parse_exposition(text):
    """The text format 0.0.4 -> {family: {"type", "help", "samples": [(name,
    labels, value)]}}, raising FormatError on anything the format forbids."""
    if not text.endswith("\n"):
        raise FormatError("the exposition must end with a line feed")
    families, types, seen, done, current = {}, {}, set(), set(), None
    for line in text[:-1].split("\n"):
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not METRIC_NAME.match(name):
                    raise FormatError(f"bad metric name {name!r}")
                fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
                key = parts[1].lower()
                if fam[key] is not None:
                    raise FormatError(f"second {parts[1]} for {name}")
                if fam["samples"]:
                    raise FormatError(f"{parts[1]} for {name} after its samples")
                value = parts[3] if len(parts) > 3 else ""
                if key == "type":
                    if value not in TYPES:
                        raise FormatError(f"bad type {value!r}")
                    types[name] = value
                    fam["type"] = value
                else:
                    fam["help"] = unescape(value, "\\n")
            continue
        if line.strip() == "":
            raise FormatError("empty line")
        m = re.match(r"([^{ ]+)(\{(.*)\})? ([^ ]+)( -?\d+)?\Z", line)
        if not m:
            raise FormatError(f"bad sample line {line!r}")
        name, labels = m.group(1), parse_labels(m.group(3) or "")
        if not METRIC_NAME.match(name):
            raise FormatError(f"bad metric name {name!r}")
        base = family_of(name, types)
        if base != current:
            if base in done:
                raise FormatError(f"samples of {base} are not together")
            if current is not None:
                done.add(current)
            current = base
        series = (name, tuple(sorted(labels.items())))
        if series in seen:
            raise FormatError(f"series twice: {series}")
        seen.add(series)
        families.setdefault(base, {"type": None, "help": None, "samples": []})["samples"].append(
            (name, labels, parse_value(m.group(4))))
    for name, fam in families.items():
        if fam["type"] == "histogram":
            check_histogram(name, fam["samples"])
    return families


def check_histogram(name, samples):
    """Per label set: buckets in increasing le, cumulative, ending at +Inf
    equal to _count, and a _sum."""
    groups = {}
    for sample, labels, value in samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        g = groups.setdefault(key, {"buckets": [], "sum": None, "count": None})
        if sample == name + "_bucket":
            if "le" not in labels:
                raise FormatError(f"{name} bucket without le")
            g["buckets"].append((parse_value(labels["le"]), value))
        elif sample == name + "_sum":
            g["sum"] = value
        elif sample == name + "_count":
            g["count"] = value
        else:
            raise FormatError(f"{sample} in histogram {name}")
    for key, g in groups.items():
        les = [le for le, _ in g["buckets"]]
        if not les or les[-1] != math.inf:
            raise FormatError(f"{name}{key}: no +Inf bucket last")
        if les != sorted(les) or len(set(les)) != len(les):
            raise FormatError(f"{name}{key}: le not increasing")
        counts = [c for _, c in g["buckets"]]
        if any(b < a for a, b in zip(counts, counts[1:])):
            raise FormatError(f"{name}{key}: buckets not cumulative")
        if g["count"] is None or g["sum"] is None or counts[-1] != g["count"]:
            raise FormatError(f"{name}{key}: +Inf bucket {counts[-1]} != _count {g['count']}")


class ParserTest(unittest.TestCase):
    """The parser refuses what the format forbids (so it can fail)."""

    GOOD = ('# HELP x_total A "help" with \\\\ and \\n.\n# TYPE x_total counter\n'
            'x_total{a="q\\"\\\\\\n"} 1\n'
            '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n')

    def test_good(self):
        fams = parse_exposition(self.GOOD)
        self.assertEqual(fams["x_total"]["samples"][0][1], {"a": 'q"\\\n'})
        self.assertEqual(fams["x_total"]["help"], 'A "help" with \\ and \n.')

    def test_bad(self):
        for bad in (self.GOOD.replace('le="+Inf"} 2', 'le="+Inf"} 3'),       # != _count
                    self.GOOD.replace('h_bucket{le="1"} 1', 'h_bucket{le="1"} 5'),  # not cumulative
                    self.GOOD.replace('h_bucket{le="+Inf"} 2\n', ""),         # no +Inf
                    self.GOOD.replace('\\"\\\\', "\\t"),                       # bad escape
                    self.GOOD + "x_total{a=\"b\"} 2\n",                        # not together
                    self.GOOD + "# TYPE x_total counter\n",                    # TYPE twice
                    self.GOOD.replace("x_total{", "x-total{"),                 # bad name
                    self.GOOD[:-1]):                                           # no final LF
            with self.subTest(bad=bad):
                with self.assertRaises(FormatError):
                    parse_exposition(bad)


class MetricsTest(SignedInStackTest):
    workers = 2
    fake_openai = True
    fake_sarvam = True
    stack_options = {"slow_workers": 2}

    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        cls.clock_dir = tempfile.mkdtemp(prefix="jobtune-clock-")
        cls.clock_file = os.path.join(cls.clock_dir, "clock")
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff, "JOBTUNE_SLOW_MS": str(SLOW_MS),
                "JOBTUNE_SCHEDULER_PERIOD": "1", "JOBTUNE_CLOCK_FILE": cls.clock_file}

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.clock_dir, ignore_errors=True)

    def set_clock(self, offset_s):
        with open(self.clock_file, "w") as f:
            f.write(str(int(offset_s * 1000)))

    def scrape(self, **kw):
        kw.setdefault("client_ip", LOOPBACK)
        r = self.stack.get("/metrics", **kw)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8")
        return parse_exposition(r.text)

    def value(self, fams, name, **labels):
        base = family_of(name, {k: v["type"] for k, v in fams.items()})
        found = [v for n, l, v in fams[base]["samples"]
                 if n == name and all(l.get(k) == v for k, v in labels.items())]
        self.assertEqual(len(found), 1, f"{name}{labels}: {found}")
        return found[0]

    def test_exposition_is_strict_and_complete(self):
        fams = self.scrape()
        for name, kind in (("jobtune_build_info", "gauge"),
                           ("jobtune_http_requests_total", "counter"),
                           ("jobtune_http_request_duration_seconds", "histogram"),
                           ("jobtune_db_operations_total", "counter"),
                           ("jobtune_db_operation_seconds_total", "counter"),
                           ("jobtune_slow_admissions_total", "counter"),
                           ("jobtune_workers", "gauge"),
                           ("jobtune_worker_restarts_total", "counter"),
                           ("jobtune_analytics_queue_length", "gauge"),
                           ("jobtune_analytics_events_dropped_total", "counter"),
                           ("jobtune_analytics_retries_total", "counter"),
                           ("jobtune_erasures_total", "counter"),
                           ("jobtune_overdue_privacy_requests", "gauge")):
            with self.subTest(name):
                self.assertIn(name, fams)
                self.assertEqual(fams[name]["type"], kind)
                self.assertTrue(fams[name]["help"])
        # every worker in exactly one state; this scrape's own is busy
        states = {l["state"]: v for _, l, v in fams["jobtune_workers"]["samples"]}
        self.assertEqual(sum(states.values()), self.stack.pool, states)
        self.assertGreaterEqual(sum(v for s, v in states.items() if s != "idle"), 1, states)
        # the label set is the route table's (bounded), plus the unmatched
        routes = {l["route"] for _, l, _ in fams["jobtune_http_requests_total"]["samples"]}
        self.assertIn("/api/resumes/{id}", routes)
        self.assertIn("/metrics", routes)
        self.assertIn("(unmatched)", routes)
        self.assertFalse([r for r in routes if re.search(r"[0-9a-f]{24}", r)])
        self.assertEqual(self.value(fams, "jobtune_build_info"), 1)

    def test_counters_move_with_requests(self):
        who = tokens.new_user_id()
        before = self.scrape()
        for _ in range(3):
            self.assertEqual(self.stack.get("/api/health").status, 200)
        self.assertEqual(self.stack.get("/api/me").status, 401)
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=self.auth(who))
        self.assertEqual(r.status, 201, r.text)
        after = self.scrape()

        def delta(name, **labels):
            return self.value(after, name, **labels) - self.value(before, name, **labels)

        health = {"method": "GET", "route": "/api/health"}
        self.assertEqual(delta("jobtune_http_requests_total", status="2xx", **health), 3)
        self.assertEqual(delta("jobtune_http_request_duration_seconds_count", **health), 3)
        self.assertEqual(delta("jobtune_http_request_duration_seconds_bucket", le="+Inf",
                               **health), 3)
        self.assertGreater(delta("jobtune_http_request_duration_seconds_sum", **health), 0)
        self.assertEqual(delta("jobtune_http_requests_total", status="4xx", method="GET",
                               route="/api/me"), 1)
        self.assertEqual(delta("jobtune_http_requests_total", status="2xx", method="POST",
                               route="/api/resumes"), 1)
        # the create's own operations, and the scrape before it
        self.assertGreater(delta("jobtune_db_operations_total"), 0)
        self.assertGreater(delta("jobtune_db_operation_seconds_total"), 0)
        self.assertEqual(delta("jobtune_http_requests_total", status="2xx", method="GET",
                               route="/metrics"), 1)

    def test_erasures_and_restarts_are_counted(self):
        before = self.scrape()
        who = tokens.new_user_id()
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=self.auth(who))
        self.assertEqual(r.status, 201, r.text)
        r = self.stack.request("DELETE", "/api/me", headers=self.auth(who))
        self.assertEqual(r.status, 200, r.text)
        after = self.scrape()
        self.assertEqual(self.value(after, "jobtune_erasures_total", outcome="completed")
                         - self.value(before, "jobtune_erasures_total", outcome="completed"), 1)
        # the test stacks recycle workers every few requests (run.py)
        for _ in range(self.stack.max_requests * self.stack.pool):
            self.stack.get("/api/health")
        wait_until(lambda: self.value(self.scrape(), "jobtune_worker_restarts_total",
                                      cause="max_requests")
                   > self.value(before, "jobtune_worker_restarts_total", cause="max_requests"),
                   what="a recycled worker counted")
        self.assertEqual(self.value(self.scrape(), "jobtune_worker_restarts_total",
                                    cause="crash"), 0)

    def test_overdue_privacy_requests_from_the_scheduler(self):
        """The gauge is what the scheduler last counted (a scrape queries
        nothing): a deletion request 31 days old shows up within a slot."""
        r = self.stack.request("POST", "/api/support", body={
            "email": "late@example.in", "subject": "Data Deletion Request",
            "message": "Please delete my account."})
        self.assertEqual(r.status, 201, r.text)
        # counted, and not overdue, today
        wait_until(lambda: [v for n, _, v in self.scrape()["jobtune_overdue_privacy_requests"]
                            ["samples"]] == [0], what="the scheduler's first count")
        try:
            self.set_clock(31 * 86400)
            wait_until(lambda: self.value(self.scrape(), "jobtune_overdue_privacy_requests") >= 1,
                       what="the overdue request counted")
        finally:
            self.set_clock(0)

    def test_refused_to_outsiders_without_staff(self):
        r = self.stack.get("/metrics", client_ip=OUTSIDER)
        self.assertEqual(r.status, 404, r.text)
        self.assertEqual(r.json()["error"]["code"], "not_found")
        stranger = self.auth(tokens.new_user_id())
        r = self.stack.get("/metrics", client_ip=OUTSIDER, headers=stranger)
        self.assertEqual(r.status, 404, r.text)
        self.assertNotIn(b"jobtune_", r.body)
        self.scrape(client_ip=OUTSIDER, headers=self.auth(self.staff))
        self.scrape(client_ip="::1")

    def assert_slow_line(self, method, route, phase, took_ms, private):
        """The one slow-request line of the request to route: logged while
        it ran, in phase, naming the request the access log names, and
        nothing of private."""
        slow = wait_until(lambda: [l for l in self.stack.log_lines()
                                   if l.get("msg") == "slow request" and l.get("route") == route],
                          what="the slow-request line")
        self.assertEqual(len(slow), 1, slow)  # once per request, not once per tick
        line = slow[0]
        self.assertEqual(line["phase"], phase)
        self.assertEqual(line["method"], method)
        self.assertGreater(line["elapsed_ms"], SLOW_MS)
        self.assertLess(line["elapsed_ms"], took_ms)
        self.assertRegex(line["request_id"], r"^[0-9a-f]{32}$")
        access = [l for l in self.stack.log_lines()
                  if l.get("route") == route and l.get("request_id") == line["request_id"]
                  and "status" in l]
        self.assertEqual(len(access), 1, "the slow line names the request the access log does")
        raw = [t for t in self.stack.log_text().splitlines()
               if '"slow request"' in t and route in t]
        for secret in (*private, "Bearer"):
            self.assertNotIn(secret, raw[0])
        self.assertEqual(set(line), {"time", "level", "pid", "msg", "worker", "request_id",
                                     "method", "route", "phase", "elapsed_ms"})

    def test_slow_request_logged_while_in_sarvam(self):
        who = tokens.new_user_id()
        r = self.stack.request("POST", "/api/interviews", headers=self.auth(who),
                               body={"role": "Backend engineer", "questionCount": 3})
        self.assertEqual(r.status, 201, r.text)
        iid = r.json()["id"]
        self.sv.delay = 1.5
        try:
            r = self.stack.get(f"/api/interviews/{iid}/questions/1/audio",
                               headers=self.auth(who))
        finally:
            self.sv.delay = 0.0
        self.assertEqual(r.status, 200, r.text)
        self.assert_slow_line("GET", "/api/interviews/{id}/questions/{n}/audio", "sarvam", 1500,
                              (who, iid, "Backend engineer"))

    def test_slow_request_logged_while_in_openai(self):
        who = tokens.new_user_id()
        r = self.stack.request("POST", "/api/resumes", body=RESUME, headers=self.auth(who))
        self.assertEqual(r.status, 201, r.text)
        rid = r.json()["id"]
        before = self.scrape()
        self.ai.delay = 1.5
        try:
            r = self.stack.request("POST", f"/api/resumes/{rid}/tailor",
                                   body={"jobDescription": JD}, headers=self.auth(who))
        finally:
            self.ai.delay = 0.0
        self.assertEqual(r.status, 201, r.text)
        route = "/api/resumes/{id}/tailor"
        self.assert_slow_line("POST", route, "openai", 1500, (NAME, EMAIL, who, rid, "Python"))
        after = self.scrape()
        self.assertEqual(self.value(after, "jobtune_slow_admissions_total", outcome="admitted")
                         - self.value(before, "jobtune_slow_admissions_total",
                                      outcome="admitted"), 1)
        tail = {"method": "POST", "route": route}
        self.assertEqual(self.value(after, "jobtune_http_request_duration_seconds_bucket",
                                    le="1", **tail), 0)
        self.assertEqual(self.value(after, "jobtune_http_request_duration_seconds_bucket",
                                    le="2.5", **tail), 1)
        self.assertEqual(self.ai.violations, [])


if __name__ == "__main__":
    unittest.main()
