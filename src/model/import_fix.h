/*
 * import_fix.h - a hand-made JSON Resume made valid by changing or
 * dropping what POST /api/resumes would refuse, each change said.
 *
 * Pure.  The forgiving import of POST /api/resumes/import: a date people
 * write ("March 2019") becomes a partial date, "Present" an absent end
 * date, a country's name its ISO code; a list or section longer than the
 * schema allows is cut; anything else resume_check() refuses (a field the
 * schema does not know, a value of the wrong type) is dropped.  Every
 * change is one warning {"path", "message"}.  POST /api/resumes stays
 * strict: only the import calls this.
 */
#ifndef JT_IMPORT_FIX_H
#define JT_IMPORT_FIX_H

#include <jansson.h>

/*
 * Fix doc (an object, modified in place) until resume_check() accepts it.
 * countries: lower-case English country name -> ISO 3166-1 alpha-2 code
 * (borrowed; NULL: names are dropped like other bad values).  Appends one
 * {"path", "message"} per change to warnings (borrowed).
 */
void import_fix(json_t *doc, json_t *countries, json_t *warnings);

/* Append {"path", "message"} to warnings (a helper the parsers share). */
void import_warn(json_t *warnings, const char *path, const char *message);

/* The ISO 3166-1 alpha-2 code countries (as for import_fix(); NULL: none)
 * gives a country's name, in any ASCII case: borrowed, or NULL.  The one
 * lookup of a written country's name, for the parsers and the repair. */
const char *import_country_code(json_t *countries, const char *name);

#endif
