/*
 * pdf_pager.h - the half of the PDF typesetter that owns cairo: pages,
 * fonts, drawing and the document's metadata.  Private to svc/pdf.c and
 * svc/pdf_pager.c; nothing else includes it.
 *
 * pdf.c (the layout) decides what goes where: it turns a resume into a
 * list of items (one PangoLayout each, plus a bullet, dates, a rule, and
 * whether it keeps with the next).  pdf_pager.c decides where pages break
 * and draws: it owns the cairo surface, the Pango context and fonts the
 * layouts are made with, and the PDF bytes (or, for the preview, one
 * page's pixels, svc/pdf_png.c).  The doc's items are created
 * by pdf.c and released by pdf_pager_finish().
 */
#ifndef JT_PDF_PAGER_H
#define JT_PDF_PAGER_H

#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "svc/pdf.h"

#define BULLET_INDENT 12.0 /* pt, text of a bulleted line from the column edge */

/* The text styles; their sizes, weights and colours are pdf_pager.c's. */
enum pdf_style { ST_NAME, ST_LABEL, ST_CONTACT, ST_HEADING, ST_TITLE, ST_META, ST_DATE, ST_BODY,
                 ST_COUNT };

/* A link over the bytes [start, end) of an item's text (the layout's
 * text, markup removed). */
struct pdf_link {
    int start, end;
    char *uri; /* owned (g_malloc) */
};

/* A look: fonts, sizes, colours, margins and spacing (pdf_pager.c). */
struct pdf_template {
    const char *id, *name, *description;
    const char *font_id;  /* its default font family (pdf_pager_font_family) */
    double scale;         /* of every text size */
    double margin_mm;
    double spacing;       /* of the space between entries and sections */
    double ink[3], accent[3], muted[3];
    bool centered_header; /* name, label and contact line centred */
    bool caps_headings;   /* section headings in capitals */
};

/* The templates, NULL-id terminated; the first is the default. */
extern const struct pdf_template pdf_templates[];
/* The font choices: {id, family} pairs, NULL-id terminated. */
extern const char *const pdf_font_families[][2];

/* One paragraph as laid out by pdf.c; drawn by pdf_pager.c. */
struct pdf_item {
    PangoLayout *layout;   /* owned */
    PangoLayout *aside;    /* owned, may be NULL: right-aligned on the first line */
    PangoLayout *bullet;   /* owned, may be NULL: left of the first line */
    enum pdf_style style;
    double x;              /* from the left margin */
    double space_before;   /* dropped at the top of a page */
    double space_after;    /* part of the item's height (a heading's rule) */
    bool keep_with_next;
    bool rule;             /* draw a rule in space_after (header, headings) */
    const char *outline;   /* static: a section heading's bookmark */
    struct pdf_link *links; /* owned, may be NULL: clickable parts of layout */
    size_t nlinks;
};

/* The items of one resume, in reading order.  ctx, fonts and width are
 * set by pdf_pager_new(); items are appended by pdf.c. */
struct pdf_doc {
    PangoContext *ctx;
    PangoFontDescription *fonts[ST_COUNT];
    double width; /* the text column, pt */
    const struct pdf_template *tpl; /* set by pdf_pager_new() */
    struct pdf_item *items;
    size_t n, cap;
    bool after_heading; /* the next item opens a section */
    bool failed;
};

/* Release an item's layouts (layout, aside, bullet) and links; the item's
 * memory is the doc's. */
void pdf_item_clear(struct pdf_item *it);

struct pdf_pager;

/*
 * A new pager for one PDF on paper, written to memory.  Fills d->ctx,
 * d->fonts and d->width (the text column), which pdf.c needs to make
 * layouts.  Never NULL (out of memory aborts, base/mem.h).
 */
struct pdf_pager *pdf_pager_new(enum pdf_paper paper, const struct pdf_template *tpl,
                                const char *family, struct pdf_doc *d);

/*
 * A new pager that pages d's items exactly as pdf_pager_new() would (the
 * same layouts, measured in points) but draws only page `page` (1-based),
 * on a white image of the paper at dpi.  Never NULL.
 */
struct pdf_pager *pdf_pager_new_raster(enum pdf_paper paper, const struct pdf_template *tpl,
                                       const char *family, struct pdf_doc *d, int page,
                                       double dpi);

/* The PDF's Title, Author (may be NULL) and Creator; both borrowed.  The
 * author's name also heads every page after the first, with its number.
 * A raster pager keeps the author's name only (title may be NULL). */
void pdf_pager_set_metadata(struct pdf_pager *p, const char *title, const char *author);

/*
 * Page and draw d's items in order, then release p and everything d holds
 * (items, fonts, context).  0 with *out a new malloc'd buffer of *len
 * bytes (the caller frees it), or -1 (logged here) with *out untouched.
 */
int pdf_pager_finish(struct pdf_pager *p, struct pdf_doc *d, unsigned char **out, size_t *len);

/*
 * pdf_pager_finish() for a raster pager: *pages is the page count; when
 * the page asked for exists, *png is a new malloc'd PNG of it (*len
 * bytes; the caller frees), else *png is left untouched.  0, or -1
 * (logged here).  Releases p and everything d holds.
 */
int pdf_pager_finish_raster(struct pdf_pager *p, struct pdf_doc *d, unsigned char **png,
                            size_t *len, int *pages);

/* pdf_png.c: an RGB24 image surface (flushed) as a PNG: 0 with *out a new
 * malloc'd buffer of *len bytes, or -1 (logged there). */
int pdf_png_encode(cairo_surface_t *image, unsigned char **out, size_t *len);

#endif
