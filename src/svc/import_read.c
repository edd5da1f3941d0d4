/*
 * import_read.c - PDF, .docx and LinkedIn ZIP uploads read in memory
 * (import_read.h).
 *
 * PDF: poppler reads the bytes through a GBytes that borrows them; each
 * page's text comes in poppler's reading order (its text output device
 * finds columns and table cells as blocks), and a line set in a clearly
 * larger font than the page's body text is marked as a heading.
 * .docx: word/document.xml out of the ZIP, parsed by libxml2 with the
 * network and entities off; a paragraph is a line, its style tells a
 * heading ("Heading…", "Title") or a list item (numbering, "List…"), a
 * table is read cell by cell, a tab is a wide gap (a separator to the
 * parser).  LinkedIn: each known CSV out of the ZIP through libcsv; the
 * first row names the columns.  A ZIP member is read only up to its cap
 * (the size its header declares is not trusted): a small ZIP that inflates
 * to gigabytes is refused, not read.
 */
#include "svc/import_read.h"

#include <csv.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <malloc.h>
#include <poppler.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "base/log.h"
#include "base/mem.h"
#include "model/import_layout.h"

#define MEMBER_MAX (16 * 1024 * 1024) /* bytes a ZIP member may inflate to */
#define HEADING_RATIO 1.3             /* font size over the body's that makes a heading */
#define ISO_3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json"

/* ---- libxml2's heap, wiped ------------------------------------------------------ */

static void *wipe_realloc(void *p, size_t n)
{
    void *q = mem_alloc(n);

    if (p != NULL) {
        size_t old = malloc_usable_size(p);

        memcpy(q, p, old < n ? old : n);
        import_wipe_free(p);
    }
    return q;
}

static char *wipe_strdup(const char *s)
{
    return mem_strdup(s);
}

/* Once per process, before libxml2's first allocation. */
static void xml_setup(void)
{
    static bool done;

    if (!done) {
        xmlMemSetup(import_wipe_free, mem_alloc, wipe_realloc, wipe_strdup);
        xmlInitParser();
        done = true;
    }
}

/* ---- ZIP members --------------------------------------------------------------- */

static zip_t *zip_of(const char *data, size_t len)
{
    zip_error_t err;
    zip_source_t *src;
    zip_t *z;

    zip_error_init(&err);
    src = zip_source_buffer_create(data, len, 0, &err);
    if (src == NULL) {
        zip_error_fini(&err);
        return NULL;
    }
    z = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (z == NULL)
        zip_source_free(src);
    zip_error_fini(&err);
    return z;
}

/* Member idx inflated: a new buffer (import_wipe_free() it) with *n bytes and a NUL
 * after them; NULL when unreadable or past MEMBER_MAX (*too_big). */
static char *member(zip_t *z, zip_uint64_t idx, size_t *n, bool *too_big)
{
    zip_file_t *f = zip_fopen_index(z, idx, 0);
    size_t cap = 64 * 1024, used = 0;
    char *buf;
    zip_int64_t got;

    *too_big = false;
    if (f == NULL)
        return NULL;
    buf = mem_alloc(cap + 1);
    while ((got = zip_fread(f, buf + used, cap - used)) > 0) {
        used += (size_t)got;
        if (used == cap) {
            if (cap >= MEMBER_MAX) {
                *too_big = true;
                break;
            }
            buf = wipe_realloc(buf, cap * 2 + 1);
            cap *= 2;
        }
    }
    zip_fclose(f);
    if (got < 0 || *too_big) {
        import_wipe_free(buf);
        return NULL;
    }
    buf[used] = '\0';
    *n = used;
    return buf;
}

/* ---- PDF -------------------------------------------------------------------------- */

/* The page's glyphs (poppler's characters, with the box and font size of
 * each) laid out into lines (model/import_layout.h). */
static void page_lines(PopplerPage *page, struct import_lines *out)
{
    char *text = poppler_page_get_text(page), *p;
    PopplerRectangle *rects = NULL;
    guint nrects = 0;
    GList *attrs, *a;
    struct import_glyph *g;
    size_t n = 0;

    if (text == NULL)
        return;
    if (!poppler_page_get_text_layout(page, &rects, &nrects) || nrects == 0) {
        g_free(rects);
        g_free(text);
        return;
    }
    attrs = poppler_page_get_text_attributes(page);
    g = mem_alloc(nrects * sizeof(*g));
    a = attrs;
    for (p = text; *p && n < nrects; p = g_utf8_next_char(p), n++) {
        const PopplerRectangle *r = &rects[n];

        while (a != NULL && ((PopplerTextAttributes *)a->data)->end_index < (int)n)
            a = a->next;
        g[n] = (struct import_glyph){
            .x1 = r->x1, .y1 = r->y1, .x2 = r->x2, .y2 = r->y2, .s = p,
            .n = (size_t)(g_utf8_next_char(p) - p),
            .size = a != NULL && ((PopplerTextAttributes *)a->data)->start_index <= (int)n
                        ? ((PopplerTextAttributes *)a->data)->font_size : 0};
    }
    import_layout_lines(g, n, HEADING_RATIO, out);
    free(g);
    poppler_page_free_text_attributes(attrs);
    g_free(rects);
    explicit_bzero(text, strlen(text));
    g_free(text);
}

