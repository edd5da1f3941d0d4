"""systemd integration without systemd: jobtuned speaks sd_notify(3) to a
datagram socket named by NOTIFY_SOCKET, as systemd would hand it to a
Type=notify service.  READY=1 comes once workers accept, with a STATUS=
that counts them; a SIGHUP (ExecReload) is bracketed by RELOADING=1 and
READY=1; a stop begins with STOPPING=1; no child process ever notifies."""
import os
import signal
import socket
import tempfile
import time
import unittest

from stack import Stack, wait_until


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jobtune-notify-")
        self.path = os.path.join(self.tmp, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.addCleanup(self.sock.close)
        self.messages = []  # (pid, {key: value})

    def receive(self, until, timeout=30):
        """Collect messages until one satisfies until(fields); return it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.time()))
            try:
                data, anc, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(12))
            except socket.timeout:
                break
            pid = None
            for level, kind, value in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = int.from_bytes(value[:4], "little")
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            self.messages.append((pid, fields))
            if until(fields):
                return fields
        self.fail(f"no such message; got {self.messages}")

    def test_ready_status_reload_and_stop(self):
        stack = Stack(workers=2, env={"NOTIFY_SOCKET": self.path})
        self.addCleanup(stack.stop)
        stack.start()
        master = stack.jobtuned.pid
        ready = self.receive(lambda f: f.get("READY") == "1")
        n = stack.pool  # JOBTUNE_WORKERS and JOBTUNE_SLOW_WORKERS
        self.assertRegex(ready.get("STATUS", ""), rf"^[1-{n}] of {n} workers accepting \(generation 1\)")
        if not ready["STATUS"].startswith(f"{n} of {n}"):
            self.receive(lambda f: f.get("STATUS", "").startswith(f"{n} of {n} workers accepting"))
        self.assertEqual(stack.get("/api/health").status, 200)

        stack.signal_master(signal.SIGHUP)
        reloading = self.receive(lambda f: f.get("RELOADING") == "1")
        self.assertTrue(reloading.get("MONOTONIC_USEC", "").isdigit(), reloading)
        ready = self.receive(lambda f: f.get("READY") == "1")
        self.assertIn("generation 2", ready["STATUS"])  # generations count from 1
        self.assertEqual(stack.get("/api/health").status, 200)

        stack.signal_master(signal.SIGQUIT)
        self.receive(lambda f: f.get("STOPPING") == "1")
        wait_until(lambda: stack.jobtuned.poll() is not None, what="master exit")
        senders = {pid for pid, _ in self.messages}
        self.assertEqual(senders, {master}, "only the master notifies")
        # children never saw NOTIFY_SOCKET
        self.assertNotIn("cannot notify", stack.log_text())

    def test_without_notify_socket_nothing_changes(self):
        stack = Stack(workers=1)
        self.addCleanup(stack.stop)
        stack.start()
        self.assertEqual(stack.get("/api/health").status, 200)


if __name__ == "__main__":
    unittest.main()
