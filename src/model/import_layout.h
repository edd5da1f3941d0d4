/*
 * import_layout.h - a PDF page's lines in reading order, from where its
 * characters are drawn rather than from the order they were written in.
 *
 * A PDF is a list of drawn glyphs: the order of its content stream (and
 * poppler's own reading order) interleaves the columns of a two-column
 * page, and puts a date drawn right-aligned beside a job's title wherever
 * the generator drew it.  Here the glyphs are grouped into rows by their
 * vertical position, a row is cut into segments at wide gaps (a table's
 * cells, a title and its dates), and a vertical gutter that no segment
 * crosses over the page's height splits it into two columns, read one
 * after the other: first the one that holds the page's largest type (the
 * name), else the left one.  A "gutter" whose one side is mostly dates is
 * a table's date column or right-aligned dates, not a column: such a page
 * is read row by row, a row's segments joined by a wide gap (a separator
 * to the parser, model/import_text.h).
 *
 * Pure: no poppler here (svc/import_read.c turns its text layout into
 * glyphs), so the layouts can be tested with made-up positions.
 */
#ifndef JT_IMPORT_LAYOUT_H
#define JT_IMPORT_LAYOUT_H

#include <stddef.h>

#include "model/import_text.h"

/* One drawn character: its box in points (y grows downwards), its font
 * size and its UTF-8 bytes (borrowed). */
struct import_glyph {
    double x1, y1, x2, y2, size;
    const char *s;
    size_t n;
};

/*
 * The lines of one page, in reading order, into out: a line set in type at
 * least heading_ratio times the page's body size is IMPORT_HEADING.
 * Whitespace glyphs are ignored (spaces come from the gaps).  g is
 * reordered.
 */
void import_layout_lines(struct import_glyph *g, size_t n, double heading_ratio,
                         struct import_lines *out);

#endif
