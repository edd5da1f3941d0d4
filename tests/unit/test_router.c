/* Unit tests: route matching, 404 and 405 with Allow. */
#include "check.h"
#include "http/router.h"

static int h(struct request *req) { (void)req; return 200; }

static const struct route table[] = {
    {"GET", "/api/health", h, AUTH_PUBLIC, BODY_NONE, 0, COST_QUICK},
    {"POST", "/api/support", h, AUTH_PUBLIC, BODY_FORM_OR_JSON, 1024, COST_QUICK},
    {"GET", "/api/resumes/{id}", h, AUTH_USER, BODY_NONE, 0, COST_QUICK},
    {"PUT", "/api/resumes/{id}", h, AUTH_USER, BODY_JSON, 1024, COST_QUICK},
    {"GET", "/api/interviews/{id}/questions/{n}/audio", h, AUTH_USER, BODY_NONE, 0, COST_SLOW},
};
#define N (sizeof(table) / sizeof(table[0]))

TEST(router_matches_literals_and_captures)
{
    struct route_match m;

    CHECK_INT(router_match(table, N, "GET", "/api/health", &m), 200);
    CHECK(m.route == &table[0]);
    CHECK_INT(router_match(table, N, "GET", "/api/resumes/abc123", &m), 200);
    CHECK(m.route == &table[2]);
    CHECK_STR(router_param(&m, "id"), "abc123");
    CHECK(router_param(&m, "nope") == NULL);
    CHECK_INT(router_match(table, N, "GET", "/api/interviews/i9/questions/3/audio", &m), 200);
    CHECK_STR(router_param(&m, "id"), "i9");
    CHECK_STR(router_param(&m, "n"), "3");
    CHECK_INT(router_match(table, N, "HEAD", "/api/health", &m), 200);
}

TEST(router_404)
{
    struct route_match m;

    CHECK_INT(router_match(table, N, "GET", "/api/healthz", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "/api/health/", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "/api/resumes/", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "/api/resumes", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "/api//health", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "", &m), 404);
    CHECK_INT(router_match(table, N, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o", &m), 404);
    CHECK(m.route == NULL);
}

TEST(router_405_lists_allow)
{
    struct route_match m;

    CHECK_INT(router_match(table, N, "DELETE", "/api/support", &m), 405);
    CHECK_STR(m.allow, "POST");
    CHECK_INT(router_match(table, N, "POST", "/api/health", &m), 405);
    CHECK_STR(m.allow, "GET, HEAD");
    CHECK_INT(router_match(table, N, "DELETE", "/api/resumes/x", &m), 405);
    CHECK_STR(m.allow, "GET, HEAD, PUT");
    CHECK(m.route == NULL);
}

const struct unit_test router_tests[] = {
    {"router_matches_literals_and_captures", router_matches_literals_and_captures},
    {"router_404", router_404},
    {"router_405_lists_allow", router_405_lists_allow},
    {NULL, NULL},
};
