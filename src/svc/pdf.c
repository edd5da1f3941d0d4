/*
 * pdf.c - a JSON Resume document typeset as a PDF with cairo and Pango:
 * the public entry point and the layout (what goes where).
 *
 * Two passes.  The first, here, walks the resume and turns every paragraph
 * into an item: one PangoLayout (wrapped to the column, text escaped into
 * Pango markup) plus what is drawn beside it (a bullet, right-aligned
 * dates) and how it relates to the next item (keep_with_next: a section
 * heading, an entry's title and meta line never end a page alone).  The
 * second, in pdf_pager.c, pages the items top to bottom and draws them, so
 * the content stream is in reading order and pdftotext or a screen reader
 * gets the text the way it was written.
 *
 * What a reader of the PDF should see, decided here: every email, web
 * address and profile is a link; the contact line wraps between its parts,
 * never leaving a separator at either end of a line; a country is its
 * name ("United States", from Debian's iso-codes), not its code; an entry
 * with a start date and no end reads "Mar 2020 – Present" only where that
 * is what a missing end means (work and volunteering: the role goes on),
 * and shows the start date alone elsewhere (a project, a course of study:
 * no end given is not "still going"); equal start and end dates are shown
 * once.
 *
 * pdf.c and pdf_pager.c are the only files that include cairo or Pango.
 */
#include "svc/pdf.h"

#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"
#include "svc/pdf_pager.h"

#define ISO_3166_JSON "/usr/share/iso-codes/json/iso_3166-1.json" /* Debian iso-codes */

#define ASIDE_GAP 12.0     /* pt, between an entry's title and its dates */
#define SEP "  \xc2\xb7  " /* "  ·  " between parts of one line */
#define SPACE_SECTION 13.0 /* pt above a section heading */
#define SPACE_ENTRY 7.0    /* pt above an entry of a section */
#define SPACE_FIRST 3.0    /* pt between a heading (and its rule) and what it opens */

/* ---- items ----------------------------------------------------------------- */

/* A new layout of `markup` (Pango markup, already escaped) in style st,
 * wrapped at width pt (0: not wrapped).  Owned by the caller. */
static PangoLayout *doc_layout(struct pdf_doc *d, enum pdf_style st, const char *markup, double width)
{
    PangoLayout *l = pango_layout_new(d->ctx);

    pango_layout_set_font_description(l, d->fonts[st]);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_line_spacing(l, st == ST_NAME ? 1.0f : 1.08f);
    if (d->tpl != NULL && d->tpl->centered_header && width > 0 &&
        (st == ST_NAME || st == ST_LABEL || st == ST_CONTACT))
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    pango_layout_set_markup(l, markup, -1);
    return l;
}

/* Append an item for `markup`; NULL (and d->failed) when out of memory. */
static struct pdf_item *doc_add(struct pdf_doc *d, enum pdf_style st, const char *markup, double x,
                            double space_before)
{
    struct pdf_item *it;

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
    it->space_before = (d->after_heading ? SPACE_FIRST : space_before) * d->tpl->spacing;
    it->layout = doc_layout(d, st, markup, d->width - x);
    d->after_heading = false;
    return it;
}

/*
 * Make the next occurrence of `visible` (plain text) in it's text, after
 * its last link, a link to uri.  Only http(s) and mailto links are made:
 * the resume's URLs are validated as http(s), and a stored document older
 * than that rule is shown, not linked.
 */
static void item_link(struct pdf_item *it, const char *visible, const char *uri)
{
    const char *text, *at;
    int from = 0;

    if (it == NULL || visible == NULL || uri == NULL || *visible == '\0' ||
        !(g_str_has_prefix(uri, "https://") || g_str_has_prefix(uri, "http://") ||
          g_str_has_prefix(uri, "mailto:")))
        return;
    text = pango_layout_get_text(it->layout);
    if (it->nlinks > 0)
        from = it->links[it->nlinks - 1].end;
    if ((at = strstr(text + from, visible)) == NULL)
        return;
    it->links = g_renew(struct pdf_link, it->links, it->nlinks + 1);
    it->links[it->nlinks].start = (int)(at - text);
    it->links[it->nlinks].end = (int)(at - text + strlen(visible));
    it->links[it->nlinks].uri = g_strdup(uri);
    it->nlinks++;
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

/* "Mar 2020 – Jun 2022", "Jun 2022" or NULL; g_free.  A start without an
 * end is "Mar 2020 – Present" when `ongoing` (what a missing end means in
 * that section), the start alone otherwise; equal ends are shown once. */
static char *date_range(json_t *obj, const char *start_key, const char *end_key, bool ongoing)
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
    if (end_key == NULL || (end == NULL && !ongoing) || (end != NULL && strcmp(s, e) == 0))
        return escape(s);
    plain = g_strconcat(s, " \xe2\x80\x93 ", end ? e : "Present", NULL);
    markup = escape(plain);
    g_free(plain);
    return markup;
}

