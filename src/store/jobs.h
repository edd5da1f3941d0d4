/*
 * jobs.h - the scheduler's shared state: leases and results.
 *
 * The jobs collection holds
 *   leases   {_id: "lease:<job>:<slot>", host, at}: the slot is the wall
 *            clock divided by the job's period, so the first host whose
 *            insert lands runs the job in that slot and every other host
 *            sees a duplicate; a host that dies mid-job has its lease
 *            expire with the slot, and whoever takes the next one finishes
 *            the work (every job is idempotent);
 *   results  {_id: "result:<job>", value, at}: what a job found, for the
 *            health route (one _id lookup).
 */
#ifndef JT_JOBS_H
#define JT_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct db;

/* Take the lease of job in slot: DB_OK with *mine set (false: another
 * host has it), or a DB_ status. */
int jobs_lease(struct db *db, const char *job, int64_t slot, const char *host, bool *mine);

/* Store a job's result (value borrowed). */
int jobs_set_result(struct db *db, const char *job, json_t *value);

/* A job's last result (new reference), or NULL when none yet. */
int jobs_result(struct db *db, const char *job, json_t **value);

/* Delete leases taken before before_ms (a background path, in one page);
 * adds to *deleted. */
int jobs_purge_leases(struct db *db, int64_t before_ms, int64_t *deleted);

#endif
