/*
 * bench-loop.h - what scripts/bench-mongo-insert.c and bench-mongo-find.c
 * share: N forked processes, each connecting on its own, starting together
 * and repeating one operation as fast as it can for a fixed time, with the
 * results of each (counts and a 1 us latency histogram) in memory shared
 * with the parent, which sums them.
 *
 * A program defines LOOP_PROG (its name, for messages) before including
 * this file, reads PROCESSES and SECONDS with loop_args() and calls
 * loop_fan_out() with a callback that runs in every process: it connects
 * with loop_connect(), which returns when every process is connected, runs
 * its loop until the deadline, counting every operation that succeeded with
 * loop_record(), and ends with loop_disconnect().  loop_report() prints
 * the result.
 *
 * Header-only: every function is static, for one .c file each.
 */
#ifndef BENCH_LOOP_H
#define BENCH_LOOP_H

#ifndef LOOP_PROG
#error "define LOOP_PROG before including bench-loop.h"
#endif

#include <errno.h>
#include <mongoc/mongoc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAX_PROCS 256
#define LOOP_BUCKETS 1000000 /* 1 us each, up to 1 s; slower operations go to the last */

/* One process's results, in memory shared with the parent. */
struct loop_result {
    uint64_t ops;    /* operations that succeeded (the histogram's samples) */
    uint64_t errors;
    uint64_t docs;   /* documents read, where the operation reads any */
    uint64_t elapsed_ns;
    uint64_t max_ns;
    int ready_failed;
    uint32_t hist[LOOP_BUCKETS];
};

/* Every process's results: the sums, the largest elapsed_ns and max_ns. */
struct loop_totals {
    uint64_t ops, errors, docs, elapsed_ns, max_ns;
    int failed; /* a process failed to start or did not exit with 0 */
    uint64_t hist[LOOP_BUCKETS];
};

/* In a child: its ends of the ready and go pipes. */
static int loop_ready_fd = -1, loop_go_fd = -1;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Warnings and worse, except the one FerretDB causes at every exit: it has
 * no sessions, so the driver's endSessions fails. */
static void driver_log(mongoc_log_level_t level, const char *domain, const char *message,
                       void *data)
{
    (void)data;
    if (level > MONGOC_LOG_LEVEL_WARNING || strstr(message, "endSessions") != NULL)
        return;
    fprintf(stderr, LOOP_PROG ": mongoc %s: %s\n", domain, message);
}

/* PROCESSES and SECONDS from the command line; -1 (reported) if either is bad. */
static int loop_args(const char *procs, const char *secs, long *nprocs, double *seconds)
{
    char *end;

    errno = 0;
    *nprocs = strtol(procs, &end, 10);
    if (errno != 0 || *end != '\0' || *nprocs < 1 || *nprocs > LOOP_MAX_PROCS) {
        fprintf(stderr, LOOP_PROG ": PROCESSES must be 1..%d\n", LOOP_MAX_PROCS);
        return -1;
    }
    errno = 0;
    *seconds = strtod(secs, &end);
    if (errno != 0 || *end != '\0' || !(*seconds > 0 && *seconds <= 86400)) {
        fprintf(stderr, LOOP_PROG ": SECONDS must be a positive number\n");
        return -1;
    }
    return 0;
}

/* In a child, once connected: tell the parent and wait until every process
 * is; a process whose res->ready_failed is set exits here. */
