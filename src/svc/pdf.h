/*
 * pdf.h - a resume (JSON Resume document) typeset as a PDF, with cairo and
 * Pango.
 *
 * pdf.c (layout) and pdf_pager.c (pages, drawing) are the only files that
 * include cairo or Pango.  The output is real,
 * selectable text in reading order (never a raster), so the file a user
 * takes away is as portable as the data it came from, and every email,
 * web address and profile in it is a link.  Fonts are found through
 * fontconfig: the template's family (or the one asked for, among Debian's
 * Noto, DejaVu and Liberation), then Noto Sans and Noto Sans Devanagari
 * for what it lacks.
 */
#ifndef JT_PDF_H
#define JT_PDF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum pdf_paper {
    PDF_A4,     /* 595.276 x 841.89 pt */
    PDF_LETTER, /* 612 x 792 pt */
};

/* What a request may choose; NULL members mean the defaults. */
struct pdf_options {
    enum pdf_paper paper;
    const char *template_id; /* pdf_catalog()'s "templates"[].id; NULL: "modern" */
    const char *font_id;     /* pdf_catalog()'s "fonts"[].id; NULL: the template's */
    json_t *sections;        /* borrowed: the names of model/resume.h's resume_sections
                                in the order they print, the others hidden; NULL: all,
                                in that order */
};

/* Is id one of the templates / font families?  (NULL is not.) */
int pdf_has_template(const char *id);
int pdf_has_font(const char *id);

/* {"templates": [{id, name, description, font}], "fonts": [{id, name}],
 *  "default": id}: new reference. */
json_t *pdf_catalog(void);

/* pdf_render() with options (borrowed; unknown ids mean the defaults). */
int pdf_render_with(json_t *resume, const struct pdf_options *o, const char *title,
                    unsigned char **out, size_t *len);

/*
 * Page `page` (1-based) of the PDF pdf_render_with(resume, o) makes, drawn
 * by the same layout and pager on a white image at dpi, as a PNG.  0 with
 * *pages the PDF's page count and, when the page exists, *png a new
 * malloc'd buffer of *len bytes (the caller frees; else *png is NULL);
 * -1 (logged here) when rendering failed.
 */
int pdf_render_page(json_t *resume, const struct pdf_options *o, int page, double dpi,
                    unsigned char **png, size_t *len, int *pages);

/*
 * Typeset `resume` (borrowed; anything not shaped like JSON Resume is
 * skipped) on `paper`.  `title` (borrowed, may be NULL) becomes the PDF's
 * Title; NULL means "<basics.name> — Resume".  On success returns 0 and
 * *out is a new malloc'd buffer of *len bytes that the caller frees; on
 * failure returns -1 (logged here) and leaves *out NULL.
 */
int pdf_render(json_t *resume, enum pdf_paper paper, const char *title,
               unsigned char **out, size_t *len);

/*
 * The file name of resume's PDF (borrowed resume): its basics.name and its
 * meta.jobtune.title, else "Resume", joined by '_' with every run of
 * spaces and punctuation but '-' and '.' made one '_', none of those
 * first, at most 120 bytes and ".pdf": "José Álvarez-Núñez" becomes
 * "Jose_Alvarez-Nunez_Resume.pdf" when ascii (transliterated),
 * "José_Álvarez-Núñez_Resume.pdf" otherwise.  A new malloc'd string.
 */
char *pdf_file_name(json_t *resume, bool ascii);

/* Render a small resume and throw it away, so fontconfig, the font files
 * and Pango's caches are loaded before the first user asks (a worker calls
 * it right after fork; it costs that worker a few tens of ms, once). */
void pdf_warm_up(void);

#endif
