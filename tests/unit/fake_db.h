/*
 * fake_db.h - the unit tests' in-memory database (see fake_db.c).
 */
#ifndef JT_FAKE_DB_H
#define JT_FAKE_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct db *fake_db(void);
/* Empty every collection and the operation count. */
void fake_db_reset(void);
/* Documents in coll; one of them (borrowed), or NULL. */
size_t fake_db_count(const char *coll);
json_t *fake_db_doc(const char *coll, const char *id);
/* The next operation named op ("get", "insert", "replace", "delete",
 * "update") answers status; applied: it takes effect all the same. */
void fake_db_fail_next(const char *op, int status, bool applied);
/* The same for the nth operation named op from now (1: the next). */
void fake_db_fail_nth(const char *op, int nth, int status, bool applied);

#endif
