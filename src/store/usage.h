/*
 * usage.h - what a user spent today of the daily quotas (AI calls), on
 * nothing but _id lookups and unique-_id inserts.
 *
 * Collection `usage`, slots (slots.h) keyed "<UTC day>.<kind>.<user id>",
 * one slot {at} per request that spends one unit, so the count of a day
 * is the slots' count (two lookups) and two requests never lose each
 * other's unit the way a read-modify-write counter would.  The day first
 * in the key lets the scheduler drop the days before yesterday by one
 * range of _id.  Functions return a STORE_ status (store.h).
 */
#ifndef JT_USAGE_H
#define JT_USAGE_H

#include <stdint.h>

struct db;

/* The daily quotas' kinds: the middle part of a key. */
#define USAGE_AI "ai"
#define USAGE_IMPORT "import"

/* Units of kind user_id spent on the UTC day of now_ms. */
int usage_today(struct db *db, const char *user_id, const char *kind, int64_t now_ms,
                int64_t *used);

/*
 * Spend one unit of kind, unless limit (> 0) units are spent already that
 * day: STORE_LIMIT, and nothing is written (two requests racing for the
 * last unit both write, and the later is refused too).  *used: the units
 * spent with this one, or those that made the refusal.
 */
int usage_take(struct db *db, const char *user_id, const char *kind, int64_t limit,
               int64_t now_ms, int64_t *used);

/* Erase user_id's units of the last few days (retention keeps two):
 * _id lookups, for the erasure's passes.  usage_purge_user(): the same by
 * a range scan of each day's slots, which also finds a unit a request in
 * flight spent past a hole the first pass's removal left (slot 1 gone, a
 * later one appended meanwhile): for the erasure's last, background pass. */
int usage_erase_user(struct db *db, const char *user_id, int64_t now_ms);
int usage_purge_user(struct db *db, const char *user_id, int64_t now_ms);

/* Drop every day before the UTC day of before_ms (the scheduler's
 * retention).  Adds the slots deleted to *deleted. */
int usage_purge_before(struct db *db, int64_t before_ms, int64_t *deleted);

/* The first millisecond of the UTC day after now_ms: when a day's quota
 * resets. */
int64_t usage_day_end(int64_t now_ms);

#endif
