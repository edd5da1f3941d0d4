/*
 * pdf.c - a JSON Resume document typeset as a PDF with cairo and Pango.
 *
 * Two passes.  The first walks the resume and turns every paragraph into an
 * item: one PangoLayout (wrapped to the column, text escaped into Pango
 * markup) plus what is drawn beside it (a bullet, right-aligned dates) and
 * how it relates to the next item (keep_with_next).  The second pass pages
 * the items top to bottom, so the content stream is in reading order and
 * pdftotext or a screen reader gets the text the way it was written.
 *
 * Pagination invariants: an item that fits is drawn whole with
 * pango_cairo_show_layout; one that does not is moved to the next page, or,
 * when it has four lines or more, split between lines with at least two on
 * each side.  A chain of keep_with_next items (a section heading, an
 * entry's title and meta line) never ends a page: the chain moves on as a
 * whole together with the beginning of the item that closes it.
 *
 * Units are PDF points throughout: the Pango context is set to 72 dpi and
 * metric hinting is off, so measurements do not depend on a screen.
 * Fonts come from fontconfig through FONT_FAMILIES; Pango falls back along
 * the list per script, which is how Devanagari gets Noto Sans Devanagari.
 * This is the only file that includes cairo or Pango.
 */
#include "svc/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

#define MM (72.0 / 25.4)
#define MARGIN (18.0 * MM)
#define FONT_FAMILIES "DejaVu Sans, Noto Sans, Noto Sans Devanagari"
#define BULLET_INDENT 12.0 /* pt, text of a bulleted line from the column edge */
#define ASIDE_GAP 12.0     /* pt, between an entry's title and its dates */
#define SEP "  \xc2\xb7  " /* "  ·  " between parts of one line */
#define SPACE_SECTION 13.0 /* pt above a section heading */
#define SPACE_ENTRY 7.0    /* pt above an entry of a section */
#define SPACE_FIRST 3.0    /* pt between a heading (and its rule) and what it opens */

/* ---- styles ---------------------------------------------------------------- */

enum text_style { ST_NAME, ST_LABEL, ST_CONTACT, ST_HEADING, ST_TITLE, ST_META, ST_DATE, ST_BODY,
             ST_COUNT };

struct text_spec {
    double size; /* pt */
    PangoWeight weight;
    PangoStyle slant;
    double rgb[3];
};

#define INK {0.11, 0.12, 0.14}
#define ACCENT {0.10, 0.27, 0.47}
#define MUTED {0.36, 0.38, 0.42}

static const struct text_spec styles[ST_COUNT] = {
    [ST_NAME] = {22.0, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, INK},
    [ST_LABEL] = {12.0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, ACCENT},
    [ST_CONTACT] = {9.0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, MUTED},
    [ST_HEADING] = {12.0, PANGO_WEIGHT_BOLD, PANGO_STYLE_NORMAL, ACCENT},
    [ST_TITLE] = {10.5, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, INK},
    [ST_META] = {9.0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_ITALIC, MUTED},
    [ST_DATE] = {9.0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, MUTED},
    [ST_BODY] = {10.0, PANGO_WEIGHT_NORMAL, PANGO_STYLE_NORMAL, INK},
};

/* ---- items ----------------------------------------------------------------- */

struct item {
    PangoLayout *layout;   /* owned */
    PangoLayout *aside;    /* owned, may be NULL: right-aligned on the first line */
    PangoLayout *bullet;   /* owned, may be NULL: left of the first line */
    enum text_style style;
    double x;              /* from the left margin */
    double space_before;   /* dropped at the top of a page */
    double space_after;    /* part of the item's height (a heading's rule) */
    bool keep_with_next;
    bool rule;             /* draw a rule in space_after (header, headings) */
    const char *outline;   /* static: a section heading's bookmark */
};

struct doc {
    PangoContext *ctx;
    PangoFontDescription *fonts[ST_COUNT];
    double width; /* the text column, pt */
    struct item *items;
    size_t n, cap;
    bool after_heading; /* the next item opens a section */
    bool failed;
};

/* A new layout of `markup` (Pango markup, already escaped) in style st,
 * wrapped at width pt (0: not wrapped).  Owned by the caller. */
