"""Each resume its own shape: meta.jobtune through nginx.

A resume keeps how it prints in its document's meta.jobtune (title,
sections, template, font, paper).  Checked here: it round-trips through
POST, GET, PUT, the JSON Resume export (which still validates against the
official schema of the npm package resume-schema) and the data export;
the title (given, else "name — label") is the list's and the PDF's; the
sections print in the order given and the others not at all (pdftotext);
the look is the PDF's unless the query says otherwise, the export ZIP's
too; PDFs are named after the person and the title (Content-Disposition
with an ASCII filename= and a UTF-8 filename*=); POST
/api/resumes/{id}/duplicate makes a copy titled "... (copy)", within the
quota (409 past it), and another user's resume is 404."""
import io
import json
import os
import re
import subprocess
import tarfile
import urllib.parse
import zipfile

import jsonschema

from stack import ARTIFACTS, SignedInStackTest
from test_pdf import HEADINGS, flat, pdfinfo, poppler, three_pages
from test_tailor import JD, RESUME as TAILOR_RESUME

QUOTA = 4
ALL_SECTIONS = ["summary", "work", "projects", "education", "skills", "certificates", "awards",
                "publications", "volunteer", "languages", "interests", "references"]
HEADING_OF = dict(zip(ALL_SECTIONS, HEADINGS))
JOSE = "José Álvarez-Núñez"


