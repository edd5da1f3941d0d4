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
 *    "tailorings": {"<resume id>": [{"id", "createdAt", "state", "at"}]}}
 *
 * Times are milliseconds since the epoch.  `state` orders the two writes
 * of a create or a delete so that a crash between them is repaired:
 *   "new"      written before the object is inserted; an entry whose
 *              object exists is simply listed, one whose object is still
 *              missing after the request timeout is dropped;
 *   "ok"       the object exists;
 *   "deleting" written before the object is deleted; whoever meets it
 *              finishes the deletion.
 * The object itself stays the authority on its content; the directory is
 * the authority on what a user owns, which is what erasure walks.
 */
#ifndef JT_DIRECTORY_H
#define JT_DIRECTORY_H

#include <jansson.h>
#include <stdint.h>

struct db;

/* *dir: new reference to the user's directory ({"resumes":{}, "tailorings":{}}
 * when there is none yet).  A DB_ status. */
int directory_get(struct db *db, const char *user_id, json_t **dir);

/*
 * Change a user's directory atomically: edit(dir, arg) changes dir (a
 * private copy) in place and returns 0 to commit it, or a positive code
 * (above 2) to leave the directory alone (directory_edit() returns it).
 * A conflicting writer makes it read again and call edit again, so edit
 * must depend on nothing but dir and arg.  Returns DB_OK, edit's code, or
 * a DB_ status.
 */
typedef int (*directory_edit_fn)(json_t *dir, void *arg);
int directory_edit(struct db *db, const char *user_id, directory_edit_fn edit, void *arg);

/* Delete the user's directory (erasure).  A DB_ status. */
int directory_remove(struct db *db, const char *user_id);

/* An object whose entry is "new" and whose object is still missing after
 * this long was never inserted: its request died. */
int64_t directory_new_grace_ms(void);

#endif
