"""Resume PDF export through nginx: GET /api/resumes/{id}/pdf.

Resumes are created with POST /api/resumes by signed-in users (tokens from
tokens.py), then fetched as PDFs and read back with poppler-utils:
pdfinfo for the page count, page size and metadata, pdftotext for the text
(reading order, every heading, entry and highlight, Devanagari and
accented Latin exactly) and pdftotext -layout for what ends each page (a
section heading never does).  The first page of each fixture is kept as a
PNG in tests/artifacts/pdf/ for a person to look at.  Also: another user's
resume and unknown ids are 404, a paper other than a4/letter is 422, no
session is 401, and the database being down is 503."""
import os
import re
import subprocess
import tempfile
import unicodedata
import unittest

import tokens
from stack import ARTIFACTS, SignedInStackTest, wait_until

PDF_ARTIFACTS = os.path.join(ARTIFACTS, "pdf")
HEADINGS = ["Summary", "Experience", "Projects", "Education", "Skills", "Certificates",
            "Awards", "Publications", "Volunteer", "Languages", "Interests", "References"]
A4 = "595.276 x 841.89 pts (A4)"
LETTER = "612 x 792 pts (letter)"
THREE_PAGE_WORK_ITEMS = 10
PAGE_BOTTOM_A4 = 841.89 - 18 * 72 / 25.4  # the bottom margin is 18 mm
HEADING_HEIGHT = 35  # pt: space above a heading, its line and its rule


# ---- fixtures -------------------------------------------------------------------

def one_page():
    """A compact resume that fits one page on A4 and on Letter."""
    return {
        "basics": {
            "name": "Maria Lopez", "label": "Senior Backend Engineer",
            "email": "maria@example.com", "phone": "+1 555 0100", "url": "https://maria.dev",
            "summary": "Backend engineer with ten years of experience building reliable "
                       "services in C, Go and Python. I care about correctness, observability "
                       "and small, well tested code.",
            "location": {"city": "Austin", "region": "Texas", "countryCode": "US"},
            "profiles": [{"network": "GitHub", "username": "mlopez",
                          "url": "https://github.com/mlopez"}],
        },
        "work": [
            {"name": "R&D <Lab> Acme", "position": "Staff Engineer", "startDate": "2019-03-01",
             "url": "https://acme.example", "summary": "Led the payments platform team.",
             "highlights": ["Cut the p99 latency of the ledger service from 180 ms to 40 ms.",
                            "Mentored six engineers; two were promoted to senior."]},
            {"name": "Globex", "position": "Software Engineer", "startDate": "2015-06",
             "endDate": "2019-02", "highlights": ["Built the order pipeline for 2M events a day."]},
        ],
        "education": [{"institution": "University of Texas", "area": "Computer Science",
                       "studyType": "BSc", "startDate": "2011", "endDate": "2015"}],
        "skills": [{"name": "Languages", "level": "Expert", "keywords": ["C", "Go", "Python"]},
                   {"name": "Databases", "keywords": ["PostgreSQL", "MongoDB"]}],
        "languages": [{"language": "English", "fluency": "Native"},
                      {"language": "Spanish", "fluency": "Fluent"}],
    }


WORDS = ("designed built measured shipped reviewed migrated automated documented profiled "
         "replaced simplified tested the storage layer request router billing service "
         "deployment pipeline search index cache tier with fewer moving parts and clear "
         "ownership across three teams").split()


def sentence(seed, n):
    """n words, the same for the same seed (no hyphens: lines may wrap anywhere)."""
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n))