static void loop_ready(struct loop_result *res)
{
    char c;

    if (write(loop_ready_fd, "r", 1) != 1)
        _exit(1);
    close(loop_ready_fd);
    /* The parent closes the go pipe when every process is connected. */
    while (read(loop_go_fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(loop_go_fd);
    if (res->ready_failed)
        _exit(1);
}

/* In a child: a client of its own (appname LOOP_PROG) connected to URI, then
 * loop_ready(); returns the collection DB.COLL of that client, *client set. */
static mongoc_collection_t *loop_connect(struct loop_result *res, const char *uri,
                                         const char *db, const char *coll,
                                         mongoc_client_t **client)
{
    mongoc_collection_t *c;
    bson_t *ping;
    bson_error_t err;
    bool ok;

    mongoc_init();
    mongoc_log_set_handler(driver_log, NULL);
    *client = mongoc_client_new(uri);
    if (*client == NULL) {
        fprintf(stderr, LOOP_PROG ": invalid URI\n");
        res->ready_failed = 1;
        _exit(1);
    }
    mongoc_client_set_error_api(*client, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_set_appname(*client, LOOP_PROG);
    c = mongoc_client_get_collection(*client, db, coll);

    /* Connect before the clock starts, as jobtuned's workers already are. */
    ping = BCON_NEW("ping", BCON_INT32(1));
    ok = mongoc_client_command_simple(*client, db, ping, NULL, NULL, &err);
    bson_destroy(ping);
    if (!ok) {
        fprintf(stderr, LOOP_PROG ": ping failed: %s\n", err.message);
        res->ready_failed = 1;
    }
    loop_ready(res);
    return c;
}

/* The end of loop_connect(). */
static void loop_disconnect(mongoc_client_t *client, mongoc_collection_t *coll)
{
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    mongoc_cleanup();
}

/* One operation that succeeded and took dt nanoseconds. */
static void loop_record(struct loop_result *res, uint64_t dt)
{
    res->ops++;
    if (dt > res->max_ns)
        res->max_ns = dt;
    res->hist[dt / 1000 < LOOP_BUCKETS ? dt / 1000 : LOOP_BUCKETS - 1]++;
}

/* The smallest latency (ms) at or below which `q` of the samples lie. */
static double percentile(const uint64_t *hist, uint64_t total, double q)
{
    uint64_t want = (uint64_t)(q * (double)total + 0.5), seen = 0;

    if (want == 0)
        want = 1;
    for (size_t i = 0; i < LOOP_BUCKETS; i++) {
        seen += hist[i];
        if (seen >= want)
            return (double)(i + 1) / 1000.0; /* upper edge of the 1 us bucket */
    }
    return (double)LOOP_BUCKETS / 1000.0;
}

/* The line of key=value pairs a program prints, its operations counted as
 * `ops_key` (and the documents read, with_docs): 0, or 1 (reported) if the
 * run failed.  Frees t. */
static int loop_report(struct loop_totals *t, const char *ops_key, bool with_docs)
{
    double seconds = (double)t->elapsed_ns / 1e9;

    if (t->failed || t->ops == 0 || t->elapsed_ns == 0) {
        fprintf(stderr, LOOP_PROG ": the run failed (%llu %s, %llu errors)\n",
                (unsigned long long)t->ops, ops_key, (unsigned long long)t->errors);
        free(t);
        return 1;
    }
    printf("%s=%llu errors=%llu", ops_key, (unsigned long long)t->ops,
           (unsigned long long)t->errors);
    if (with_docs)
        printf(" docs=%llu", (unsigned long long)t->docs);
    printf(" seconds=%.3f rate=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", seconds,
           (double)t->ops / seconds, percentile(t->hist, t->ops, 0.50),
           percentile(t->hist, t->ops, 0.99), (double)t->max_ns / 1e6);
    free(t);
    return 0;
}

/* Forks nprocs (1..LOOP_MAX_PROCS) processes that each call run(ctx, its
 * result) and exit with 0 when it returns, lets them go together once every
 * one is connected, waits for them and sums their results.  NULL (reported)
 * if it cannot start them; the caller frees the totals. */
static struct loop_totals *loop_fan_out(long nprocs, void (*run)(void *ctx, struct loop_result *res),
                                        void *ctx)
{
    struct loop_result *res;
    struct loop_totals *t;
    pid_t pids[LOOP_MAX_PROCS];
    int ready[2], go[2];
    size_t size = sizeof(struct loop_result) * (size_t)nprocs;
    char c;

    res = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    t = calloc(1, sizeof(*t));
    if (res == MAP_FAILED || t == NULL || pipe(ready) != 0 || pipe(go) != 0) {
        perror(LOOP_PROG);
        return NULL;
    }
    for (long i = 0; i < nprocs; i++) {
        pid_t pid = fork();

        if (pid < 0) {
            perror(LOOP_PROG ": fork");
            return NULL;
        }
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            loop_ready_fd = ready[1];
            loop_go_fd = go[0];
            prctl(PR_SET_PDEATHSIG, SIGTERM);
            run(ctx, &res[i]);
            _exit(0);
        }
        pids[i] = pid;
    }
    close(ready[1]);
    close(go[0]);
    for (long i = 0; i < nprocs; i++)
        if (read(ready[0], &c, 1) != 1) {
            t->failed = 1;
            break;
        }
    close(go[1]); /* go */
    close(ready[0]);

    for (long i = 0; i < nprocs; i++) {
        int status = 0;

        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            t->failed = 1;
    }
    for (long i = 0; i < nprocs; i++) {
        t->ops += res[i].ops;
        t->errors += res[i].errors;
        t->docs += res[i].docs;
        if (res[i].elapsed_ns > t->elapsed_ns)
            t->elapsed_ns = res[i].elapsed_ns;
        if (res[i].max_ns > t->max_ns)
            t->max_ns = res[i].max_ns;
        for (size_t b = 0; b < LOOP_BUCKETS; b++)
            t->hist[b] += res[i].hist[b];
    }
    munmap(res, size);
    return t;
}

#endif /* BENCH_LOOP_H */
