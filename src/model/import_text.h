/*
 * import_text.h - the local resume parser: the lines of a resume, however
 * they were read (PDF, Word, pasted text), become a JSON Resume draft.
 *
 * Pure: no I/O, no network; the same lines always give the same draft.
 * Sections are found by their headings (any case, common synonyms, or a
 * line the reader marked as a heading); contacts in the header (or a
 * "Contact" section); jobs, schools, projects, skills, languages,
 * certificates, awards, publications and volunteering by the shape of
 * their lines (a date range, a job title's word, a degree's word).  A line
 * the parser cannot place goes to `unplaced`, never into a wrong field.
 *
 * Every copy of the source's text made here is wiped before it is freed
 * (import_wipe_free), as with an upload's other buffers.
 */
#ifndef JT_IMPORT_TEXT_H
#define JT_IMPORT_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum { IMPORT_HEADING = 1, IMPORT_BULLET = 2 };

struct import_line {
    char *text;     /* trimmed UTF-8, owned by the list */
    unsigned flags; /* IMPORT_HEADING, IMPORT_BULLET */
};

struct import_lines {
    struct import_line *v;
    size_t n, cap;
};

/* Add a copy of text[0..len) (trimmed; a leading bullet sign becomes
 * IMPORT_BULLET; empty lines are skipped). */
void import_lines_add(struct import_lines *l, const char *text, size_t len, unsigned flags);

/* Add every line of plain text or Markdown ("# Heading", "- item",
 * "**bold**" marks dropped). */
void import_lines_add_text(struct import_lines *l, const char *text, size_t len);

/* Wipe the whole of p's allocation (from mem_*; NULL is nothing), then free
 * it: how every copy of an upload's text is released, wherever a split or
 * a trim left its NULs. */
void import_wipe_free(void *p);

/* Wipe and free every line (the struct itself is the caller's). */
void import_lines_free(struct import_lines *l);

/* The whole text, one line per line: a new string (import_wipe_free() it). */
char *import_lines_join(const struct import_lines *l);

/*
 * The draft of the lines: a new reference to a JSON Resume (not yet
 * checked: pass it to import_fix()).  unplaced (borrowed array) receives
 * the lines not used.  countries: lower-case English name -> ISO code
 * (borrowed, may be NULL).
 */
json_t *import_text_parse(const struct import_lines *l, json_t *countries, json_t *unplaced);

/* Does line name one of the resume's sections (not its contacts)? */
bool import_text_is_heading(const char *line);

#endif
