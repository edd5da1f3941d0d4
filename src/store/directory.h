/*
 * directory.h - each user's list of what they have, kept under their id.
 *
 * FerretDB can find a document only by _id without reading the whole
 * collection, so "this user's resumes" cannot be a query on userId.  The
 * directories collection keeps one chained document per user (chain.h)
 * that names every object the user owns, with what the lists show:
 *
 *   {"resumes":    {"<resume id>": {"title", "version", "createdAt",
 *                                   "updatedAt", "state", "at"}},
 *    "interviews": {"<interview id>": {...}},
 *    "tailorings": {"<resume id>": [{"id", "createdAt", "state", "at"}]}}
 *
 * Times are milliseconds since the epoch.  `state` orders the two writes
 * of a create or a delete so that a crash between them is repaired:
 *   "new"      written before the object is inserted (in the log entry
 *              that commits it); the creator marks it "ok" in the head once
 *              the object exists, so only a create that died or whose
 *              insert had no known outcome leaves a "new" for the next list
 *              to settle: listed once its object exists, dropped once its
 *              request can no longer be running;
 *   "ok"       the object exists;
 *   "deleting" written before the object is deleted; whoever meets it
 *              finishes the deletion.
 *
 * Erasure seals the directory: it commits a last generation
 *   {"erased": true, "sealedAt": ms, <the same sections, ids only>}
 * that every later edit refuses (STORE_ERASED), so no object can be listed
 * after the seal, and every object listed before it is named in the seal
 * for the erasure's passes.  The sealed directory is removed by the last
 * pass.
 *
 * The object itself stays the authority on its content; the directory is
 * the authority on what a user owns, which is what erasure walks.
 */
#ifndef JT_DIRECTORY_H
#define JT_DIRECTORY_H

#include <jansson.h>
#include <stdint.h>

#include "store/chain.h"

struct db;

/* *dir: new reference to the user's directory ({"resumes":{},
 * "tailorings":{}} when there is none yet).  STORE_ERASED (and *dir NULL)
 * when it is sealed. */
int directory_get(struct db *db, const char *user_id, json_t **dir);

/*
 * Change a user's directory atomically: edit(dir, arg) changes dir (a
 * private copy) in place and returns 0 to commit it, STORE_NOT_FOUND to
 * leave the directory alone (directory_edit() returns it), or STORE_ERROR.
 * A conflicting writer makes it read again and call edit again, so edit
 * must depend on nothing but dir and arg.  STORE_ERASED when sealed.
 */
typedef int (*directory_edit_fn)(json_t *dir, void *arg);
int directory_edit(struct db *db, const char *user_id, directory_edit_fn edit, void *arg);

/*
 * An edit whose head is written later: directory_edit_begin() commits
 * edit's directory (the log entry is the truth) and keeps it in *p;
 * directory_edit_end() applies then (may be NULL) to that copy and writes
 * it as the head of the same generation, and releases *p.  Between the
 * two the creator inserts its object; a crash there leaves the head
 * behind, and the next read finds the log's "new" entry.
 */
struct directory_pending {
    struct chain_ver v;
    json_t *dir;
};
int directory_edit_begin(struct db *db, const char *user_id, directory_edit_fn edit, void *arg,
                         struct directory_pending *p);
int directory_edit_end(struct db *db, const char *user_id, struct directory_pending *p,
                       directory_edit_fn then, void *arg);

/*
 * Visit the objects dir lists in `section` ("resumes", "interviews": one
 * call per object, parent NULL; "tailorings": one per tailoring, parent its
 * resume's id), skipping those being deleted; an object listed but not (or
 * no longer) stored is the reader's to skip when its fetch finds nothing.
 * visit returns 0 to go on, anything else stops the walk and is returned.
 * The entries' states stay this module's business.
 */
typedef int (*directory_visit_fn)(const char *id, const char *parent, void *arg);
int directory_each(json_t *dir, const char *section, directory_visit_fn visit, void *arg);

/* Seal the directory for erasure (see above); repeatable.  *sealed (new
 * reference) receives the sealed directory: what the erasure walks. */
int directory_seal(struct db *db, const char *user_id, json_t **sealed);

/* Delete the user's directory (the erasure's last pass). */
int directory_remove(struct db *db, const char *user_id);

/* An object whose entry is "new" and whose object is still missing after
 * this long was never inserted: its request died. */
int64_t directory_new_grace_ms(void);

#endif
