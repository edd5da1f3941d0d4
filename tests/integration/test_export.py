"""GET /api/me/export through nginx: every record of the signed-in user,
streamed (chunked), as JSON or as a ZIP with each resume as a PDF; nothing
of anyone else; the processing record (which sub-processor got what kind
of data, never the data) written once per request; tickets found through
their refs, by user id and by the account's email in any case; and an
erasure that takes the refs and the processing record with it."""
import http.client
import io
import json
import os
import signal
import struct
import subprocess
import tempfile
import time
import unittest
import zipfile
import zlib

import tokens
from fake_openai import FakeOpenAI
from stack import wait_until
from test_auth import AuthStack
from test_resumes import WEBHOOK_SECRET
from test_tailor import JD, RESUME
from test_webhooks import new_id, sign, user_event
from tokens import ISSUER, ORIGIN

EXPORT = "/api/me/export"
A_EMAIL = "Alice.Export@Example.com"
B_EMAIL = "bob.private@example.org"
B_TEXT = "Bobsecretword Quuxington"
A_OTHER_TEXT = "Zanzibar logistics overhaul"


def read_front_to_back(data):
    """{name: bytes} of a ZIP read from its local headers alone (APPNOTE
    4.3.7, 4.3.9), checking each member's CRC-32 and sizes: a deflated
    member with general purpose bit 3 ends where its deflate stream ends,
    and its data descriptor follows."""
    members, pos = {}, 0
    while data[pos:pos + 4] == b"PK\x03\x04":
        (_, flags, method, _, _, crc, csize, usize, nlen, xlen) = struct.unpack(
            "<HHHHHIIIHH", data[pos + 4:pos + 30])
        name = data[pos + 30:pos + 30 + nlen].decode()
        pos += 30 + nlen + xlen
        if flags & 0x08:
            assert method == 8, (name, method)
            z = zlib.decompressobj(-15)
            body = z.decompress(data[pos:])
            assert z.eof, name
            used = len(data) - pos - len(z.unused_data)
            sig, crc, csize, usize = struct.unpack("<IIII", data[pos + used:pos + used + 16])
            assert sig == 0x08074B50, name
            assert csize == used, name
            pos += used + 16
        else:
            assert method == 0, (name, method)
            body = data[pos:pos + csize]
            pos += csize
        assert (len(body), zlib.crc32(body)) == (usize, crc), name
        members[name] = body
    assert data[pos:pos + 4] == b"PK\x01\x02", "the central directory follows the members"
    return members


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_export")
        cls.ai = FakeOpenAI().start()
        # a short request timeout and a fast scheduler: an erasure's second
        # pass (which removes the tickets' refs) comes 10 s after the first
        cls.stack = AuthStack(workers=2, request_timeout=5, env={
            "CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
            "CLERK_AUTHORIZED_PARTIES": ORIGIN, "CLERK_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "OPENAI_API_KEY": cls.ai.api_key, "OPENAI_BASE_URL": cls.ai.base_url,
            "OPENAI_MODEL": cls.ai.model, "JOBTUNE_SCHEDULER_PERIOD": "1"})
        try:
            cls.stack.start()
            cls.db = cls.stack.db()
            cls.seed()
        except BaseException:
            cls.stack.stop()
            cls.ai.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()
        cls.ai.stop()

    # ---- helpers --------------------------------------------------------------
    @classmethod
    def call(cls, method, path, user, body=None, headers=None):
        h = dict(headers or {})
        if user is not None:
            h["Authorization"] = "Bearer " + tokens.rs256(cls.key, tokens.claims(user))
        return cls.stack.request(method, path, body=body, headers=h)

    @classmethod
    def ok(cls, r, status=201):
        if r.status != status:
            raise AssertionError(f"{r.status}: {r.text}")
        return r.json() if r.body else None

    @classmethod
    def deliver(cls, event):
        body = json.dumps(event).encode()
        msg, ts = new_id("msg"), str(int(time.time()))
        r = cls.stack.request("POST", "/api/webhooks/clerk", body=body, headers={
            "Content-Type": "application/json", "svix-id": msg, "svix-timestamp": ts,
            "svix-signature": sign(WEBHOOK_SECRET, msg, ts, body)})
        if r.status != 200:
            raise AssertionError(r.text)

    @classmethod
    def ticket(cls, user, email, subject="Question", message="Hello", form=False):
        fields = {"email": email, "subject": subject, "message": message}
        h = {"Accept": "application/json"}
        if user is not None:
            h["Authorization"] = "Bearer " + tokens.rs256(cls.key, tokens.claims(user))
        if form:
            r = cls.stack.post_form("/api/support", fields, headers=h)
        else:
            r = cls.stack.request("POST", "/api/support", body=fields, headers=h)
        return cls.ok(r)["ticket"]

    @classmethod
    def processing_slots(cls, user):
        return [d for d in cls.db["processing"].find({}) if d["_id"].startswith(user + ":")]

    @classmethod
    def seed(cls):
        cls.alice, cls.bob = tokens.new_user_id(), tokens.new_user_id()
        cls.deliver(user_event("user.created", cls.alice, email=A_EMAIL, first="Alice"))
        cls.deliver(user_event("user.created", cls.bob, email=B_EMAIL, first="Bob"))
        # alice: two resumes, a tailoring, an interview with a typed answer and a report
        cls.a_resumes = [cls.ok(cls.call("POST", "/api/resumes", cls.alice, RESUME))["id"]]
        other = json.loads(json.dumps(RESUME))
        other["basics"]["summary"] = A_OTHER_TEXT
        cls.a_resumes.append(cls.ok(cls.call("POST", "/api/resumes", cls.alice, other))["id"])
        cls.slots_before_tailor = len(cls.processing_slots(cls.alice))
        cls.a_tailoring = cls.ok(cls.call("POST", f"/api/resumes/{cls.a_resumes[0]}/tailor",
                                          cls.alice, {"jobDescription": JD}))["id"]
        cls.slots_after_tailor = cls.processing_slots(cls.alice)
        iv = cls.ok(cls.call("POST", "/api/interviews", cls.alice,
                             {"role": "Backend engineer", "questionCount": 3}))
        cls.a_interview = iv["id"]
        cls.ok(cls.call("POST", f"/api/interviews/{iv['id']}/answers", cls.alice,
                        {"text": "I shipped the Kestrel migration."}))
        cls.ok(cls.call("POST", f"/api/interviews/{iv['id']}/finish", cls.alice), 200)
        cls.ai_requests_of_alice = 4  # tailor, question 1, question 2 (after the answer), report
        # alice's tickets: signed in with another address, signed out from her
        # address in another case (form and JSON), and a deletion request
        cls.a_tickets = {
            cls.ticket(cls.alice, "alice.elsewhere@example.net", message="Signed in"),
            cls.ticket(None, A_EMAIL.upper(), message="Form, shouting", form=True),
            cls.ticket(None, A_EMAIL.lower(), subject="Data Deletion Request",
                       message="Please delete"),
        }
        # bob: a resume, a tailoring, a ticket
        b_resume = json.loads(json.dumps(RESUME))
        b_resume["basics"]["name"] = "Bob Quuxington"
        b_resume["basics"]["email"] = B_EMAIL
        b_resume["basics"]["summary"] = B_TEXT
        cls.b_resume = cls.ok(cls.call("POST", "/api/resumes", cls.bob, b_resume))["id"]
        cls.b_tailoring = cls.ok(cls.call("POST", f"/api/resumes/{cls.b_resume}/tailor",
                                          cls.bob, {"jobDescription": JD}))["id"]
        cls.b_ticket = cls.ticket(cls.bob, B_EMAIL, message=B_TEXT)

    def export(self, user, query=""):
        r = self.call("GET", EXPORT + query, user)
        self.assertEqual(r.status, 200, r.text)
        return r

    # ---- the JSON export -----------------------------------------------------------
    def test_export_has_every_record_of_the_user(self):
        r = self.export(self.alice)
        self.assertEqual(r.header("transfer-encoding"), "chunked")
        self.assertIsNone(r.header("content-length"))
        self.assertRegex(r.header("content-disposition"),
                         r'^attachment; filename="jobtune-export-\d{4}-\d{2}-\d{2}\.json"$')
        doc = r.json()
        self.assertEqual(doc["userId"], self.alice)
        self.assertEqual(doc["account"]["_id"], self.alice)
        self.assertEqual(doc["account"]["email"], A_EMAIL)
        self.assertIn("history", doc["account"]["consent"])
        self.assertEqual({x["id"] for x in doc["resumes"]}, set(self.a_resumes))
        for x in doc["resumes"]:
            self.assertEqual(x["userId"], self.alice)
            self.assertEqual(x["resume"]["basics"]["name"], RESUME["basics"]["name"])
            json_resume = dict(x["jsonResume"])
            meta = json_resume.pop("meta")
            self.assertEqual(json_resume, x["resume"])
            self.assertEqual(meta["version"], str(x["version"]))  # JSON Resume: text
        self.assertIn(A_OTHER_TEXT, r.text)
        self.assertEqual([t["_id"] for t in doc["tailorings"]], [self.a_tailoring])
        self.assertEqual(doc["tailorings"][0]["jobDescription"], JD)
        self.assertEqual(len(doc["interviews"]), 1)
        iv = doc["interviews"][0]
        self.assertEqual(iv["id"], self.a_interview)
        self.assertEqual(iv["status"], "completed")
        self.assertEqual(iv["questions"][0]["answer"]["text"], "I shipped the Kestrel migration.")
        self.assertIn("overallScore", iv["report"])
        self.assertEqual({t["_id"] for t in doc["tickets"]}, self.a_tickets)
        self.assertEqual(len(doc["privacyRequests"]), 1)
        pr = doc["privacyRequests"][0]
        self.assertIn(pr["ticket"], self.a_tickets)
        self.assertEqual((pr["type"], pr["status"]), ("deletion", "open"))
        entries = [e for slot in doc["processing"] for e in slot["entries"]]
        self.assertEqual([(e["processor"], e["purpose"]) for e in entries],
                         [("openai", "resume tailoring"), ("openai", "interview questions"),
                          ("openai", "interview questions"), ("openai", "interview feedback")])

    def test_export_has_nothing_of_another_user(self):
        raw = self.export(self.alice).body
        for secret in (self.bob, B_EMAIL, B_TEXT, "Quuxington", self.b_resume,
                       self.b_tailoring, self.b_ticket):
            self.assertNotIn(secret.encode(), raw, secret)
        # and bob's export has none of alice's
        raw = self.export(self.bob).body
        for secret in [self.alice, A_EMAIL, A_EMAIL.lower(), A_OTHER_TEXT, self.a_tailoring,
                       self.a_interview] + self.a_resumes + sorted(self.a_tickets):
            self.assertNotIn(secret.encode(), raw, secret)

    def test_head_unknown_format_and_no_session(self):
        r = self.call("HEAD", EXPORT, self.alice)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        r = self.call("GET", EXPORT + "?format=csv", self.alice)
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(r.json()["error"]["code"], "validation_failed")
        self.assertIn("format", r.json()["error"]["fields"])
        self.assertEqual(self.call("GET", EXPORT, None).status, 401)

    # ---- the ZIP ---------------------------------------------------------------------
    def test_zip_holds_the_json_and_a_pdf_per_resume(self):
        r = self.export(self.alice, "?format=zip")
        self.assertEqual(r.header("transfer-encoding"), "chunked")
        self.assertEqual(r.header("content-type"), "application/zip")
        self.assertRegex(r.header("content-disposition"),
                         r'^attachment; filename="jobtune-export-\d{4}-\d{2}-\d{2}\.zip"$')
        z = zipfile.ZipFile(io.BytesIO(r.body))
        self.assertIsNone(z.testzip())
        names = set(z.namelist())
        # named as GET /api/resumes/{id}/pdf names them (person and title,
        # ASCII), the second of the same person and title made unique
        pdfs = {"Ana_Muller_Resume.pdf", "Ana_Muller_Resume-2.pdf"}
        self.assertEqual(names, {"export.json"} | pdfs)
        inside = json.loads(z.read("export.json"))
        plain = self.export(self.alice).json()
        inside.pop("exportedAt")
        plain.pop("exportedAt")
        self.assertEqual(inside, plain)
        with tempfile.TemporaryDirectory() as d:
            for name in pdfs:
                path = os.path.join(d, name)
                with open(path, "wb") as f:
                    f.write(z.read(name))
                text = subprocess.run(["pdftotext", path, "-"], check=True,
                                      capture_output=True, text=True).stdout
                self.assertIn("Acme Logistics", text)
        # a reader that goes front to back, never seeing the central
        # directory (Java's ZipInputStream, bsdtar), finds the same members
        self.assertEqual(read_front_to_back(r.body),
                         {n: z.read(n) for n in z.namelist()})
        # Info-ZIP's own checks of every header and CRC
        with tempfile.NamedTemporaryFile(suffix=".zip") as f:
            f.write(r.body)
            f.flush()
            t = subprocess.run(["unzip", "-t", f.name], capture_output=True, text=True)
            self.assertEqual(t.returncode, 0, t.stdout + t.stderr)
        # and no working folder: the archive is made as it is sent
        for d in ("/dev/shm", tempfile.gettempdir()):
            self.assertEqual([n for n in os.listdir(d) if n.startswith("jobtune-export-")], [])

    # ---- the processing record ---------------------------------------------------------
    def test_processing_entry_after_a_tailoring_has_no_content(self):
        self.assertEqual(len(self.slots_after_tailor), self.slots_before_tailor + 1)
        slot = self.slots_after_tailor[-1]
        self.assertEqual(slot["_id"], f"{self.alice}:{self.slots_before_tailor + 1}")
        self.assertEqual(len(slot["entries"]), 1)
        entry = slot["entries"][0]
        self.assertEqual(entry["processor"], "openai")
        self.assertEqual(entry["purpose"], "resume tailoring")
        self.assertEqual(entry["dataCategories"],
                         ["resume content without contact details", "job description"])
        text = json.dumps(slot, default=str)
        for content in (JD[:30], "Acme", RESUME["basics"]["name"], A_EMAIL, "Kestrel"):
            self.assertNotIn(content, text)

    def test_at_most_one_slot_per_request(self):
        slots = self.processing_slots(self.alice)
        self.assertEqual(len(slots), self.ai_requests_of_alice)
        self.assertEqual(sorted(d["_id"] for d in slots),
                         sorted(f"{self.alice}:{n}" for n in range(1, len(slots) + 1)))
        for d in slots:
            self.assertEqual(len(d["entries"]), 1)
        # requests that call no outside service write nothing
        self.export(self.alice)
        self.call("GET", "/api/resumes", self.alice)
        self.assertEqual(len(self.processing_slots(self.alice)), len(slots))

    # ---- refs and erasure -------------------------------------------------------------
    def test_refs_name_no_one_and_erasure_takes_them(self):
        carol = tokens.new_user_id()
        email = "carol.erase@example.com"
        self.deliver(user_event("user.created", carol, email=email))
        t1 = self.ticket(carol, "carol.other@example.com")
        t2 = self.ticket(None, email.upper())
        rid = self.ok(self.call("POST", "/api/resumes", carol, RESUME))["id"]
        self.ok(self.call("POST", f"/api/resumes/{rid}/tailor", carol, {"jobDescription": JD}))
        self.assertEqual(len(self.processing_slots(carol)), 1)
        refs = list(self.db["ticket_refs"].find({}))
        self.assertTrue(refs)
        raw = json.dumps(refs, default=str)
        for who in (carol, email, email.upper(), self.alice, A_EMAIL.lower()):
            self.assertNotIn(who, raw)
        before = self.db["ticket_refs"].count_documents({})
        self.deliver(user_event("user.deleted", carol))
        self.assertIsNone(self.db["tickets"].find_one({"_id": t1}))
        self.assertIsNone(self.db["tickets"].find_one({"_id": t2}))
        self.assertEqual(self.processing_slots(carol), [])
        # carol's refs: one under her id, two under her address (the signed-in
        # ticket's other address keeps its ref, which now leads nowhere); they
        # go with the erasure's second pass, once no request that began
        # before it can still add the ticket of a ref it wrote
        wait_until(lambda: self.db["ticket_refs"].count_documents({}) == before - 2,
                   timeout=30, what="the second pass removing the refs")
        self.assertEqual(self.db["ticket_refs"].count_documents({}), before - 2)
        # alice's tickets are untouched
        for t in self.a_tickets:
            self.assertIsNotNone(self.db["tickets"].find_one({"_id": t}))


