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
#define LOOP_PROG "bench-mongo-insert"
#include "bench-loop.h"

#include <sys/random.h>

struct params {
    const char *uri, *db, *coll, *email, *subject, *message;
    double seconds;
};

/* Crockford base32, as jobtuned's ticket numbers. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

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

static void child(void *ctx, struct loop_result *res)
{
    const struct params *p = ctx;
    mongoc_client_t *client;
    mongoc_collection_t *coll;
    bson_error_t err;
    uint64_t start, deadline, t0, dt;
    char number[13];
    bool ok;

    if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state) ||
        rng_state == 0)
        rng_state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;

    coll = loop_connect(res, p->uri, p->db, p->coll, &client);

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
        loop_record(res, dt);
    }
    res->elapsed_ns = now_ns() - start;
    loop_disconnect(client, coll);
}

int main(int argc, char **argv)
{
    struct params p;
    struct loop_totals *t;
    long nprocs;

    if (argc != 9) {
        fprintf(stderr, "usage: %s URI DB COLLECTION PROCESSES SECONDS EMAIL SUBJECT "
                        "MESSAGE\n", argv[0]);
        return 2;
    }
    p.uri = argv[1];
    p.db = argv[2];
    p.coll = argv[3];
    if (loop_args(argv[4], argv[5], &nprocs, &p.seconds) != 0)
        return 2;
    p.email = argv[6];
    p.subject = argv[7];
    p.message = argv[8];

    t = loop_fan_out(nprocs, child, &p);
    if (t == NULL)
        return 1;
    return loop_report(t, "inserts", false);
}
