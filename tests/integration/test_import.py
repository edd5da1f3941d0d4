"""POST /api/resumes/import through the real stack (issue 19): a resume in
every format it takes (jobtuned's own PDF export, a Chromium-printed
two-column PDF, a Word file with a table, pasted text and Markdown, a
LinkedIn export ZIP, a hand-made JSON Resume) becomes a draft that
resume_check accepts, with the expected fields; the 413/415/422 answers;
nothing of the upload is stored (a marker scanned for in every file the
stack wrote, and in strace's record of every write of nginx and the
workers, which must show it only on sockets); with OpenAI configured, the
text it receives has no contacts, the contacts come back from the local
parse, and an invented value is listed as unverified."""
import importlib
import io
import json
import os
import sys
import unittest
import zipfile

import tokens
from stack import SignedInStackTest
from test_tailor import TailorStack

IMPORT = "/api/resumes/import"
CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "import")
sys.path.insert(0, os.path.join(os.path.dirname(CORPUS), "..", "..", "..", "scripts"))
bench_import = importlib.import_module("bench-import")   # its accuracy score
import_corpus = importlib.import_module("import-corpus")  # its Chromium printing
MARKER = "Zyxwvut Quokkaberg"   # the candidate's name: in every upload, never stored
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RESUME = {
    "basics": {"name": MARKER, "label": "Platform Engineer", "email": "zq@example.org",
               "phone": "+49 30 1234 5678", "location": {"city": "Berlin", "countryCode": "DE"}},
    "work": [{"name": "Initech GmbH", "position": "Senior Platform Engineer",
              "startDate": "2020-03", "highlights": ["Cut deploy time from 40 to 6 minutes"]},
             {"name": "Globex", "position": "Software Developer", "startDate": "2016-09",
              "endDate": "2020-02", "highlights": ["Built the billing service in Go"]}],
    "education": [{"institution": "Technische Universität Berlin", "studyType": "B.Sc.",
                   "area": "Computer Science", "startDate": "2012", "endDate": "2016"}],
    "skills": [{"name": "Go"}, {"name": "Kubernetes"}, {"name": "PostgreSQL"}],
}

TEXT = f"""{MARKER}
Platform Engineer
zq@example.org | +49 30 1234 5678 | Berlin, Germany

EXPERIENCE
Senior Platform Engineer | Initech GmbH | Mar 2020 - Present
- Cut deploy time from 40 to 6 minutes
Software Developer | Globex | 09/2016 - 02/2020
- Built the billing service in Go

EDUCATION
B.Sc. in Computer Science | Technische Universität Berlin | 2012 - 2016

SKILLS
Go, Kubernetes, PostgreSQL
"""

TWO_COLUMN_HTML = f"""<!doctype html><meta charset=utf-8><style>
body{{font:11pt sans-serif;display:flex;gap:24px}} .side{{width:30%}} .main{{width:70%}}
h1{{font-size:22pt}} h2{{font-size:14pt}}</style>
<div class=side><h1>{MARKER}</h1><p>Platform Engineer</p><h2>Contact</h2>
<p>zq@example.org</p><p>+49 30 1234 5678</p><p>Berlin, Germany</p>
<h2>Skills</h2><p>Go</p><p>Kubernetes</p><p>PostgreSQL</p></div>
<div class=main><h2>Experience</h2>
<p>Senior Platform Engineer — Initech GmbH</p><p>Mar 2020 – Present</p>
<ul><li>Cut deploy time from 40 to 6 minutes</li></ul>
<p>Software Developer — Globex</p><p>Sep 2016 – Feb 2020</p>
<ul><li>Built the billing service in Go</li></ul>
<h2>Education</h2><p>B.Sc. in Computer Science — Technische Universität Berlin</p>
<p>2012 – 2016</p></div>"""


def docx_bytes():
    """A Word file: heading styles, list paragraphs, and a table for a job."""
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def p(text, style=None):
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'

    def cell(text):
        return f"<w:tc>{p(text)}</w:tc>"

    body = "".join([
        p(MARKER, "Title"), p("Platform Engineer"),
        p("zq@example.org | +49 30 1234 5678 | Berlin, Germany"),
        p("Experience", "Heading1"),
        "<w:tbl><w:tr>" + cell("Senior Platform Engineer, Initech GmbH") +
        cell("Mar 2020 – Present") + "</w:tr></w:tbl>",
        p("Cut deploy time from 40 to 6 minutes", "ListParagraph"),
        p("Software Developer | Globex | Sep 2016 – Feb 2020"),
        p("Built the billing service in Go", "ListBullet"),
        p("Education", "Heading1"),
        p("B.Sc. in Computer Science | Technische Universität Berlin | 2012 – 2016"),
        p("Skills", "Heading1"), p("Go, Kubernetes, PostgreSQL"),
    ])
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", doc)
    return out.getvalue()


