/*
 * Unit tests: the PDF typesetter.  The output is checked as bytes: a PDF
 * header and trailer, the page boxes of A4 and Letter, the document
 * metadata, real text (fonts, no images), a page count that grows with
 * the content, and resumes that are empty or not shaped like JSON Resume.
 * What the text says and where the pages break is checked through
 * pdftotext in tests/integration/test_pdf.py.
 */
#include "check.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "model/resume.h"
#include "svc/pdf.h"

#define SMALL_RESUME                                                                     \
    "{\"basics\": {\"name\": \"Ada Lovelace\", \"label\": \"Analyst\","                  \
    " \"email\": \"ada@example.com\", \"summary\": \"Notes on the <Engine> & more.\"},"   \
    " \"work\": [{\"name\": \"Babbage & Co\", \"position\": \"Programmer\","             \
    " \"startDate\": \"1842-07\", \"endDate\": \"1843\","                                \
    " \"highlights\": [\"Wrote the first program.\"]}],"                                 \
    " \"skills\": [{\"name\": \"Mathematics\", \"keywords\": [\"Analysis\"]}]}"

struct pdf {
    unsigned char *buf;
    size_t len;
};

static int render(const char *json, enum pdf_paper paper, const char *title, struct pdf *out)
{
    json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
    int rc;

    if (json != NULL && doc == NULL)
        return -2;
    rc = pdf_render(doc, paper, title, &out->buf, &out->len);
    json_decref(doc);
    return rc;
}

/* NUL-safe search in the PDF bytes; NULL when absent. */
static const char *find(const struct pdf *p, const char *needle)
{
    return memmem(p->buf, p->len, needle, strlen(needle));
}

static size_t count(const struct pdf *p, const char *needle)
{
    size_t n = 0, nl = strlen(needle);
    const unsigned char *at = p->buf, *end = p->buf + p->len;

    while ((at = memmem(at, (size_t)(end - at), needle, nl)) != NULL) {
        n++;
        at += nl;
    }
    return n;
}

/* Pages: "/Type /Page" objects, not the "/Type /Pages" tree. */
static size_t pages(const struct pdf *p)
{
    return count(p, "/Type /Page") - count(p, "/Type /Pages");
}

/* Width and height of the first MediaBox. */
static void media_box(const struct pdf *p, double *w, double *h)
{
    const char *box = find(p, "/MediaBox [");
    char tmp[96], *end;
    double v[4] = {0, 0, 0, 0};

    *w = *h = 0;
    if (box == NULL)
        return;
    snprintf(tmp, sizeof(tmp), "%.*s", 80, box + strlen("/MediaBox ["));
    end = tmp;
    for (int i = 0; i < 4; i++)
        v[i] = strtod(end, &end);
    *w = v[2] - v[0];
    *h = v[3] - v[1];
}

static int near(double a, double b)
{
    return a - b < 0.01 && b - a < 0.01;
}

TEST(pdf_small_resume_is_a_pdf)
{
    struct pdf p = {NULL, 0};

    CHECK_INT(render(SMALL_RESUME, PDF_A4, NULL, &p), 0);
    CHECK(p.buf != NULL && p.len > 1000);
    if (p.buf == NULL)
        return;
    CHECK(memcmp(p.buf, "%PDF-", 5) == 0);
    /* the trailer ends the file: "%%EOF" and a line end */
    CHECK(p.len > 8 && memmem(p.buf + p.len - 8, 8, "%%EOF", 5) != NULL);
    CHECK_INT(pages(&p), 1);
    /* real text: embedded fonts, not a picture of the page */
    CHECK(find(&p, "/FontFile2") != NULL || find(&p, "/FontFile3") != NULL);
    CHECK(find(&p, "/Subtype /Image") == NULL);
    free(p.buf);
}

