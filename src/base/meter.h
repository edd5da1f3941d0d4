/*
 * meter.h - what a process is doing and has done, for the operator: the
 * phase of the request a worker serves (the slow-request log) and the
 * counters every layer adds to (GET /metrics).
 *
 * Both live in the scoreboard's shared memory (proc/scoreboard.h), which
 * only the process layer knows; this base module holds the two pointers
 * into it, so that the database client, the AI clients and the erasure
 * workflow can publish without reaching up a layer.  The master attaches
 * the counters once before it forks, so every child inherits them; each
 * worker attaches its own slot's phase after fork.  Unattached (the unit
 * tests, `jobtuned migrate`), every call does nothing.
 *
 * Cost: a phase change is one relaxed store, a count one relaxed atomic
 * add; nothing here allocates, locks or writes a line.
 */
#ifndef JT_METER_H
#define JT_METER_H

#include <stdint.h>

/* Where a request is; the names are meter_phase_name()'s. */
enum meter_phase {
    METER_IDLE,
    METER_READING,  /* the FastCGI parameters and the body */
    METER_HANDLER,  /* the handler's own work */
    METER_DATABASE, /* waiting on a database operation */
    METER_OPENAI,   /* waiting on OpenAI */
    METER_SARVAM,   /* waiting on Sarvam */
    METER_WRITING,  /* sending the answer */
    METER_PHASES
};

/* How an erasure (flows/erasure.c's erasure_complete()) ended. */
enum meter_erasure {
    METER_ERASURE_COMPLETED, /* erased now, receipt issued */
    METER_ERASURE_REPEATED,  /* erased before: swept again, same receipt */
    METER_ERASURE_PENDING,   /* erased here, Clerk not confirmed yet */
    METER_ERASURE_FAILED,    /* stopped midway (the claim finishes it later) */
    METER_ERASURES
};

/* Process-wide counters, in shared memory.  Written with atomics only. */
struct meter_counters {
    uint64_t db_ops;         /* database operations, every process */
    uint64_t db_us;          /* and their time */
    uint64_t db_down;        /* of which found the database away */
    uint64_t erasures[METER_ERASURES];
    int64_t overdue_privacy; /* the scheduler's last count; -1 = not counted yet */
    uint64_t analytics_queued;        /* gauge: events waiting in the analytics child */
    uint64_t analytics_dropped_handoff; /* a worker's hand-over socket was full */
    uint64_t analytics_dropped_full;  /* queue full: the oldest dropped */
    uint64_t analytics_dropped_failed; /* delivery failed for good */
    uint64_t analytics_retries;       /* batches sent again */
    uint64_t analytics_sent;
};

/* Master, before forking: the counters every process adds to. */
void meter_attach(struct meter_counters *counters);
/* Worker, after fork: where this process publishes its phase. */
void meter_attach_phase(int *phase);
/* The counters (NULL when not attached), for the process layer. */
struct meter_counters *meter_counters(void);

/* Publish the phase; returns the one it replaces, to put back after a
 * call that interrupts another phase (a database operation inside the
 * handler). */
enum meter_phase meter_phase_set(enum meter_phase phase);
const char *meter_phase_name(int phase);

void meter_add(uint64_t *counter, uint64_t n);
/* One database operation of `us` microseconds; down: it found the
 * database away. */
void meter_db_op(uint64_t us, int down);
void meter_erasure(enum meter_erasure outcome);
void meter_overdue_privacy(int64_t n);

#endif
