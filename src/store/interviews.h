/*
 * interviews.h - the interviews collection: mock interviews and their
 * transcripts and reports.
 *
 * An interview is a listed chain (listed.h) keyed by 24 random hex
 * characters; its body is
 *   {userId, role, level, jobDescription?, resumeId?, language,
 *    questionCount, status: "active" | "completed",
 *    questions: [{n, text, askedAt, answer?: {text, source, answeredAt,
 *                 delivery? (model/delivery.h: numbers only)}}],
 *    report?, createdAt, updatedAt, completedAt?}      (times in ms)
 * Every answer and the report is a commit of the next version, so two
 * answers to one question, or two finishes, cannot both be stored: the
 * second gets INTERVIEWS_CONFLICT.  Transcripts are text: audio is never
 * stored.  Functions return a DB_ status or a code named here.
 */
#ifndef JT_INTERVIEWS_H
#define JT_INTERVIEWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/listed.h"

struct db;

#define INTERVIEWS_ID_LEN LISTED_ID_LEN

/* user_id's interview id: *body new reference (NULL when there is none or
 * it is someone else's) at version v->gen; v is what a commit needs. */
int interviews_get(struct db *db, const char *user_id, const char *id, json_t **body,
                   struct chain_ver *v);

/* Store body (borrowed) as a new interview of user_id; id_out its id.
 * STORE_LIMIT (nothing stored) when limit (> 0) interviews are listed. */
int interviews_create(struct db *db, const char *user_id, json_t *body, int64_t limit,
                      char id_out[INTERVIEWS_ID_LEN + 1]);

/* Interviews a directory (directory_get()) lists: what the quota counts. */
int64_t interviews_count(json_t *dir);

/* Store body as the version after v: STORE_OK or STORE_CONFLICT. */
int interviews_commit(struct db *db, const char *user_id, const char *id, struct chain_ver *v,
                      json_t *body);

/* Delete user_id's interview id; *found = false when there is none. */
int interviews_remove(struct db *db, const char *user_id, const char *id, bool *found);

/* One page of user_id's interviews, newest first: *items a new reference
 * to [{id, version, role, level, language, status, questionCount,
 * answered, score, delivery, createdAt, updatedAt, completedAt}] (times
 * in ms; score the report's overallScore, delivery {wordsPerMinute,
 * fillersPerMinute, longestPauseSeconds} of its delivery summary, each
 * null until there is one).  The directory keeps these with each entry,
 * set by the commit that stores the report, so the list reads nothing
 * else. */
int interviews_page(struct db *db, const char *user_id, size_t limit,
                    const struct listed_cursor *after, json_t **items, bool *more,
                    struct listed_cursor *next);

/* The directory's entries of user_id's interviews: *section a new
 * reference to {id: {summary as above, "state"}} (one _id lookup). */
int interviews_summaries(struct db *db, const char *user_id, json_t **section);

/* Erase every interview that dir (user_id's sealed directory) lists;
 * adds to *count. */
int interviews_erase_user(struct db *db, const char *user_id, json_t *dir,
                          struct store_tally *count);

#endif