static PangoLayout *doc_layout(struct doc *d, enum text_style st, const char *markup, double width)
{
    PangoLayout *l = pango_layout_new(d->ctx);

    pango_layout_set_font_description(l, d->fonts[st]);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_line_spacing(l, st == ST_NAME ? 1.0f : 1.08f);
    pango_layout_set_markup(l, markup, -1);
    return l;
}

/* Append an item for `markup`; NULL (and d->failed) when out of memory. */
static struct item *doc_add(struct doc *d, enum text_style st, const char *markup, double x,
                            double space_before)
{
    struct item *it;

    if (d->failed)
        return NULL;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;

        d->items = mem_realloc(d->items, cap * sizeof(*d->items));
        d->cap = cap;
    }
    it = &d->items[d->n++];
    memset(it, 0, sizeof(*it));
    it->style = st;
    it->x = x;
    it->space_before = d->after_heading ? SPACE_FIRST : space_before;
    it->layout = doc_layout(d, st, markup, d->width - x);
    d->after_heading = false;
    return it;
}

static void item_clear(struct item *it)
{
    g_object_unref(it->layout);
    if (it->aside != NULL)
        g_object_unref(it->aside);
    if (it->bullet != NULL)
        g_object_unref(it->bullet);
}

/* ---- resume fields --------------------------------------------------------- */

/* Borrowed string member with something besides white space, or NULL. */
static const char *field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));

    if (s == NULL)
        return NULL;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return s;
    return NULL;
}

/* text as Pango markup (g_free): escaped, and the control characters no
 * font has a glyph for (C0 but tab and newline, DEL, C1) made spaces. */
static char *escape(const char *text)
{
    char *plain = g_strdup(text), *e;

    for (unsigned char *p = (unsigned char *)plain; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
            *p = ' ';
        } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            p[0] = p[1] = ' ';
            p++;
        }
    }
    e = g_markup_escape_text(plain, -1);
    g_free(plain);
    return e;
}

static void append_escaped(GString *s, const char *text)
{
    char *e = escape(text);

    g_string_append(s, e);
    g_free(e);
}

/* Append text (escaped), preceded by sep when s already holds something. */
static void append_part(GString *s, const char *sep, const char *text)
{
    if (text == NULL)
        return;
    if (s->len > 0)
        g_string_append(s, sep);
    append_escaped(s, text);
}

/* The strings of array member `key`, escaped and joined with ", ". */
static void append_list(GString *s, json_t *obj, const char *key)
{
    json_t *arr = json_object_get(obj, key), *v;
    size_t i, before = s->len;

    json_array_foreach(arr, i, v) {
        const char *t = json_string_value(v);

        if (t != NULL && *t != '\0') {
            if (s->len > before)
                g_string_append(s, ", ");
            append_escaped(s, t);
        }
    }
}

/* "2020-03-15" / "2020-03" -> "Mar 2020", "2020" -> "2020"; anything else
 * is shown as written. */
static void format_date(const char *iso, char *buf, size_t n)
{
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    bool year = strlen(iso) >= 4;
    const char *end;

    for (int i = 0; i < 4 && year; i++)
        year = iso[i] >= '0' && iso[i] <= '9';
    if (year && iso[4] == '\0') {
        snprintf(buf, n, "%.4s", iso);
        return;
    }
    if (year && iso[4] == '-' && iso[5] >= '0' && iso[5] <= '1' && iso[6] >= '0' &&
        iso[6] <= '9' && (iso[7] == '\0' || iso[7] == '-')) {
        int m = (iso[5] - '0') * 10 + (iso[6] - '0');

        if (m >= 1 && m <= 12) {
            snprintf(buf, n, "%s %.4s", months[m - 1], iso);
            return;
        }
    }
    snprintf(buf, n, "%s", iso);
    if (!g_utf8_validate(buf, -1, &end)) /* cut inside a character */
        *(char *)end = '\0';
}