/* Link url, shown as itself, in the first item from `first` on that shows
 * it (an entry's meta line). */
static void link_url(struct pdf_doc *d, size_t first, const char *url)
{
    if (url == NULL || d->failed)
        return;
    for (size_t i = first; i < d->n; i++)
        if (strstr(pango_layout_get_text(d->items[i].layout), url) != NULL) {
            item_link(&d->items[i], url, url);
            return;
        }
}

/* The English name of ISO 3166-1 alpha-2 `code` (its common name where
 * there is one: "Taiwan", "Bolivia"), from Debian's iso-codes, read once
 * per process; the code itself when the table or the code is unknown. */
static const char *country_name(const char *code)
{
    static json_t *names; /* code -> name; lives as long as the process */
    static bool tried;
    const char *name;

    if (code == NULL)
        return NULL;
    if (!tried) {
        json_error_t err;
        json_t *iso = json_load_file(ISO_3166_JSON, 0, &err), *c;
        size_t i;

        tried = true;
        names = json_object();
        if (iso == NULL)
            log_warn("pdf: %s: %s; countries are shown as codes", ISO_3166_JSON, err.text);
        json_array_foreach(json_object_get(iso, "3166-1"), i, c) {
            json_t *n = json_object_get(c, "common_name");

            if (!json_is_string(n))
                n = json_object_get(c, "name");
            if (json_is_string(json_object_get(c, "alpha_2")) && json_is_string(n))
                json_object_set(names, json_string_value(json_object_get(c, "alpha_2")), n);
        }
        json_decref(iso);
    }
    name = json_string_value(json_object_get(names, code));
    if (name == NULL) {
        char upper[3] = {0};

        if (strlen(code) == 2) {
            upper[0] = (char)g_ascii_toupper(code[0]);
            upper[1] = (char)g_ascii_toupper(code[1]);
            name = json_string_value(json_object_get(names, upper));
        }
    }
    return name ? name : code;
}

/* ---- building blocks ------------------------------------------------------- */

