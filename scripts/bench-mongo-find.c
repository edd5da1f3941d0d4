/*
 * bench-mongo-find.c - the read baselines for scripts/bench: N forked
 * processes, each with its own mongo-c-driver client, repeating one query
 * as fast as they can for a fixed time.  Nothing else happens per query, so
 * a jobtuned route's rate divided by this rate is the share of the
 * database's read throughput that survives nginx, FastCGI and jobtuned.
 *
 *   bench-mongo-find URI DB COLLECTION PROCESSES SECONDS id ID
 *   bench-mongo-find URI DB COLLECTION PROCESSES SECONDS list USER_ID LIMIT
 *
 * `id` is what GET /api/me asks of `users` (src/routes/me.c through
 * db_find_one()): find {_id: ID} with {limit: 1}.  `list` is what
 * GET /api/resumes asks of `resumes` (resumes_page() in src/resumes.c):
 * find {userId: USER_ID}, sort {updatedAt: -1, _id: -1}, LIMIT documents
 * (the route asks for one more than the page to know whether a next page
 * exists), projection {title, version, createdAt, updatedAt}.  Every
 * document the cursor returns is read field by field.
 *
 * Prints one line of key=value pairs: finds, errors, docs (documents read,
 * all processes), seconds, rate (finds per second, all processes), p50_ms,
 * p99_ms, max_ms (per find, measured with clock_gettime(CLOCK_MONOTONIC)
 * from the find call to the end of the cursor).  A find that returns no
 * document counts as an error: the data the bench set up is missing.
 *
 * Build: cc -O2 -Wall -Wextra -o bench-mongo-find bench-mongo-find.c \
 *          $(pkg-config --cflags --libs libmongoc-1.0)
 */
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

#define MAX_PROCS 256
#define BUCKETS 1000000 /* 1 us each, up to 1 s; slower finds go to the last */

struct result {
    uint64_t finds;
    uint64_t errors;
    uint64_t docs;
    uint64_t elapsed_ns;
    uint64_t max_ns;
    int ready_failed;
    uint32_t hist[BUCKETS];
};

struct params {
    const char *uri, *db, *coll, *key;
    bool list;
    int64_t limit;
    double seconds;
};

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
    fprintf(stderr, "bench-mongo-find: mongoc %s: %s\n", domain, message);
}

/* Read every field of a document, as a caller that uses the result would. */
static uint64_t touch(const bson_t *doc)
{
    bson_iter_t it;
    uint64_t n = 0;
    uint32_t len;

    if (!bson_iter_init(&it, doc))
        return 0;
    while (bson_iter_next(&it)) {
        switch (bson_iter_type(&it)) {
        case BSON_TYPE_UTF8:
            n += strlen(bson_iter_utf8(&it, &len)) + len;
            break;
        case BSON_TYPE_DATE_TIME:
            n += (uint64_t)bson_iter_date_time(&it) & 1;
            break;
        default:
            n += (uint64_t)bson_iter_as_int64(&it) & 1;
        }
    }
    return n;
}

static void child(const struct params *p, struct result *res, int ready_fd, int go_fd)
{
    mongoc_client_t *client;
    mongoc_collection_t *coll;
    bson_t *ping, *filter, *opts;
    bson_error_t err;
    uint64_t start, deadline, t0, dt, sink = 0;
    char c;
    bool ok;

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    mongoc_init();
    mongoc_log_set_handler(driver_log, NULL);
    client = mongoc_client_new(p->uri);
    if (client == NULL) {
        fprintf(stderr, "bench-mongo-find: invalid URI\n");
        res->ready_failed = 1;
        _exit(1);
    }
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_set_appname(client, "bench-mongo-find");
    coll = mongoc_client_get_collection(client, p->db, p->coll);
    if (p->list) {
        filter = BCON_NEW("userId", BCON_UTF8(p->key));
        opts = BCON_NEW("sort", "{", "updatedAt", BCON_INT64(-1), "_id", BCON_INT64(-1), "}",
                        "limit", BCON_INT64(p->limit),
                        "projection", "{", "title", BCON_INT64(1), "version", BCON_INT64(1),
                        "createdAt", BCON_INT64(1), "updatedAt", BCON_INT64(1), "}");
    } else {
        filter = BCON_NEW("_id", BCON_UTF8(p->key));
        opts = BCON_NEW("limit", BCON_INT64(1));
    }

    /* Connect before the clock starts, as jobtuned's workers already are. */
    ping = BCON_NEW("ping", BCON_INT32(1));
    ok = mongoc_client_command_simple(client, p->db, ping, NULL, NULL, &err);
    bson_destroy(ping);
    if (!ok) {
        fprintf(stderr, "bench-mongo-find: ping failed: %s\n", err.message);
        res->ready_failed = 1;
    }
    if (write(ready_fd, "r", 1) != 1)
        _exit(1);
    close(ready_fd);
    /* The parent closes the go pipe when every process is connected. */
    while (read(go_fd, &c, 1) < 0 && errno == EINTR)
        ;
    close(go_fd);
    if (res->ready_failed)
        _exit(1);

    start = now_ns();
    deadline = start + (uint64_t)(p->seconds * 1e9);
    while ((t0 = now_ns()) < deadline) {
        mongoc_cursor_t *cur = mongoc_collection_find_with_opts(coll, filter, opts, NULL);
        const bson_t *doc;
        uint64_t n = 0;

        while (mongoc_cursor_next(cur, &doc)) {
            sink += touch(doc);
            n++;
        }
        ok = !mongoc_cursor_error(cur, &err);
        mongoc_cursor_destroy(cur);
        dt = now_ns() - t0;
        if (!ok || n == 0) {
            if (!ok && res->errors == 0)
                fprintf(stderr, "bench-mongo-find: find failed: %s\n", err.message);
            res->errors++;
            continue;
        }
        res->finds++;
        res->docs += n;
        if (dt > res->max_ns)
            res->max_ns = dt;
        res->hist[dt / 1000 < BUCKETS ? dt / 1000 : BUCKETS - 1]++;
    }
    res->elapsed_ns = now_ns() - start;
    if (sink == 42) /* keeps touch() from being optimised away */
        fputc(' ', stderr);
    bson_destroy(filter);
    bson_destroy(opts);
    mongoc_collection_destroy(coll);
    mongoc_client_destroy(client);
    mongoc_cleanup();
    _exit(0);
}

