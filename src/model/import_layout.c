/*
 * import_layout.c - a page's glyphs into lines in reading order
 * (import_layout.h).
 *
 * Rows: glyphs sorted by their vertical centre, a new row where a glyph's
 * centre is more than half a line below the row's first.  Segments: a
 * row's glyphs left to right, cut where the gap is at least GAP_CELL ems
 * (a space is a gap of GAP_SPACE ems: the PDF's own space glyphs, drawn or
 * not, are not trusted).  Columns: over every segment's x-range, the
 * widest run of at least GUTTER_MIN points that at most one segment in
 * twenty crosses, with at least SIDE_MIN segments wholly on each side.
 * The segments that cross it above both columns are the page's header
 * (read first); those that cross it lower down belong to the left column.
 */
#include "model/import_layout.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/import_date.h"

#define GAP_CELL 1.0    /* ems: a gap this wide cuts a row (a cell, a column, dates) */
#define GAP_SPACE 0.12  /* ems: a gap this wide is a space between words */
#define GUTTER_MIN 8.0  /* points: the narrowest gap between two columns */
#define SIDE_MIN 3      /* segments wholly on each side of a gutter */
#define DATES_SIDE 0.5  /* a side with this share of dates is a table's date column */
#define HEADING_CHARS 60 /* a longer line is not a heading, whatever its size */
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define CELL_SEP "   "  /* how a row's segments are joined: a separator to the parser */

struct item {
    struct import_glyph g;
    size_t row;
};

struct segment {
    size_t from, to; /* items [from, to) */
    size_t row;
    double x1, x2, y, size_min, size_max;
    int side;        /* 0 left, 1 right, 2 across the gutter */
};

struct page {
    struct item *it;
    size_t n;
    struct segment *seg;
    size_t nseg;
    char *buf; /* one line's text: every glyph's bytes fit, with a space between each */
    double body, ratio;
};

static double mid_y(const struct import_glyph *g)
{
    return (g->y1 + g->y2) / 2;
}

static int by_y(const void *a, const void *b)
{
    double x = mid_y(&((const struct item *)a)->g), y = mid_y(&((const struct item *)b)->g);

    return (x > y) - (x < y);
}

static int by_row_x(const void *a, const void *b)
{
    const struct item *p = a, *q = b;

    if (p->row != q->row)
        return (p->row > q->row) - (p->row < q->row);
    return (p->g.x1 > q->g.x1) - (p->g.x1 < q->g.x1);
}

static bool is_blank(const struct import_glyph *g)
{
    return g->n == 0 || (g->n == 1 && isspace((unsigned char)g->s[0])) ||
           (g->n == 2 && memcmp(g->s, "\xc2\xa0", 2) == 0) || g->x2 < g->x1 || g->y2 <= g->y1;
}

/* Rows by vertical position, then left to right within each. */
static void rows(struct page *pg)
{
    size_t row = 0;
    double top = 0, height = 0;

    qsort(pg->it, pg->n, sizeof(*pg->it), by_y);
    for (size_t i = 0; i < pg->n; i++) {
        const struct import_glyph *g = &pg->it[i].g;
        double h = g->y2 - g->y1;

        if (i == 0 || mid_y(g) - top > 0.5 * MIN(h, height)) {
            row += i > 0;
            top = mid_y(g);
            height = h;
        }
        pg->it[i].row = row;
    }
    qsort(pg->it, pg->n, sizeof(*pg->it), by_row_x);
}

static void segments(struct page *pg)
{
    struct segment *s = NULL;

    pg->seg = mem_alloc((pg->n + 1) * sizeof(*pg->seg));
    for (size_t i = 0; i < pg->n; i++) {
        const struct item *it = &pg->it[i];
        double em = it->g.size > 0 ? it->g.size : it->g.y2 - it->g.y1;

        if (s == NULL || it->row != s->row || it->g.x1 - s->x2 >= GAP_CELL * em) {
            s = &pg->seg[pg->nseg++];
            *s = (struct segment){.from = i, .row = it->row, .x1 = it->g.x1, .x2 = it->g.x2,
                                  .y = mid_y(&it->g), .size_min = it->g.size,
                                  .size_max = it->g.size};
        }
        s->to = i + 1;
        s->x2 = MAX(s->x2, it->g.x2);
        s->size_min = MIN(s->size_min, it->g.size);
        s->size_max = MAX(s->size_max, it->g.size);
    }
}

