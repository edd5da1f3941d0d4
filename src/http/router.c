/*
 * router.c - segment-wise matching of a path against the route table.
 *
 * The table is small (tens of routes), so a linear scan over pre-split
 * segments is both the simplest and the fastest choice; it allocates
 * nothing.  Empty segments ("//", a trailing "/") never match a capture.
 */
#include "http/router.h"

#include <stdbool.h>
#include <string.h>

struct seg {
    const char *p;
    size_t n;
};

static size_t split(const char *path, struct seg *segs, size_t max, bool *overflow)
{
    size_t count = 0;
    const char *p = path;

    *overflow = false;
    if (*p == '/')
        p++;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (count == max) {
            *overflow = true;
            return count;
        }
        segs[count].p = p;
        segs[count].n = len;
        count++;
        if (slash == NULL)
            break;
        p = slash + 1;
    }
    return count;
}

/* Does the pattern match?  Captures go into m when it does. */
static bool match_one(const char *pattern, const struct seg *segs, size_t nsegs,
                      struct route_match *m)
{
    struct seg psegs[ROUTER_MAX_SEGMENTS];
    bool overflow;
    size_t np = split(pattern, psegs, ROUTER_MAX_SEGMENTS, &overflow);
    size_t used = 0;

    if (overflow || np != nsegs)
        return false;
    m->nparams = 0;
    for (size_t i = 0; i < np; i++) {
        const struct seg *ps = &psegs[i];

        if (ps->n >= 2 && ps->p[0] == '{' && ps->p[ps->n - 1] == '}') {
            struct route_param *rp;

            if (segs[i].n == 0 || m->nparams == ROUTER_MAX_PARAMS ||
                used + segs[i].n + 1 > sizeof(m->buf))
                return false;
            rp = &m->params[m->nparams++];
            rp->name = ps->p + 1;
            rp->name_len = ps->n - 2;
            memcpy(m->buf + used, segs[i].p, segs[i].n);
            m->buf[used + segs[i].n] = '\0';
            rp->value = m->buf + used;
            used += segs[i].n + 1;
        } else if (ps->n != segs[i].n || memcmp(ps->p, segs[i].p, ps->n) != 0) {
            return false;
        }
    }
    return true;
}

static void allow_add(char *allow, size_t size, const char *method)
{
    size_t len = strlen(allow);
    size_t mlen = strlen(method);

    /* the same method twice (GET added for HEAD) is listed once */
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += mlen)
        if ((p == allow || p[-1] == ' ') && (p[mlen] == ',' || p[mlen] == '\0'))
            return;
    if (len + mlen + 3 > size)
        return;
    if (len > 0) {
        memcpy(allow + len, ", ", 2);
        len += 2;
    }
    memcpy(allow + len, method, mlen + 1);
}

int router_match(const struct route *table, size_t n, const char *method,
                 const char *path, struct route_match *m)
{
    struct seg segs[ROUTER_MAX_SEGMENTS];
    bool overflow, path_found = false;
    size_t nsegs = split(path, segs, ROUTER_MAX_SEGMENTS, &overflow);
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

    m->route = NULL;
    m->nparams = 0;
    m->allow[0] = '\0';
    if (overflow || path[0] != '/')
        return 404;
    for (size_t i = 0; i < n; i++) {
        if (!match_one(table[i].pattern, segs, nsegs, m))
            continue;
        path_found = true;
        if (strcmp(table[i].method, want) == 0) {
            m->route = &table[i];
            return 200;
        }
    }
    if (!path_found)
        return 404;
    /* second pass to list what the path allows, in table order */
    for (size_t i = 0; i < n; i++) {
        struct route_match scratch;

        if (!match_one(table[i].pattern, segs, nsegs, &scratch))
            continue;
        allow_add(m->allow, sizeof(m->allow), table[i].method);
        if (strcmp(table[i].method, "GET") == 0)
            allow_add(m->allow, sizeof(m->allow), "HEAD");
    }
    m->nparams = 0;
    return 405;
}

const char *router_param(const struct route_match *m, const char *name)
{
    size_t len = strlen(name);

    for (size_t i = 0; i < m->nparams; i++)
        if (m->params[i].name_len == len && memcmp(m->params[i].name, name, len) == 0)
            return m->params[i].value;
    return NULL;
}