/* "Mar 2020 – Jun 2022", "Mar 2020 – Present", "Jun 2022" or NULL; g_free. */
static char *date_range(json_t *obj, const char *start_key, const char *end_key)
{
    const char *start = field(obj, start_key), *end = end_key ? field(obj, end_key) : NULL;
    char s[64], e[64], *plain, *markup;

    if (start == NULL && end == NULL)
        return NULL;
    if (start != NULL)
        format_date(start, s, sizeof(s));
    if (end != NULL)
        format_date(end, e, sizeof(e));
    if (start == NULL)
        return escape(e);
    if (end_key == NULL)
        return escape(s);
    plain = g_strconcat(s, " \xe2\x80\x93 ", end ? e : "Present", NULL);
    markup = escape(plain);
    g_free(plain);
    return markup;
}

/* ---- building blocks ------------------------------------------------------- */

/* A section heading; returns the item count before it, for section_end(). */
static size_t section_begin(struct doc *d, const char *title)
{
    size_t mark = d->n;
    char *m = escape(title);
    struct item *it = doc_add(d, ST_HEADING, m, 0, SPACE_SECTION);

    g_free(m);
    if (it != NULL) {
        it->keep_with_next = true;
        it->rule = true;
        it->space_after = 4.0;
        it->outline = title;
        d->after_heading = true;
    }
    return mark;
}

/* Drop a heading that got no content. */
static void section_end(struct doc *d, size_t mark)
{
    if (d->n == mark + 1) {
        item_clear(&d->items[mark]);
        d->n = mark;
    }
    d->after_heading = false;
}

static void add_paragraph(struct doc *d, enum text_style st, const char *markup, double before)
{
    if (markup != NULL && *markup != '\0')
        doc_add(d, st, markup, 0, before);
}

static void add_bullets(struct doc *d, json_t *arr)
{
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v) {
        const char *t = json_string_value(v);
        char *m;
        struct item *it;

        if (t == NULL || *t == '\0')
            continue;
        m = escape(t);
        it = doc_add(d, ST_BODY, m, BULLET_INDENT, 2.0);
        g_free(m);
        if (it != NULL)
            it->bullet = doc_layout(d, ST_BODY, "\xe2\x80\xa2", 0);
    }
}

/*
 * One entry of a section: a title line (markup) with optional dates on the
 * right, an optional meta line, body paragraph and bullets.  The title and
 * meta line keep with what follows them.
 */
static void add_entry(struct doc *d, const char *title, const char *dates, const char *meta,
                      const char *summary, json_t *highlights, const char *extra)
{
    struct item *it = NULL;
    PangoLayout *aside = NULL;
    double aside_w = 0;
    size_t first = d->n, head = 0;
    const char *long_dates = NULL;

    if (title != NULL && *title == '\0')
        title = NULL;
    if (dates != NULL) {
        int w, h;

        aside = doc_layout(d, ST_DATE, dates, 0);
        pango_layout_get_size(aside, &w, &h);
        aside_w = (double)w / PANGO_SCALE + ASIDE_GAP;
        if (aside_w > d->width / 3) { /* not a date: a line of its own */
            g_object_unref(aside);
            aside = NULL;
            long_dates = dates;
        }
    }
    if (title != NULL || aside != NULL) {
        if ((it = doc_add(d, ST_TITLE, title ? title : "", 0, SPACE_ENTRY)) == NULL) {
            if (aside != NULL)
                g_object_unref(aside);
            return;
        }
        it->aside = aside;
        if (aside != NULL)
            pango_layout_set_width(it->layout, (int)((d->width - aside_w) * PANGO_SCALE));
        head++;
    }
    if (long_dates != NULL && doc_add(d, ST_DATE, long_dates, 0, head ? 1.0 : SPACE_ENTRY))
        head++;
    if (meta != NULL && *meta != '\0' && doc_add(d, ST_META, meta, 0, head ? 1.0 : SPACE_ENTRY))
        head++;
    if (summary != NULL) {
        char *m = escape(summary);

        doc_add(d, ST_BODY, m, 0, first == d->n ? SPACE_ENTRY : 2.0);
        g_free(m);
    }
    add_bullets(d, highlights);
    if (extra != NULL && *extra != '\0')
        doc_add(d, ST_META, extra, 0, first == d->n ? SPACE_ENTRY : 2.0);
    /* the entry's head (title, meta line) keeps with what follows it */
    for (size_t i = first; i < first + head && i + 1 < d->n && !d->failed; i++)
        d->items[i].keep_with_next = true;
}

