"""The editor's preview through nginx: POST /api/preview?page=N.

The preview is the PDF engine drawing one page on an image instead of a
PDF, so the test holds it to the PDF itself: every page of a resume is
fetched both ways, the PDF's page is rasterised at the same 96 dpi by
poppler's pdftocairo (cairo and FreeType, as the engine's own image
surface), and the two images must agree pixel for pixel within a bound
that glyph edges drawn a fraction of a pixel apart meet (the largest
difference of the images' grey, each pixel averaged with its neighbours)
but a word out of place cannot: a preview of the same resume with one
word changed is checked to fail it.  The pixels are read by the small
PNG decoder below (standard library only).

Also: X-Page-Count is the PDF's page count; the look comes from the query,
else meta.jobtune, else the defaults, exactly as the PDF route takes it;
a document that POST /api/resumes would refuse gets the same 422 with
paths (meta.jobtune's included); a page past the end, page=0 or a bad dpi
is 422; nothing is stored; no session is 401."""
import os
import struct
import subprocess
import tempfile
import zlib

from stack import ARTIFACTS, SignedInStackTest
from test_pdf import hindi, one_page, pdfinfo, three_pages

PREVIEW_ARTIFACTS = os.path.join(ARTIFACTS, "preview")
DIFF_MAX = 96  # of blurred grey, 0..255 (measured: 75 to 80; one word changed: 194)


# ---- images -----------------------------------------------------------------------

def png_rgb(data):
    """(width, height, RGB bytes) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + (left + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3)
        prev = line
    return w, h, bytes(out)


def pdf_page_png(pdf, page):
    """Page `page` of the PDF bytes at 96 dpi, by pdftocairo, as PNG bytes."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in.pdf")
        with open(src, "wb") as f:
            f.write(pdf)
        subprocess.run(["pdftocairo", "-png", "-r", "96", "-f", str(page), "-l", str(page),
                        "-singlefile", src, os.path.join(d, "out")], check=True, timeout=60)
        with open(os.path.join(d, "out.png"), "rb") as f:
            return f.read()


def blurred_grey(w, h, rgb):
    """Grey (0..255) of each pixel averaged with its eight neighbours."""
    g = [rgb[i] + rgb[i + 1] + rgb[i + 2] for i in range(0, len(rgb), 3)]
    rows = [0] * (w * h)
    for y in range(h):
        r = y * w
        for x in range(1, w - 1):
            rows[r + x] = g[r + x - 1] + g[r + x] + g[r + x + 1]
    out = [0] * (w * h)
    for y in range(1, h - 1):
        r = y * w
        for x in range(w):
            out[r + x] = (rows[r - w + x] + rows[r + x] + rows[r + w + x]) // 27
    return out


def difference(a, b):
    """The largest difference of two same-sized RGB images' blurred grey:
    glyph edges drawn a fraction of a pixel apart differ a little, a glyph
    that is not the same one differs a lot."""
    (w, h, pa), (w2, h2, pb) = a, b
    assert (w, h) == (w2, h2), ((w, h), (w2, h2))
    return max(abs(x - y) for x, y in zip(blurred_grey(w, h, pa), blurred_grey(w, h, pb)))


def save(name, png):
    os.makedirs(PREVIEW_ARTIFACTS, exist_ok=True)
    with open(os.path.join(PREVIEW_ARTIFACTS, name + ".png"), "wb") as f:
        f.write(png)


# ---- tests ------------------------------------------------------------------------