int import_read_pdf(const char *data, size_t len, struct import_lines *out, int *pages)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *err = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
    int rc = IMPORT_READ_OK;

    g_bytes_unref(bytes);
    *pages = 0;
    if (doc == NULL) {
        rc = err && g_error_matches(err, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)
                 ? IMPORT_READ_ENCRYPTED : IMPORT_READ_BROKEN;
        g_clear_error(&err);
        return rc;
    }
    *pages = poppler_document_get_n_pages(doc);
    if (*pages > IMPORT_PDF_PAGES_MAX)
        rc = IMPORT_READ_TOO_LONG;
    for (int i = 0; rc == IMPORT_READ_OK && i < *pages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);

        if (page != NULL) {
            page_lines(page, out);
            g_object_unref(page);
        }
    }
    g_object_unref(doc);
    if (rc == IMPORT_READ_OK && out->n == 0)
        rc = IMPORT_READ_NO_TEXT;
    return rc;
}

/* ---- .docx ------------------------------------------------------------------------ */

static bool is_w(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
           n->ns != NULL && n->ns->href != NULL &&
           strstr((const char *)n->ns->href, "wordprocessingml") != NULL;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, name))
            return c;
    return NULL;
}

/* A paragraph's flags from its properties: heading or list item. */
static unsigned paragraph_flags(const xmlNode *p)
{
    const xmlNode *ppr = child(p, "pPr"), *style = child(ppr, "pStyle");
    unsigned flags = child(ppr, "numPr") ? IMPORT_BULLET : 0;

    if (style != NULL) {
        xmlChar *v = xmlGetNsProp(style, (const xmlChar *)"val", style->ns->href);

        if (v != NULL) {
            if (strncasecmp((char *)v, "heading", 7) == 0 || strcasecmp((char *)v, "title") == 0)
                flags |= IMPORT_HEADING;
            else if (strncasecmp((char *)v, "list", 4) == 0)
                flags |= IMPORT_BULLET;
            xmlFree(v);
        }
    }
    return flags;
}

/* The text of n's runs into buf: w:t, a tab as a wide gap, a break ends
 * a line. */
static void runs_text(const xmlNode *n, GString *buf, struct import_lines *out, unsigned flags)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (is_w(c, "t")) {
            xmlChar *t = xmlNodeGetContent(c);

            if (t != NULL) {
                g_string_append(buf, (const char *)t);
                xmlFree(t); /* import_wipe_free(), by xml_setup() */
            }
        } else if (is_w(c, "tab")) {
            g_string_append(buf, "   ");
        } else if (is_w(c, "br") || is_w(c, "cr")) {
            import_lines_add(out, buf->str, buf->len, flags);
            explicit_bzero(buf->str, buf->len);
            g_string_truncate(buf, 0);
        } else if (c->type == XML_ELEMENT_NODE && !is_w(c, "pPr") && !is_w(c, "rPr")) {
            runs_text(c, buf, out, flags); /* w:r, w:hyperlink, w:smartTag, w:ins */
        }
    }
}

static void body_lines(const xmlNode *n, struct import_lines *out, int depth)
{
    for (const xmlNode *c = n->children; c && depth < 16; c = c->next) {
        if (is_w(c, "p")) {
            GString *buf = g_string_new(NULL);
            unsigned flags = paragraph_flags(c);

            runs_text(c, buf, out, flags);
            import_lines_add(out, buf->str, buf->len, flags);
            explicit_bzero(buf->str, buf->allocated_len);
            g_string_free(buf, TRUE);
        } else if (c->type == XML_ELEMENT_NODE) {
            body_lines(c, out, depth + 1); /* w:tbl > w:tr > w:tc, w:sdt, w:body */
        }
    }
}

