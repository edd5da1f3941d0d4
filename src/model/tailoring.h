/*
 * tailoring.h - a tailoring's suggestions as changes one accepts, rejects
 * or edits one by one, and the resume those choices make.
 *
 * A tailoring's result (routes/resumes_tailor.c) is {summary, work:
 * [{index, highlights}], skills: [names], ...}: the model's summary, each
 * work entry's highlights reworded and reordered, the skills' names in a
 * new order.  Each suggestion is named by a path into the resume, spelt
 * the way resume.h names a problem, and compared as text:
 *
 *   basics.summary          the tailored summary
 *   work[I].highlights[J]   the J-th tailored highlight of work entry I
 *                           (I: the entry's index in the resume)
 *   skills                  the skills in the tailoring's order
 *
 * Indexes are decimal without leading zeros.  Pure: no I/O, no globals;
 * every json_t argument is borrowed.
 */
#ifndef JT_TAILORING_H
#define JT_TAILORING_H

#include <jansson.h>

/* The paths result suggests for resume, in the order above (work entries
 * in the result's order): a new array of strings. */
json_t *tailoring_paths(json_t *resume, json_t *result);

/*
 * For each tailored highlight of one work entry, the index of the
 * original highlight it rewrites (originals: the entry's highlights in
 * the resume), or null when it rewrites none: a new array as long as
 * tailored.  Pairs share words (at least 30% of both lines' words, by
 * the Dice coefficient), each original is paired at most once, and the
 * most alike pairs are made first.
 */
json_t *tailoring_sources(json_t *originals, json_t *tailored);

/*
 * Problems of a choice against paths (tailoring_paths()): accept must be
 * an array of suggested paths; edits (NULL: none) an object whose every
 * key is an accepted path of text (basics.summary or a highlight, not
 * skills) and whose value is that text, 1 to the resume's limit of
 * characters once trimmed, without hidden controls.  NULL when the choice
 * is sound, else a new object mapping each offending path (or "accept",
 * "accept[i]", "edits" where what was given is no path at all) to a
 * sentence, at most RESUME_PROBLEMS_MAX of them.
 */
json_t *tailoring_check_choice(json_t *paths, json_t *accept, json_t *edits);

/*
 * resume with the accepted paths of result applied, each edited one with
 * its edit (trimmed): a new reference, or NULL when Jansson ran out of
 * memory.  accept: array of paths, checked before; edits: NULL or as
 * checked.  What changes:
 *  - basics.summary: the summary.
 *  - skills: the skills the tailoring names in its order, the others
 *    after them in theirs.
 *  - the highlights of a work entry, only when one of its lines is
 *    accepted: the lines in the tailoring's order, a rejected line
 *    replaced by the original it rewrites (tailoring_sources()) or left
 *    out when it rewrites none, then every original no line rewrites, in
 *    its order.  Accepting part of a tailoring thus loses none of the
 *    person's own lines.
 * A work entry the resume no longer has is skipped.
 */
json_t *tailoring_apply(json_t *resume, json_t *result, json_t *accept, json_t *edits);

#endif