TEST(pdf_a4_and_letter_media_boxes)
{
    struct pdf a4 = {NULL, 0}, letter = {NULL, 0};
    double w, h;

    CHECK_INT(render(SMALL_RESUME, PDF_A4, NULL, &a4), 0);
    CHECK_INT(render(SMALL_RESUME, PDF_LETTER, NULL, &letter), 0);
    if (a4.buf == NULL || letter.buf == NULL)
        goto out;
    media_box(&a4, &w, &h);
    CHECK(near(w, 595.276) && near(h, 841.89));
    media_box(&letter, &w, &h);
    CHECK(near(w, 612.0) && near(h, 792.0));
out:
    free(a4.buf);
    free(letter.buf);
}

TEST(pdf_metadata)
{
    struct pdf p = {NULL, 0};

    CHECK_INT(render(SMALL_RESUME, PDF_A4, "Backend roles", &p), 0);
    if (p.buf == NULL)
        return;
    CHECK(find(&p, "/Title (Backend roles)") != NULL);
    CHECK(find(&p, "/Author (Ada Lovelace)") != NULL);
    CHECK(find(&p, "/Creator (Jobtune)") != NULL);
    free(p.buf);
}

TEST(pdf_empty_and_odd_resumes_render)
{
    static const char *const docs[] = {
        "{}",
        "{\"basics\": {}}",
        "{\"basics\": 7, \"work\": \"none\", \"skills\": [1, null, {}], \"education\": [[]]}",
        "{\"work\": [{}, {\"highlights\": [\"\", 3]}], \"languages\": [{\"fluency\": \"x\"}]}",
        "{\"work\": [{\"startDate\": \"sometime\", \"endDate\": \"2020-13\"}]}",
        /* control characters, and a "date" longer than the date column */
        "{\"basics\": {\"name\": \"a\\u0001b\", \"summary\": \"x\\u007f\\u0085\\r\\ny\"},"
        " \"awards\": [{\"title\": \"t\", \"date\": \"in the late nineteen nineties, "
        "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
        "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
        "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}]}",
        "[]",
    };
    struct pdf p = {NULL, 0};

    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        CHECK_INT(render(docs[i], PDF_A4, NULL, &p), 0);
        CHECK(p.buf != NULL && memcmp(p.buf, "%PDF-", 5) == 0);
        CHECK_INT(pages(&p), 1);
        free(p.buf);
        p.buf = NULL;
    }
    /* no document at all: one blank page titled "Resume" */
    CHECK_INT(render(NULL, PDF_LETTER, NULL, &p), 0);
    CHECK(p.buf != NULL && find(&p, "/Title (Resume)") != NULL);
    free(p.buf);
}

TEST(pdf_long_resume_has_more_pages)
{
    json_t *doc = json_pack("{s:{s:s}, s:[]}", "basics", "name", "Long Resume", "work");
    json_t *work = json_object_get(doc, "work");
    struct pdf p = {NULL, 0};

    for (int i = 0; i < 40; i++) {
        json_t *hl = json_array();

        for (int j = 0; j < 4; j++)
            json_array_append_new(hl, json_string(
                "Shipped a change that was long enough to wrap over two lines of the "
                "column, so the page fills quickly and breaks somewhere in the middle."));
        json_array_append_new(work, json_pack("{s:s, s:s, s:s, s:o}", "name", "Employer",
                                              "position", "Engineer", "startDate", "2001-01",
                                              "highlights", hl));
    }
    CHECK_INT(pdf_render(doc, PDF_A4, NULL, &p.buf, &p.len), 0);
    CHECK(p.buf != NULL && pages(&p) >= 5);
    free(p.buf);
    json_decref(doc);
}

/* The ids meta.jobtune may name (model/resume.c) are the catalog's. */
TEST(pdf_catalog_is_the_models_vocabulary)
{
    json_t *cat = pdf_catalog(), *t;
    size_t i, n = 0;

    json_array_foreach(json_object_get(cat, "templates"), i, t)
        CHECK(resume_is_one_of(resume_templates,
                               json_string_value(json_object_get(t, "id"))));
    for (n = 0; resume_templates[n] != NULL; n++)
        CHECK(pdf_has_template(resume_templates[n]));
    CHECK_INT(n, json_array_size(json_object_get(cat, "templates")));
    json_array_foreach(json_object_get(cat, "fonts"), i, t)
        CHECK(resume_is_one_of(resume_fonts, json_string_value(json_object_get(t, "id"))));
    for (n = 0; resume_fonts[n] != NULL; n++)
        CHECK(pdf_has_font(resume_fonts[n]));
    CHECK_INT(n, json_array_size(json_object_get(cat, "fonts")));
    json_decref(cat);
}

