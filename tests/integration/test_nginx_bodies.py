"""nginx never writes a request body to disk (issue 18, item 6).

Every route of the route table (src/routes/table.c, read here) that takes
a body gets one just under its limit and one just over it, with a
Content-Length (and chunked: refused with 411 before it is read); trailing-slash and unknown paths under /api/
get chunked bodies of megabytes.  After every request the test checks
that nginx's client_body_temp_path stayed empty and its mtime unchanged
(a temporary file created and deleted within the request still changes
it), and that the error log gained no line with the client's address:
a body within its limit stays in memory, one over it is refused with the
contract's 413, and an unknown path is the contract's 404 from nginx,
whose body is discarded as it arrives and never reaches a worker.
"""
import json
import os
import re
import socket
import unittest

import tokens
from stack import ROOT, SignedInStackTest, wait_until

CLIENT = "198.51.100.23"   # the client address nginx sees (X-Forwarded-For from loopback)
ID = "0123456789abcdef01234567"
CTYPE = {"BODY_JSON": "application/json", "BODY_JSON_RESUME": "application/json",
         "BODY_FORM_OR_JSON": "application/json", "BODY_RAW": "application/octet-stream"}
NGINX_LIMIT = 256 * 1024   # client_max_body_size outside the answers' location


def body_routes():
    """(method, pattern, body kind, limit in bytes) of every route that
    takes a body, as table.c declares them."""
    with open(os.path.join(ROOT, "src", "routes", "table.c")) as f:
        text = f.read()
    out = []
    for m in re.finditer(r'\{"(\w+)",\s*"([^"]+)",\s*\w+,\s*(AUTH_\w+),\s*(BODY_\w+),\s*([^,]+),',
                         text):
        method, pattern, _auth, body, limit = m.groups()
        if body != "BODY_NONE":
            out.append((method, pattern, body,
                        eval(limit, {"KiB": 1024, "MiB": 1024 * 1024})))  # noqa: S307 - the table's own arithmetic
    return out


def path_of(pattern):
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1) == "n" else ID, pattern)


def chunked(data, size=65536):
    out = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
           for i in range(0, len(data), size)]
    return b"".join(out) + b"0\r\n\r\n"