def big_resume(i):
    """A JSON Resume document of about 150 KB (40 jobs, each with a long
    summary and highlights): a resume of a long career, near the top of
    what real accounts hold, whose PDF runs to many pages."""
    doc = json.loads(json.dumps(RESUME))
    doc["basics"]["label"] = f"Engineer {i}"
    words = ("migrated routed scaled measured shipped mentored rebuilt audited the billing "
             "search ingest pipeline latency budget across eleven services teams").split()
    text = lambda n, seed: " ".join(words[(seed * 7 + k * 3) % len(words)] for k in range(n))
    doc["work"] = [{"name": f"Company {i}-{j}", "position": "Senior Engineer",
                    "startDate": f"{1980 + j % 40}-01", "summary": text(250, j)[:1900],
                    "highlights": [text(30, j + k)[:190] for k in range(10)]}
                   for j in range(40)]
    return doc


class BigAccountStack:
    """A stack of the class's own (`stack_options`, `env_extra`) with one
    user of RESUMES long resumes (big_resume())."""

    RESUMES = 60
    stack_options = {}

    @classmethod
    def env_extra(cls):
        return {}

    @classmethod
    def setUpClass(cls):
        cls.key = tokens.Key(kid="ins_test_" + cls.__name__)
        env = {"CLERK_JWT_KEY": cls.key.public_pem(), "CLERK_ISSUER": ISSUER,
               "CLERK_AUTHORIZED_PARTIES": ORIGIN}
        env.update(cls.env_extra())
        cls.stack = AuthStack(workers=2, max_requests=0, env=env, **cls.stack_options).start()
        try:
            cls.user = tokens.new_user_id()
            for i in range(cls.RESUMES):
                r = cls.call("POST", "/api/resumes", cls.user, big_resume(i))
                assert r.status == 201, r.text
        except BaseException:
            cls.stack.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop()

    @classmethod
    def call(cls, method, path, user, body=None):
        return cls.stack.request(method, path, body=body, timeout=120, headers={
            "Authorization": "Bearer " + tokens.rs256(cls.key, tokens.claims(user))})


