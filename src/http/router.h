/*
 * router.h - the route table's types and its matcher.
 *
 * Routes are data: one `struct route` per (method, pattern) in the single
 * table of routes/table.c.  A pattern is a path whose segments are literals or
 * `{name}` captures.  Matching tells "no such path" (404) apart from "path
 * exists, method does not" (405 with the Allow list).
 */
#ifndef JT_ROUTER_H
#define JT_ROUTER_H

#include <stddef.h>

struct request;

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_SEGMENTS 12

enum route_auth {
    AUTH_PUBLIC, /* anyone */
    AUTH_USER,   /* a verified session */
    AUTH_STAFF,  /* a verified session of JOBTUNE_ADMIN_USER_IDS */
    AUTH_ERASURE, /* a verified session, also of an account whose erasure is
                     under way (so DELETE /api/me can be retried to finish) */
    AUTH_CREATOR, /* a verified session, for a route whose every write is a
                     create listed in the user's directory: the directory
                     refuses an erased account (sealed, or, once gone, by
                     the tombstone asked when a directory would be made),
                     so a known token costs no tombstone lookup here */
};

enum route_body {
    BODY_NONE,         /* a body is refused with 415 */
    BODY_JSON,         /* application/json object in req->input */
    BODY_JSON_RESUME,  /* the same, but its keys are the handler's to judge:
                          resume_check() refuses every key outside the closed
                          JSON Resume schema (so every '$' key but the
                          top-level "$schema"), together with every other
                          problem of the document, in one answer; the
                          tailoring apply route's edits are keyed by
                          resume paths, each checked against the
                          tailoring's own (model/tailoring.h) */
    BODY_FORM_OR_JSON, /* also x-www-form-urlencoded, as an object of strings */
    BODY_RAW,          /* the handler reads req->body itself */
};

/* What a request costs the worker that serves it.  Slow routes wait on an
 * outside service (OpenAI, Sarvam, Clerk) or take seconds of local work
 * (PDF, ATS, the export): they are admitted per user and within the slow
 * routes' share of the workers, so that one user cannot starve the others
 * (see routes_run() and proc/scoreboard.h). */
enum route_cost {
    COST_QUICK,
    COST_SLOW,
};

typedef int (*route_handler)(struct request *req);

struct route {
    const char *method;
    const char *pattern;
    route_handler handler;
    enum route_auth auth;
    enum route_body body;
    size_t body_limit; /* bytes; a larger body is a 413 */
    enum route_cost cost;
};

struct route_param {
    const char *name;  /* borrowed from the pattern, not NUL-terminated */
    size_t name_len;
    const char *value; /* caller-provided storage, NUL-terminated */
};

struct route_match {
    const struct route *route;
    struct route_param params[ROUTER_MAX_PARAMS];
    size_t nparams;
    char allow[64]; /* "GET, HEAD, POST" when the path matched only */
    char buf[512];  /* storage for the captured values */
};

/*
 * Look path up in table[0..n).  Returns 200 with m->route set, 404, or 405
 * with m->allow filled.  HEAD matches a GET route.  The query string must
 * already be removed from path.
 */
int router_match(const struct route *table, size_t n, const char *method,
                 const char *path, struct route_match *m);

/* Borrowed value of capture `name`, or NULL. */
const char *router_param(const struct route_match *m, const char *name);

#endif