/* "<b>main</b> — secondary", either part optional; g_free. */
static char *title_markup(const char *main_text, const char *secondary)
{
    GString *s = g_string_new(NULL);

    if (main_text != NULL) {
        g_string_append(s, "<b>");
        append_escaped(s, main_text);
        g_string_append(s, "</b>");
    }
    if (secondary != NULL) {
        if (main_text != NULL)
            g_string_append(s, " \xe2\x80\x94 ");
        append_escaped(s, secondary);
    }
    return g_string_free(s, FALSE);
}

/* ---- sections -------------------------------------------------------------- */

/* One part of the contact line (markup), kept on one line when it is
 * short enough that this cannot overflow the column. */
static void append_contact(GString *contact, const char *markup)
{
    if (markup == NULL || *markup == '\0')
        return;
    if (contact->len > 0)
        g_string_append(contact, SEP);
    if (strlen(markup) <= 60)
        g_string_append_printf(contact, "<span allow_breaks=\"false\">%s</span>", markup);
    else
        g_string_append(contact, markup);
}

static void append_contact_text(GString *contact, const char *text)
{
    char *m = text ? escape(text) : NULL;

    append_contact(contact, m);
    g_free(m);
}

static void add_header(struct doc *d, json_t *basics)
{
    GString *contact = g_string_new(NULL);
    GString *part = g_string_new(NULL);
    json_t *loc = json_object_get(basics, "location"), *p;
    const char *name = field(basics, "name"), *label = field(basics, "label");
    struct item *last = NULL;
    size_t i;

    if (name != NULL) {
        char *m = escape(name);

        last = doc_add(d, ST_NAME, m, 0, 0);
        g_free(m);
    }
    if (label != NULL) {
        char *m = escape(label);

        last = doc_add(d, ST_LABEL, m, 0, 2.0);
        g_free(m);
    }
    append_contact_text(contact, field(basics, "email"));
    append_contact_text(contact, field(basics, "phone"));
    append_contact_text(contact, field(basics, "url") ? field(basics, "url")
                                                      : field(basics, "website"));
    append_part(part, ", ", field(loc, "city"));
    append_part(part, ", ", field(loc, "region"));
    append_part(part, ", ", field(loc, "countryCode"));
    append_contact(contact, part->str);
    json_array_foreach(json_object_get(basics, "profiles"), i, p) {
        const char *net = field(p, "network"), *user = field(p, "username");
        const char *url = field(p, "url");

        if (user == NULL && url == NULL)
            continue;
        g_string_truncate(part, 0);
        if (net != NULL) {
            append_escaped(part, net);
            g_string_append(part, ": ");
        }
        append_escaped(part, user ? user : url);
        append_contact(contact, part->str);
    }
    if (contact->len > 0)
        last = doc_add(d, ST_CONTACT, contact->str, 0, 5.0);
    if (last != NULL) {
        last->rule = true;
        last->space_after = 6.0;
    }
    g_string_free(contact, TRUE);
    g_string_free(part, TRUE);
}

static void add_summary(struct doc *d, json_t *basics)
{
    size_t mark = section_begin(d, "Summary");
    const char *s = field(basics, "summary");

    if (s != NULL) {
        char *m = escape(s);

        add_paragraph(d, ST_BODY, m, 0);
        g_free(m);
    }
    section_end(d, mark);
}

/* work and volunteer share a shape: role at organisation, dates, bullets */
static void add_roles(struct doc *d, json_t *resume, const char *key, const char *heading,
                      const char *org_key)
{
    size_t mark = section_begin(d, heading), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, key), i, e) {
        const char *org = field(e, org_key) ? field(e, org_key) : field(e, "company");
        char *title = title_markup(field(e, "position"), org);
        char *dates = date_range(e, "startDate", "endDate");
        GString *meta = g_string_new(NULL);

        append_part(meta, SEP, field(e, "description"));
        append_part(meta, SEP, field(e, "location"));
        append_part(meta, SEP, field(e, "url"));
        add_entry(d, title, dates, meta->str, field(e, "summary"),
                  json_object_get(e, "highlights"), NULL);
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
    }
    section_end(d, mark);
}

