/*
 * scratch.h - private working folders of a request (the ZIP export's
 * members), in memory-backed /dev/shm where the host has it, so a user's
 * data never reaches a disk on its way into an archive.
 *
 * A folder is named jobtune-export-<pid>-<owner>-XXXXXX: <pid> the worker
 * that made it, <owner> a pseudonym of the user (16 hex of HMAC-SHA256 of
 * "export:" + user id under JOBTUNE_SECRET, never the id).  So what a
 * request's own cleanup could not remove (its worker was killed) is
 * removed by whoever learns of it first:
 *   - the master, when it reaps the worker (scratch_remove_of_pid());
 *   - the user's erasure, on this host (scratch_remove_of_owner());
 *   - the scheduler, for a worker that is gone without a master to reap it
 *     (scratch_sweep()).
 */
#ifndef JT_SCRATCH_H
#define JT_SCRATCH_H

#include <stddef.h>
#include <sys/types.h>

/* Make a private folder (0700) for user_id's request; its path into out.
 * 0, or -1 (logged). */
int scratch_create(const char *user_id, char *out, size_t size);

/* Remove a folder made by scratch_create() and what is in it. */
void scratch_remove(const char *path);

/* Remove every folder of worker pid; the number removed. */
int scratch_remove_of_pid(pid_t pid);

/* Remove every folder of user_id on this host; the number removed. */
int scratch_remove_of_owner(const char *user_id);

/* Remove every folder whose worker no longer runs; the number removed. */
int scratch_sweep(void);

#endif