/* A section heading; returns the item count before it, for section_end(). */
static size_t section_begin(struct pdf_doc *d, const char *title)
{
    size_t mark = d->n;
    char *caps = d->tpl->caps_headings ? g_utf8_strup(title, -1) : g_strdup(title);
    char *m = escape(caps);
    struct pdf_item *it = doc_add(d, ST_HEADING, m, 0, SPACE_SECTION);

    g_free(caps);

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
static void section_end(struct pdf_doc *d, size_t mark)
{
    if (d->n == mark + 1) {
        pdf_item_clear(&d->items[mark]);
        d->n = mark;
    }
    d->after_heading = false;
}

static void add_paragraph(struct pdf_doc *d, enum pdf_style st, const char *markup, double before)
{
    if (markup != NULL && *markup != '\0')
        doc_add(d, st, markup, 0, before);
}

static void add_bullets(struct pdf_doc *d, json_t *arr)
{
    json_t *v;
    size_t i;

    json_array_foreach(arr, i, v) {
        const char *t = json_string_value(v);
        char *m;
        struct pdf_item *it;

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
static void add_entry(struct pdf_doc *d, const char *title, const char *dates, const char *meta,
                      const char *summary, json_t *highlights, const char *extra)
{
    struct pdf_item *it = NULL;
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

/* One part of the contact line: its markup, and what of it is a link. */
struct contact_part {
    char *markup;  /* g_free */
    char *visible; /* g_free, may be NULL: the linked text */
    char *uri;     /* g_free, may be NULL */
};

static void contact_add(GArray *parts, const char *markup, const char *visible, const char *uri)
{
    struct contact_part c = {g_strdup(markup), g_strdup(visible), g_strdup(uri)};

    if (markup == NULL || *markup == '\0') {
        g_free(c.markup);
        g_free(c.visible);
        g_free(c.uri);
        return;
    }
    g_array_append_val(parts, c);
}

static double markup_width(struct pdf_doc *d, const char *markup)
{
    PangoLayout *l = doc_layout(d, ST_CONTACT, markup, 0);
    int w, h;

    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return (double)w / PANGO_SCALE;
}

/*
 * The contact line, wrapped between parts by measure: each line holds as
 * many whole parts as fit, joined by SEP, and a new line starts without
 * one, so no separator ever ends or begins a line.  (A part wider than the
 * column gets a line of its own, which Pango then wraps.)
 */
static struct pdf_item *add_contact_line(struct pdf_doc *d, GArray *parts)
{
    GString *s = g_string_new(NULL);
    double sep = markup_width(d, SEP), used = 0;
    struct pdf_item *it;

    for (guint i = 0; i < parts->len; i++) {
        struct contact_part *c = &g_array_index(parts, struct contact_part, i);
        double w = markup_width(d, c->markup);

        if (i > 0 && used + sep + w > d->width - 0.5) {
            g_string_append_c(s, '\n');
            used = 0;
        } else if (i > 0) {
            g_string_append(s, SEP);
            used += sep;
        }
        g_string_append(s, c->markup);
        used += w;
    }
    it = s->len > 0 ? doc_add(d, ST_CONTACT, s->str, 0, 5.0) : NULL;
    for (guint i = 0; i < parts->len && it != NULL; i++) {
        struct contact_part *c = &g_array_index(parts, struct contact_part, i);

        item_link(it, c->visible, c->uri);
    }
    g_string_free(s, TRUE);
    return it;
}

static void add_header(struct pdf_doc *d, json_t *basics)
{
    GArray *parts = g_array_new(FALSE, TRUE, sizeof(struct contact_part));
    GString *part = g_string_new(NULL);
    json_t *loc = json_object_get(basics, "location"), *p;
    const char *name = field(basics, "name"), *label = field(basics, "label");
    const char *email = field(basics, "email");
    const char *url = field(basics, "url") ? field(basics, "url") : field(basics, "website");
    struct pdf_item *last = NULL, *contact;
    char *m;
    size_t i;

    if (name != NULL) {
        m = escape(name);
        last = doc_add(d, ST_NAME, m, 0, 0);
        g_free(m);
    }
    if (label != NULL) {
        m = escape(label);
        last = doc_add(d, ST_LABEL, m, 0, 2.0);
        g_free(m);
    }
    if (email != NULL) {
        char *uri = g_strconcat("mailto:", email, NULL);

        m = escape(email);
        contact_add(parts, m, email, uri);
        g_free(m);
        g_free(uri);
    }
    if (field(basics, "phone") != NULL) {
        m = escape(field(basics, "phone"));
        contact_add(parts, m, NULL, NULL);
        g_free(m);
    }
    if (url != NULL) {
        m = escape(url);
        contact_add(parts, m, url, url);
        g_free(m);
    }
    append_part(part, ", ", field(loc, "city"));
    append_part(part, ", ", field(loc, "region"));
    append_part(part, ", ", country_name(field(loc, "countryCode")));
    contact_add(parts, part->str, NULL, NULL);
    json_array_foreach(json_object_get(basics, "profiles"), i, p) {
        const char *net = field(p, "network"), *user = field(p, "username");
        const char *purl = field(p, "url");

        if (user == NULL && purl == NULL)
            continue;
        g_string_truncate(part, 0);
        if (net != NULL) {
            append_escaped(part, net);
            g_string_append(part, ": ");
        }
        append_escaped(part, user ? user : purl);
        contact_add(parts, part->str, user ? user : purl, purl);
    }
    if ((contact = add_contact_line(d, parts)) != NULL)
        last = contact;
    if (last != NULL) {
        last->rule = true;
        last->space_after = 6.0;
    }
    for (guint k = 0; k < parts->len; k++) {
        struct contact_part *c = &g_array_index(parts, struct contact_part, k);

        g_free(c->markup);
        g_free(c->visible);
        g_free(c->uri);
    }
    g_array_free(parts, TRUE);
    g_string_free(part, TRUE);
}

static void add_summary(struct pdf_doc *d, json_t *basics)
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
static void add_roles(struct pdf_doc *d, json_t *resume, const char *key, const char *heading,
                      const char *org_key)
{
    size_t mark = section_begin(d, heading), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, key), i, e) {
        const char *org = field(e, org_key) ? field(e, org_key) : field(e, "company");
        char *title = title_markup(field(e, "position"), org);
        char *dates = date_range(e, "startDate", "endDate", true);
        GString *meta = g_string_new(NULL);
        size_t first = d->n;

        append_part(meta, SEP, field(e, "description"));
        append_part(meta, SEP, field(e, "location"));
        append_part(meta, SEP, field(e, "url"));
        add_entry(d, title, dates, meta->str, field(e, "summary"),
                  json_object_get(e, "highlights"), NULL);
        link_url(d, first, field(e, "url"));
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
    }
    section_end(d, mark);
}

static void add_projects(struct pdf_doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "Projects"), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, "projects"), i, e) {
        char *title = title_markup(field(e, "name"), field(e, "entity"));
        char *dates = date_range(e, "startDate", "endDate", false);
        GString *meta = g_string_new(NULL), *kw = g_string_new(NULL);
        size_t first = d->n;

        append_list(meta, e, "roles");
        append_part(meta, SEP, field(e, "type"));
        append_part(meta, SEP, field(e, "url"));
        append_list(kw, e, "keywords");
        add_entry(d, title, dates, meta->str, field(e, "description"),
                  json_object_get(e, "highlights"), kw->str);
        link_url(d, first, field(e, "url"));
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
        g_string_free(kw, TRUE);
    }
    section_end(d, mark);
}

