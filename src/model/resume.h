/*
 * resume.h - the JSON Resume document: what a valid one looks like.
 *
 * Pure: functions of their arguments, no I/O, no globals.  The accepted
 * shape is the JSON Resume schema (https://jsonresume.org/schema) written
 * as data in resume.c: "$schema" (a string, the only '$' key allowed, and
 * only at the top), basics, work, volunteer, education, awards, certificates, publications,
 * skills, languages, interests, references, projects and meta, each with
 * its own fields and nothing else; meta also holds "jobtune", this
 * product's settings of the resume (resume_jobtune()).  Every value is text, a list of text,
 * an object or a list of objects, exactly where the schema says so.  The
 * empty string is accepted wherever a URL, email or date is expected and
 * means "absent", as JSON Resume tools write it (the official sample does).
 *
 * Problems are reported by path, the way a form names its fields:
 * "basics.email", "work[2].startDate", "basics.profiles[0].url",
 * "projects[1].highlights[4]".
 */
#ifndef JT_RESUME_H
#define JT_RESUME_H

#include <jansson.h>
#include <stdbool.h>

/* Limits, in characters (code points) and entries. */
#define RESUME_TEXT_MAX 2000      /* any text field */
#define RESUME_LONG_TEXT_MAX 5000 /* summary, description, reference */
#define RESUME_SECTION_MAX 50     /* entries of work, education, ..., profiles */
#define RESUME_LIST_MAX 30        /* highlights, keywords, courses, roles of one entry */
#define RESUME_PROBLEMS_MAX 100   /* problems reported at most (the first ones) */

#define RESUME_UNTITLED "Untitled resume"

/*
 * Check doc (borrowed) against the JSON Resume shape.  NULL when it is
 * valid (the empty document {} is); otherwise a new object mapping each
 * offending path to a sentence about the problem, the first
 * RESUME_PROBLEMS_MAX of them.  (Should Jansson run out of memory before
 * a first problem is recorded, the answer is NULL too.)
 */
json_t *resume_validate(json_t *doc);

/*
 * resume_validate(), and before judging them, give every URL written
 * without a scheme ("example.com/me") https:// in place, when that makes it
 * a URL.  *normalized becomes a new array of {"path", "from", "to"}, one per
 * URL changed (empty when none was).  Modifies doc (borrowed).
 */
json_t *resume_check(json_t *doc, json_t **normalized);

/* The title of a resume: meta.jobtune.title, else "name — label", the
 * name or the label (each trimmed), else RESUME_UNTITLED.  New reference. */
json_t *resume_title(json_t *doc);

/* The title of a copy of a resume titled `title` (valid UTF-8): "title
 * (copy)", the title cut between characters where the whole would be
 * longer than RESUME_TEXT_MAX.  New reference. */
json_t *resume_copy_title(const char *title);

/*
 * meta.jobtune, how the resume prints (borrowed from doc; NULL when
 * absent): "title", "sections" (the names of resume_sections that print,
 * in order; absent: all), "template", "font", "paper".  The lists are
 * NULL-terminated; the first section order is the default one.
 */
json_t *resume_jobtune(json_t *doc);
/* Set doc's meta.jobtune.title to title (a new reference, stolen), making
 * meta and meta.jobtune when absent and keeping the rest of them.  0, or
 * -1 when out of memory (title released). */
int resume_set_title(json_t *doc, json_t *title);
extern const char *const resume_templates[];
extern const char *const resume_fonts[];
extern const char *const resume_papers[];
extern const char *const resume_sections[];

/* Is s (may be NULL: no) in list (NULL-terminated)? */
bool resume_is_one_of(const char *const *list, const char *s);

/*
 * A partial ISO-8601 calendar date: "YYYY", "YYYY-MM" or "YYYY-MM-DD",
 * year 1000-2999, a real month and a day that exists in that month
 * (leap years included).
 */
bool resume_is_date(const char *s);

/* An absolute http:// or https:// URL with a host, as libcurl parses it. */
bool resume_is_url(const char *s);

#endif
