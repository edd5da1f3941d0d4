/*
 * bench-mongo-insert.c - the database baseline for scripts/bench: N forked
 * processes, each with its own mongo-c-driver client, inserting ticket
 * documents shaped like the ones POST /api/support stores (_id and number
 * "JT-XXXX-XXXX", email, subject, message, status, createdAt, channel) as
 * fast as they can for a fixed time.  Nothing else happens per insert, so
 * jobtuned's support POST rate divided by this rate is the share of the
 * database's insert throughput that survives nginx, FastCGI and jobtuned.
 *
 *   bench-mongo-insert URI DB COLLECTION PROCESSES SECONDS EMAIL SUBJECT MESSAGE
 *
 * Prints one line of key=value pairs: inserts, errors, seconds, rate (per
 * second, all processes), p50_ms, p99_ms, max_ms (per insert, measured with
 * clock_gettime(CLOCK_MONOTONIC) around mongoc_collection_insert_one()).
 *
 * Build: cc -O2 -Wall -Wextra -o bench-mongo-insert bench-mongo-insert.c \
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
#include <sys/random.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 256
#define BUCKETS 1000000 /* 1 us each, up to 1 s; slower inserts go to the last */

struct result {
    uint64_t inserts;
    uint64_t errors;
    uint64_t elapsed_ns;
    uint64_t max_ns;
    int ready_failed;
    uint32_t hist[BUCKETS];
};

struct params {
    const char *uri, *db, *coll, *email, *subject, *message;
    double seconds;
};

/* Crockford base32, as jobtuned's ticket numbers. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int64_t now_ms_realtime(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* xorshift64*: plenty for 40 random bits per ticket number */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static void ticket_number(char out[13])
{
    uint64_t r = rng_next();

    memcpy(out, "JT-", 3);
    for (int i = 0, o = 3; i < 8; i++, o++) {
        if (i == 4)
            out[o++] = '-';
        out[o] = alphabet[(r >> (5 * i)) & 31];
    }
    out[12] = '\0';
}

/* Warnings and worse, except the one FerretDB causes at every exit: it has
 * no sessions, so the driver's endSessions fails. */
static void driver_log(mongoc_log_level_t level, const char *domain, const char *message,
                       void *data)
{
    (void)data;
    if (level > MONGOC_LOG_LEVEL_WARNING || strstr(message, "endSessions") != NULL)
        return;
    fprintf(stderr, "bench-mongo-insert: mongoc %s: %s\n", domain, message);
}

static void child(const struct params *p, struct result *res, int ready_fd, int go_fd)
{
    mongoc_client_t *client;
    mongoc_collection_t *coll;
    bson_t *ping;
    bson_error_t err;
    uint64_t start, deadline, t0, dt;
    char number[13], c;
    bool ok;

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state) ||
        rng_state == 0)
        rng_state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;

    mongoc_init();
    mongoc_log_set_handler(driver_log, NULL);
    client = mongoc_client_new(p->uri);
    if (client == NULL) {
        fprintf(stderr, "bench-mongo-insert: invalid URI\n");
        res->ready_failed = 1;
        _exit(1);
    }
    mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
    mongoc_client_set_appname(client, "bench-mongo-insert");
    coll = mongoc_client_get_collection(client, p->db, p->coll);

    /* Connect before the clock starts, as jobtuned's workers already are. */
    ping = BCON_NEW("ping", BCON_INT32(1));
    ok = mongoc_client_command_simple(client, p->db, ping, NULL, NULL, &err);
    bson_destroy(ping);
    if (!ok) {
        fprintf(stderr, "bench-mongo-insert: ping failed: %s\n", err.message);
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
        bson_t doc = BSON_INITIALIZER;

        ticket_number(number);
        BSON_APPEND_UTF8(&doc, "_id", number);
        BSON_APPEND_UTF8(&doc, "number", number);
        BSON_APPEND_UTF8(&doc, "email", p->email);
        BSON_APPEND_UTF8(&doc, "subject", p->subject);
        BSON_APPEND_UTF8(&doc, "message", p->message);
        BSON_APPEND_UTF8(&doc, "status", "open");
        BSON_APPEND_DATE_TIME(&doc, "createdAt", now_ms_realtime());
        BSON_APPEND_UTF8(&doc, "channel", "api");
        ok = mongoc_collection_insert_one(coll, &doc, NULL, NULL, &err);
        bson_destroy(&doc);
        dt = now_ns() - t0;
        if (!ok) {
            res->errors++;
            continue;
        }
        res->inserts++;
        if (dt > res->max_ns)
            res->max_ns = dt;
        res->hist[dt / 1000 < BUCKETS ? dt / 1000 : BUCKETS - 1]++;
    }
    res->elapsed_ns = now_ns() - start;
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

int main(int argc, char **argv)
{
    struct params p;
    struct result *res;
    uint64_t *hist, inserts = 0, errors = 0, elapsed = 0, max_ns = 0;
    pid_t pids[MAX_PROCS];
    int ready[2], go[2], failed = 0;
    long nprocs;
    char *end, c;
    size_t size;

    if (argc != 9) {
        fprintf(stderr, "usage: %s URI DB COLLECTION PROCESSES SECONDS EMAIL SUBJECT "
                        "MESSAGE\n", argv[0]);
        return 2;
    }
    p.uri = argv[1];
    p.db = argv[2];
    p.coll = argv[3];
    errno = 0;
    nprocs = strtol(argv[4], &end, 10);
    if (errno != 0 || *end != '\0' || nprocs < 1 || nprocs > MAX_PROCS) {
        fprintf(stderr, "bench-mongo-insert: PROCESSES must be 1..%d\n", MAX_PROCS);
        return 2;
    }
    errno = 0;
    p.seconds = strtod(argv[5], &end);
    if (errno != 0 || *end != '\0' || !(p.seconds > 0 && p.seconds <= 86400)) {
        fprintf(stderr, "bench-mongo-insert: SECONDS must be a positive number\n");
        return 2;
    }
    p.email = argv[6];
    p.subject = argv[7];
    p.message = argv[8];

    size = sizeof(struct result) * (size_t)nprocs;
    res = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    hist = calloc(BUCKETS, sizeof(*hist));
    if (res == MAP_FAILED || hist == NULL || pipe(ready) != 0 || pipe(go) != 0) {
        perror("bench-mongo-insert");
        return 1;
    }
    for (long i = 0; i < nprocs; i++) {
        pid_t pid = fork();

        if (pid < 0) {
            perror("bench-mongo-insert: fork");
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
        inserts += res[i].inserts;
        errors += res[i].errors;
        if (res[i].elapsed_ns > elapsed)
            elapsed = res[i].elapsed_ns;
        if (res[i].max_ns > max_ns)
            max_ns = res[i].max_ns;
        for (size_t b = 0; b < BUCKETS; b++)
            hist[b] += res[i].hist[b];
    }
    if (failed || inserts == 0 || elapsed == 0) {
        fprintf(stderr, "bench-mongo-insert: the run failed (%llu inserts, %llu errors)\n",
                (unsigned long long)inserts, (unsigned long long)errors);
        return 1;
    }
    printf("inserts=%llu errors=%llu seconds=%.3f rate=%.2f p50_ms=%.3f p99_ms=%.3f "
           "max_ms=%.3f\n",
           (unsigned long long)inserts, (unsigned long long)errors, (double)elapsed / 1e9,
           (double)inserts / ((double)elapsed / 1e9), percentile(hist, inserts, 0.50),
           percentile(hist, inserts, 0.99), (double)max_ns / 1e6);
    munmap(res, size);
    free(hist);
    return 0;
}