/* The body's size: the size most glyphs have (to a tenth of a point). */
static double body_size(const struct page *pg)
{
    double best = 0;
    size_t most = 0;

    for (size_t i = 0; i < pg->n; i++) {
        double sz = (double)(long)(pg->it[i].g.size * 10 + 0.5) / 10;
        size_t count = 0;

        if (sz == best)
            continue;
        for (size_t k = 0; k < pg->n; k++)
            count += (double)(long)(pg->it[k].g.size * 10 + 0.5) / 10 == sz;
        if (count > most) {
            most = count;
            best = sz;
        }
    }
    return best;
}

/* The text of items [from, to) appended at *at of pg->buf. */
static void append(struct page *pg, size_t from, size_t to, size_t *at)
{
    for (size_t i = from; i < to; i++) {
        const struct import_glyph *g = &pg->it[i].g;

        if (i > from && g->x1 - pg->it[i - 1].g.x2 >= GAP_SPACE * (g->size > 0 ? g->size : 10))
            pg->buf[(*at)++] = ' ';
        memcpy(pg->buf + *at, g->s, g->n);
        *at += g->n;
    }
}

/* Is segment s mostly a date range ("Mar 2020 – Present", "2012 – 2016")? */
static bool is_dates(struct page *pg, const struct segment *s)
{
    struct import_range r;
    size_t at = 0;
    bool dates;

    append(pg, s->from, s->to, &at);
    pg->buf[at] = '\0';
    dates = import_date_find(pg->buf, &r) && at - r.len <= 12;
    explicit_bzero(pg->buf, at);
    return dates;
}

/* The gutter's sides into every segment's side; false when the page has a
 * single column (or a table's date column, read row by row). */
static bool columns(struct page *pg)
{
    double lo = 1e9, hi = -1e9, best_lo = 0, best_hi = 0;
    size_t nb, best = 0, tol = pg->nseg / 20, *cover, side_n[2] = {0}, dates[2] = {0};

    for (size_t i = 0; i < pg->nseg; i++) {
        lo = MIN(lo, pg->seg[i].x1);
        hi = MAX(hi, pg->seg[i].x2);
    }
    if (pg->nseg < 2 * SIDE_MIN || hi - lo < 4 * GUTTER_MIN || hi - lo > 5000)
        return false;
    nb = (size_t)(hi - lo) + 1;
    cover = mem_calloc(nb, sizeof(*cover));
    for (size_t i = 0; i < pg->nseg; i++)
        for (size_t b = (size_t)(pg->seg[i].x1 - lo); b < (size_t)(pg->seg[i].x2 - lo) && b < nb;
             b++)
            cover[b]++;
    for (size_t b = 1; b < nb;) {
        size_t e = b, left = 0, right = 0;

        while (e < nb - 1 && cover[e] <= tol)
            e++;
        if (e - b >= GUTTER_MIN) {
            for (size_t i = 0; i < pg->nseg; i++) {
                left += pg->seg[i].x2 <= lo + (double)b + 0.5;
                right += pg->seg[i].x1 >= lo + (double)e - 0.5;
            }
            if (left >= SIDE_MIN && right >= SIDE_MIN && (left < right ? left : right) > best) {
                best = left < right ? left : right;
                best_lo = lo + (double)b + 0.5;
                best_hi = lo + (double)e - 0.5;
            }
        }
        b = e + 1;
    }
    free(cover);
    if (best == 0)
        return false;
    for (size_t i = 0; i < pg->nseg; i++) {
        struct segment *s = &pg->seg[i];

        s->side = s->x2 <= best_lo ? 0 : s->x1 >= best_hi ? 1 : 2;
        if (s->side < 2) {
            side_n[s->side]++;
            dates[s->side] += is_dates(pg, s);
        }
    }
    return dates[0] < DATES_SIDE * (double)side_n[0] && dates[1] < DATES_SIDE * (double)side_n[1];
}

