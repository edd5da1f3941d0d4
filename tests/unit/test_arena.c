/* Unit tests: the request arena. */
#include <stdint.h>

#include "base/arena.h"
#include "check.h"

static int cleanup_order[4];
static int cleanup_count;

static void record(void *data)
{
    cleanup_order[cleanup_count++] = (int)(intptr_t)data;
}

TEST(arena_alignment_and_growth)
{
    struct arena *a = arena_new(1024);

    CHECK(a != NULL);
    for (int i = 0; i < 1000; i++) {
        char *p = arena_alloc(a, (size_t)(i % 37) + 1);

        CHECK(p != NULL);
        CHECK(((uintptr_t)p % _Alignof(max_align_t)) == 0);
        memset(p, 0xab, (size_t)(i % 37) + 1);
    }
    /* larger than a chunk */
    CHECK(arena_alloc(a, 100000) != NULL);
    CHECK(arena_used(a) > 100000);
    arena_reset(a);
    CHECK_INT(arena_used(a), 0);
    arena_free(a);
}

TEST(arena_cleanups_run_in_reverse_on_reset)
{
    struct arena *a = arena_new(1024);

    cleanup_count = 0;
    arena_add_cleanup(a, record, (void *)1);
    arena_add_cleanup(a, record, (void *)2);
    arena_add_cleanup(a, record, (void *)3);
    CHECK_INT(cleanup_count, 0);
    arena_reset(a);
    CHECK_INT(cleanup_count, 3);
    CHECK_INT(cleanup_order[0], 3);
    CHECK_INT(cleanup_order[2], 1);
    arena_reset(a); /* nothing runs twice */
    CHECK_INT(cleanup_count, 3);
    arena_add_cleanup(a, record, (void *)4);
    arena_free(a); /* free runs pending cleanups too */
    CHECK_INT(cleanup_count, 4);
}

TEST(arena_strings)
{
    struct arena *a = arena_new(1024);

    CHECK_STR(arena_strdup(a, "hello"), "hello");
    CHECK_STR(arena_strndup(a, "hello", 3), "hel");
    CHECK_STR(arena_printf(a, "%s-%d", "x", 42), "x-42");
    CHECK(arena_calloc(a, SIZE_MAX / 2, 4) == NULL); /* overflow refused */
    arena_free(a);
}

const struct unit_test arena_tests[] = {
    {"arena_alignment_and_growth", arena_alignment_and_growth},
    {"arena_cleanups_run_in_reverse_on_reset", arena_cleanups_run_in_reverse_on_reset},
    {"arena_strings", arena_strings},
    {NULL, NULL},
};
