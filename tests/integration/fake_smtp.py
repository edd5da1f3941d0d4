"""A local SMTP relay for the tests (RFC 5321, the part a client that
sends one message uses): EHLO/HELO, AUTH PLAIN (checked against the
username and password it was given, when given), MAIL, RCPT, DATA (with
the dot-stuffing undone), RSET, NOOP, QUIT.  It offers no STARTTLS, so an
smtp:// client that asks for TLS only when offered (CURLUSESSL_TRY) goes
on in clear text, as it would with a relay on the same host.

    relay = FakeSmtp(username="u", password="p").start()
    relay.url                      # smtp://127.0.0.1:<port>
    relay.refuse = "550"           # answer RCPT with 550 (or "451": a
                                   # temporary refusal) until set to None
    relay.stop(); relay.start()    # down, then up again on the same port
    relay.messages                 # [{"from", "to": [...], "data": bytes, "auth"}]
"""
import base64
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    relay = None  # set per server

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        relay, state = self.relay, {"from": None, "to": [], "auth": None}
        self.reply("220 fake-smtp ESMTP ready")
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb == "EHLO":
                self.wfile.write(b"250-fake-smtp\r\n250-8BITMIME\r\n250-AUTH PLAIN\r\n"
                                 b"250 SIZE 10485760\r\n")
            elif verb == "HELO":
                self.reply("250 fake-smtp")
            elif verb == "AUTH":
                parts = arg.split()
                if not parts or parts[0].upper() != "PLAIN":
                    self.reply("504 5.5.4 Unrecognized authentication type")
                    continue
                if len(parts) > 1:
                    blob = parts[1]
                else:
                    self.reply("334 ")
                    blob = self.rfile.readline().decode().strip()
                try:
                    _, user, password = base64.b64decode(blob).decode().split("\0")
                except ValueError:
                    self.reply("501 5.5.2 Cannot decode")
                    continue
                if relay.username is not None and (user, password) != (relay.username,
                                                                        relay.password):
                    self.reply("535 5.7.8 Authentication credentials invalid")
                    continue
                state["auth"] = user
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                if relay.username is not None and state["auth"] is None:
                    self.reply("530 5.7.0 Authentication required")
                    continue
                # the reverse path, without its parameters (SIZE=, BODY=)
                state["from"], state["to"] = arg.split(":", 1)[1].strip().split(" ")[0], []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                refuse = relay.refuse
                if refuse:
                    self.reply(f"{refuse} {'5.1.1 Mailbox refused' if refuse.startswith('5') else '4.3.0 Try again later'}")
                    continue
                state["to"].append(arg.split(":", 1)[1].strip().split(" ")[0])
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if not state["to"]:
                    self.reply("503 5.5.1 No recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    got = self.rfile.readline()
                    if not got or got == b".\r\n":
                        break
                    lines.append(got[1:] if got.startswith(b"..") else got)
                with relay.lock:
                    relay.messages.append({"from": state["from"], "to": list(state["to"]),
                                           "data": b"".join(lines), "auth": state["auth"]})
                self.reply("250 2.0.0 Ok: queued")
            elif verb == "RSET":
                state["from"], state["to"] = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeSmtp:
    def __init__(self, username=None, password=None):
        self.username, self.password = username, password
        self.refuse = None
        self.messages = []
        self.lock = threading.Lock()
        self.server = None
        self.port = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        handler = type("Handler", (_Handler,), {"relay": self})
        self.server = _Server(("127.0.0.1", self.port or 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, name="fake-smtp", daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def is_down(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.5).close()
            return False
        except OSError:
            return True