/* One line of pg->buf into out; a heading when it is short and all set in
 * type of the heading's size. */
static void flush(struct page *pg, size_t *at, double size_min, size_t chars,
                  struct import_lines *out)
{
    unsigned flags = 0;

    if (*at == 0)
        return;
    if (pg->body > 0 && chars < HEADING_CHARS && size_min >= pg->body * pg->ratio)
        flags = IMPORT_HEADING;
    import_lines_add(out, pg->buf, *at, flags);
    explicit_bzero(pg->buf, *at);
    *at = 0;
}

/* The width of segment s's first word. */
static double first_word(const struct page *pg, const struct segment *s)
{
    size_t i = s->from + 1;

    while (i < s->to && pg->it[i].g.x1 - pg->it[i - 1].g.x2 < GAP_SPACE * pg->it[i].g.size)
        i++;
    return pg->it[i - 1].g.x2 - s->x1;
}

/* Does segment s hold an email address, or (one_word) a single word (an item of a list of
 * contacts or skills, not prose that wraps)? */
static bool atom(const struct page *pg, const struct segment *s, bool one_word)
{
    for (size_t i = s->from; i < s->to; i++)
        if (pg->it[i].g.n == 1 && pg->it[i].g.s[0] == '@')
            return true;
    return one_word && first_word(pg, s) >= s->x2 - s->x1 - 0.01 && s->size_max < pg->body * pg->ratio;
}

/* Does segment s begin a list item (a bullet sign), or end a sentence? */
static bool item_start(const struct page *pg, const struct segment *s)
{
    const struct import_glyph *g = &pg->it[s->from].g;

    return (g->n == 3 && (memcmp(g->s, "\xe2\x80\xa2", 3) == 0 ||
                          memcmp(g->s, "\xe2\x97\x8f", 3) == 0 ||
                          memcmp(g->s, "\xe2\x96\xaa", 3) == 0 ||
                          memcmp(g->s, "\xe2\x80\x93", 3) == 0)) ||
           (g->n == 2 && memcmp(g->s, "\xc2\xb7", 2) == 0) ||
           (g->n == 1 && strchr("-*", g->s[0]) != NULL);
}

static bool sentence_end(const struct page *pg, const struct segment *s)
{
    const struct import_glyph *g = &pg->it[s->to - 1].g;

    return g->n == 1 && strchr(".!?:;", g->s[0]) != NULL;
}

/* Is segment s (alone on its row) the rest of line prev, wrapped at the
 * column's right edge: it starts where prev's text starts (give or take a
 * bullet), a line below at the column's tightest line pitch (pitch: line
 * pitch over type size; paragraphs are often set further apart), in the
 * same type, not after a full stop nor before a bullet sign, and its
 * first word would not have fitted after prev? */
static bool wraps(const struct page *pg, const struct segment *prev, const struct segment *s,
                  double right, double pitch)
{
    double em = s->size_max > 0 ? s->size_max : 10;

    return prev != NULL && s->x1 - prev->x1 < 1.5 * em && prev->x1 - s->x1 < 0.5 * em &&
           (s->y - prev->y) / em < pitch + 0.05 && prev->size_max - s->size_max < 0.5 &&
           s->size_max - prev->size_max < 0.5 && !atom(pg, prev, true) && !atom(pg, s, false) &&
           !sentence_end(pg, prev) && !item_start(pg, s) &&
           prev->x2 + 0.3 * em + first_word(pg, s) > right - 0.3 * em;
}

