/*
 * import_read.h - the text of an uploaded resume, read in memory with the
 * libraries made for each format: poppler (PDF), libzip + libxml2 (Word's
 * .docx), libzip + libcsv (LinkedIn's data export).
 *
 * Nothing is written to a file: every reader works on the caller's bytes.
 * The copies made here (a ZIP member, a page's text, libxml2's whole heap
 * and libcsv's field buffer, through a wiping allocator) are wiped before
 * they are freed.  What
 * poppler and zlib allocate inside themselves is freed by them, not wiped:
 * their allocators cannot be replaced (docs/ARCHITECTURE.md, "Resume
 * import").
 */
#ifndef JT_IMPORT_READ_H
#define JT_IMPORT_READ_H

#include <jansson.h>
#include <stddef.h>

#include "model/import_text.h"

#define IMPORT_PDF_PAGES_MAX 10

enum import_read_status {
    IMPORT_READ_OK = 0,
    IMPORT_READ_BROKEN = -1,     /* not a file of that format, or damaged */
    IMPORT_READ_ENCRYPTED = -2,  /* a PDF with a password */
    IMPORT_READ_NO_TEXT = -3,    /* a PDF without a text layer (a scan), an empty file */
    IMPORT_READ_TOO_LONG = -4,   /* more than IMPORT_PDF_PAGES_MAX pages, or a ZIP member
                                  * that inflates past its cap */
    IMPORT_READ_NOT_LINKEDIN = -5, /* a ZIP without any of LinkedIn's CSVs */
};

/* The lines of a PDF's text layer, in reading order, into out; *pages. */
int import_read_pdf(const char *data, size_t len, struct import_lines *out, int *pages);

/* The paragraphs of a .docx (tables' cells, in order), into out. */
int import_read_docx(const char *data, size_t len, struct import_lines *out);

/* LinkedIn's CSVs of the ZIP: *tables becomes a new object
 * {"Profile.csv": [{column: value}, ...], ...} of those present. */
int import_read_linkedin(const char *data, size_t len, json_t **tables);

/* Lower-case English country names (and common names) -> ISO 3166-1
 * alpha-2, from Debian's iso-codes, read once per process: borrowed, never
 * NULL (empty when the file is missing). */
json_t *import_countries(void);

#endif