def three_pages():
    """Every section, and many jobs with long highlights: three A4 pages."""
    work = []
    for i in range(1, THREE_PAGE_WORK_ITEMS + 1):
        work.append({
            "name": f"Employer {i:02d}", "position": f"Position {i:02d}",
            "startDate": f"{2000 + i}-0{1 + i % 9}", "endDate": f"{2001 + i}-1{i % 3}",
            "highlights": [f"Marker w{i:02d}h{j} {sentence(i * 10 + j, 28)}."
                           for j in range(1, 4)]})
    return {
        "basics": {"name": "Jordan Long", "label": "Principal Engineer",
                   "email": "jordan@example.org", "summary": sentence(1, 40) + "."},
        "work": work,
        "projects": [{"name": "Project Kestrel", "description": sentence(3, 20) + ".",
                      "highlights": [f"Marker p1h1 {sentence(4, 16)}."], "keywords": ["C", "Lua"]}],
        "education": [{"institution": "Open University", "studyType": "BSc", "area": "Physics",
                       "startDate": "1996", "endDate": "2000"}],
        "skills": [{"name": "Systems", "keywords": ["C", "Linux", "PostgreSQL"]}],
        "certificates": [{"name": "Marker Certificate One", "issuer": "Linux Foundation",
                          "date": "2019-04"}],
        "awards": [{"title": "Marker Award One", "awarder": "Employer 03", "date": "2012-11",
                    "summary": sentence(5, 12) + "."}],
        "publications": [{"name": "Marker Publication One", "publisher": "USENIX ;login:",
                          "releaseDate": "2016-06"}],
        "volunteer": [{"organization": "Food Bank", "position": "Marker Volunteer One",
                       "startDate": "2010-01", "endDate": "2012-12",
                       "highlights": [sentence(6, 14) + "."]}],
        "languages": [{"language": "English", "fluency": "Native"}],
        "interests": [{"name": "Marker Interest One", "keywords": ["sailing", "chess"]}],
        "references": [{"name": "Marker Referee One", "reference": sentence(7, 18) + "."}],
    }


HINDI_NAME = "अनन्या शर्मा"
HINDI_SUMMARY = "मैं एक सॉफ्टवेयर इंजीनियर हूँ जिसे वितरित प्रणालियों में पाँच वर्षों का अनुभव है।"
ACCENTED = "José Müller-Françoise"


def hindi():
    return {
        "basics": {"name": HINDI_NAME, "label": ACCENTED, "email": "ananya@example.in",
                   "summary": HINDI_SUMMARY,
                   "location": {"city": "नई दिल्ली", "countryCode": "IN"}},
        "work": [{"name": "Zürich Café AG", "position": "वरिष्ठ इंजीनियर", "startDate": "2020-01",
                  "highlights": ["Ærøskøbing, São Paulo, Kraków: naïve façade résumé.",
                                 "हिंदी और English दोनों में दस्तावेज़ लिखे।"]}],
        "languages": [{"language": "हिन्दी", "fluency": "मातृभाषा"},
                      {"language": "Français", "fluency": "Courant"}],
    }


# ---- poppler ----------------------------------------------------------------------

def poppler(*args, data):
    """Run a poppler-utils tool on the PDF bytes; its stdout as text."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        out = subprocess.run([args[0], *args[1:], f.name, *(["-"] if args[0] == "pdftotext" else [])],
                             capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def pdfinfo(data):
    info = {}
    for line in poppler("pdfinfo", "-enc", "UTF-8", data=data).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def flat(text):
    """NFC, all white space runs as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def save_first_page_png(data, name):
    os.makedirs(PDF_ARTIFACTS, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        f.name, os.path.join(PDF_ARTIFACTS, name)], check=True, timeout=60)
    return os.path.join(PDF_ARTIFACTS, name + ".png")


# ---- tests ------------------------------------------------------------------------

class PdfCase(SignedInStackTest):
    workers = 2

    def create(self, user, resume):
        r = self.stack.request("POST", "/api/resumes", body=resume, headers=self.auth(user))
        self.assertEqual(r.status, 201, r.text)
        return r.json()["id"]

    def pdf(self, user, rid, query=""):
        return self.stack.get(f"/api/resumes/{rid}/pdf{query}", headers=self.auth(user))

    def assert_pdf(self, r):
        self.assertEqual(r.status, 200, r.text[:500])
        self.assertEqual(r.header("content-type"), "application/pdf")
        # named after the person and the title (test_resume_shape.py has the cases)
        self.assertRegex(r.header("content-disposition"),
                         r"""^attachment; filename="[A-Za-z0-9._-]+\.pdf"; filename\*=UTF-8''[A-Za-z0-9._%-]+\.pdf$""")
        self.assertEqual(int(r.header("content-length")), len(r.body))
        self.assertTrue(r.body.startswith(b"%PDF-"), r.body[:20])
        self.assertIn(b"%%EOF", r.body[-16:])
        return r.body

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.text)
        self.assertTrue(r.header("content-type").startswith("application/json"), r.headers)
        err = r.json()["error"]
        self.assertEqual(err["code"], code, r.text)
        return err

    def assert_in_order(self, text, markers):
        at = -1
        for m in markers:
            i = text.find(m, at + 1)
            self.assertGreater(i, at, f"{m!r} missing or out of order")
            at = i

    def assert_no_page_ends_with_a_heading(self, data):
        pages = poppler("pdftotext", "-layout", "-enc", "UTF-8", data=data).split("\f")
        for n, page in enumerate(pages, 1):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
            if lines:
                self.assertNotIn(lines[-1], HEADINGS, f"page {n} ends with a section heading")