static void add_education(struct pdf_doc *d, json_t *resume)
{
    size_t mark = section_begin(d, "Education"), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, "education"), i, e) {
        const char *type = field(e, "studyType"), *area = field(e, "area");
        char *degree = type && area ? g_strdup_printf("%s, %s", type, area)
                                    : g_strdup(type ? type : area);
        const char *inst = field(e, "institution");
        char *title = degree ? title_markup(degree, inst) : title_markup(inst, NULL);
        char *dates = date_range(e, "startDate", "endDate", false);
        GString *meta = g_string_new(NULL), *courses = g_string_new(NULL);
        size_t first = d->n;

        if (field(e, "score") != NULL) {
            g_string_append(meta, "Score: ");
            append_escaped(meta, field(e, "score"));
        }
        append_part(meta, SEP, field(e, "url"));
        append_list(courses, e, "courses");
        if (courses->len > 0)
            g_string_prepend(courses, "Courses: ");
        add_entry(d, title, dates, meta->str, NULL, NULL, courses->str);
        link_url(d, first, field(e, "url"));
        g_free(degree);
        g_free(title);
        g_free(dates);
        g_string_free(meta, TRUE);
        g_string_free(courses, TRUE);
    }
    section_end(d, mark);
}

/* skills and interests: "<b>name</b> (level): keyword, keyword" per line */
static void add_keyword_lines(struct pdf_doc *d, json_t *resume, const char *key,
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
static void add_dated(struct pdf_doc *d, json_t *resume, const char *key, const char *heading,
                      const char *name_key, const char *by_key, const char *date_key)
{
    size_t mark = section_begin(d, heading), i;
    json_t *e;

    json_array_foreach(json_object_get(resume, key), i, e) {
        char *title = title_markup(field(e, name_key), field(e, by_key));
        char *date = date_range(e, date_key, NULL, false);
        char *url = field(e, "url") ? escape(field(e, "url")) : NULL;
        size_t first = d->n;

        add_entry(d, title, date, url, field(e, "summary"), NULL, NULL);
        link_url(d, first, field(e, "url"));
        g_free(title);
        g_free(date);
        g_free(url);
    }
    section_end(d, mark);
}

static void add_languages(struct pdf_doc *d, json_t *resume)
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

static void add_references(struct pdf_doc *d, json_t *resume)
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

/* The sections, by the names meta.jobtune.sections uses (model/resume.h's
 * resume_sections, in the same default order). */
static void add_summary_section(struct pdf_doc *d, json_t *resume)
{
    add_summary(d, json_object_get(resume, "basics"));
}

static void add_work(struct pdf_doc *d, json_t *resume)
{
    add_roles(d, resume, "work", "Experience", "name");
}

static void add_volunteer(struct pdf_doc *d, json_t *resume)
{
    add_roles(d, resume, "volunteer", "Volunteer", "organization");
}

static void add_skills(struct pdf_doc *d, json_t *resume)
{
    add_keyword_lines(d, resume, "skills", "Skills");
}

static void add_interests(struct pdf_doc *d, json_t *resume)
{
    add_keyword_lines(d, resume, "interests", "Interests");
}

static void add_certificates(struct pdf_doc *d, json_t *resume)
{
    add_dated(d, resume, "certificates", "Certificates", "name", "issuer", "date");
}

static void add_awards(struct pdf_doc *d, json_t *resume)
{
    add_dated(d, resume, "awards", "Awards", "title", "awarder", "date");
}

static void add_publications(struct pdf_doc *d, json_t *resume)
{
    add_dated(d, resume, "publications", "Publications", "name", "publisher", "releaseDate");
}

static const struct {
    const char *name;
    void (*add)(struct pdf_doc *d, json_t *resume);
} sections[] = {
    {"summary", add_summary_section}, {"work", add_work},
    {"projects", add_projects},       {"education", add_education},
    {"skills", add_skills},           {"certificates", add_certificates},
    {"awards", add_awards},           {"publications", add_publications},
    {"volunteer", add_volunteer},     {"languages", add_languages},
    {"interests", add_interests},     {"references", add_references},
};

/* The header, then the sections `order` names (borrowed array of names;
 * an unknown name is skipped, a repeated one printed once), or all of
 * them in the default order when order is not an array. */
static void doc_build(struct pdf_doc *d, json_t *resume, json_t *order)
{
    size_t n = sizeof(sections) / sizeof(sections[0]), i;
    bool done[sizeof(sections) / sizeof(sections[0])] = {false};
    json_t *name;

    add_header(d, json_object_get(resume, "basics"));
    if (!json_is_array(order)) {
        for (i = 0; i < n; i++)
            sections[i].add(d, resume);
        return;
    }
    json_array_foreach(order, i, name) {
        for (size_t k = 0; k < n; k++)
            if (!done[k] && json_is_string(name) &&
                strcmp(sections[k].name, json_string_value(name)) == 0) {
                sections[k].add(d, resume);
                done[k] = true;
            }
    }
}

/* ---- templates and fonts ---------------------------------------------------- */

static const struct pdf_template *template_by_id(const char *id)
{
    for (const struct pdf_template *t = pdf_templates; id != NULL && t->id != NULL; t++)
        if (strcmp(t->id, id) == 0)
            return t;
    return NULL;
}

static const char *family_by_id(const char *id)
{
    for (size_t i = 0; id != NULL && pdf_font_families[i][0] != NULL; i++)
        if (strcmp(pdf_font_families[i][0], id) == 0)
            return pdf_font_families[i][1];
    return NULL;
}

int pdf_has_template(const char *id)
{
    return template_by_id(id) != NULL;
}

int pdf_has_font(const char *id)
{
    return family_by_id(id) != NULL;
}

json_t *pdf_catalog(void)
{
    json_t *templates = json_array(), *fonts = json_array();

    for (const struct pdf_template *t = pdf_templates; t->id != NULL; t++)
        json_array_append_new(templates, json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "name",
                                                   t->name, "description", t->description,
                                                   "font", t->font_id));
    for (size_t i = 0; pdf_font_families[i][0] != NULL; i++)
        json_array_append_new(fonts, json_pack("{s:s, s:s}", "id", pdf_font_families[i][0],
                                               "name", pdf_font_families[i][1]));
    return json_pack("{s:o, s:o, s:s}", "templates", templates, "fonts", fonts, "default",
                     pdf_templates[0].id);
}