static void add_projects(struct doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "Projects"), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, "projects"), i, e) {
        char *title = title_markup(field(e, "name"), field(e, "entity"));
        char *dates = date_range(e, "startDate", "endDate");
        GString *meta = g_string_new(NULL), *kw = g_string_new(NULL);

        append_list(meta, e, "roles");
        append_part(meta, SEP, field(e, "type"));
        append_part(meta, SEP, field(e, "url"));
        append_list(kw, e, "keywords");
        add_entry(d, title, dates, meta->str, field(e, "description"),
                  json_object_get(e, "highlights"), kw->str);
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
        g_string_free(kw, TRUE);
    }
    section_end(d, mark);
}

static void add_education(struct doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "Education"), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, "education"), i, e) {
        const char *type = field(e, "studyType"), *area = field(e, "area");
        char *degree = type && area ? g_strdup_printf("%s, %s", type, area)
                                    : g_strdup(type ? type : area);
        const char *inst = field(e, "institution");
        char *title = degree ? title_markup(degree, inst) : title_markup(inst, NULL);
        char *dates = date_range(e, "startDate", "endDate");
        GString *meta = g_string_new(NULL), *courses = g_string_new(NULL);

        if (field(e, "score") != NULL) {
            g_string_append(meta, "Score: ");
            append_escaped(meta, field(e, "score"));
        }
        append_part(meta, SEP, field(e, "url"));
        append_list(courses, e, "courses");
        if (courses->len > 0)
            g_string_prepend(courses, "Courses: ");
        add_entry(d, title, dates, meta->str, NULL, NULL, courses->str);
        g_free(degree);
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
        g_string_free(courses, TRUE);
    }
    section_end(d, mark);
}

/* skills and interests: "<b>name</b> (level): keyword, keyword" per line */
static void add_keyword_lines(struct doc *d, json_t *resume, const char *key,
                              const char *heading)
{
    size_t mark = section_begin(d, heading), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, key), i, e) {
        GString *s = g_string_new(NULL), *kw = g_string_new(NULL);
        const char *name = field(e, "name"), *level = field(e, "level");

        append_list(kw, e, "keywords");
        if (name != NULL) {
            g_string_append(s, "<b>");
            append_escaped(s, name);
            g_string_append(s, "</b>");
        }
        if (level != NULL) {
            g_string_append(s, s->len ? " (" : "(");
            append_escaped(s, level);
            g_string_append(s, ")");
        }
        if (kw->len > 0) {
            if (s->len > 0)
                g_string_append(s, ": ");
            g_string_append(s, kw->str);
        }
        add_paragraph(d, ST_BODY, s->str, 2.0);
        g_string_free(s, TRUE);
        g_string_free(kw, TRUE);
    }
    section_end(d, mark);
}

/* certificates, awards, publications: title — issuer, one date, text */
static void add_dated(struct doc *d, json_t *resume, const char *key, const char *heading,
                      const char *name_key, const char *by_key, const char *date_key)
{
    size_t mark = section_begin(d, heading), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, key), i, e) {
        char *title = title_markup(field(e, name_key), field(e, by_key));
        char *date = date_range(e, date_key, NULL);
        char *url = field(e, "url") ? escape(field(e, "url")) : NULL;

        add_entry(d, title, date, url, field(e, "summary"), NULL, NULL);
        g_free(title);
        g_free(date);
        g_free(url);
    }
    section_end(d, mark);
}

static void add_languages(struct doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "Languages"), i;
    GString *s = g_string_new(NULL);
    json_t *e;

    json_array_foreach(json_object_get(resume, "languages"), i, e) {
        const char *lang = field(e, "language"), *fluency = field(e, "fluency");

        if (lang == NULL)
            continue;
        if (s->len > 0)
            g_string_append(s, SEP);
        g_string_append(s, "<b>");
        append_escaped(s, lang);
        g_string_append(s, "</b>");
        if (fluency != NULL) {
            g_string_append(s, " (");
            append_escaped(s, fluency);
            g_string_append(s, ")");
        }
    }
    add_paragraph(d, ST_BODY, s->str, 0);
    g_string_free(s, TRUE);
    section_end(d, mark);
}