int import_read_docx(const char *data, size_t len, struct import_lines *out)
{
    zip_t *z = zip_of(data, len);
    zip_int64_t idx;
    char *xml;
    size_t n = 0;
    bool too_big;
    xmlDoc *doc;
    int rc = IMPORT_READ_OK;

    if (z == NULL)
        return IMPORT_READ_BROKEN;
    idx = zip_name_locate(z, "word/document.xml", 0);
    xml = idx >= 0 ? member(z, (zip_uint64_t)idx, &n, &too_big) : NULL;
    zip_discard(z);
    if (xml == NULL)
        return idx >= 0 && too_big ? IMPORT_READ_TOO_LONG : IMPORT_READ_BROKEN;
    xml_setup();
    doc = xmlReadMemory(xml, (int)n, "document.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    import_wipe_free(xml);
    if (doc == NULL)
        return IMPORT_READ_BROKEN;
    if (xmlDocGetRootElement(doc) == NULL || !is_w(xmlDocGetRootElement(doc), "document"))
        rc = IMPORT_READ_BROKEN;
    else
        body_lines(xmlDocGetRootElement(doc), out, 0);
    xmlFreeDoc(doc);
    if (rc == IMPORT_READ_OK && out->n == 0)
        rc = IMPORT_READ_NO_TEXT;
    return rc;
}

/* ---- LinkedIn's export ------------------------------------------------------------- */

static const char *const linkedin_files[] = {
    "Profile.csv", "Positions.csv", "Education.csv", "Skills.csv", "Languages.csv",
    "Certifications.csv", "Email Addresses.csv", "PhoneNumbers.csv",
};

struct csv_state {
    json_t *header, *row, *rows; /* column names; the row being read; the table */
    size_t col;
};

static void csv_field(void *s, size_t n, void *arg)
{
    struct csv_state *st = arg;
    json_t *v = json_stringn(s, n);

    if (v == NULL) /* not UTF-8: the field is left out */
        v = json_string("");
    if (st->header == NULL)
        st->header = json_array();
    if (st->row == NULL)
        st->row = json_array();
    json_array_append_new(st->row, v);
}

static void csv_row(int c, void *arg)
{
    struct csv_state *st = arg;
    json_t *obj, *v;
    size_t i;

    if (st->row == NULL)
        return;
    if (json_array_size(st->header) == 0) {
        json_decref(st->header);
        st->header = st->row; /* the first row names the columns */
        st->row = NULL;
        return;
    }
    obj = json_object();
    json_array_foreach(st->row, i, v) {
        const char *col = json_string_value(json_array_get(st->header, i));

        if (col != NULL && *col != '\0' && json_string_length(v) > 0)
            json_object_set(obj, col, v);
    }
    json_array_append_new(st->rows, obj);
    json_decref(st->row);
    st->row = NULL;
}

/* The rows of one CSV as objects keyed by the first row: new reference. */
static json_t *csv_table(const char *data, size_t n)
{
    struct csv_parser p;
    struct csv_state st = {.rows = json_array()};

    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return st.rows;
    /* its field buffer holds every value in turn: emails, phone numbers */
    csv_set_realloc_func(&p, wipe_realloc);
    csv_set_free_func(&p, import_wipe_free);
    /* a UTF-8 byte order mark is not part of the first column's name */
    if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        data += 3, n -= 3;
    csv_parse(&p, data, n, csv_field, csv_row, &st);
    csv_fini(&p, csv_field, csv_row, &st);
    csv_free(&p);
    json_decref(st.header);
    json_decref(st.row);
    return st.rows;
}

int import_read_linkedin(const char *data, size_t len, json_t **tables)
{
    zip_t *z = zip_of(data, len);
    zip_int64_t count;
    int rc = IMPORT_READ_OK;

    *tables = NULL;
    if (z == NULL)
        return IMPORT_READ_BROKEN;
    *tables = json_object();
    count = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < count && rc == IMPORT_READ_OK; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0), *base;
        char *csv;
        size_t n;
        bool too_big;

        if (name == NULL)
            continue;
        base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
        for (size_t k = 0; k < sizeof(linkedin_files) / sizeof(linkedin_files[0]); k++) {
            if (strcmp(base, linkedin_files[k]) != 0 || json_object_get(*tables, base))
                continue;
            if ((csv = member(z, (zip_uint64_t)i, &n, &too_big)) == NULL) {
                rc = too_big ? IMPORT_READ_TOO_LONG : IMPORT_READ_BROKEN;
                break;
            }
            json_object_set_new(*tables, base, csv_table(csv, n));
            import_wipe_free(csv);
        }
    }
    zip_discard(z);
    if (rc == IMPORT_READ_OK && json_object_size(*tables) == 0)
        rc = IMPORT_READ_NOT_LINKEDIN;
    if (rc != IMPORT_READ_OK) {
        json_decref(*tables);
        *tables = NULL;
    }
    return rc;
}

/* ---- countries ------------------------------------------------------------------------ */

static void add_country(json_t *names, json_t *c, const char *key, json_t *code)
{
    const char *n = json_string_value(json_object_get(c, key));
    char *lower;

    if (n == NULL)
        return;
    lower = g_utf8_strdown(n, -1);
    json_object_set(names, lower, code);
    g_free(lower);
}

json_t *import_countries(void)
{
    static json_t *names; /* lives as long as the process */
    json_error_t err;
    json_t *iso, *c;
    size_t i;

    if (names != NULL)
        return names;
    names = json_object();
    if ((iso = json_load_file(ISO_3166_JSON, 0, &err)) == NULL) {
        log_warn("import: %s: %s; country names are not read", ISO_3166_JSON, err.text);
        return names;
    }
    json_array_foreach(json_object_get(iso, "3166-1"), i, c) {
        json_t *code = json_object_get(c, "alpha_2");

        if (!json_is_string(code))
            continue;
        add_country(names, c, "name", code);
        add_country(names, c, "common_name", code);
        add_country(names, c, "official_name", code);
    }
    json_object_set_new(names, "usa", json_string("US"));
    json_object_set_new(names, "uk", json_string("GB"));
    json_decref(iso);
    return names;
}
