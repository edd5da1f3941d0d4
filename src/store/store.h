/*
 * store.h - what every store returns, for the layers above.
 *
 * Stores (one file per collection) are the only code that includes
 * svc/db.h; handlers see these statuses, equal to the DB_ ones, and the
 * stores' own positive codes (RESUMES_STALE, ...).
 */
#ifndef JT_STORE_H
#define JT_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum store_status {
    STORE_OK = 0,
    STORE_DOWN = -1,      /* no database reachable: 503 */
    STORE_DUPLICATE = -2, /* the _id is taken */
    STORE_ERROR = -3,     /* anything else, logged where it happened */
};

/* A stored timestamp ({"$date": ms}, new reference) for a document a
 * handler builds; it reads back as an ISO-8601 string. */
json_t *store_date(int64_t ms);

struct db;

/* This process's connection to MONGODB_URI / JOBTUNE_DB, made after fork
 * (NULL with the reason in err when the URI is invalid), and its end. */
struct db *store_open(char *err, size_t errlen);
void store_close(struct db *db);

/* The database as this process last saw it, at most max_age_ms ago, else
 * a fresh ping: STORE_OK or STORE_DOWN. */
int store_health(struct db *db, unsigned max_age_ms);

#endif