class CutOffExportTest(BigAccountStack, unittest.TestCase):
    """A streamed export that cannot finish must fail as a transfer: the
    client never gets a complete 200 with a terminating chunk.  The worker
    is killed mid-export (found through /api/status, after the first bytes
    arrived), and, in a stack of its own, the database dies mid-export."""

    @classmethod
    def open_export(cls, query):
        """The export's response, once its first body bytes arrived."""
        conn = http.client.HTTPConnection("127.0.0.1", cls.stack.http_port, timeout=60)
        conn.request("GET", EXPORT + query, headers={
            "Authorization": "Bearer " + tokens.rs256(cls.key, tokens.claims(cls.user))})
        resp = conn.getresponse()
        assert resp.status == 200, resp.status
        assert resp.getheader("transfer-encoding") == "chunked"
        first = resp.read(1)
        assert first, "no body"
        return conn, resp, first

    def exporting_worker(self):
        """The pid of the worker the scoreboard shows on the export."""
        workers = self.stack.request("GET", "/api/status", client_ip="127.0.0.1").json()["workers"]
        busy = [w["pid"] for w in workers if w.get("route") == EXPORT]
        self.assertEqual(len(busy), 1, f"the export is no longer running: {workers}")
        return busy[0]

    def assert_transfer_fails(self, resp, first):
        with self.assertRaises((http.client.IncompleteRead, ConnectionError)) as cm:
            got = first + resp.read()
            self.fail(f"a complete 200 of {len(got)} bytes")
        return cm.exception

    def killed_mid_export(self, query):
        conn, resp, first = self.open_export(query)
        try:
            pid = self.exporting_worker()
            os.kill(pid, signal.SIGKILL)
            self.assert_transfer_fails(resp, first)
        finally:
            conn.close()
        # the master replaces the worker
        wait_until(lambda: len(self.stack.worker_pids()) == self.stack.pool and
                   pid not in self.stack.worker_pids(), timeout=10, what="a new worker")

    def test_json_export_whose_worker_is_killed_fails(self):
        self.killed_mid_export("")

    def test_zip_export_whose_worker_is_killed_fails(self):
        self.killed_mid_export("?format=zip")

    def test_a_slow_client_never_puts_the_export_on_disk(self):
        """A client that reads slowly: nginx keeps what it cannot pass on in
        memory and the worker waits (fastcgi_max_temp_file_size 0), never
        spooling the account's data to fastcgi_temp; the reader still gets
        it whole."""
        temp = os.path.join(self.stack.nginx_state, "fastcgi")
        before = os.stat(temp).st_mtime_ns
        conn, resp, first = self.open_export("")
        try:
            time.sleep(2)  # the slow client: nginx's buffers fill meanwhile
            self.assertEqual(os.listdir(temp), [])
            body = first + resp.read()
        finally:
            conn.close()
        self.assertEqual(len(json.loads(body)["resumes"]), self.RESUMES)
        self.assertEqual(os.stat(temp).st_mtime_ns, before, "a file was made in fastcgi_temp")

    def test_a_whole_export_still_ends_cleanly(self):
        # the same account, not cut: both forms end with their last chunk
        r = self.call("GET", EXPORT, self.user)
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.json()["resumes"]), self.RESUMES)

    def test_zz_database_gone_mid_export_fails(self):
        # last in this class: it kills the stack's database
        conn, resp, first = self.open_export("")
        try:
            self.stack.ferret.kill()
            self.stack.ferret.wait(10)
            self.assert_transfer_fails(resp, first)
        finally:
            conn.close()
        wait_until(lambda: "the transfer is made to fail" in self.stack.log_text(),
                   timeout=10, what="the worker's own failure, logged")