def official_schema():
    """schema.json of the npm package resume-schema, fetched now with `npm
    pack` into tests/artifacts (as test_resumes.npm_sample_resume does)."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    out = subprocess.run(["npm", "pack", "resume-schema", "--pack-destination", ARTIFACTS],
                         check=True, capture_output=True, text=True, timeout=120)
    with tarfile.open(os.path.join(ARTIFACTS, out.stdout.strip().splitlines()[-1])) as t:
        return json.loads(t.extractfile("package/schema.json").read())


def headings_in_order(pdf):
    """The section headings of a PDF's text, in reading order (any case: a
    template may set them in capitals)."""
    text = flat(poppler("pdftotext", "-enc", "UTF-8", data=pdf)).upper()
    found = [(text.find(f" {h.upper()} "), h) for h in HEADINGS if f" {h.upper()} " in text]
    return [h for _, h in sorted(found)]


class ResumeShapeTest(SignedInStackTest):
    workers = 2
    fake_openai = True  # a tailoring, for its PDF

    @classmethod
    def env_extra(cls):
        return {"JOBTUNE_QUOTA_RESUMES": str(QUOTA)}

    def call(self, method, path, user, body=None, headers=None):
        return self.stack.request(method, path, body=body,
                                  headers=dict(self.auth(user), **(headers or {})))

    def create(self, user, doc):
        r = self.call("POST", "/api/resumes", user, body=doc)
        self.assertEqual(r.status, 201, r.text)
        return r.json()

    def clear(self, user):
        for item in self.call("GET", "/api/resumes?limit=100", user).json()["items"]:
            self.call("DELETE", f"/api/resumes/{item['id']}", user)

    # ---- meta.jobtune ------------------------------------------------------------
    def test_meta_round_trips_and_exports_as_json_resume(self):
        user = "user_shape_meta"
        doc = three_pages()
        doc["meta"] = {"version": "v1", "jobtune": {
            "title": "Platform roles", "sections": ["skills", "work", "education"],
            "template": "classic", "font": "noto-serif", "paper": "letter"}}
        made = self.create(user, doc)
        self.assertEqual((made["title"], made["resume"]), ("Platform roles", doc))
        rid = made["id"]
        r = self.call("GET", f"/api/resumes/{rid}", user)
        self.assertEqual(r.json()["resume"], doc)
        doc["meta"]["jobtune"]["title"] = "Staff roles"
        r = self.call("PUT", f"/api/resumes/{rid}", user, body=doc, headers={"If-Match": '"1"'})
        self.assertEqual((r.status, r.json()["title"]), (200, "Staff roles"), r.text)
        items = self.call("GET", "/api/resumes", user).json()["items"]
        self.assertEqual([i["title"] for i in items], ["Staff roles"])

        # the JSON Resume export keeps it under meta, and is a JSON Resume
        r = self.call("GET", f"/api/resumes/{rid}?format=jsonresume", user)
        self.assertEqual(r.json(), doc)
        jsonschema.validate(r.json(), official_schema())
        export = self.call("GET", "/api/me/export", user).json()
        (entry,) = export["resumes"]
        self.assertEqual(entry["jsonResume"]["meta"]["jobtune"], doc["meta"]["jobtune"])
        jsonschema.validate(entry["jsonResume"], official_schema())
        self.clear(user)

    def test_title_defaults_to_name_and_label(self):
        user = "user_shape_title"
        cases = [({"basics": {"name": " Asha Rao ", "label": "SRE "}}, "Asha Rao — SRE"),
                 ({"basics": {"name": "Asha Rao"}}, "Asha Rao"),
                 ({"basics": {"label": "SRE"}}, "SRE"),
                 ({"basics": {"name": "Asha"}, "meta": {"jobtune": {"title": "  "}}}, "Asha"),
                 ({}, "Untitled resume")]
        for doc, title in cases:
            with self.subTest(title=title):
                self.assertEqual(self.create(user, doc)["title"], title)
            self.clear(user)

    # ---- the PDF -----------------------------------------------------------------
    def test_sections_print_in_their_order_and_the_others_not(self):
        user = "user_shape_sections"
        doc = three_pages()
        self.assertEqual(headings_in_order(self.pdf(user, self.create(user, doc)["id"]).body),
                         HEADINGS)
        order = ["references", "skills", "work", "summary"]
        doc["meta"] = {"jobtune": {"sections": order}}
        rid = self.create(user, doc)["id"]
        for query in ("", "?template=compact&font=liberation-serif&paper=a4"):
            with self.subTest(query=query):
                r = self.pdf(user, rid, query)
                self.assertEqual(headings_in_order(r.body), [HEADING_OF[s] for s in order])
                text = poppler("pdftotext", data=r.body)
                self.assertIn("Marker Referee One", text)
                self.assertNotIn("Marker Award One", text)  # awards: not listed
        doc["meta"] = {"jobtune": {"sections": []}}  # the header alone
        text = poppler("pdftotext", data=self.pdf(user, self.create(user, doc)["id"]).body)
        self.assertIn("Jordan Long", text)
        self.assertEqual(headings_in_order(self.pdf(
            user, self.create(user, doc)["id"]).body), [])
        self.clear(user)

    def test_look_from_meta_unless_the_query_says(self):
        user = "user_shape_look"
        doc = {"basics": {"name": "Lee Park"}, "meta": {"jobtune": {
            "template": "classic", "font": "liberation-serif", "paper": "letter"}}}
        rid = self.create(user, doc)["id"]
        pdf = self.pdf(user, rid).body
        self.assertIn("612 x 792", pdfinfo(pdf)["Page size"])
        fonts = poppler("pdffonts", data=pdf)
        self.assertIn("LiberationSerif", fonts)
        self.assertIn("LEE PARK", poppler("pdftotext", data=pdf).upper())
        pdf = self.pdf(user, rid, "?paper=a4&font=dejavu-sans").body
        self.assertIn("595.276 x 841.89", pdfinfo(pdf)["Page size"])
        self.assertIn("DejaVuSans", poppler("pdffonts", data=pdf))
        self.assertNotIn("LiberationSerif", poppler("pdffonts", data=pdf))
        self.clear(user)

    def test_tailored_pdf_takes_the_look(self):
        user = "user_shape_tailored"
        doc = json.loads(json.dumps(TAILOR_RESUME))
        doc["meta"] = {"jobtune": {"template": "classic", "font": "liberation-serif",
                                   "paper": "letter", "sections": ["skills", "work"]}}
        rid = self.create(user, doc)["id"]
        r = self.call("POST", f"/api/resumes/{rid}/tailor", user, body={"jobDescription": JD})
        self.assertEqual(r.status, 201, r.text)
        tid = r.json()["id"]
        pdf = self.pdf(user, rid, f"?tailoring={tid}").body
        self.assertIn("612 x 792", pdfinfo(pdf)["Page size"])
        self.assertIn("LiberationSerif", poppler("pdffonts", data=pdf))
        self.assertEqual(headings_in_order(pdf), ["Skills", "Experience"])
        pdf = self.pdf(user, rid, f"?tailoring={tid}&font=dejavu-sans&paper=a4").body
        self.assertIn("595.276 x 841.89", pdfinfo(pdf)["Page size"])
        self.assertNotIn("LiberationSerif", poppler("pdffonts", data=pdf))
        self.clear(user)

    def pdf(self, user, rid, query=""):
        r = self.stack.get(f"/api/resumes/{rid}/pdf{query}", headers=self.auth(user))
        self.assertEqual(r.status, 200, r.text[:300])
        return r

    def test_pdf_file_names(self):
        user = "user_shape_names"
        cases = [({"basics": {"name": JOSE}}, "Jose_Alvarez-Nunez_Resume.pdf",
                  "Jos%C3%A9_%C3%81lvarez-N%C3%BA%C3%B1ez_Resume.pdf"),
                 ({"basics": {"name": JOSE}, "meta": {"jobtune": {"title": "Data / ML roles"}}},
                  "Jose_Alvarez-Nunez_Data_ML_roles.pdf",
                  "Jos%C3%A9_%C3%81lvarez-N%C3%BA%C3%B1ez_Data_ML_roles.pdf"),
                 ({"basics": {"name": "अनन्या शर्मा"}}, "Resume.pdf",
                  urllib.parse.quote("अनन्या_शर्मा_Resume.pdf")),
                 ({}, "Resume.pdf", "Resume.pdf"),
                 ({"basics": {"name": 'Ann "Q" O\'Neil; x=1'}}, "Ann_Q_O_Neil_x_1_Resume.pdf",
                  "Ann_Q_O_Neil_x_1_Resume.pdf")]
        for doc, ascii_name, utf8_name in cases:
            with self.subTest(name=ascii_name):
                r = self.pdf(user, self.create(user, doc)["id"])
                self.assertEqual(r.header("content-disposition"),
                                 f"attachment; filename=\"{ascii_name}\"; "
                                 f"filename*=UTF-8''{utf8_name}")
            self.clear(user)

    def test_export_zip_names_and_looks(self):
        user = "user_shape_zip"
        letter = {"basics": {"name": JOSE}, "meta": {"jobtune": {"paper": "letter"}}}
        self.create(user, letter)
        self.create(user, {"basics": {"name": JOSE}})
        self.create(user, {"basics": {"name": JOSE}, "meta": {"jobtune": {"title": "Short"}}})
        r = self.call("GET", "/api/me/export?format=zip", user)
        self.assertEqual(r.status, 200, r.text[:300])
        z = zipfile.ZipFile(io.BytesIO(r.body))
        pdfs = sorted(n for n in z.namelist() if n.endswith(".pdf"))
        self.assertEqual(pdfs, ["Jose_Alvarez-Nunez_Resume-2.pdf", "Jose_Alvarez-Nunez_Resume.pdf",
                                "Jose_Alvarez-Nunez_Short.pdf"])
        sizes = sorted(pdfinfo(z.read(n))["Page size"].split(" (")[0] for n in pdfs)
        self.assertEqual(sizes, ["595.276 x 841.89 pts", "595.276 x 841.89 pts", "612 x 792 pts"])
        self.clear(user)

    # ---- duplicate ---------------------------------------------------------------
    def test_duplicate(self):
        user, other = "user_shape_dup", "user_shape_dup_other"
        doc = {"basics": {"name": "Mina Cho", "label": "Designer"}, "skills": [{"name": "Figma"}],
               "meta": {"jobtune": {"template": "compact", "sections": ["skills"]}}}
        made = self.create(user, doc)
        r = self.call("POST", f"/api/resumes/{made['id']}/duplicate", user)
        self.assertEqual(r.status, 201, r.text)
        copy = r.json()
        self.assertNotEqual(copy["id"], made["id"])
        self.assertEqual((copy["title"], copy["version"]), ("Mina Cho — Designer (copy)", 1))
        self.assertEqual(r.header("location"), f"/api/resumes/{copy['id']}")
        self.assertEqual(r.header("etag"), '"1"')
        want = json.loads(json.dumps(doc))
        want["meta"]["jobtune"]["title"] = "Mina Cho — Designer (copy)"
        self.assertEqual(copy["resume"], want)
        r = self.call("POST", f"/api/resumes/{copy['id']}/duplicate", user)
        self.assertEqual(r.json()["title"], "Mina Cho — Designer (copy) (copy)")
        titles = [i["title"] for i in self.call("GET", "/api/resumes", user).json()["items"]]
        self.assertEqual(titles, ["Mina Cho — Designer (copy) (copy)",
                                  "Mina Cho — Designer (copy)", "Mina Cho — Designer"])
        # the original is untouched
        self.assertEqual(self.call("GET", f"/api/resumes/{made['id']}", user).json(), made)

        # a title at the limit stays within it
        long_doc = {"meta": {"jobtune": {"title": "é" * 2000}}}
        r = self.call("POST", f"/api/resumes/{self.create(user, long_doc)['id']}/duplicate", user)
        self.assertEqual(r.status, 409, r.text)  # the fifth: past the quota of four
        self.assertEqual(r.json()["error"]["code"], "quota_exceeded")
        self.clear(user)
        r = self.call("POST", f"/api/resumes/{self.create(user, long_doc)['id']}/duplicate", user)
        self.assertEqual(r.status, 201, r.text)
        self.assertEqual(r.json()["title"], "é" * 1993 + " (copy)")

        # someone else's resume, an unknown or malformed id: 404, nothing made
        for rid in (made["id"], "0" * 24, "x"):
            with self.subTest(id=rid):
                r = self.call("POST", f"/api/resumes/{rid}/duplicate", other)
                self.assertEqual((r.status, r.json()["error"]["code"]), (404, "not_found"))
        self.assertEqual(self.call("GET", "/api/resumes", other).json()["items"], [])
        r = self.stack.request("POST", f"/api/resumes/{made['id']}/duplicate")
        self.assertEqual(r.status, 401)
        self.clear(user)

    def test_meta_problems_name_their_paths(self):
        doc = {"meta": {"jobtune": {"sections": ["work", 7, "hobbies", "work"],
                                    "template": None, "paper": "A4"}}}
        r = self.call("POST", "/api/resumes", "user_shape_bad", body=doc)
        self.assertEqual(r.status, 422, r.text)
        fields = r.json()["error"]["fields"]
        self.assertEqual(set(fields), {"meta.jobtune.sections[1]", "meta.jobtune.sections[2]",
                                       "meta.jobtune.sections[3]", "meta.jobtune.template",
                                       "meta.jobtune.paper"})
        self.assertRegex(fields["meta.jobtune.sections[3]"], re.compile("already", re.I))
        self.assertEqual(self.call("GET", "/api/resumes", "user_shape_bad").json()["items"], [])
