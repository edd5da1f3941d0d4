/*
 * pdf_pager.c - pages, fonts, drawing and metadata for svc/pdf.c's items
 * (see pdf_pager.h for the split).
 *
 * Pagination invariants: an item that fits is drawn whole with
 * pango_cairo_show_layout; one that does not is moved to the next page, or,
 * when it has four lines or more, split between lines with at least two on
 * each side.  A chain of keep_with_next items (a section heading, an
 * entry's title and meta line) never ends a page: the chain moves on as a
 * whole together with the beginning of the item that closes it.  Items are
 * drawn in order, so the content stream is in reading order.
 *
 * Links: an item's links are byte ranges of its text; once its lines are
 * drawn, each range's rectangle on each line becomes a PDF link annotation
 * (cairo's CAIRO_TAG_LINK with an explicit rect), so the text stays one
 * layout and the link follows the text wherever Pango wrapped it.
 * Continuation pages carry the author's name and the page number in the
 * top margin, outside the column, so they never change where pages break.
 *
 * The same pager also draws one page on an image (pdf_pager_new_raster(),
 * for the editor's preview): the layouts are made before the image's
 * matrix is scaled to pixels, so they are the PDF's to the Pango unit;
 * every page is paged, and all but the one asked for are clipped to
 * nothing; links, outlines and metadata, which an image cannot hold, are
 * left out.  The PNG is pdf_png.c's.
 *
 * Units are PDF points throughout: the Pango context is set to 72 dpi and
 * metric hinting is off, so measurements do not depend on a screen.
 * Fonts come from fontconfig through FONT_FAMILIES; Pango falls back along
 * the list per script, which is how Devanagari gets Noto Sans Devanagari.
 */
#include "svc/pdf_pager.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/mem.h"

#define MM (72.0 / 25.4)
#define FALLBACK_FAMILIES "Noto Sans, Noto Sans Devanagari" /* after the chosen one */

const char *const pdf_font_families[][2] = {
    {"dejavu-sans", "DejaVu Sans"},       {"dejavu-serif", "DejaVu Serif"},
    {"noto-sans", "Noto Sans"},           {"noto-serif", "Noto Serif"},
    {"liberation-sans", "Liberation Sans"}, {"liberation-serif", "Liberation Serif"},
    {NULL, NULL},
};

const struct pdf_template pdf_templates[] = {
    {"modern", "Modern", "Sans-serif, a blue accent and ruled section headings.",
     "dejavu-sans", 1.0, 18.0, 1.0,
     {0.11, 0.12, 0.14}, {0.10, 0.27, 0.47}, {0.36, 0.38, 0.42}, false, false},
    {"classic", "Classic", "Serif type in black, a centred header and headings in capitals.",
     "noto-serif", 1.02, 20.0, 1.1,
     {0.05, 0.05, 0.05}, {0.12, 0.12, 0.12}, {0.30, 0.30, 0.30}, true, true},
    {"compact", "Compact", "Smaller type, narrow margins and tight spacing for long resumes.",
     "liberation-sans", 0.86, 12.0, 0.55,
     {0.10, 0.10, 0.12}, {0.16, 0.33, 0.30}, {0.35, 0.37, 0.40}, false, false},
    {NULL, NULL, NULL, NULL, 0, 0, 0, {0}, {0}, {0}, false, false},
};

/* ---- styles ---------------------------------------------------------------- */

enum tone { INK, ACCENT, MUTED };

struct text_spec {
    double size; /* pt, before the template's scale */
    PangoWeight weight;
    PangoStyle slant;
    enum tone tone;
};

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

