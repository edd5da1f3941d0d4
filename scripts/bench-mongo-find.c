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
#define LOOP_PROG "bench-mongo-find"
#include "bench-loop.h"

struct params {
    const char *uri, *db, *coll, *key;
    bool list;
    int64_t limit;
    double seconds;
};

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

static void child(void *ctx, struct loop_result *res)
{
    const struct params *p = ctx;
    mongoc_client_t *client;
    mongoc_collection_t *coll;
    bson_t *filter, *opts;
    bson_error_t err;
    uint64_t start, deadline, t0, dt, sink = 0;
    bool ok;

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

    coll = loop_connect(res, p->uri, p->db, p->coll, &client);

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
                fprintf(stderr, LOOP_PROG ": find failed: %s\n", err.message);
            res->errors++;
            continue;
        }
        res->docs += n;
        loop_record(res, dt);
    }
    res->elapsed_ns = now_ns() - start;
    if (sink == 42) /* keeps touch() from being optimised away */
        fputc(' ', stderr);
    bson_destroy(filter);
    bson_destroy(opts);
    loop_disconnect(client, coll);
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
    struct loop_totals *t;
    long nprocs;
    char *end;

    if (argc < 8)
        return usage(argv[0]);
    p.uri = argv[1];
    p.db = argv[2];
    p.coll = argv[3];
    if (loop_args(argv[4], argv[5], &nprocs, &p.seconds) != 0)
        return 2;
    p.key = argv[7];
    if (strcmp(argv[6], "id") == 0 && argc == 8) {
        p.list = false;
    } else if (strcmp(argv[6], "list") == 0 && argc == 9) {
        p.list = true;
        errno = 0;
        p.limit = strtoll(argv[8], &end, 10);
        if (errno != 0 || *end != '\0' || p.limit < 1 || p.limit > 1000) {
            fprintf(stderr, LOOP_PROG ": LIMIT must be 1..1000\n");
            return 2;
        }
    } else {
        return usage(argv[0]);
    }

    t = loop_fan_out(nprocs, child, &p);
    if (t == NULL)
        return 1;
    return loop_report(t, "finds", true);
}
