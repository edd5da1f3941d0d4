/*
 * store_main.c - the unit tests of the stores built on _id operations,
 * linked with the in-memory database (fake_db.c) instead of svc/db.c: a
 * program of their own, since the other unit tests check db.c itself.
 */
#include "check.h"

SUITE(chain_tests);
SUITE(ticket_index_tests);
SUITE(usage_tests);

static const struct unit_test *const suites[] = {chain_tests, ticket_index_tests, usage_tests};

int main(void)
{
    return check_run(suites, sizeof(suites) / sizeof(suites[0]));
}
