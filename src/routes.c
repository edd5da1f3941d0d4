/*
 * routes.c - the route table: the one place URLs are bound to handlers,
 * with each route's authentication, body kind and body limit as data.
 * Keep it in URL order; docs/openapi.yaml describes the same list.
 */
#include "routes/routes.h"

#include "router.h"

#define KiB 1024

static const struct route routes[] = {
    /* method  pattern          handler          auth         body               limit */
    {"GET",  "/api/health",   health_get,      AUTH_PUBLIC, BODY_NONE,         0},
    {"POST", "/api/support",  support_create,  AUTH_PUBLIC, BODY_FORM_OR_JSON, 64 * KiB},
};

const struct route *routes_table(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
