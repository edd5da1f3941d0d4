/*
 * ats.h - a deterministic keyword match between a resume and a job
 * description, the way an applicant tracking system screens: no AI, no
 * network, the same answer for the same input every time.
 *
 * Terms come from the job description: lower-cased words (c++, c#, node.js
 * and .net stay whole), English stop-words and job-advert filler dropped,
 * known multi-word skills ("machine learning", "rest api") kept together,
 * each term once, in order of first appearance.  A term is found when it
 * occurs as a whole word or phrase in any string of the resume ("java" is
 * not found in "javascript", "c" not in "c++").
 */
#ifndef JT_ATS_H
#define JT_ATS_H

#include <jansson.h>

/* Terms of a job description beyond this many (distinct, in order of
 * first appearance) are not scored; the answer's "truncated" says so. */
#define ATS_MAX_TERMS 500

/*
 * {"score": 0..100, "found": [terms], "missing": [terms], "method": "keyword"}
 * plus "truncated": {"terms": n} when n distinct terms beyond ATS_MAX_TERMS
 * were left out, as a new reference (NULL only when out of memory).  score =
 * round(100 * found / terms), 0 when the description yields no term.
 * resume (any JSON; every string in it is searched) and job_description
 * are borrowed.
 */
json_t *ats_score(json_t *resume, const char *job_description);

#endif
