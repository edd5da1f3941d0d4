/*
 * pdf.h - a resume (JSON Resume document) typeset as a PDF, with cairo and
 * Pango.
 *
 * pdf.c (layout) and pdf_pager.c (pages, drawing) are the only files that
 * include cairo or Pango.  The output is real,
 * selectable text in reading order (never a raster), so the file a user
 * takes away is as portable as the data it came from.  Fonts are found
 * through fontconfig: DejaVu Sans for Latin (accents included), Noto Sans
 * and Noto Sans Devanagari for what DejaVu lacks.
 */
#ifndef JT_PDF_H
#define JT_PDF_H

#include <jansson.h>
#include <stddef.h>

enum pdf_paper {
    PDF_A4,     /* 595.276 x 841.89 pt */
    PDF_LETTER, /* 612 x 792 pt */
};

/*
 * Typeset `resume` (borrowed; anything not shaped like JSON Resume is
 * skipped) on `paper`.  `title` (borrowed, may be NULL) becomes the PDF's
 * Title; NULL means "<basics.name> — Resume".  On success returns 0 and
 * *out is a new malloc'd buffer of *len bytes that the caller frees; on
 * failure returns -1 (logged here) and leaves *out NULL.
 */
int pdf_render(json_t *resume, enum pdf_paper paper, const char *title,
               unsigned char **out, size_t *len);

#endif
