/*
 * ats.h - a deterministic keyword match between a resume and a job
 * description, the way an applicant tracking system screens: no AI, no
 * network, the same answer for the same input every time.
 *
 * Terms come from the job description's requirements: skills, tools,
 * technologies, certifications and degrees from a vocabulary (variants
 * under one name: "postgres" and "PostgreSQL" are postgresql, "k8s" is
 * kubernetes), and words that look technical on their own (acronyms,
 * "c++", "node.js", CamelCase names).  Never a term: punctuation, stop
 * words, places, pay, benefits, the company's name, or anything under a
 * heading such as "What we offer" or in an equal-opportunity sentence.
 * Each term once, in order of first appearance, in lower case.  A term is
 * found when the resume names it by any of its variants, as a whole word
 * or phrase ("java" is not found in "javascript", "go" not in "go-to").
 */
#ifndef JT_ATS_H
#define JT_ATS_H

#include <jansson.h>

/* Terms of a job description beyond this many (distinct, in order of
 * first appearance) are not scored; the answer's "truncated" says so. */
#define ATS_MAX_TERMS 500

/*
 * {"score": 0..100, "found": [terms], "missing": [terms], "method": "keyword",
 *  "required": [terms], "preferred": [terms]}
 * plus "truncated": {"terms": n} when n distinct terms beyond ATS_MAX_TERMS
 * were left out, as a new reference (NULL only when out of memory).
 * found + missing = required + preferred = every term.  A preferred term
 * (under "Nice to have", or in a sentence that calls it a plus) weighs 1,
 * any other 2: score = round(100 * weight found / weight of all terms), 0
 * when the description yields no term.  resume (any JSON; every string in
 * it is searched) and job_description are borrowed.
 */
json_t *ats_score(json_t *resume, const char *job_description);

#endif