class NginxBodiesTest(SignedInStackTest):
    @classmethod
    def env_extra(cls):
        cls.staff = tokens.new_user_id()
        return {"JOBTUNE_ADMIN_USER_IDS": cls.staff}

    def setUp(self):
        self.temp = os.path.join(self.stack.nginx_state, "client_body")
        self.errlog = os.path.join(self.stack.nginx_state, "nginx-error.log")
        self.temp_mtime = os.stat(self.temp).st_mtime_ns
        self.log_size = os.path.getsize(self.errlog)

    def send(self, method, path, data, ctype, chunk=False, signed_in=True):
        """One request on its own connection: (status, body).  The body is
        sent even when nginx has already answered (a refused
        Content-Length), as a client that does not wait would."""
        head = (f"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                f"X-Forwarded-For: {CLIENT}\r\nContent-Type: {ctype}\r\n")
        if signed_in:
            head += f"Authorization: Bearer {tokens.rs256(self.key, tokens.claims(self.staff))}\r\n"
        head += "Transfer-Encoding: chunked\r\n" if chunk else f"Content-Length: {len(data)}\r\n"
        s = socket.create_connection(("127.0.0.1", self.stack.http_port), 30)
        try:
            s.sendall(head.encode() + b"\r\n")
            try:
                s.sendall(chunked(data) if chunk else data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer = b""
            while True:
                try:
                    got = s.recv(65536)
                except ConnectionResetError:
                    break
                if not got:
                    break
                answer += got
        finally:
            s.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 "), answer[:200])
        if b"transfer-encoding: chunked" in head.lower():
            plain, rest = b"", body
            while rest:
                size, _, rest = rest.partition(b"\r\n")
                n = int(size, 16)
                if n == 0:
                    break
                plain, rest = plain + rest[:n], rest[n + 2:]
            body = plain
        return int(head.split()[1]), body

    def assert_nothing_spilled_or_logged(self, what):
        """client_body/ untouched, and no error log line with the client's
        address."""
        mtime, self.temp_mtime = self.temp_mtime, os.stat(self.temp).st_mtime_ns
        self.assertEqual(os.listdir(self.temp), [], what)
        self.assertEqual(self.temp_mtime, mtime, f"{what}: a file was created in client_body/")
        with open(self.errlog) as f:
            f.seek(self.log_size)
            added = f.read().splitlines()
        self.log_size = os.path.getsize(self.errlog)
        for line in added:
            self.assertNotIn(CLIENT, line, what)
            self.assertNotIn("127.0.0.1", line, what)

    def assert_error(self, status, body, want_status, code, what):
        self.assertEqual(status, want_status, f"{what}: {body[:200]}")
        self.assertEqual(json.loads(body)["error"]["code"], code, what)

    def worker_saw(self, pattern):
        return sum(1 for l in self.stack.log_lines() if l.get("route") == pattern)

    def test_every_body_route_keeps_its_body_in_memory_or_refuses_it(self):
        routes = body_routes()
        self.assertGreaterEqual(len(routes), 12)
        for method, pattern, kind, limit in routes:
            path, ctype = path_of(pattern), CTYPE[kind]
            for size, chunk in ((limit - 1, False), (limit + 1, False), (limit - 1, True),
                                (limit + 1, True)):
                what = f"{method} {pattern} {size} bytes{' chunked' if chunk else ''}"
                with self.subTest(what):
                    before = self.worker_saw(pattern)
                    status, body = self.send(method, path, b"x" * size, ctype, chunk)
                    if chunk:
                        # no length: refused before it is read, whatever its size
                        self.assert_error(status, body, 411, "length_required", what)
                        self.assertEqual(self.worker_saw(pattern), before, what)
                    elif size < limit:
                        # within the limit: handed to the worker, whatever it answers
                        self.assertNotEqual(status, 413, f"{what}: {body[:200]}")
                        wait_until(lambda: self.worker_saw(pattern) > before, what=what)
                    else:
                        self.assert_error(status, body, 413, "payload_too_large", what)
                    self.assert_nothing_spilled_or_logged(what)

    def test_unknown_api_paths_are_refused_before_the_body(self):
        answers = f"/api/interviews/{ID}/answers"
        def requests_served():
            # the access log's lines (a worker recycled or the scheduler
            # may log other lines meanwhile)
            return [l for l in self.stack.log_lines() if "status" in l and "route" in l]
        before = len(requests_served())
        for method, path, ctype in (("POST", answers + "/", "audio/wav"),
                                    ("POST", f"/api/resumes/{ID}/", "application/json"),
                                    ("POST", "/api/resumes/", "application/json"),
                                    ("PUT", "/api/nope", "application/json"),
                                    ("POST", "/api/", "application/octet-stream"),
                                    ("PATCH", f"/api/admin/tickets/{ID}/x", "application/json")):
            # chunked: 3 MiB; with a Content-Length, under the 256 KiB
            # that every path is refused above (413) before anything else
            for chunk, size in ((True, 3 * 1024 * 1024), (False, NGINX_LIMIT - 1)):
                what = f"{method} {path}{' chunked' if chunk else ''}"
                with self.subTest(what):
                    status, body = self.send(method, path, b"\x01" * size, ctype, chunk)
                    self.assert_error(status, body, 404, "not_found", what)
                    self.assert_nothing_spilled_or_logged(what)
        # nginx answered them all: no worker saw one
        self.assertEqual(len(requests_served()), before)

    def test_every_route_of_the_table_reaches_the_workers(self):
        """The location that lists the table's paths lists every one of them."""
        with open(os.path.join(ROOT, "src", "routes", "table.c")) as f:
            routes = re.findall(r'\{"(\w+)",\s*"([^"]+)"', f.read())
        self.assertGreaterEqual(len(routes), 30)
        for method, pattern in routes:
            with self.subTest(f"{method} {pattern}"):
                before = self.worker_saw(pattern)
                status, _ = self.send(method, path_of(pattern), b"", "application/json",
                                      signed_in=False)
                wait_until(lambda: self.worker_saw(pattern) > before,
                           what=f"{method} {pattern} in the worker's log (got {status})")


if __name__ == "__main__":
    unittest.main()