static int png_size(const unsigned char *png, size_t len, unsigned *w, unsigned *h)
{
    if (len < 24 || memcmp(png, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(png + 12, "IHDR", 4) != 0)
        return -1;
    *w = (unsigned)png[16] << 24 | (unsigned)png[17] << 16 | (unsigned)png[18] << 8 | png[19];
    *h = (unsigned)png[20] << 24 | (unsigned)png[21] << 16 | (unsigned)png[22] << 8 | png[23];
    return 0;
}

/* A page as PNG: the paper's size at the dpi, the PDF's page count, and
 * no image for a page past the end. */
TEST(pdf_page_as_png)
{
    json_t *doc = json_loads(SMALL_RESUME, 0, NULL);
    struct pdf_options a4 = {.paper = PDF_A4}, letter = {.paper = PDF_LETTER};
    unsigned char *png = NULL;
    size_t len = 0;
    unsigned w = 0, h = 0;
    int pages = 0;

    CHECK_INT(pdf_render_page(doc, &a4, 1, 96, &png, &len, &pages), 0);
    CHECK_INT(pages, 1);
    CHECK(png != NULL && png_size(png, len, &w, &h) == 0 && w == 794 && h == 1123);
    free(png);
    CHECK_INT(pdf_render_page(doc, &letter, 1, 48, &png, &len, &pages), 0);
    CHECK(png != NULL && png_size(png, len, &w, &h) == 0 && w == 408 && h == 528);
    free(png);
    CHECK_INT(pdf_render_page(doc, &a4, 2, 96, &png, &len, &pages), 0);
    CHECK(png == NULL && len == 0 && pages == 1);
    CHECK_INT(pdf_render_page(NULL, &a4, 1, 96, &png, &len, &pages), 0);
    CHECK(png != NULL && pages == 1);
    free(png);
    json_decref(doc);
}

TEST(pdf_file_names)
{
    static const struct {
        const char *doc, *ascii, *utf8;
    } cases[] = {
        {"{\"basics\": {\"name\": \"Jos\u00e9 \u00c1lvarez-N\u00fa\u00f1ez\"}}",
         "Jose_Alvarez-Nunez_Resume.pdf", "Jos\xc3\xa9_\xc3\x81lvarez-N\xc3\xba\xc3\xb1" "ez_Resume.pdf"},
        {"{\"basics\": {\"name\": \"  A.  B \"}, \"meta\": {\"jobtune\": {\"title\": \"C/D\"}}}",
         "A._B_C_D.pdf", "A._B_C_D.pdf"},
        {"{}", "Resume.pdf", "Resume.pdf"},
        {"{\"meta\": {\"jobtune\": {\"title\": \"..-x\"}}}", "x.pdf", "x.pdf"},
        {"[1]", "Resume.pdf", "Resume.pdf"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = json_loads(cases[i].doc, 0, NULL);
        char *a = pdf_file_name(doc, true), *u = pdf_file_name(doc, false);

        CHECK_STR(a, cases[i].ascii);
        CHECK_STR(u, cases[i].utf8);
        free(a);
        free(u);
        json_decref(doc);
    }
}

const struct unit_test pdf_tests[] = {
    {"pdf_catalog_is_the_models_vocabulary", pdf_catalog_is_the_models_vocabulary},
    {"pdf_page_as_png", pdf_page_as_png},
    {"pdf_file_names", pdf_file_names},
    {"pdf_small_resume_is_a_pdf", pdf_small_resume_is_a_pdf},
    {"pdf_a4_and_letter_media_boxes", pdf_a4_and_letter_media_boxes},
    {"pdf_metadata", pdf_metadata},
    {"pdf_empty_and_odd_resumes_render", pdf_empty_and_odd_resumes_render},
    {"pdf_long_resume_has_more_pages", pdf_long_resume_has_more_pages},
    {NULL, NULL},
};