int pdf_render(json_t *resume, enum pdf_paper paper, const char *title, unsigned char **out,
               size_t *len)
{
    struct pdf_options o = {.paper = paper};

    return pdf_render_with(resume, &o, title, out, len);
}

/* The template and font family o asks for, or their defaults. */
static const struct pdf_template *chosen_look(const struct pdf_options *o, const char **family)
{
    const struct pdf_template *tpl = template_by_id(o->template_id);

    if (tpl == NULL)
        tpl = &pdf_templates[0];
    if ((*family = family_by_id(o->font_id)) == NULL)
        *family = family_by_id(tpl->font_id);
    return tpl;
}

int pdf_render_with(json_t *resume, const struct pdf_options *o, const char *title,
                    unsigned char **out, size_t *len)
{
    const char *family;
    const struct pdf_template *tpl = chosen_look(o, &family);
    struct pdf_doc d;
    struct pdf_pager *p;
    const char *name = field(json_object_get(resume, "basics"), "name");
    char *default_title = NULL;
    int rc;

    *out = NULL;
    *len = 0;
    memset(&d, 0, sizeof(d));
    p = pdf_pager_new(o->paper, tpl, family, &d);
    if (title == NULL)
        title = default_title = name ? g_strdup_printf("%s \xe2\x80\x94 Resume", name)
                                     : g_strdup("Resume");
    pdf_pager_set_metadata(p, title, name);
    doc_build(&d, json_is_object(resume) ? resume : NULL, o->sections);
    rc = pdf_pager_finish(p, &d, out, len);
    g_free(default_title);
    return rc;
}

