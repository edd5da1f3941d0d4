/*
 * listed.h - objects a user owns: a chain per object (chain.h), listed in
 * the owner's directory (directory.h).  Resumes and interviews are both.
 *
 * Each kind names its collection (which is also its section of the
 * directory), the summary the list shows, and what hangs off an object
 * (a resume's tailorings).  This module keeps the invariants once:
 *  - the owner (body.userId) is checked in C after every fetch by _id;
 *  - an object is listed as "new" before it is inserted and marked
 *    "deleting" before it is deleted, so a crash between the two writes is
 *    repaired by the next list: a "new" entry is listed once its object
 *    exists and dropped once its request can no longer be running, a
 *    "deleting" one is deleted;
 *  - a commit is a chain commit, so of two writers of one version only one
 *    wins; the summary follows it.
 * Functions return a STORE_ status (store.h).
 */
#ifndef JT_LISTED_H
#define JT_LISTED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

#include "store/chain.h"
#include "store/store.h"

#define LISTED_ID_LEN 24

struct listed_kind {
    const char *coll;     /* chain collection, and the directory section */
    const char *sort_key; /* summary field (ms) the list sorts by, newest first */
    const char *fault;    /* prefix of the kind's crash points: "<fault>_listed", ... */
    /* The list's fields of a body (new reference, integers for times). */
    json_t *(*summarize)(json_t *body);
    /* The directory section listing dependants by owner id (NULL: none),
     * and how to delete those listed under one object (adds to *deleted). */
    const char *dependents;
    int (*remove_dependents)(struct db *db, json_t *entries, struct store_tally *deleted);
};

/* Is id a well-formed object id (24 lowercase hex characters)? */
bool listed_is_id(const char *id);

/* The body of user_id's object id: *body new reference, or NULL when there
 * is none or it is someone else's; *gen its version. */
int listed_load(const struct listed_kind *k, struct db *db, const char *user_id,
                const char *id, json_t **body, int64_t *gen);

/* For a writer: the body and version of user_id's object id (with
 * expected > 0, the head alone when it is at that version; the newest
 * otherwise); pass *v to listed_commit(). */
int listed_load_for_write(const struct listed_kind *k, struct db *db, const char *user_id,
                          const char *id, int64_t expected, json_t **body, struct chain_ver *v);

/* Store body (borrowed; has userId) as a new object at version 1; its id
 * goes to id_out.  The directory entry is "new" in the commit and "ok" in
 * the head once the object exists; after an error whose outcome is
 * unknown it stays "new" for the repair.  STORE_ERASED: the account is
 * being erased, and nothing was stored.  STORE_LIMIT: limit (> 0) objects
 * of the kind are listed already, and nothing was stored. */
int listed_create(const struct listed_kind *k, struct db *db, const char *user_id,
                  json_t *body, int64_t limit, char id_out[LISTED_ID_LEN + 1]);

/* Objects of the kind dir (directory_get()) lists, those being deleted
 * aside: what a quota counts. */
int64_t listed_count_in(const struct listed_kind *k, json_t *dir);

/* Commit body as the version after v (from listed_load_for_write()):
 * STORE_OK, or STORE_CONFLICT when another writer got there first. */
int listed_commit(const struct listed_kind *k, struct db *db, const char *user_id,
                  const char *id, struct chain_ver *v, json_t *body);

/* Delete user_id's object id and its dependants.  *found = false when
 * there is no such object of theirs (nothing deleted). */
int listed_remove(const struct listed_kind *k, struct db *db, const char *user_id,
                  const char *id, bool *found);

/* Where a page of a list starts: after this (sort value, id) pair. */
struct listed_cursor {
    int64_t at_ms;
    char id[LISTED_ID_LEN + 1];
};

#define LISTED_CURSOR_SIZE 64

/* The opaque text form (base64url of "ms|id"); false if size is too small. */
bool listed_cursor_encode(const struct listed_cursor *c, char *out, size_t size);
/* Parse what listed_cursor_encode() made; false for anything else. */
bool listed_cursor_decode(const char *text, struct listed_cursor *c);

/*
 * One page of user_id's objects, newest sort_key first (ties by id),
 * after `after` (NULL: from the top), repairing what interrupted requests
 * left.  *items: new reference to an array of {"id", "version", summary
 * fields...} (times still in ms); *more when more follow, with *next the
 * cursor of the page's last item.
 */
int listed_page(const struct listed_kind *k, struct db *db, const char *user_id,
                size_t limit, const struct listed_cursor *after, json_t **items, bool *more,
                struct listed_cursor *next);

/* Erase every object of this kind that dir (user_id's sealed directory)
 * lists, with their dependants; adds to *objects and *dependants. */
int listed_erase_user(const struct listed_kind *k, struct db *db, const char *user_id,
                      json_t *dir, struct store_tally *objects, struct store_tally *dependants);

#endif