class LongExportStack(BigAccountStack):
    """An export that keeps sending is not a hung worker: with a request
    timeout of 1 s, a ZIP of 30 long resumes (several seconds of PDFs) is
    answered whole, since the watchdog measures a streamed answer from its
    last piece; and JOBTUNE_STREAM_TIMEOUT bounds it in all (a stack of its
    own with 2 s: the same export is cut off, a failed transfer, and the
    master says why)."""

    RESUMES = 30
    stack_options = {"request_timeout": 1, "stream_timeout": 600}  # the default whole limit

    def kills(self, reason=None):
        return [l for l in self.stack.log_lines()
                if l.get("msg") == "request timeout, worker killed"
                and (reason is None or l.get("reason") == reason)]


class LongExportTest(LongExportStack, unittest.TestCase):
    def test_an_export_that_keeps_sending_outlives_the_request_timeout(self):
        t0 = time.monotonic()
        r = self.call("GET", EXPORT + "?format=zip", self.user)
        took = time.monotonic() - t0
        self.assertEqual(r.status, 200, r.text[:300])
        names = zipfile.ZipFile(io.BytesIO(r.body)).namelist()
        self.assertEqual(len([n for n in names if n.endswith(".pdf")]), self.RESUMES)
        # vacuous unless it ran past the 1 s request timeout
        self.assertGreater(took, 2.0, "the export was too quick to show anything")
        self.assertEqual(self.kills(), [])


class StreamLimitTest(LongExportStack, unittest.TestCase):
    stack_options = {"request_timeout": 1, "stream_timeout": 2}

    def test_the_whole_limit_cuts_a_long_export(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.stack.http_port, timeout=120)
        try:
            conn.request("GET", EXPORT + "?format=zip", headers={
                "Authorization": "Bearer " + tokens.rs256(self.key, tokens.claims(self.user))})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            with self.assertRaises((http.client.IncompleteRead, ConnectionError)):
                got = resp.read()
                self.fail(f"a complete 200 of {len(got)} bytes")
        finally:
            conn.close()
        wait_until(lambda: self.kills("a streamed answer past its whole limit"),
                   timeout=10, what="the master's reason, logged")


if __name__ == "__main__":
    unittest.main()
