/*
 * db_errors.h - what a failed database operation means for its caller.
 *
 * A pure function of the driver's error, apart from db.c so that a unit
 * test (tests/unit/test_db_errors.c) can hold it to a table of
 * mongo-c-driver's domains and codes without a database.
 */
#ifndef JT_DB_ERRORS_H
#define JT_DB_ERRORS_H

#include <stdint.h>

enum db_errors_kind {
    DB_ERRORS_DOWN,      /* no usable server: a stall, a lost connection, an election */
    DB_ERRORS_DUPLICATE, /* a unique index refused the write */
    DB_ERRORS_OTHER,     /* the server or the driver refused the operation itself */
};

/* domain and code as bson_error_t carries them (error API version 2);
 * message may be NULL. */
enum db_errors_kind db_errors_classify(uint32_t domain, uint32_t code, const char *message);

#endif