/* "prefix<escaped text>suffix" as markup; g_free. */
static char *wrap_text(const char *prefix, const char *text, const char *suffix)
{
    GString *s = g_string_new(prefix);

    append_escaped(s, text);
    g_string_append(s, suffix);
    return g_string_free(s, FALSE);
}

static void add_references(struct doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "References"), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, "references"), i, e) {
        const char *name = field(e, "name"), *text = field(e, "reference");
        char *m;

        if (text != NULL) {
            m = wrap_text("\xe2\x80\x9c", text, "\xe2\x80\x9d"); /* “text” */
            add_paragraph(d, ST_BODY, m, SPACE_ENTRY);
            g_free(m);
        }
        if (name != NULL) {
            m = wrap_text("\xe2\x80\x94 ", name, ""); /* — name */
            add_paragraph(d, ST_META, m, text ? 1.0 : SPACE_ENTRY);
            g_free(m);
            if (text != NULL && !d->failed) /* the quote keeps with its author */
                d->items[d->n - 2].keep_with_next = true;
        }
    }
    section_end(d, mark);
}

static void doc_build(struct doc *d, json_t *resume)
{
    json_t *basics = json_object_get(resume, "basics");

    add_header(d, basics);
    add_summary(d, basics);
    add_roles(d, resume, "work", "Experience", "name");
    add_projects(d, resume);
    add_education(d, resume);
    add_keyword_lines(d, resume, "skills", "Skills");
    add_dated(d, resume, "certificates", "Certificates", "name", "issuer", "date");
    add_dated(d, resume, "awards", "Awards", "title", "awarder", "date");
    add_dated(d, resume, "publications", "Publications", "name", "publisher", "releaseDate");
    add_roles(d, resume, "volunteer", "Volunteer", "organization");
    add_languages(d, resume);
    add_keyword_lines(d, resume, "interests", "Interests");
    add_references(d, resume);
}

/* ---- pagination ------------------------------------------------------------ */

struct pager {
    cairo_surface_t *surface;
    cairo_t *cr;
    double left, width, top, bottom, y;
    int page;    /* 1-based */
    bool at_top; /* nothing drawn on this page yet */
};

static double pt(int pango_units)
{
    return (double)pango_units / PANGO_SCALE;
}

static double layout_height(PangoLayout *l)
{
    int w, h;

    pango_layout_get_size(l, &w, &h);
    return pt(h);
}

/* Top and bottom of line k, from the top of the layout, in pt. */
static void line_span(PangoLayout *l, int k, double *top, double *bottom)
{
    PangoLayoutIter *iter = pango_layout_get_iter(l);
    PangoRectangle r = {0, 0, 0, 0};

    for (int i = 0; i <= k; i++) {
        pango_layout_iter_get_line_extents(iter, NULL, &r);
        if (i < k && !pango_layout_iter_next_line(iter))
            break;
    }
    pango_layout_iter_free(iter);
    *top = pt(r.y);
    *bottom = pt(r.y + r.height);
}

static double lines_height(PangoLayout *l, int from, int to)
{
    double top, bottom, t2, b2;

    line_span(l, from, &top, &b2);
    line_span(l, to - 1, &t2, &bottom);
    return bottom - top;
}

/* The least of an item that must share a page with what keeps with it:
 * all of it up to three lines, its first two lines otherwise. */
static double item_start_height(const struct item *it)
{
    int n = pango_layout_get_line_count(it->layout);

    return n <= 3 ? layout_height(it->layout) + it->space_after
                  : lines_height(it->layout, 0, 2);
}

/* Height the chain starting at items[i] needs on the current page.  The
 * chain ends at the first item that does not keep with the next, or at one
 * that can be split (four lines or more): only its start must be here. */
