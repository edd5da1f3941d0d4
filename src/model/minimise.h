/*
 * minimise.h - what of a resume may leave the server for an AI service.
 *
 * Data minimisation for every prompt built from a resume (tailoring,
 * interview questions, feedback): the copy sent has no email, phone, URL,
 * street address, postal code, profiles, picture or references, and the
 * candidate's name is the placeholder MINIMISE_NAME; any of those values
 * still written elsewhere in the resume, or pasted into other text that
 * goes with it (a job description, an answer), is replaced as well.
 * Strings live in the arena given.
 */
#ifndef JT_MINIMISE_H
#define JT_MINIMISE_H

#include <jansson.h>
#include <stddef.h>

struct arena;

#define MINIMISE_NAME "[CANDIDATE]"
#define MINIMISE_REDACTED "[REDACTED]"
#define MINIMISE_MAX 16

/* Values that must not leave the server (borrowed from the resume), and
 * what stands in for each. */
struct minimise_pii {
    const char *value[MINIMISE_MAX];
    const char *with[MINIMISE_MAX];
    size_t n;
};

/* The copy of resume (borrowed) that may be sent out: arena-owned.  pii
 * (zero it first) receives the values removed. */
json_t *minimise_resume(struct arena *a, json_t *resume, struct minimise_pii *pii);

/* s with every listed value replaced (whole words, ASCII case ignored):
 * an arena string, or s itself when nothing matched.  The arena strings
 * of the steps between are wiped. */
const char *minimise_text(struct arena *a, const struct minimise_pii *pii, const char *s);

/* s with whatever looks like a contact replaced by MINIMISE_REDACTED, found
 * by its shape rather than a known value: an email address, a URL (a
 * scheme, "www." or a host with a path), a phone number (a run of digits,
 * spaces, dots, hyphens and brackets holding 9 or more digits, or 7 or
 * more after a '+').  For free text nobody parsed (an imported file): an
 * arena string, or s itself when nothing matched. */
const char *minimise_contacts(struct arena *a, const char *s);

/* Replace listed values in every string of v, in place. */
void minimise_json(struct arena *a, const struct minimise_pii *pii, json_t *v);

/* Put the candidate's name (from resume) back where a model's answer v
 * used the placeholder, in place. */
void minimise_restore_name(struct arena *a, json_t *v, json_t *resume);

#endif