def linkedin_zip():
    files = {
        "Profile.csv": "First Name,Last Name,Headline,Summary,Geo Location\n"
                       "Zyxwvut,Quokkaberg,Platform Engineer,,\"Berlin, Germany\"\n",
        "Positions.csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
                         "Initech GmbH,Senior Platform Engineer,,Berlin,Mar 2020,\n"
                         "Globex,Software Developer,\"Built the billing service, in Go\",,"
                         "Sep 2016,Feb 2020\n",
        "Education.csv": "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
                         "Technische Universität Berlin,2012,2016,,B.Sc.,\n",
        "Skills.csv": "Name\nGo\nKubernetes\nPostgreSQL\n",
        "Email Addresses.csv": "Email Address,Confirmed,Primary,Updated On\n"
                               "old@example.org,Yes,No,\nzq@example.org,Yes,Yes,\n",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(f"Basic_LinkedInDataExport_01-01-2025/{name}", "\ufeff" + text)
    return out.getvalue()


def multipart(field, filename, ctype, data):
    b = "jobtuneboundary7"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\""
            f"\r\nContent-Type: {ctype}\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


class ImportClient:
    def upload(self, sub, data, ctype):
        return self.stack.request("POST", IMPORT, body=data,
                                  headers=dict(self.auth(sub), **{"Content-Type": ctype}))

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertEqual(r.json()["error"]["code"], code, r.text)
        return r.json()["error"]

    def assert_draft(self, body, what, skills=True, contacts=True, dates=True):
        r = body["resume"]
        self.assertEqual(r["basics"]["name"], MARKER, what)
        if contacts:
            self.assertEqual(r["basics"]["email"], "zq@example.org", what)
        work = {(w.get("position"), w.get("name")): w for w in r.get("work", [])}
        self.assertIn(("Senior Platform Engineer", "Initech GmbH"), work, f"{what}: {r}")
        self.assertIn(("Software Developer", "Globex"), work, f"{what}: {r}")
        if dates:
            self.assertEqual(work[("Senior Platform Engineer", "Initech GmbH")]["startDate"],
                             "2020-03", what)
            self.assertEqual(work[("Software Developer", "Globex")].get("endDate"), "2020-02",
                             what)
            self.assertEqual(r["education"][0]["institution"], "Technische Universität Berlin",
                             what)
        if skills:
            names = {s["name"] for s in r["skills"]} | {k for s in r["skills"]
                                                         for k in s.get("keywords", [])}
            self.assertLessEqual({"Go", "Kubernetes", "PostgreSQL"}, names, what)


class ImportTest(ImportClient, SignedInStackTest):
    stack_class = TailorStack

    @classmethod
    def env_extra(cls):
        return {"JOBTUNE_QUOTA_IMPORTS": "60"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.two_column = import_corpus.chromium(TWO_COLUMN_HTML)   # read by the octet-stream case
        except BaseException:
            cls.tearDownClass()
            raise

    def setUp(self):
        self.sub = tokens.new_user_id()

    def own_pdf(self):
        """jobtuned's own PDF export of RESUME (another user's, deleted after)."""
        auth = self.auth(tokens.new_user_id())
        resume = json.loads(json.dumps(RESUME).replace(MARKER, "Anna Own-Export"))
        r = self.stack.request("POST", "/api/resumes", body=resume, headers=auth)
        self.assertEqual(r.status, 201, r.text)
        rid = r.json()["id"]
        pdf = self.stack.request("GET", f"/api/resumes/{rid}/pdf", headers=auth)
        self.assertEqual(pdf.status, 200)
        self.stack.request("DELETE", f"/api/resumes/{rid}", headers=auth)
        return pdf.body

    def test_every_format_becomes_a_valid_draft(self):
        cases = [("text/plain", TEXT.encode(), "text"),
                 ("text/markdown", TEXT.replace("EXPERIENCE", "## Experience").encode(), "text"),
                 (DOCX, docx_bytes(), "docx"),
                 ("application/zip", linkedin_zip(), "linkedin")]
        for ctype, data, kind in cases:
            with self.subTest(ctype):
                r = self.upload(self.sub, data, ctype)
                self.assertEqual(r.status, 200, r.text)
                body = r.json()
                self.assertEqual(set(body), {"resume", "method", "source", "unplaced",
                                             "unverified", "warnings"})
                self.assertEqual((body["method"], body["source"]["type"]), ("local", kind))
                self.assert_draft(body, ctype)
                # the draft is what POST /api/resumes accepts
                # (under another name: the marker must never be stored)
                draft = json.loads(json.dumps(body["resume"]).replace(MARKER, "Saved Draft"))
                saved = self.stack.request("POST", "/api/resumes", body=draft,
                                           headers=self.auth(tokens.new_user_id()))
                self.assertEqual(saved.status, 201, saved.text)

    def test_own_pdf_export_reads_back(self):
        r = self.upload(self.sub, self.own_pdf(), "application/pdf")
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual(body["source"], {"type": "pdf", "pages": 1})
        body["resume"]["basics"]["name"] = MARKER if body["resume"]["basics"].get("name") == \
            "Anna Own-Export" else body["resume"]["basics"].get("name")
        # the dates drawn right-aligned beside each title come back with it
        self.assert_draft(body, "own PDF")

    def test_corpus_layouts(self):
        """Every file of the corpus (scripts/import-corpus.py: our own
        templates, Chromium's single, two-column and table layouts, Word,
        text, LinkedIn) gives the contacts, every job's company, title and
        dates, every school and every skill keyword of the JSON Resume it
        was made from: scripts/bench-import.py's score, all right."""
        with open(os.path.join(CORPUS, "corpus.json")) as f:
            corpus = json.load(f)
        self.assertGreaterEqual({e["file"] for e in corpus}, {
            "own-modern.pdf", "own-classic.pdf", "chromium-two-column.pdf",
            "chromium-table.pdf", "word.docx", "linkedin.zip", "text.txt"})
        for e in corpus:
            with self.subTest(e["file"]):
                with open(os.path.join(CORPUS, e["file"]), "rb") as f:
                    data = f.read()
                with open(os.path.join(CORPUS, e["source"])) as f:
                    source = json.load(f)
                r = self.upload(self.sub, data, bench_import.TYPES[os.path.splitext(e["file"])[1]])
                self.assertEqual(r.status, 200, r.text)
                wrong = [k for k, ok in bench_import.score(source, r.json()["resume"]) if not ok]
                self.assertEqual(wrong, [], f"{e['file']}: {r.json()['resume']}")

    def test_multipart_and_octet_stream(self):
        data, ctype = multipart("file", "cv.docx", DOCX, docx_bytes())
        r = self.upload(self.sub, data, ctype)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.json()["source"]["type"], "docx")
        r = self.upload(self.sub, self.two_column, "application/octet-stream")
        self.assertEqual((r.status, r.json()["source"]["type"]), (200, "pdf"), r.text)
        data, ctype = multipart("resume", "cv.txt", "text/plain", b"x")
        self.assert_error(self.upload(self.sub, data, ctype), 422, "validation_failed")

    def test_forgiving_json(self):
        doc = {"basics": {"name": MARKER, "location": {"countryCode": "Germany"},
                          "twitter": "@zq"},
               "work": [{"name": "Initech GmbH", "startDate": "March 2020",
                         "endDate": "Present"}], "hobbies": ["chess"]}
        r = self.upload(self.sub, json.dumps(doc).encode(), "application/json")
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual(body["resume"]["basics"]["location"]["countryCode"], "DE")
        self.assertEqual(body["resume"]["work"][0], {"name": "Initech GmbH",
                                                     "startDate": "2020-03"})
        paths = {w["path"] for w in body["warnings"]}
        self.assertLessEqual({"basics.location.countryCode", "basics.twitter", "hobbies",
                              "work[0].startDate", "work[0].endDate"}, paths)

    def test_refusals(self):
        # 415 names what is accepted
        err = self.assert_error(self.upload(self.sub, b"GIF89a", "image/gif"), 415,
                                "unsupported_media_type")
        self.assertIn("application/pdf", err["message"])
        # 413: over 10 MiB, refused by nginx before the worker
        big = self.upload(self.sub, b"x" * (10 * 1024 * 1024 + 1), "application/pdf")
        self.assertEqual(big.status, 413)
        # 422, each with a sentence a person understands
        for what, data, ctype in (
                ("broken pdf", b"%PDF-1.4 this is not a pdf", "application/pdf"),
                ("not a word file", b"PK\x03\x04 nope", DOCX),
                ("zip without linkedin", self.zip_of({"notes.txt": "hi"}), "application/zip"),
                ("empty", b"", "text/plain"),
                ("no text", b"   \n\n", "text/plain"),
                ("not json", b"[1, 2]", "application/json"),
                ("scan", self.scan_pdf(), "application/pdf")):
            with self.subTest(what):
                err = self.assert_error(self.upload(self.sub, data, ctype), 422,
                                        "validation_failed")
                self.assertIn("file", err["fields"])
        err = self.assert_error(self.upload(self.sub, self.scan_pdf(), "application/pdf"), 422,
                                "validation_failed")
        self.assertIn("scan", err["message"])

    @staticmethod
    def zip_of(files):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for k, v in files.items():
                z.writestr(k, v)
        return out.getvalue()

    @staticmethod
    def scan_pdf():
        """A page with a drawing and no text layer (what a scanner makes)."""
        content = b"0 0 1 rg 72 72 200 200 re f"
        objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
        out, offsets = b"%PDF-1.4\n", []
        for i, o in enumerate(objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objs) + 1, xref)
        return out

    # ---- nothing stored -----------------------------------------------------------------
    def test_the_upload_never_reaches_disk_database_or_logs(self):
        marker = MARKER.encode()

        def uploads():
            for ctype, data in (("text/plain", TEXT.encode()), (DOCX, docx_bytes())):
                r = self.upload(self.sub, data, ctype)
                self.assertEqual(r.status, 200, r.text)

        writes = self.stack.writes_with(marker, uploads)
        for path, _ in writes:
            self.assertTrue(path.startswith("socket:"), f"upload written to {path}")
        self.assertGreater(len(writes), 0)   # the capture works: it crossed the sockets
        for path, data in self.stack.files():
            self.assertNotIn(marker, data, path)
        # and no resume has it
        self.assertEqual(self.stack.db()["resumes"].count_documents(
            {"resume.basics.name": MARKER}), 0)


