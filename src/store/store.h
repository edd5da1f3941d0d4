/*
 * store.h - what every store returns, for the layers above.
 *
 * Stores (one file per collection) are the only code that includes
 * svc/db.h.  Every store function returns one of these statuses: the
 * negative ones are the database's own (DB_ in svc/db.h, same values),
 * the positive ones say why a well-formed request changed nothing.  No
 * store has codes of its own.
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
    STORE_CONFLICT = 1,   /* another writer committed this version first (412) */
    STORE_NOT_FOUND = 2,  /* what the change needs is not there, or not the user's */
    STORE_ERASED = 3,     /* the account is erased or being erased: nothing was written */
    STORE_PENDING = 4,    /* stored; an outside step is still to be done (and retried) */
    STORE_LIMIT = 5,      /* a per-user quota is reached: nothing was written */
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

/*
 * A count of deleted documents, which may also name each object known to
 * exist just before it is deleted (`deleting`, may be NULL): an erasure
 * records those ids in its claim first, so that its counts are exact
 * whatever kills a pass between a deletion and its count (an id recorded
 * twice counts once; one recorded is one that existed).
 */
struct store_tally {
    int64_t n;
    const char *what;
    void (*deleting)(const char *what, const char *id, void *arg);
    void *arg;
};

static inline void store_tally_deleting(struct store_tally *t, const char *id)
{
    if (t != NULL && t->deleting != NULL)
        t->deleting(t->what, id, t->arg);
}

static inline void store_tally_add(struct store_tally *t, int64_t n)
{
    if (t != NULL)
        t->n += n;
}

/* Database operations this process made since the last reset, and their
 * time: the access log's db_ops and db_ms. */
struct store_usage {
    uint64_t ops, us;
};
void store_usage(struct db *db, struct store_usage *u);
void store_usage_reset(struct db *db);

#endif
