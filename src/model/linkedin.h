/*
 * linkedin.h - LinkedIn's "Get a copy of your data" export as a JSON
 * Resume draft.
 *
 * Pure: the tables come read (svc/import_read.h: {"Positions.csv": [{column:
 * value}]}, ...).  Profile (name, headline, summary, location), email and
 * phone (the primary or first), positions, education, skills, languages
 * and certifications, as far as the export has them.
 */
#ifndef JT_LINKEDIN_H
#define JT_LINKEDIN_H

#include <jansson.h>

/* The draft of tables (borrowed): a new reference.  warnings (borrowed
 * array) receives {"path", "message"} for a value that could not be kept
 * (a date in a form not understood). */
json_t *linkedin_resume(json_t *tables, json_t *warnings);

#endif