class PdfExportTest(PdfCase):
    def test_one_page_resume(self):
        user = tokens.new_user_id()
        doc = one_page()
        rid = self.create(user, doc)
        data = self.assert_pdf(self.pdf(user, rid))
        info = pdfinfo(data)
        self.assertEqual(info["Pages"], "1")
        self.assertEqual(info["Page size"], A4)
        self.assertEqual(info["Title"], "Maria Lopez — Resume")
        self.assertEqual(info["Author"], "Maria Lopez")
        self.assertEqual(info["Creator"], "Jobtune")
        text = flat(poppler("pdftotext", "-enc", "UTF-8", data=data))
        self.assert_in_order(text, [
            "Maria Lopez", "Senior Backend Engineer", "maria@example.com", "+1 555 0100",
            "https://maria.dev", "Austin, Texas, United States", "GitHub: mlopez",
            "Summary", doc["basics"]["summary"],
            "Experience", "Staff Engineer — R&D <Lab> Acme", "Mar 2019 – Present",
            "Led the payments platform team.", *doc["work"][0]["highlights"],
            "Software Engineer — Globex", *doc["work"][1]["highlights"],
            "Education", "BSc, Computer Science — University of Texas",
            "Skills", "Languages (Expert): C, Go, Python", "Databases: PostgreSQL, MongoDB",
            "Languages", "English (Native) · Spanish (Fluent)"])
        self.assertIn("Jun 2015 – Feb 2019", text)
        self.assertIn("2011 – 2015", text)
        for absent in ("Projects", "Certificates", "Awards", "Publications", "Volunteer",
                       "Interests", "References"):
            self.assertNotIn(absent, text, "a heading of an empty section was drawn")
        self.assertGreater(os.path.getsize(save_first_page_png(data, "one-page")), 1000)

        letter = self.assert_pdf(self.pdf(user, rid, "?paper=letter"))
        info = pdfinfo(letter)
        self.assertEqual(info["Page size"], LETTER)
        self.assertEqual(info["Pages"], "1")
        self.assertEqual(pdfinfo(self.assert_pdf(self.pdf(user, rid, "?paper=a4")))["Page size"],
                         A4)

    def test_three_page_resume(self):
        user = tokens.new_user_id()
        doc = three_pages()
        rid = self.create(user, doc)
        data = self.assert_pdf(self.pdf(user, rid))
        info = pdfinfo(data)
        self.assertEqual(info["Pages"], "3")
        self.assertEqual(info["Title"], "Jordan Long — Resume")
        self.assertEqual(info["Author"], "Jordan Long")
        raw = poppler("pdftotext", "-enc", "UTF-8", data=data)
        self.assertEqual(raw.count("\f"), 3)
        text = flat(raw)
        markers = ["Jordan Long", "Summary", doc["basics"]["summary"], "Experience"]
        for w in doc["work"]:
            markers += [f"{w['position']} — {w['name']}", *w["highlights"]]
        markers += ["Projects", "Project Kestrel", "Marker p1h1", "Education", "Skills",
                    "Certificates", "Marker Certificate One", "Awards", "Marker Award One",
                    "Publications", "Marker Publication One", "Volunteer",
                    "Marker Volunteer One", "Languages", "Interests", "Marker Interest One",
                    "References", "Marker Referee One"]
        self.assert_in_order(text, markers)
        for heading in HEADINGS:
            self.assertEqual(len(re.findall(rf"(?m)^{heading}$", raw)), 1, heading)
        self.assert_no_page_ends_with_a_heading(data)
        # the same resume twice: the same pages
        again = self.assert_pdf(self.pdf(user, rid))
        self.assertEqual(poppler("pdftotext", "-enc", "UTF-8", data=again), raw)
        save_first_page_png(data, "three-pages")

    def test_headings_never_end_a_page(self):
        """Push the sections down half a line at a time, so that heading after
        heading arrives at the bottom of page 1: none may stay there without
        its first entry, and some must move on although they alone would
        have fitted."""
        user = tokens.new_user_id()
        base = three_pages()
        base["work"] = base["work"][:2]
        opened_page_2, moved_with_room = set(), 0
        for extra in range(40):
            doc = dict(base, basics=dict(base["basics"], summary=sentence(2, 7 * extra + 10)))
            data = self.assert_pdf(self.pdf(user, self.create(user, doc)))
            self.assert_no_page_ends_with_a_heading(data)
            pages = poppler("pdftotext", "-bbox", data=data).split("<page ")[1:]
            self.assertGreaterEqual(len(pages), 2)
            room = PAGE_BOTTOM_A4 - max(float(y) for y in re.findall(r'yMax="([0-9.]+)"',
                                                                      pages[0]))
            # the first word of the column, below the running head (name, page number)
            first = next(w for y, w in re.findall(r'yMin="([0-9.]+)"[^>]*>([^<]+)</word>',
                                                  pages[1]) if float(y) > 45)
            if first in HEADINGS:
                opened_page_2.add(first)
                if room >= HEADING_HEIGHT:
                    moved_with_room += 1
        self.assertGreaterEqual(len(opened_page_2), 4, opened_page_2)
        self.assertGreaterEqual(moved_with_room, 3)

    def test_long_paragraphs_split_between_lines(self):
        """A summary and a reference of 5000 characters each (the most a
        resume may hold) run over pages: split between lines, nothing lost,
        nothing repeated, the heading between them not left behind."""
        user = tokens.new_user_id()
        words = " ".join(f"w{i:04d}" for i in range(1000))[:5000].rsplit(" ", 1)[0]
        doc = {"basics": {"name": "Split Test", "summary": words},
               "references": [{"name": "Marker Referee", "reference": words}]}
        data = self.assert_pdf(self.pdf(user, self.create(user, doc)))
        self.assertEqual(pdfinfo(data)["Pages"], "3")
        text = poppler("pdftotext", "-enc", "UTF-8", data=data)
        self.assertEqual(re.findall(r"w\d{4}", text), words.split() * 2)
        self.assert_in_order(flat(text), ["Summary", "w0000", "References", "w0000",
                                          "Marker Referee"])
        self.assert_no_page_ends_with_a_heading(data)

    def test_devanagari_and_accented_latin(self):
        user = tokens.new_user_id()
        doc = hindi()
        rid = self.create(user, doc)
        data = self.assert_pdf(self.pdf(user, rid))
        info = pdfinfo(data)
        self.assertEqual(info["Pages"], "1")
        self.assertEqual(unicodedata.normalize("NFC", info["Title"]), f"{HINDI_NAME} — Resume")
        self.assertEqual(unicodedata.normalize("NFC", info["Author"]), HINDI_NAME)
        text = flat(poppler("pdftotext", "-enc", "UTF-8", data=data))
        self.assert_in_order(text, [
            HINDI_NAME, ACCENTED, "ananya@example.in", "नई दिल्ली, India", "Summary", HINDI_SUMMARY,
            "Experience", "वरिष्ठ इंजीनियर — Zürich Café AG", *doc["work"][0]["highlights"],
            "Languages", "हिन्दी (मातृभाषा) · Français (Courant)"])
        fonts = poppler("pdffonts", data=data)
        self.assertIn("NotoSansDevanagari", fonts)
        self.assertIn("DejaVuSans", fonts)
        save_first_page_png(data, "devanagari")

    def test_empty_resume(self):
        user = tokens.new_user_id()
        data = self.assert_pdf(self.pdf(user, self.create(user, {})))
        info = pdfinfo(data)
        self.assertEqual(info["Pages"], "1")
        self.assertEqual(info["Title"], "Resume")

    def test_other_users_and_unknown_resumes_are_404(self):
        owner, other = tokens.new_user_id(), tokens.new_user_id()
        rid = self.create(owner, one_page())
        self.assert_error(self.pdf(other, rid), 404, "not_found")
        self.assert_error(self.pdf(owner, "0" * 24), 404, "not_found")
        self.assert_error(self.pdf(owner, "not-an-id"), 404, "not_found")
        self.assert_error(self.stack.get(f"/api/resumes/{rid}/pdf"), 401, "unauthenticated")
        # a deleted resume is gone from the export too
        r = self.stack.request("DELETE", f"/api/resumes/{rid}", headers=self.auth(owner))
        self.assertEqual(r.status, 204, r.text)
        self.assert_error(self.pdf(owner, rid), 404, "not_found")

    def test_paper_other_than_a4_or_letter_is_422(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        for query in ("?paper=legal", "?paper=", "?paper=A5"):
            with self.subTest(query=query):
                err = self.assert_error(self.pdf(user, rid, query), 422, "validation_failed")
                self.assertIn("paper", err["fields"])
        # validation comes before the lookup: the same answer for any id
        self.assert_error(self.pdf(user, "0" * 24, "?paper=legal"), 422, "validation_failed")

    def test_other_methods_are_405(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        r = self.stack.request("POST", f"/api/resumes/{rid}/pdf", headers=self.auth(user))
        self.assert_error(r, 405, "method_not_allowed")

    def test_log_line_names_the_route_not_the_resume(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        self.assert_pdf(self.pdf(user, rid, "?paper=letter"))
        text = self.stack.log_text()
        self.assertIn("/api/resumes/{id}/pdf", text)
        self.assertNotIn(rid, text)
        self.assertNotIn("Maria Lopez", text)


class PdfDatabaseDownTest(PdfCase):
    workers = 1

    def test_database_down_is_503(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        self.assert_pdf(self.pdf(user, rid))
        self.stack.stop_db()
        r = wait_until(lambda: (lambda r: r if r.status == 503 else None)(self.pdf(user, rid)),
                       timeout=10, what="503 while the database is down")
        self.assert_error(r, 503, "db_unavailable")


if __name__ == "__main__":
    unittest.main()


# ---- what a job seeker would send: links, templates, fonts ----------------------

def many_contacts():
    """A header whose contact line must wrap, with links of every kind."""
    doc = three_pages()
    doc["basics"].update({
        "name": "Jordan Long", "email": "jordan.long@example.com", "phone": "+44 20 7946 0958",
        "url": "https://jordan-long.example.com/portfolio",
        "location": {"city": "Kingston upon Thames", "region": "Greater London",
                     "countryCode": "GB"},
        "profiles": [{"network": "GitHub", "username": "jordanlong",
                      "url": "https://github.com/jordanlong"},
                     {"network": "LinkedIn", "username": "jordan-long-engineer",
                      "url": "https://www.linkedin.com/in/jordan-long-engineer"},
                     {"network": "Mastodon", "username": "@jordan@hachyderm.io",
                      "url": "https://hachyderm.io/@jordan"}]})
    doc["projects"] = [{"name": "Hackathon entry", "startDate": "2016-08-24",
                        "url": "https://kestrel.example.org"},
                       {"name": "Same day", "startDate": "2017-05-02", "endDate": "2017-05-02"}]
    doc["work"][0].pop("endDate", None)
    return doc


class PdfTemplatesTest(PdfCase):
    def test_templates_and_fonts_are_listed(self):
        r = self.stack.get("/api/pdf/templates")
        self.assertEqual(r.status, 200, r.text)
        cat = r.json()
        self.assertEqual([t["id"] for t in cat["templates"]], ["modern", "classic", "compact"])
        self.assertEqual(cat["default"], "modern")
        self.assertEqual({f["id"] for f in cat["fonts"]},
                         {"dejavu-sans", "dejavu-serif", "noto-sans", "noto-serif",
                          "liberation-sans", "liberation-serif"})

    def test_unknown_template_or_font_is_422(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        self.assertEqual(self.assert_error(self.pdf(user, rid, "?template=fancy"), 422,
                                           "validation_failed")["fields"].keys(), {"template"})
        self.assertEqual(self.assert_error(self.pdf(user, rid, "?font=comic-sans"), 422,
                                           "validation_failed")["fields"].keys(), {"font"})

    def test_each_template_renders_in_reading_order_with_links(self):
        user = tokens.new_user_id()
        doc = many_contacts()
        rid = self.create(user, doc)
        fonts = {"modern": "DejaVuSans", "classic": "NotoSerif", "compact": "LiberationSans"}
        pages = {}
        for tpl, font in fonts.items():
            with self.subTest(template=tpl):
                data = self.assert_pdf(self.pdf(user, rid, f"?template={tpl}"))
                pages[tpl] = int(pdfinfo(data)["Pages"])
                self.assertIn(font, poppler("pdffonts", data=data))
                raw = poppler("pdftotext", "-enc", "UTF-8", data=data)
                text = flat(raw)
                up = text.upper()
                markers = ["JORDAN LONG", "JORDAN.LONG@EXAMPLE.COM", "+44 20 7946 0958",
                           "KINGSTON UPON THAMES, GREATER LONDON, UNITED KINGDOM",
                           "GITHUB: JORDANLONG", "LINKEDIN: JORDAN-LONG-ENGINEER",
                           "SUMMARY", "EXPERIENCE"]
                for w in doc["work"]:
                    markers.append(f"{w['position']} — {w['name']}".upper())
                markers += ["PROJECTS", "HACKATHON ENTRY", "EDUCATION", "SKILLS", "REFERENCES"]
                self.assert_in_order(up, markers)
                # the work entry without an end goes on; the project without one does not
                self.assertIn("– Present", text)
                self.assertRegex(text, r"Hackathon entry (?!.*– Present)")
                self.assertNotIn("Aug 2016 – Present", text)
                self.assertIn("Aug 2016", text)
                self.assertNotIn("May 2017 – May 2017", text)
                # no separator dangles at either end of a line
                for line in poppler("pdftotext", "-layout", "-enc", "UTF-8",
                                    data=data).splitlines():
                    s = line.strip()
                    self.assertFalse(s.endswith("·") or s.startswith("·"), repr(line))
                # clickable: email, site, profiles and entry URLs are link annotations
                urls = poppler("pdfinfo", "-url", data=data)
                for uri in ("mailto:jordan.long@example.com",
                            "https://jordan-long.example.com/portfolio",
                            "https://github.com/jordanlong",
                            "https://www.linkedin.com/in/jordan-long-engineer",
                            "https://hachyderm.io/@jordan", "https://kestrel.example.org"):
                    self.assertIn(uri, urls)
                # continuation pages carry the name and their number
                for n in range(2, pages[tpl] + 1):
                    page = poppler("pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8",
                                   data=data)
                    head = [ln for ln in page.splitlines() if ln.strip()][:2]
                    self.assertIn("Jordan Long", head, page[:200])
                    self.assertIn(f"Page {n}", page)
                first = poppler("pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", data=data)
                self.assertNotIn("Page 1", first)
                save_all_pages_png(data, f"template-{tpl}")
        self.assertLess(pages["compact"], pages["modern"], pages)  # dense resumes: fewer pages

    def test_font_families(self):
        user = tokens.new_user_id()
        rid = self.create(user, one_page())
        for font, ps in (("noto-sans", "NotoSans"), ("noto-serif", "NotoSerif"),
                         ("dejavu-sans", "DejaVuSans"), ("dejavu-serif", "DejaVuSerif"),
                         ("liberation-sans", "LiberationSans"),
                         ("liberation-serif", "LiberationSerif")):
            with self.subTest(font=font):
                data = self.assert_pdf(self.pdf(user, rid, f"?template=classic&font={font}"))
                self.assertIn(ps, poppler("pdffonts", data=data))
                self.assertIn("Maria Lopez", poppler("pdftotext", "-enc", "UTF-8", data=data))
                save_first_page_png(data, f"font-{font}")


def save_all_pages_png(data, name):
    os.makedirs(PDF_ARTIFACTS, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        subprocess.run(["pdftoppm", "-png", "-r", "60", f.name,
                        os.path.join(PDF_ARTIFACTS, name)], check=True, timeout=60)