void pdf_item_clear(struct pdf_item *it)
{
    g_object_unref(it->layout);
    if (it->aside != NULL)
        g_object_unref(it->aside);
    if (it->bullet != NULL)
        g_object_unref(it->bullet);
    for (size_t i = 0; i < it->nlinks; i++)
        g_free(it->links[i].uri);
    g_free(it->links);
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

/* ---- pagination ------------------------------------------------------------ */

struct pdf_pager {
    cairo_surface_t *surface; /* a PDF, or one page's image (raster) */
    cairo_t *cr;
    bool raster;   /* drawing one page on an image surface, not a PDF */
    int only_page; /* raster: the page that is drawn; the others are clipped away */
    const struct pdf_template *tpl;
    PangoLayout *running; /* the continuation pages' head line, or NULL */
    PangoContext *ctx;    /* borrowed from the doc, for the running head */
    const PangoFontDescription *head_font; /* borrowed, ditto */
    double left, width, top, bottom, y;
    int page;    /* 1-based */
    bool at_top; /* nothing drawn on this page yet */
    struct sink *sink; /* the PDF bytes so far */
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
static double item_start_height(const struct pdf_item *it)
{
    int n = pango_layout_get_line_count(it->layout);

    return n <= 3 ? layout_height(it->layout) + it->space_after
                  : lines_height(it->layout, 0, 2);
}

/* Height the chain starting at items[i] needs on the current page.  The
 * chain ends at the first item that does not keep with the next, or at one
 * that can be split (four lines or more): only its start must be here. */
static double chain_need(const struct pdf_doc *d, size_t i, bool at_top)
{
    double need = 0;

    for (size_t j = i; j < d->n; j++) {
        const struct pdf_item *it = &d->items[j];
        double before = (j == i && at_top) ? 0 : it->space_before;

        if (!it->keep_with_next || j + 1 == d->n ||
            pango_layout_get_line_count(it->layout) >= 4)
            return need + before + item_start_height(it);
        need += before + layout_height(it->layout) + it->space_after;
    }
    return need;
}

static void set_tone(struct pdf_pager *p, enum tone t)
{
    const double *rgb = t == INK ? p->tpl->ink : t == ACCENT ? p->tpl->accent : p->tpl->muted;

    cairo_set_source_rgb(p->cr, rgb[0], rgb[1], rgb[2]);
}

#define set_color(p, st) set_tone((p), styles[(st)].tone)

/* "Name · Page N" in the top margin of a continuation page. */
static void draw_running_head(struct pdf_pager *p)
{
    char num[32];
    PangoLayout *l;
    int w, h;

    if (p->running == NULL)
        return;
    l = pango_layout_copy(p->running);
    snprintf(num, sizeof(num), "Page %d", p->page);
    pango_layout_set_text(l, num, -1);
    pango_layout_get_size(l, &w, &h);
    set_tone(p, MUTED);
    cairo_move_to(p->cr, p->left, p->top / 2 - pt(h) / 2);
    pango_cairo_show_layout(p->cr, p->running);
    cairo_move_to(p->cr, p->left + p->width - pt(w), p->top / 2 - pt(h) / 2);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
}

/* Raster: let ink through on the page asked for only.  The other pages
 * are still paged (the count and the breaks must be the PDF's) but every
 * drawing operation on them is clipped away before it costs anything. */
static void clip_to_page(struct pdf_pager *p)
{
    cairo_reset_clip(p->cr);
    if (p->page != p->only_page) {
        cairo_new_path(p->cr);
        cairo_rectangle(p->cr, 0, 0, 0, 0);
        cairo_clip(p->cr);
    }
}

static void pager_new_page(struct pdf_pager *p)
{
    if (p->raster) {
        p->page++;
        clip_to_page(p);
    } else {
        cairo_show_page(p->cr);
        p->page++;
    }
    p->y = p->top;
    p->at_top = true;
    draw_running_head(p);
}

/* A value for a cairo tag attribute: quoted, with ' and \ escaped. */
static char *tag_quote(const char *s)
{
    GString *q = g_string_new("'");

    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            g_string_append_c(q, '\\');
        g_string_append_c(q, *s);
    }
    g_string_append_c(q, '\'');
    return g_string_free(q, FALSE);
}

/* Link annotations for lines [from, to) of it, whose layout top is at
 * page y `y0` (line `from` having been drawn at p->y). */
static void draw_links(struct pdf_pager *p, const struct pdf_item *it, int from, int to,
                       double y0)
{
    PangoLayoutIter *iter;
    int k = 0;

    if (it->nlinks == 0)
        return;
    iter = pango_layout_get_iter(it->layout);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
        PangoRectangle r;

        pango_layout_iter_get_line_extents(iter, NULL, &r);
        for (size_t i = 0; i < it->nlinks && k >= from && k < to; i++) {
            const struct pdf_link *ln = &it->links[i];
            int *ranges = NULL, n = 0;

            if (ln->end <= line->start_index || ln->start >= line->start_index + line->length)
                continue;
            pango_layout_line_get_x_ranges(line, ln->start > line->start_index ? ln->start
                                                                               : line->start_index,
                                           ln->end, &ranges, &n);
            for (int j = 0; j < n; j++) {
                char *uri = tag_quote(ln->uri), *attrs;

                attrs = g_strdup_printf("uri=%s rect=[%.2f %.2f %.2f %.2f]", uri,
                                        p->left + it->x + pt(ranges[2 * j]), y0 + pt(r.y),
                                        pt(ranges[2 * j + 1] - ranges[2 * j]), pt(r.height));
                cairo_tag_begin(p->cr, CAIRO_TAG_LINK, attrs);
                cairo_tag_end(p->cr, CAIRO_TAG_LINK);
                g_free(attrs);
                g_free(uri);
            }
            g_free(ranges);
        }
        k++;
    } while (k < to && pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
}

/* What is drawn once, with an item's first line: its bullet and bookmark
 * before the text, its dates after it (reading order). */
static void draw_first_line_extras(struct pdf_pager *p, const struct pdf_item *it, bool after)
{
    if (!after && it->bullet != NULL) {
        set_color(p, ST_BODY);
        cairo_move_to(p->cr, p->left + it->x - BULLET_INDENT + 2.0, p->y);
        pango_cairo_show_layout(p->cr, it->bullet);
    }
    if (!after && it->outline != NULL && !p->raster) {
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
        set_color(p, ST_DATE);
        cairo_move_to(p->cr, p->left + p->width - pt(w), p->y + dy);
        pango_cairo_show_layout(p->cr, it->aside);
    }
}

/* Draw lines [from, to) of an item with line `from` at the current y. */
static void draw_lines(struct pdf_pager *p, const struct pdf_item *it, int from, int to)
{
    PangoLayout *l = it->layout;
    double top, bottom;

    line_span(l, from, &top, &bottom);
    draw_links(p, it, from, to, p->y - top);
    if (from == 0)
        draw_first_line_extras(p, it, false);
    set_color(p, it->style);
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

static void draw_rule(struct pdf_pager *p, const struct pdf_item *it)
{
    double y = p->y + (it->style == ST_HEADING ? 1.5 : it->space_after / 2);

    set_color(p, it->style == ST_HEADING ? ST_HEADING : ST_CONTACT);
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

static void place(struct pdf_pager *p, const struct pdf_doc *d, size_t i)
{
    const struct pdf_item *it = &d->items[i];
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

/* ---- the pager's life ------------------------------------------------------ */

static void page_size(enum pdf_paper paper, double *w, double *h)
{
    *w = paper == PDF_LETTER ? 612.0 : 595.276;
    *h = paper == PDF_LETTER ? 792.0 : 841.89;
}

/* What the PDF and the raster pagers share: fonts, the column and the
 * margins, from p->cr (whose matrix is still the identity, so the
 * layouts are measured in points on both). */
static void pager_init(struct pdf_pager *p, double w, double h, const struct pdf_template *tpl,
                       const char *family, struct pdf_doc *d)
{
    double margin = tpl->margin_mm * MM;
    char *families = g_strdup_printf("%s, %s", family, FALLBACK_FAMILIES);

    p->tpl = d->tpl = tpl;
    d->ctx = context_new(p->cr);
    d->width = w - 2 * margin;
    for (int st = 0; st < ST_COUNT; st++) {
        d->fonts[st] = pango_font_description_from_string(families);
        pango_font_description_set_size(d->fonts[st],
                                        (int)(styles[st].size * tpl->scale * PANGO_SCALE));
        pango_font_description_set_weight(d->fonts[st], styles[st].weight);
        pango_font_description_set_style(d->fonts[st], styles[st].slant);
    }
    g_free(families);
    p->ctx = d->ctx;
    p->head_font = d->fonts[ST_CONTACT];
    p->left = margin;
    p->width = d->width;
    p->top = margin < 14 * MM ? 14 * MM : margin; /* room for the running head */
    p->bottom = h - margin;
    p->y = p->top;
    p->page = 1;
    p->at_top = true;
}

struct pdf_pager *pdf_pager_new(enum pdf_paper paper, const struct pdf_template *tpl,
                                const char *family, struct pdf_doc *d)
{
    struct pdf_pager *p = mem_calloc(1, sizeof(*p));
    double w, h;

    page_size(paper, &w, &h);
    p->sink = mem_calloc(1, sizeof(*p->sink));
    p->surface = cairo_pdf_surface_create_for_stream(sink_write, p->sink, w, h);
    p->cr = cairo_create(p->surface);
    pager_init(p, w, h, tpl, family, d);
    return p;
}

struct pdf_pager *pdf_pager_new_raster(enum pdf_paper paper, const struct pdf_template *tpl,
                                       const char *family, struct pdf_doc *d, int page,
                                       double dpi)
{
    struct pdf_pager *p = mem_calloc(1, sizeof(*p));
    double w, h;

    page_size(paper, &w, &h);
    p->raster = true;
    p->only_page = page;
    /* the page's size in pixels, rounded up the way pdftoppm does */
    p->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * dpi / 72.0),
                                            (int)ceil(h * dpi / 72.0));
    p->cr = cairo_create(p->surface);
    cairo_set_source_rgb(p->cr, 1, 1, 1);
    cairo_paint(p->cr);
    pager_init(p, w, h, tpl, family, d);
    /* only now: the layouts above were made in points, as the PDF's are */
    cairo_scale(p->cr, dpi / 72.0, dpi / 72.0);
    clip_to_page(p);
    return p;
}

void pdf_pager_set_metadata(struct pdf_pager *p, const char *title, const char *author)
{
    if (!p->raster) {
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Jobtune");
        if (author != NULL)
            cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, author);
    }
    if (author != NULL) {
        p->running = pango_layout_new(p->ctx);
        pango_layout_set_font_description(p->running, p->head_font);
        pango_layout_set_text(p->running, author, -1);
    }
}

/* Page and draw every item, then release p's drawing state and
 * everything d holds.  CAIRO_STATUS_SUCCESS, or what went wrong (an
 * out-of-memory in the layout is CAIRO_STATUS_NO_MEMORY).  The surface
 * is p's still. */
static cairo_status_t pager_run(struct pdf_pager *p, struct pdf_doc *d)
{
    cairo_status_t status;
    bool failed = d->failed;

    for (size_t i = 0; i < d->n && !failed; i++)
        place(p, d, i);
    if (!p->raster)
        cairo_show_page(p->cr);
    status = cairo_status(p->cr);
    cairo_destroy(p->cr);
    if (p->running != NULL)
        g_object_unref(p->running);
    for (size_t i = 0; i < d->n; i++)
        pdf_item_clear(&d->items[i]);
    free(d->items);
    for (int st = 0; st < ST_COUNT; st++)
        pango_font_description_free(d->fonts[st]);
    g_object_unref(d->ctx);
    return failed ? CAIRO_STATUS_NO_MEMORY : status;
}

int pdf_pager_finish(struct pdf_pager *p, struct pdf_doc *d, unsigned char **out, size_t *len)
{
    struct sink *sink = p->sink;
    cairo_status_t status = pager_run(p, d);

    cairo_surface_finish(p->surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(p->surface);
    cairo_surface_destroy(p->surface);
    free(p);
    if (status != CAIRO_STATUS_SUCCESS) {
        log_error("pdf: rendering failed (%s)", cairo_status_to_string(status));
        free(sink->buf);
        free(sink);
        return -1;
    }
    *out = sink->buf;
    *len = sink->len;
    free(sink);
    return 0;
}

int pdf_pager_finish_raster(struct pdf_pager *p, struct pdf_doc *d, unsigned char **png,
                            size_t *len, int *pages)
{
    cairo_status_t status = pager_run(p, d);
    int rc = 0;

    *pages = p->page;
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(p->surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        log_error("pdf: rendering a page failed (%s)", cairo_status_to_string(status));
        rc = -1;
    } else if (p->only_page <= p->page) {
        cairo_surface_flush(p->surface);
        rc = pdf_png_encode(p->surface, png, len);
    }
    cairo_surface_destroy(p->surface);
    free(p);
    return rc;
}
