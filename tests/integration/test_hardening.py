"""Findings of the adversarial probe (issue 13, item 2), one test each."""
import socket
import struct
import time
import unittest

from stack import Stack, wait_until


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
            wait_until(lambda: len(self.stack.worker_pids()) == 2
                       and line["worker"] not in self.stack.worker_pids(), what="replacement")
            self.assertEqual(self.stack.get("/api/health").status, 200)
        finally:
            s.close()


if __name__ == "__main__":
    unittest.main()