class PreviewTest(SignedInStackTest):
    workers = 2

    def preview(self, doc, query="", user="user_preview"):
        return self.stack.request("POST", "/api/preview" + query, body=doc,
                                  headers=self.auth(user))

    def pdf_of(self, doc, query="", user="user_preview"):
        r = self.stack.request("POST", "/api/resumes", body=doc, headers=self.auth(user))
        self.assertEqual(r.status, 201, r.text)
        rid = r.json()["id"]
        r = self.stack.get(f"/api/resumes/{rid}/pdf{query}", headers=self.auth(user))
        self.assertEqual(r.status, 200, r.text[:300])
        self.stack.request("DELETE", f"/api/resumes/{rid}", headers=self.auth(user))
        return r.body

    def assert_png(self, r, pages):
        self.assertEqual(r.status, 200, r.text[:300])
        self.assertEqual(r.header("content-type"), "image/png")
        self.assertEqual(r.header("x-page-count"), str(pages))
        self.assertEqual(int(r.header("content-length")), len(r.body))
        return r.body

    def assert_same_pages(self, doc, name, query="", pdf_query=None):
        """Every page of doc's preview equals the PDF's page; the page count."""
        pdf = self.pdf_of(doc, query if pdf_query is None else pdf_query)
        pages = int(pdfinfo(pdf)["Pages"])
        for page in range(1, pages + 1):
            sep = "&" if query else "?"
            png = self.assert_png(self.preview(doc, f"{query}{sep}page={page}"), pages)
            save(f"{name}-{page}", png)
            diff = difference(png_rgb(png), png_rgb(pdf_page_png(pdf, page)))
            self.assertLessEqual(diff, DIFF_MAX, f"{name} page {page}")
        return pdf, pages

    def test_every_page_equals_the_pdf(self):
        for name, doc, pages in (("one-page", one_page(), 1), ("three-pages", three_pages(), 3),
                                 ("hindi", hindi(), 1)):
            with self.subTest(name):
                _, got = self.assert_same_pages(doc, name)
                self.assertEqual(got, pages)

    def test_one_word_changed_fails_the_bound(self):
        """The comparison can fail: a preview with one word changed is far
        from the PDF of the resume without the change."""
        doc = one_page()
        pdf = self.pdf_of(doc)
        doc["work"][1]["position"] = "Software Architect"
        png = self.assert_png(self.preview(doc), 1)
        self.assertGreater(difference(png_rgb(png), png_rgb(pdf_page_png(pdf, 1))), DIFF_MAX)

    def test_look_from_meta_and_query(self):
        doc = three_pages()
        doc["meta"] = {"jobtune": {"template": "classic", "font": "noto-sans", "paper": "letter",
                                   "sections": ["education", "skills", "work"]}}
        # meta.jobtune alone: the PDF takes the same look from the same document
        pdf, _ = self.assert_same_pages(doc, "meta-look")
        self.assertIn("612 x 792", pdfinfo(pdf)["Page size"])
        w, h, _ = png_rgb(self.preview(doc).body)
        self.assertEqual((w, h), (816, 1056))  # Letter at 96 dpi
        # the query wins over meta.jobtune, for both
        self.assert_same_pages(doc, "query-look", "?template=compact&font=dejavu-serif&paper=a4")
        w, h, _ = png_rgb(self.preview(doc, "?paper=a4").body)
        self.assertEqual((w, h), (794, 1123))  # A4 at 96 dpi

    def test_dpi(self):
        r = self.preview(one_page(), "?dpi=48")
        w, h, _ = png_rgb(self.assert_png(r, 1))
        self.assertEqual((w, h), (397, 562))
        for bad in ("0", "47", "193", "x", "96.5", "-96"):
            with self.subTest(dpi=bad):
                r = self.preview(one_page(), f"?dpi={bad}")
                self.assertEqual(r.status, 422, r.text)
                self.assertEqual(set(r.json()["error"]["fields"]), {"dpi"})

    def test_page_out_of_range(self):
        r = self.preview(three_pages(), "?page=4")
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(r.json()["error"]["fields"], {"page": "This resume has 3 pages."})
        self.assertEqual(r.header("x-page-count"), "3")
        r = self.preview({}, "?page=2")
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(r.json()["error"]["fields"], {"page": "This resume has 1 page."})
        for bad in ("0", "-1", "01", "x", "", "100"):
            with self.subTest(page=bad):
                r = self.preview(one_page(), f"?page={bad}")
                self.assertEqual(r.status, 422, r.text)
                self.assertEqual(set(r.json()["error"]["fields"]), {"page"})

    def test_invalid_documents_are_422_with_paths(self):
        doc = one_page()
        doc["work"][1]["startDate"] = "2019-13"
        doc["basics"]["email"] = "not an email"
        doc["meta"] = {"jobtune": {"template": "fancy", "font": 3, "paper": "a3", "title": [],
                                   "sections": ["work", "skills", "hobbies", "work"],
                                   "colour": "red"}}
        r = self.preview(doc)
        self.assertEqual(r.status, 422, r.text)
        self.assertEqual(r.json()["error"]["code"], "validation_failed")
        self.assertEqual(set(r.json()["error"]["fields"]),
                         {"work[1].startDate", "basics.email", "meta.jobtune.template",
                          "meta.jobtune.font", "meta.jobtune.paper", "meta.jobtune.title",
                          "meta.jobtune.sections[2]", "meta.jobtune.sections[3]",
                          "meta.jobtune.colour"})
        # POST /api/resumes judges it the same way
        r2 = self.stack.request("POST", "/api/resumes", body=doc, headers=self.auth("user_preview"))
        self.assertEqual(r2.status, 422, r2.text)
        self.assertEqual(r2.json()["error"]["fields"], r.json()["error"]["fields"])
        r = self.preview(doc | {"meta": {"jobtune": {"sections": "work"}}})
        self.assertEqual(set(r.json()["error"]["fields"]), {"work[1].startDate", "basics.email",
                                                            "meta.jobtune.sections"})
        r = self.preview(one_page(), "?template=fancy")
        self.assertEqual((r.status, set(r.json()["error"]["fields"])), (422, {"template"}))
        r = self.stack.request("POST", "/api/preview", body=[1, 2],
                               headers=self.auth("user_preview"))
        self.assertEqual(r.status, 400, r.text)

    def test_stores_nothing_and_needs_a_session(self):
        user = "user_preview_nothing"
        self.assert_png(self.preview(one_page(), user=user), 1)
        r = self.stack.get("/api/resumes", headers=self.auth(user))
        self.assertEqual(r.json()["items"], [])
        r = self.stack.request("POST", "/api/preview", body=one_page())
        self.assertEqual(r.status, 401, r.text)
        r = self.stack.get("/api/preview", headers=self.auth(user))
        self.assertEqual(r.status, 405, r.text)
