/*
 * test_slots.c - the galloping search of store/slots.c over a fake probe:
 * the first free number of a prefix 1..k, found in O(log k) probes, and a
 * probe's failure passed on.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"

#include "store/slots.h"
#include "svc/db.h"

struct prefix {
    int64_t k;       /* slots 1..k are taken */
    int64_t fail_at; /* a probe of this n fails (0: none) */
};

static int probe(int64_t n, void *arg, bool *taken)
{
    const struct prefix *p = arg;

    if (n < 1)
        return DB_ERROR; /* the search must never ask for slot 0 */
    if (p->fail_at != 0 && n == p->fail_at)
        return DB_DOWN;
    *taken = n <= p->k;
    return DB_OK;
}

/* ceil(log2(x)) for x >= 1 */
static int log2_ceil(int64_t x)
{
    int r = 0;

    while (((int64_t)1 << r) < x)
        r++;
    return r;
}

TEST(slots_search_finds_the_first_free)
{
    for (int64_t k = 0; k <= 1100; k++) {
        struct prefix p = {.k = k};
        int64_t free_n = -1;
        int probes = 0;

        CHECK_INT(slots_search(probe, &p, &free_n, &probes), DB_OK);
        CHECK_INT(free_n, k + 1);
        /* galloping to 2^m > k, then a binary search of (2^(m-1), 2^m] */
        CHECK(probes <= 2 * log2_ceil(k + 2) + 1);
    }
}

TEST(slots_search_is_logarithmic_for_large_prefixes)
{
    int64_t ks[] = {4095, 4096, 4097, 1000000, 123456789};

    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        struct prefix p = {.k = ks[i]};
        int64_t free_n = 0;
        int probes = 0;

        CHECK_INT(slots_search(probe, &p, &free_n, &probes), DB_OK);
        CHECK_INT(free_n, ks[i] + 1);
        CHECK(probes <= 2 * log2_ceil(ks[i] + 2) + 1);
    }
}

TEST(slots_search_passes_on_a_failed_probe)
{
    struct prefix gallop = {.k = 100, .fail_at = 64};
    struct prefix binary = {.k = 100, .fail_at = 96};
    int64_t free_n = 0;

    CHECK_INT(slots_search(probe, &gallop, &free_n, NULL), DB_DOWN);
    CHECK_INT(slots_search(probe, &binary, &free_n, NULL), DB_DOWN);
}

const struct unit_test slots_tests[] = {
    {"slots_search_finds_the_first_free", slots_search_finds_the_first_free},
    {"slots_search_is_logarithmic_for_large_prefixes",
     slots_search_is_logarithmic_for_large_prefixes},
    {"slots_search_passes_on_a_failed_probe", slots_search_passes_on_a_failed_probe},
    {NULL, NULL},
};
