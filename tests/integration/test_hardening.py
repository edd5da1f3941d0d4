"""Findings of the adversarial probe (issue 13, item 2), one test each."""
import contextlib
import http.client
import json
import os
import re
import socket
import ssl
import struct
import subprocess
import tempfile
import time
import unittest

import tokens
import test_resumes as tr
from stack import (ROOT, SignedInStackTest, Stack, free_port, kill_quietly, nginx_t_production_site,
                   wait_until)


def fcgi_record(rtype, body, request_id=1):
    return struct.pack(">BBHHBB", 1, rtype, request_id, len(body), 0, 0) + body


class IdleFastCGIConnectionTest(unittest.TestCase):
    """A client that sends BEGIN_REQUEST and never finishes PARAMS must not
    hold a worker past JOBTUNE_REQUEST_TIMEOUT."""

    def setUp(self):
        self.stack = Stack(workers=2, request_timeout=2).start()

    def tearDown(self):
        self.stack.stop()

    def test_unfinished_params_record_is_killed_by_the_watchdog(self):
        before = set(self.stack.worker_pids())
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.stack.sock)
            begin = fcgi_record(1, struct.pack(">HB5x", 1, 0))  # RESPONDER
            # a PARAMS header announcing 200 bytes, then only 10 of them
            partial = struct.pack(">BBHHBB", 1, 4, 1, 200, 0, 0) + b"\x0e\x03REQUE"
            s.sendall(begin + partial)
            t0 = time.monotonic()

            def killed():
                return [l for l in self.stack.log_lines()
                        if l.get("msg") == "request timeout, worker killed"]
            wait_until(lambda: killed(), timeout=2 + 5, what="watchdog kill")
            elapsed = time.monotonic() - t0
            line = killed()[0]
            self.assertIn(line["worker"], before)
            self.assertEqual(line["route"], "(reading request)")
            self.assertGreaterEqual(line["elapsed_ms"], 2000)
            self.assertLess(elapsed, 7)
            wait_until(lambda: len(self.stack.worker_pids()) == self.stack.pool
                       and line["worker"] not in self.stack.worker_pids(), what="replacement")
            self.assertEqual(self.stack.get("/api/health").status, 200)
        finally:
            s.close()


class NginxErrorLogTest(unittest.TestCase):
    """The error log keeps no client address and no query string after a
    refused burst and a 404 (the dev server includes the same snippet as
    production, and logs at the same level, warn)."""

    def test_burst_and_404_leave_no_personal_data_in_the_error_log(self):
        stack = Stack(workers=1, support_rate="1r/m").start()
        try:
            client = "203.0.113.77"
            body = {"email": "burst@example.in", "subject": "Burst", "message": "again"}
            statuses = [stack.request("POST", "/api/support?email=burst%40example.in", body=body,
                                      client_ip=client).status for _ in range(10)]
            self.assertIn(429, statuses)
            r = stack.get("/nope?email=alice%40example.in", client_ip=client)
            self.assertEqual(r.status, 404)
            stack.get("/assets/nope.css?email=alice%40example.in", client_ip=client)
            with open(os.path.join(stack.nginx_state, "nginx-error.log")) as f:
                log = f.read()
            self.assertNotIn(client, log)
            self.assertNotIn("email=", log)
            self.assertNotIn("example.in", log)
        finally:
            stack.stop()


def production_site(d):
    """nginx/jobtune.conf (as built) made to run unprivileged in d: loopback
    ports instead of 80/443, logs in d, the tree's static pages."""
    http_port, https_port = free_port(), free_port()
    with open(os.path.join(ROOT, "nginx", "jobtune.conf")) as f:
        site = f.read()
    site = (site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
                .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
                .replace("/var/log/nginx", d))
    site = re.sub(r"\n\s*listen \[::\]:[0-9]+[^;]*;", "", site)
    site = re.sub(r"root [^;]*/www;", f"root {ROOT}/nginx/www;", site)
    snippets = {}
    for name in ("jobtune-common.conf", "jobtune-headers.conf", "jobtune-api.conf"):
        with open(os.path.join(ROOT, "nginx", name)) as f:
            snippets[name] = f.read()
    return site, snippets, http_port, https_port


@contextlib.contextmanager
def production_nginx(test):
    """nginx serving production_site() from a temporary directory, after
    `nginx -t` passed on it and once its HTTPS port accepts; yields (site
    text, http port, https port) and stops nginx afterwards."""
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        site, snippets, http_port, https_port = production_site(d)
        p = nginx_t_production_site(d, site, snippets)
        test.assertEqual(p.returncode, 0, p.stderr)
        nginx = subprocess.Popen(["nginx", "-c", f"{d}/nginx.conf", "-p", d, "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: socket.create_connection(("127.0.0.1", https_port), 0.2).close()
                       or True, what="nginx port")
            yield site, http_port, https_port
        finally:
            kill_quietly(nginx.pid, 15)
            nginx.wait(10)


class ProductionRedirectTest(unittest.TestCase):
    """Redirects name the configured server, whatever the Host header says."""

    def test_host_header_is_not_reflected_in_redirects(self):
        with production_nginx(self) as (_, http_port, https_port):
            c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            c.request("GET", "/support?x=1", headers={"Host": "evil.example"})
            r = c.getresponse()
            self.assertEqual(r.status, 301)
            self.assertEqual(r.getheader("Location"), "https://jobtune.example/support?x=1")
            # nginx's own redirect: a directory without its slash
            ctx = ssl.create_default_context()
            ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
            c = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10, context=ctx)
            c.request("GET", "/assets", headers={"Host": "evil.example"})
            r = c.getresponse()
            self.assertEqual(r.status, 301)
            self.assertNotIn("evil.example", r.getheader("Location"))
            self.assertTrue(r.getheader("Location").startswith("https://jobtune.example"),
                            r.getheader("Location"))