/* Is pg->seg[i] the only segment of side on its row? */
static bool alone(const struct page *pg, size_t i, int side)
{
    for (size_t k = i + 1; k < pg->nseg && pg->seg[k].row == pg->seg[i].row; k++)
        if (side < 0 || pg->seg[k].side == side)
            return false;
    for (size_t k = i; k-- > 0 && pg->seg[k].row == pg->seg[i].row;)
        if (side < 0 || pg->seg[k].side == side)
            return false;
    return true;
}

/* The segments of side (-1: every side) above row row_to, a line per row
 * (a line wrapped at the column's edge joined again), into out. */
static void emit(struct page *pg, int side, size_t row_to, struct import_lines *out)
{
    size_t at = 0, chars = 0, row = SIZE_MAX;
    double size_min = 0, right = 0, pitch = 10;
    const struct segment *prev = NULL;

    /* the column's right edge, and its tightest pitch between rows in the
     * same type */
    for (size_t i = 0; i < pg->nseg; i++) {
        const struct segment *s = &pg->seg[i];

        if ((side >= 0 && s->side != side) || s->row >= row_to)
            continue;
        right = MAX(right, s->x2);
        if (prev != NULL && prev->row != s->row && s->size_max > 0 &&
            prev->size_max == s->size_max && s->y - prev->y > 0.5 * s->size_max)
            pitch = MIN(pitch, (s->y - prev->y) / s->size_max);
        prev = s;
    }
    prev = NULL;
    for (size_t i = 0; i < pg->nseg; i++) {
        const struct segment *s = &pg->seg[i];

        if ((side >= 0 && s->side != side) || s->row >= row_to)
            continue;
        if (s->row != row && alone(pg, i, side) && wraps(pg, prev, s, right, pitch)) {
            pg->buf[at++] = ' ';
            row = s->row;
        } else if (s->row != row) {
            flush(pg, &at, size_min, chars, out);
            row = s->row;
            size_min = s->size_min;
            chars = 0;
        } else {
            memcpy(pg->buf + at, CELL_SEP, strlen(CELL_SEP));
            at += strlen(CELL_SEP);
        }
        append(pg, s->from, s->to, &at);
        chars += s->to - s->from;
        size_min = MIN(size_min, s->size_min);
        prev = s;
    }
    flush(pg, &at, size_min, chars, out);
}

void import_layout_lines(struct import_glyph *g, size_t n, double heading_ratio,
                         struct import_lines *out)
{
    struct page pg = {.ratio = heading_ratio};
    size_t bytes = 0, top_row = SIZE_MAX, first = 0;
    double max_size[3] = {0};

    pg.it = mem_alloc((n + 1) * sizeof(*pg.it));
    for (size_t i = 0; i < n; i++)
        if (!is_blank(&g[i])) {
            pg.it[pg.n++] = (struct item){.g = g[i]};
            bytes += g[i].n + strlen(CELL_SEP);
        }
    pg.buf = mem_alloc(bytes + 1);
    rows(&pg);
    segments(&pg);
    pg.body = body_size(&pg);
    if (pg.n == 0) {
        /* nothing drawn */
    } else if (!columns(&pg)) {
        emit(&pg, -1, SIZE_MAX, out);
    } else {
        /* the header: what crosses the gutter above both columns */
        for (size_t i = 0; i < pg.nseg; i++) {
            struct segment *s = &pg.seg[i];

            if (s->side < 2 && s->row < top_row)
                top_row = s->row;
            max_size[s->side] = MAX(max_size[s->side], s->size_max);
        }
        for (size_t i = 0; i < pg.nseg; i++)
            if (pg.seg[i].side == 2 && pg.seg[i].row >= top_row)
                pg.seg[i].side = 0;
        first = max_size[1] > max_size[0] + 0.5 ? 1 : 0;
        emit(&pg, 2, top_row, out);
        emit(&pg, (int)first, SIZE_MAX, out);
        emit(&pg, (int)!first, SIZE_MAX, out);
    }
    explicit_bzero(pg.buf, bytes + 1);
    free(pg.buf);
    free(pg.seg);
    free(pg.it);
}
