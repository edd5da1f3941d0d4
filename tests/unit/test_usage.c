/*
 * test_usage.c - store/usage.c against the in-memory database: a unit a
 * request in flight spent while an erasure's first pass removed the day's
 * slots can sit past a hole (slot 1 gone, a later one appended), where
 * the _id walk of usage_erase_user() does not reach; the last pass's
 * usage_purge_user() finds it.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "fake_db.h"

#include "store/store.h"
#include "store/usage.h"
#include "svc/db.h"

#define USER "user_usage_hole"
#define NOW 1796601600000LL /* 2026-12-07T00:00:00Z */

TEST(usage_unit_past_a_hole_is_purged_by_the_last_pass)
{
    int64_t used = 0;
    char id[128];

    fake_db_reset();
    for (int i = 0; i < 3; i++)
        CHECK_INT(usage_take(fake_db(), USER, USAGE_AI, 0, NOW, &used), STORE_OK);
    CHECK_INT(used, 3);
    CHECK_INT(fake_db_count("usage"), 3);
    /* the first pass removed slots 2 and 1 while a request spent unit 3:
     * what is left is slot 3 alone */
    snprintf(id, sizeof(id), "20261207.%s.%s:1", USAGE_AI, USER);
    CHECK(fake_db_doc("usage", id) != NULL);
    CHECK_INT(db_delete_id(fake_db(), "usage", id, NULL), DB_OK);
    snprintf(id, sizeof(id), "20261207.%s.%s:2", USAGE_AI, USER);
    CHECK_INT(db_delete_id(fake_db(), "usage", id, NULL), DB_OK);
    CHECK_INT(fake_db_count("usage"), 1);
    /* the _id walk starts at slot 1 and stops there */
    CHECK_INT(usage_erase_user(fake_db(), USER, NOW), STORE_OK);
    CHECK_INT(fake_db_count("usage"), 1);
    CHECK_INT(usage_purge_user(fake_db(), USER, NOW), STORE_OK);
    CHECK_INT(fake_db_count("usage"), 0);
}

const struct unit_test usage_tests[] = {
    {"usage_unit_past_a_hole_is_purged_by_the_last_pass",
     usage_unit_past_a_hole_is_purged_by_the_last_pass},
    {NULL, NULL},
};