static double chain_need(const struct doc *d, size_t i, bool at_top)
{
    double need = 0;

    for (size_t j = i; j < d->n; j++) {
        const struct item *it = &d->items[j];
        double before = (j == i && at_top) ? 0 : it->space_before;

        if (!it->keep_with_next || j + 1 == d->n ||
            pango_layout_get_line_count(it->layout) >= 4)
            return need + before + item_start_height(it);
        need += before + layout_height(it->layout) + it->space_after;
    }
    return need;
}

static void set_color(cairo_t *cr, enum text_style st)
{
    cairo_set_source_rgb(cr, styles[st].rgb[0], styles[st].rgb[1], styles[st].rgb[2]);
}

static void pager_new_page(struct pager *p)
{
    cairo_show_page(p->cr);
    p->page++;
    p->y = p->top;
    p->at_top = true;
}

/* What is drawn once, with an item's first line: its bullet and bookmark
 * before the text, its dates after it (reading order). */
static void draw_first_line_extras(struct pager *p, const struct item *it, bool after)
{
    if (!after && it->bullet != NULL) {
        set_color(p->cr, ST_BODY);
        cairo_move_to(p->cr, p->left + it->x - BULLET_INDENT + 2.0, p->y);
        pango_cairo_show_layout(p->cr, it->bullet);
    }
    if (!after && it->outline != NULL) {
        char dest[96];

        snprintf(dest, sizeof(dest), "page=%d pos=[%d %d]", p->page, (int)p->left,
                 (int)p->y);
        cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT, it->outline, dest,
                                      0);
    }
    if (after && it->aside != NULL) {
        int w, h;
        double dy = pt(pango_layout_get_baseline(it->layout)) -
                    pt(pango_layout_get_baseline(it->aside));

        pango_layout_get_size(it->aside, &w, &h);
        set_color(p->cr, ST_DATE);
        cairo_move_to(p->cr, p->left + p->width - pt(w), p->y + dy);
        pango_cairo_show_layout(p->cr, it->aside);
    }
}

/* Draw lines [from, to) of an item with line `from` at the current y. */
static void draw_lines(struct pager *p, const struct item *it, int from, int to)
{
    PangoLayout *l = it->layout;
    double top, bottom;

    if (from == 0)
        draw_first_line_extras(p, it, false);
    set_color(p->cr, it->style);
    if (from == 0 && to == pango_layout_get_line_count(l)) {
        cairo_move_to(p->cr, p->left + it->x, p->y);
        pango_cairo_show_layout(p->cr, l);
    } else {
        PangoLayoutIter *iter = pango_layout_get_iter(l);
        int k = 0;

        line_span(l, from, &top, &bottom);
        do {
            if (k >= from && k < to) {
                PangoRectangle r;

                pango_layout_iter_get_line_extents(iter, NULL, &r);
                cairo_move_to(p->cr, p->left + it->x + pt(r.x),
                              p->y + pt(pango_layout_iter_get_baseline(iter)) - top);
                pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(iter));
            }
            k++;
        } while (k < to && pango_layout_iter_next_line(iter));
        pango_layout_iter_free(iter);
    }
    if (from == 0)
        draw_first_line_extras(p, it, true);
    p->y += lines_height(l, from, to);
    p->at_top = false;
}

static void draw_rule(struct pager *p, const struct item *it)
{
    double y = p->y + (it->style == ST_HEADING ? 1.5 : it->space_after / 2);

    set_color(p->cr, it->style == ST_HEADING ? ST_HEADING : ST_CONTACT);
    cairo_set_line_width(p->cr, it->style == ST_HEADING ? 0.6 : 0.4);
    cairo_move_to(p->cr, p->left, y);
    cairo_line_to(p->cr, p->left + p->width, y);
    cairo_stroke(p->cr);
}

/* Lines of l, from `from` on, that fit in `room` pt. */
static int lines_fitting(PangoLayout *l, int from, double room)
{
    int n = pango_layout_get_line_count(l), k = 0;

    while (from + k < n && lines_height(l, from, from + k + 1) <= room)
        k++;
    return k;
}