/* The smallest latency (ms) at or below which `q` of the samples lie. */
static double percentile(const uint64_t *hist, uint64_t total, double q)
{
    uint64_t want = (uint64_t)(q * (double)total + 0.5), seen = 0;

    if (want == 0)
        want = 1;
    for (size_t i = 0; i < BUCKETS; i++) {
        seen += hist[i];
        if (seen >= want)
            return (double)(i + 1) / 1000.0; /* upper edge of the 1 us bucket */
    }
    return (double)BUCKETS / 1000.0;
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s URI DB COLLECTION PROCESSES SECONDS id ID\n"
            "       %s URI DB COLLECTION PROCESSES SECONDS list USER_ID LIMIT\n", argv0, argv0);
    return 2;
}

int main(int argc, char **argv)
{
    struct params p = {0};
    struct result *res;
    uint64_t *hist, finds = 0, errors = 0, docs = 0, elapsed = 0, max_ns = 0;
    pid_t pids[MAX_PROCS];
    int ready[2], go[2], failed = 0;
    long nprocs;
    char *end, c;
    size_t size;

    if (argc < 8)
        return usage(argv[0]);
    p.uri = argv[1];
    p.db = argv[2];
    p.coll = argv[3];
    errno = 0;
    nprocs = strtol(argv[4], &end, 10);
    if (errno != 0 || *end != '\0' || nprocs < 1 || nprocs > MAX_PROCS) {
        fprintf(stderr, "bench-mongo-find: PROCESSES must be 1..%d\n", MAX_PROCS);
        return 2;
    }
    errno = 0;
    p.seconds = strtod(argv[5], &end);
    if (errno != 0 || *end != '\0' || !(p.seconds > 0 && p.seconds <= 86400)) {
        fprintf(stderr, "bench-mongo-find: SECONDS must be a positive number\n");
        return 2;
    }
    p.key = argv[7];
    if (strcmp(argv[6], "id") == 0 && argc == 8) {
        p.list = false;
    } else if (strcmp(argv[6], "list") == 0 && argc == 9) {
        p.list = true;
        errno = 0;
        p.limit = strtoll(argv[8], &end, 10);
        if (errno != 0 || *end != '\0' || p.limit < 1 || p.limit > 1000) {
            fprintf(stderr, "bench-mongo-find: LIMIT must be 1..1000\n");
            return 2;
        }
    } else {
        return usage(argv[0]);
    }

    size = sizeof(struct result) * (size_t)nprocs;
    res = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    hist = calloc(BUCKETS, sizeof(*hist));
    if (res == MAP_FAILED || hist == NULL || pipe(ready) != 0 || pipe(go) != 0) {
        perror("bench-mongo-find");
        return 1;
    }
    for (long i = 0; i < nprocs; i++) {
        pid_t pid = fork();

        if (pid < 0) {
            perror("bench-mongo-find: fork");
            return 1;
        }
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            child(&p, &res[i], ready[1], go[0]);
        }
        pids[i] = pid;
    }
    close(ready[1]);
    close(go[0]);
    for (long i = 0; i < nprocs; i++)
        if (read(ready[0], &c, 1) != 1) {
            failed = 1;
            break;
        }
    close(go[1]); /* go */
    close(ready[0]);

    for (long i = 0; i < nprocs; i++) {
        int status = 0;

        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    }
    for (long i = 0; i < nprocs; i++) {
        finds += res[i].finds;
        errors += res[i].errors;
        docs += res[i].docs;
        if (res[i].elapsed_ns > elapsed)
            elapsed = res[i].elapsed_ns;
        if (res[i].max_ns > max_ns)
            max_ns = res[i].max_ns;
        for (size_t b = 0; b < BUCKETS; b++)
            hist[b] += res[i].hist[b];
    }
    if (failed || finds == 0 || elapsed == 0) {
        fprintf(stderr, "bench-mongo-find: the run failed (%llu finds, %llu errors)\n",
                (unsigned long long)finds, (unsigned long long)errors);
        return 1;
    }
    printf("finds=%llu errors=%llu docs=%llu seconds=%.3f rate=%.2f p50_ms=%.3f p99_ms=%.3f "
           "max_ms=%.3f\n",
           (unsigned long long)finds, (unsigned long long)errors, (unsigned long long)docs,
           (double)elapsed / 1e9, (double)finds / ((double)elapsed / 1e9),
           percentile(hist, finds, 0.50), percentile(hist, finds, 0.99), (double)max_ns / 1e6);
    munmap(res, size);
    free(hist);
    return 0;
}
