/*
 * services.h - the outside services one process talks to.
 *
 * One struct per process, built after fork (proc/worker.c): no library
 * state created in the master reaches a child.  Requests borrow it through
 * req->svc; the handles live as long as the process.
 */
#ifndef JT_SERVICES_H
#define JT_SERVICES_H

#include <stddef.h>

struct db;
struct geo;
struct clerk;
struct clerk_token;
struct openai;
struct sarvam;
struct json_t;

struct services {
    struct db *db;
    struct geo *geo;       /* NULL: no GeoIP database (GEOIP_DB unset or unusable) */
    struct clerk_token *clerk_token; /* keys, JWKS and verified-token caches */
    struct clerk *clerk;   /* the reused curl handle to the Clerk Backend API */
    struct openai *openai; /* the reused curl handle to the text AI */
    struct sarvam *sarvam; /* the reused curl handles to the speech AI */
    /* The process-wide status document for GET /api/status (new
     * reference), provided by proc/worker.c; NULL outside a worker. */
    struct json_t *(*status)(void);
    /* GET /metrics' exposition (malloc'd, the caller frees; *len its
     * length), provided by proc/worker.c; NULL outside a worker. */
    char *(*metrics)(size_t *len);
};

#endif