int pdf_render_page(json_t *resume, const struct pdf_options *o, int page, double dpi,
                    unsigned char **png, size_t *len, int *pages)
{
    const char *family;
    const struct pdf_template *tpl = chosen_look(o, &family);
    struct pdf_doc d;
    struct pdf_pager *p;

    *png = NULL;
    *len = 0;
    *pages = 0;
    memset(&d, 0, sizeof(d));
    p = pdf_pager_new_raster(o->paper, tpl, family, &d, page, dpi);
    /* the running head is the only metadata drawn on a page */
    pdf_pager_set_metadata(p, NULL, field(json_object_get(resume, "basics"), "name"));
    doc_build(&d, json_is_object(resume) ? resume : NULL, o->sections);
    return pdf_pager_finish_raster(p, &d, png, len, pages);
}

/* ---- file names ------------------------------------------------------------- */

#define FILE_NAME_MAX 120 /* bytes, before ".pdf" */

/* Append text to s as a file name's part: letters, digits, '-' and '.'
 * kept (in ASCII when ascii, any script otherwise), every other run of
 * characters one '_'. */
static void append_name_part(GString *s, const char *text, bool ascii)
{
    char *folded = ascii ? g_str_to_ascii(text, "C") : g_strdup(text);
    bool gap = s->len > 0;

    for (const char *p = folded; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);

        if (c < 0x80 ? g_ascii_isalnum((char)c) || c == '-' || c == '.'
                     : !ascii && (g_unichar_isalnum(c) || g_unichar_ismark(c))) {
            if (gap && s->len > 0)
                g_string_append_c(s, '_');
            gap = false;
            g_string_append_unichar(s, c);
        } else {
            gap = true;
        }
    }
    g_free(folded);
}

char *pdf_file_name(json_t *resume, bool ascii)
{
    json_t *jobtune = json_object_get(json_object_get(resume, "meta"), "jobtune");
    const char *name = field(json_object_get(resume, "basics"), "name");
    const char *title = field(jobtune, "title");
    GString *s = g_string_new(NULL);
    char *out;

    if (name != NULL)
        append_name_part(s, name, ascii);
    append_name_part(s, title != NULL ? title : "Resume", ascii);
    while (s->str[0] == '.' || s->str[0] == '-') /* no hidden file, no option */
        g_string_erase(s, 0, 1);
    if (s->len == 0)
        g_string_append(s, "Resume");
    if (s->len > FILE_NAME_MAX) { /* cut between characters */
        const char *end = s->str + FILE_NAME_MAX;

        while (end > s->str && (*end & 0xc0) == 0x80)
            end--;
        g_string_truncate(s, (gsize)(end - s->str));
    }
    g_string_append(s, ".pdf");
    out = mem_strdup(s->str);
    g_string_free(s, TRUE);
    return out;
}

void pdf_warm_up(void)
{
    /* Latin and Devanagari, so both font families are opened */
    json_t *resume = json_pack("{s:{s:s, s:s}, s:[{s:s, s:s}]}", "basics", "name",
                               "Warm Up \u0928\u092e\u0938\u094d\u0924\u0947",
                               "summary", "A resume that no one asked for.",
                               "work", "name", "Jobtune", "position", "Worker");
    unsigned char *pdf = NULL;
    size_t len = 0;

    if (resume != NULL && pdf_render(resume, PDF_A4, NULL, &pdf, &len) == 0)
        free(pdf);
    json_decref(resume);
}
