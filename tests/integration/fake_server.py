"""What the fake upstream servers (fake_clerk.py, fake_openai.py) share: a
ThreadingHTTPServer on a free loopback port, served from a background
thread, and a quiet request handler that answers JSON.

    class FakeThing(FakeServer):
        handler = _Handler          # a JsonHandler subclass
        handler_attr = "thing"      # the handler reaches the fake as self.thing
        thread_name = "fake-thing"

    thing = FakeThing().start()
    thing.url("/path")
    thing.stop()
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the test output is one line per test
        pass

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class FakeServer:
    handler = JsonHandler
    handler_attr = "fake"
    thread_name = "fake-server"
    server = None
    thread = None

    # ---- lifecycle ----------------------------------------------------------
    def start(self):
        handler = type("Handler", (self.handler,), {self.handler_attr: self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=self.thread_name,
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(10)
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self.server.server_address[1]

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"
