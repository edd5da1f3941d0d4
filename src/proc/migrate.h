/*
 * migrate.h - applies the database definition in sql/ idempotently.
 */
#ifndef JT_MIGRATE_H
#define JT_MIGRATE_H

#define MIGRATE_OK 0
#define MIGRATE_INVALID 65 /* a schema file is malformed: retrying won't help */
#define MIGRATE_RETRY 75   /* the database could not be reached */

/* Apply every *.json file of dir in name order; returns a MIGRATE_ code.
 * Connects with config.mongodb_uri itself (run it in its own process). */
int migrate_run(const char *dir);

#endif