class ImportAITest(ImportClient, SignedInStackTest):
    stack_class = TailorStack
    fake_openai = True

    @classmethod
    def env_extra(cls):
        return {"OPENAI_TIMEOUT_MS": "1500"}

    def setUp(self):
        self.ai.reset()
        self.sub = tokens.new_user_id()

    def test_ai_sees_no_contacts_and_its_inventions_are_unverified(self):
        self.ai.reset("fabricate")
        r = self.upload(self.sub, TEXT.encode(), "text/plain")
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual(body["method"], "ai")
        sent = json.dumps(self.ai.requests[-1])
        for secret in (MARKER, "zq@example.org", "+49 30 1234 5678"):
            self.assertNotIn(secret, sent)
        self.assertFalse(self.ai.requests[-1].get("store"))
        # contacts nobody parsed, further down the file, leave neither
        referees = (TEXT + "\nREFERENCES\nAda Ref, ada.ref@example.net, +1 (415) 555-0142, "
                    "https://ada.example/ref\n")
        r2 = self.upload(self.sub, referees.encode(), "text/plain")
        self.assertEqual(r2.status, 200, r2.text)
        sent = json.dumps(self.ai.requests[-1])
        for secret in ("ada.ref@example.net", "555-0142", "ada.example/ref"):
            self.assertNotIn(secret, sent)
        # contacts from the local parse, skills from the model
        self.assertEqual(body["resume"]["basics"]["name"], MARKER)
        self.assertEqual(body["resume"]["basics"]["email"], "zq@example.org")
        names = [s["name"] for s in body["resume"]["skills"]]
        self.assertIn("Go", names)
        invented = f"skills[{names.index('Mainframe Wizardry')}].name"
        self.assertEqual(body["unverified"], [invented])
        # the processing record names OpenAI
        r = self.stack.request("GET", "/api/me/export", headers=self.auth(self.sub))
        self.assertIn("resume import", r.text)

    def test_openai_failing_gives_the_local_draft(self):
        self.ai.reset("500")
        r = self.upload(self.sub, TEXT.encode(), "text/plain")
        self.assertEqual(r.status, 200, r.text)
        body = r.json()
        self.assertEqual(body["method"], "local")
        self.assertTrue(any("without AI" in w["message"] for w in body["warnings"]))
        self.assert_draft(body, "fallback")


if __name__ == "__main__":
    unittest.main()