static void place(struct pager *p, const struct doc *d, size_t i)
{
    const struct item *it = &d->items[i];
    PangoLayout *l = it->layout;
    int n = pango_layout_get_line_count(l), from = 0;

    if (!p->at_top && p->y + chain_need(d, i, false) > p->bottom)
        pager_new_page(p);
    if (!p->at_top)
        p->y += it->space_before;
    while (from < n) {
        double room = p->bottom - p->y;
        int rest = n - from, k;

        if (lines_height(l, from, n) + it->space_after <= room) {
            k = rest;
        } else if (p->at_top) { /* taller than a page: as much as fits */
            k = lines_fitting(l, from, room);
            if (k < 1)
                k = 1;
            if (rest - k == 1 && k > 2)
                k--;
        } else if (from == 0 && n >= 4 && lines_fitting(l, 0, room) >= 2) {
            k = lines_fitting(l, 0, room);
            if (k > n - 2)
                k = n - 2;
        } else {
            pager_new_page(p);
            continue;
        }
        draw_lines(p, it, from, from + k);
        from += k;
        if (from < n)
            pager_new_page(p);
    }
    if (it->rule)
        draw_rule(p, it);
    p->y += it->space_after;
}

/* ---- output ---------------------------------------------------------------- */

struct sink {
    unsigned char *buf;
    size_t len, cap;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
    struct sink *s = closure;

    if (s->cap - s->len < n) {
        size_t cap = s->cap ? s->cap : 64 * 1024;

        while (cap - s->len < n)
            cap *= 2;
        s->buf = mem_realloc(s->buf, cap);
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    return CAIRO_STATUS_SUCCESS;
}

static PangoContext *context_new(cairo_t *cr)
{
    PangoContext *ctx = pango_cairo_create_context(cr);
    cairo_font_options_t *fo = cairo_font_options_create();

    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    return ctx;
}

int pdf_render(json_t *resume, enum pdf_paper paper, const char *title, unsigned char **out,
               size_t *len)
{
    double w = paper == PDF_LETTER ? 612.0 : 595.276, h = paper == PDF_LETTER ? 792.0 : 841.89;
    struct sink sink = {NULL, 0, 0};
    struct doc d;
    struct pager p;
    const char *name = field(json_object_get(resume, "basics"), "name");
    char *default_title = NULL;
    cairo_status_t status;

    *out = NULL;
    *len = 0;
    memset(&d, 0, sizeof(d));
    memset(&p, 0, sizeof(p));
    p.surface = cairo_pdf_surface_create_for_stream(sink_write, &sink, w, h);
    p.cr = cairo_create(p.surface);
    d.ctx = context_new(p.cr);
    d.width = w - 2 * MARGIN;
    for (int st = 0; st < ST_COUNT; st++) {
        d.fonts[st] = pango_font_description_from_string(FONT_FAMILIES);
        pango_font_description_set_size(d.fonts[st], (int)(styles[st].size * PANGO_SCALE));
        pango_font_description_set_weight(d.fonts[st], styles[st].weight);
        pango_font_description_set_style(d.fonts[st], styles[st].slant);
    }

    if (title == NULL)
        title = default_title = name ? g_strdup_printf("%s \xe2\x80\x94 Resume", name)
                                     : g_strdup("Resume");
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, title);
    if (name != NULL)
        cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_AUTHOR, name);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR, "Jobtune");

    doc_build(&d, json_is_object(resume) ? resume : NULL);
    p.left = MARGIN;
    p.width = d.width;
    p.top = MARGIN;
    p.bottom = h - MARGIN;
    p.y = p.top;
    p.page = 1;
    p.at_top = true;
    for (size_t i = 0; i < d.n && !d.failed; i++)
        place(&p, &d, i);
    cairo_show_page(p.cr);

    status = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    for (size_t i = 0; i < d.n; i++)
        item_clear(&d.items[i]);
    free(d.items);
    for (int st = 0; st < ST_COUNT; st++)
        pango_font_description_free(d.fonts[st]);
    g_object_unref(d.ctx);
    g_free(default_title);

    if (d.failed || status != CAIRO_STATUS_SUCCESS) {
        log_error("pdf: rendering failed (%s)",
                  d.failed ? "out of memory" : cairo_status_to_string(status));
        free(sink.buf);
        return -1;
    }
    *out = sink.buf;
    *len = sink.len;
    return 0;
}