class ApiInputTest(tr.ResumeClient, SignedInStackTest):
    """Query strings, charsets and text fields a client controls."""
    key_id = "ins_test_hardening"
    stack_class = tr.AuthStack

    @classmethod
    def env_extra(cls):
        return {"CLERK_WEBHOOK_SECRET": tr.WEBHOOK_SECRET}

    def setUp(self):
        self.user = tokens.new_user_id()

    def test_a_nul_in_a_query_value_is_422(self):
        self.assertEqual(self.call("GET", "/api/resumes?limit=5", self.user).status, 200)
        for q in ("limit=5%00", "limit=%005", "cursor=%00"):
            r = self.call("GET", f"/api/resumes?{q}", self.user)
            self.assertEqual(r.status, 422, f"{q}: {r.text}")

    def test_charset_must_be_exactly_utf8(self):
        body = json.dumps({"basics": {"name": "Meera"}})
        for ct in ("application/json; charset=utf-8", "application/json; charset=UTF-8",
                   "application/json;charset=utf8", 'application/json; charset="utf-8"',
                   "application/json; charset=utf-8; foo=bar", "application/json",
                   "application/json; xcharset=latin1"):
            r = self.call("POST", tr.RESUMES, self.user, body=body, headers={"Content-Type": ct})
            self.assertEqual(r.status, 201, f"{ct}: {r.text}")
        for ct in ("application/json; charset=utf-8x", "application/json; charset=utf-16",
                   "application/json; charset=utf8mb4", 'application/json; charset="utf-8',
                   'application/json; charset="utf-8x"', "application/json; charset=latin1",
                   "application/json; xcharset=utf-8; charset=latin1",
                   "application/json; charset=utf-8 latin1"):
            r = self.call("POST", tr.RESUMES, self.user, body=body, headers={"Content-Type": ct})
            self.assertEqual(r.status, 415, f"{ct}: {r.text}")

    # ---- control and text-direction characters --------------------------------
    HIDDEN = ["Mallory\x1b[2J", "Mal\tlory", "Mal\nlory", "Mal\x00lory"[:3] + "\x01",
              "abc\u202etxt.exe", "a\u202ab", "a\u2066b", "a\u2069b"]

    def fields_of(self, r):
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(r.json()["error"]["code"], "validation_failed", r.text)
        return set(r.json()["error"].get("fields", {}))

    def test_support_form_rejects_hidden_characters_in_name_and_subject(self):
        ok = {"email": "ops@example.in", "name": "Meera", "subject": "Hello", "message": "x"}
        for bad in self.HIDDEN:
            for key in ("name", "subject"):
                r = self.stack.request("POST", "/api/support", body=dict(ok, **{key: bad}))
                self.assertEqual(self.fields_of(r), {key}, repr(bad))
        r = self.stack.request("POST", "/api/support", body=dict(ok, message="Line 1\r\n\tLine 2"))
        self.assertEqual(r.status, 201, r.text)
        r = self.stack.request("POST", "/api/support", body=dict(ok, message="a\x07b"))
        self.assertEqual(self.fields_of(r), {"message"})
        # the HTML form, form-encoded, is held to the same rule
        r = self.stack.post_form("/api/support", dict(ok, name="a\u202eb"),
                                 headers={"Accept": "application/json"})
        self.assertEqual(self.fields_of(r), {"name"})

    def test_patch_me_rejects_hidden_characters_in_the_name(self):
        for bad in self.HIDDEN:
            r = self.call("PATCH", "/api/me", self.user, body={"name": bad})
            self.assertEqual(self.fields_of(r), {"name"}, repr(bad))
        r = self.call("PATCH", "/api/me", self.user, body={"name": "Meera \u0905\u092f\u094d\u092f\u0930"})
        self.assertEqual(r.status, 200, r.text)

    def test_resume_rejects_hidden_characters_in_names_and_titles(self):
        cases = [({"basics": {"name": "a\u202eb"}}, "basics.name"),
                 ({"basics": {"label": "Dev\x1b[0m"}}, "basics.label"),
                 ({"work": [{"name": "Acme", "position": "Lead\u2066x"}]}, "work[0].position"),
                 ({"awards": [{"title": "Best\nEver"}]}, "awards[0].title"),
                 ({"projects": [{"name": "p\tq"}]}, "projects[0].name"),
                 ({"skills": [{"name": "Go", "keywords": ["a\u2069"]}]}, "skills[0].keywords[0]"),
                 ({"basics": {"summary": "a\x01b"}}, "basics.summary")]
        for doc, path in cases:
            r = self.call("POST", tr.RESUMES, self.user, body=doc)
            self.assertEqual(self.fields_of(r), {path}, r.text)
        r = self.call("POST", tr.RESUMES, self.user, body={
            "basics": {"name": "\u05e9\u05dc\u05d5\u05dd Meera", "summary": "One.\n\tTwo.\r\n"}})
        self.assertEqual(r.status, 201, r.text)


if __name__ == "__main__":
    unittest.main()
