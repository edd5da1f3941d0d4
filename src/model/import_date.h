/*
 * import_date.h - the dates people write on a resume, as JSON Resume's
 * partial dates.
 *
 * Pure.  "Mar 2019", "March 2019", "Sept. 2019", "03/2019", "2019-03",
 * "2019" and "Present" / "Current" / "Now" / "Today", alone or as a range
 * joined by "-", an en or em dash, or "to" / "until".  A month becomes
 * "YYYY-MM", a year alone "YYYY"; "Present" means "no end date".
 */
#ifndef JT_IMPORT_DATE_H
#define JT_IMPORT_DATE_H

#include <stdbool.h>
#include <stddef.h>

/* A date or a range found in a line of text. */
struct import_range {
    char start[8];  /* "YYYY" or "YYYY-MM"; "" when the line has none */
    char end[8];    /* "" when open (present) or a single date */
    bool present;   /* the end was "Present" or a synonym */
    size_t at, len; /* the bytes of the line the dates and their separator took */
};

/* Is the whole of s (trimmed) one date?  out (8 bytes) receives it ("" for
 * "Present", with *present set). */
bool import_date_parse(const char *s, char out[8], bool *present);

/* The first date or date range in line: true with *r filled. */
bool import_date_find(const char *line, struct import_range *r);

#endif
