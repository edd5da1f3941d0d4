/*
 * test_chain.c - store/chain.c and store/listed.c against the in-memory
 * database (fake_db.c): linearizable commits, a lagging head repaired, the
 * log pruned once it is older than the prune age (and a writer past its
 * lease re-reading first), a removal that costs the live window and not
 * the history, a create that leaves its entry settled, a lost
 * acknowledgement that keeps the entry, a sealed directory that refuses.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "fake_db.h"

#include "base/config.h"
#include "store/chain.h"
#include "store/directory.h"
#include "store/listed.h"
#include "store/store.h"

static char clock_path[] = "/tmp/jobtune-unit-clock-XXXXXX";

/* Move the stores' wall clock to offset_ms past the real one. */
static void set_clock(int64_t offset_ms)
{
    FILE *f = fopen(clock_path, "w");

    if (f != NULL) {
        fprintf(f, "%lld", (long long)offset_ms);
        fclose(f);
    }
}

static void setup(void)
{
    static bool made;

    if (!made) {
        int fd = mkstemp(clock_path);

        if (fd >= 0)
            close(fd);
        made = true;
    }
    config.production = false;
    config.clock_file = clock_path;
    config.request_timeout = 5;
    config.secret = "unit-test-secret"; /* the tombstones' pseudonyms */
    set_clock(0);
    fake_db_reset();
}

static json_t *body_n(int n)
{
    return json_pack("{s:i}", "n", n);
}

static uint64_t ops(void)
{
    struct store_usage u;

    store_usage(fake_db(), &u);
    return u.ops;
}

/* Commit generations up to `upto` on top of the chain's newest. */
static void edits(const char *key, int upto)
{
    struct chain_ver now;
    json_t *cur = NULL;

    chain_read(fake_db(), "c", key, &cur, &now);
    json_decref(cur);
    for (int g = (int)now.gen + 1; g <= upto; g++) {
        struct chain_ver v;
        json_t *b = NULL, *next = body_n(g);

        CHECK_INT(chain_peek(fake_db(), "c", key, &b, &v), STORE_OK);
        CHECK_INT(chain_commit(fake_db(), "c", key, &v, next), STORE_OK);
        json_decref(b);
        json_decref(next);
    }
}

TEST(chain_commits_are_linearizable)
{
    struct chain_ver a, b, v = {0};
    json_t *body = body_n(1), *got = NULL, *x = body_n(2), *y = body_n(3);

    setup();
    CHECK_INT(chain_commit(fake_db(), "c", "k", &v, body), STORE_OK);
    CHECK_INT(v.gen, 1);
    /* two writers read generation 1; one commits 2, the other conflicts */
    CHECK_INT(chain_read(fake_db(), "c", "k", &got, &a), STORE_OK);
    json_decref(got);
    CHECK_INT(chain_peek(fake_db(), "c", "k", &got, &b), STORE_OK);
    json_decref(got);
    CHECK_INT(chain_commit(fake_db(), "c", "k", &a, x), STORE_OK);
    CHECK_INT(chain_commit(fake_db(), "c", "k", &b, y), STORE_CONFLICT);
    CHECK_INT(chain_read(fake_db(), "c", "k", &got, &v), STORE_OK);
    CHECK_INT(v.gen, 2);
    CHECK_INT(json_integer_value(json_object_get(got, "n")), 2);
    json_decref(got);
    json_decref(body);
    json_decref(x);
    json_decref(y);
}

TEST(chain_read_walks_past_a_lagging_head_and_repairs_it)
{
    struct chain_ver v = {0};
    json_t *b1 = body_n(1), *b2 = body_n(2), *got = NULL;

    setup();
    chain_commit(fake_db(), "c", "k", &v, b1);
    /* the commit point only: a crash before the head was written */
    CHECK_INT(chain_append(fake_db(), "c", "k", &v, b2), STORE_OK);
    CHECK_INT(json_integer_value(json_object_get(fake_db_doc("c", "k"), "gen")), 1);
    /* a writer on the head alone conflicts with the log */
    CHECK_INT(chain_peek(fake_db(), "c", "k", &got, &v), STORE_OK);
    json_decref(got);
    CHECK_INT(chain_commit(fake_db(), "c", "k", &v, b1), STORE_CONFLICT);
    /* a read finds generation 2 and rolls the head forward */
    CHECK_INT(chain_read(fake_db(), "c", "k", &got, &v), STORE_OK);
    CHECK_INT(v.gen, 2);
    CHECK_INT(json_integer_value(json_object_get(got, "n")), 2);
    CHECK_INT(json_integer_value(json_object_get(fake_db_doc("c", "k"), "gen")), 2);
    json_decref(got);
    json_decref(b1);
    json_decref(b2);
}

TEST(chain_log_is_pruned_past_the_prune_age)
{
    struct chain_ver v = {0};
    json_t *b = body_n(1);

    setup();
    chain_commit(fake_db(), "c", "k", &v, b);
    edits("k", 40);
    /* all young: the whole history is still there */
    CHECK_INT(fake_db_count("c_log"), 39);
    set_clock(chain_prune_age_ms() + 1000);
    {
        struct chain_ver w;
        json_t *old = NULL, *next = body_n(41);

        CHECK_INT(chain_peek(fake_db(), "c", "k", &old, &w), STORE_OK);
        CHECK_INT(chain_commit(fake_db(), "c", "k", &w, next), STORE_OK);
        json_decref(old);
        json_decref(next);
    }
    /* the mark (generation 2) has aged: entry 2 went, the rest waits for
     * the next mark; a second aged commit takes everything but the newest */
    CHECK(fake_db_count("c_log") < 40);
    set_clock(2 * chain_prune_age_ms() + 2000);
    {
        struct chain_ver w;
        json_t *old = NULL, *next = body_n(42);

        chain_peek(fake_db(), "c", "k", &old, &w);
        CHECK_INT(chain_commit(fake_db(), "c", "k", &w, next), STORE_OK);
        json_decref(old);
        json_decref(next);
    }
    CHECK(fake_db_count("c_log") <= 2);
    CHECK(fake_db_doc("c_log", "k:42") != NULL); /* the newest keeps its body */
    {
        struct chain_ver w;
        json_t *got = NULL;

        CHECK_INT(chain_read(fake_db(), "c", "k", &got, &w), STORE_OK);
        CHECK_INT(w.gen, 42);
        CHECK_INT(json_integer_value(json_object_get(got, "n")), 42);
        json_decref(got);
    }
    json_decref(b);
}

TEST(chain_writer_past_its_lease_reads_again)
{
    struct chain_ver v = {0}, stale;
    json_t *b = body_n(1), *got = NULL, *next = body_n(2);

    setup();
    chain_commit(fake_db(), "c", "k", &v, b);
    CHECK_INT(chain_peek(fake_db(), "c", "k", &got, &stale), STORE_OK);
    json_decref(got);
    set_clock(chain_lease_ms() + 1000);
    /* nobody wrote meanwhile: the re-read confirms generation 1 */
    uint64_t before = ops();
    CHECK_INT(chain_commit(fake_db(), "c", "k", &stale, next), STORE_OK);
    CHECK(ops() - before >= 4); /* the re-read (head, probe) before the commit */
    /* a writer whose generation moved on past its lease conflicts */
    CHECK_INT(chain_peek(fake_db(), "c", "k", &got, &stale), STORE_OK);
    json_decref(got);
    edits("k", 3);
    set_clock(2 * chain_lease_ms() + 2000);
    CHECK_INT(chain_commit(fake_db(), "c", "k", &stale, next), STORE_CONFLICT);
    json_decref(b);
    json_decref(next);
}

TEST(chain_removal_costs_the_live_window_not_the_history)
{
    struct chain_ver v = {0};
    json_t *b = body_n(1);
    bool existed = false;
    uint64_t before;

    setup();
    chain_commit(fake_db(), "c", "k", &v, b);
    for (int round = 1; round <= 10; round++) {
        edits("k", 1 + 100 * round);
        set_clock(round * (chain_prune_age_ms() + 1000));
    }
    /* 1,000 edits in aged bursts: the log holds about the last burst */
    CHECK(fake_db_count("c_log") <= 202);
    before = ops();
    CHECK_INT(chain_remove(fake_db(), "c", "k", &existed), STORE_OK);
    CHECK(existed);
    CHECK_INT(fake_db_count("c") + fake_db_count("c_log"), 0);
    CHECK(ops() - before <= 210);
    json_decref(b);
}

TEST(chain_commit_after_a_removal_takes_its_entry_back)
{
    struct chain_ver v = {0}, w;
    json_t *b = body_n(1), *got = NULL;

    setup();
    chain_commit(fake_db(), "c", "k", &v, b);
    chain_peek(fake_db(), "c", "k", &got, &w);
    json_decref(got);
    CHECK_INT(chain_remove(fake_db(), "c", "k", NULL), STORE_OK);
    CHECK_INT(chain_commit(fake_db(), "c", "k", &w, b), STORE_CONFLICT);
    CHECK_INT(fake_db_count("c") + fake_db_count("c_log"), 0);
    json_decref(b);
}

/* ---- listed objects in a directory ------------------------------------------------ */

static json_t *summary(json_t *body)
{
    return json_pack("{s:O}", "createdAt", json_object_get(body, "createdAt"));
}

static const struct listed_kind kind = {
    .coll = "things", .sort_key = "createdAt", .fault = "thing", .summarize = summary,
};

static json_t *thing(const char *user, int at)
{
    return json_pack("{s:s, s:i}", "userId", user, "createdAt", at);
}

static const char *entry_state(const char *user, const char *id)
{
    struct chain_ver v;
    json_t *dir = NULL;
    static char state[16];

    state[0] = '\0';
    /* the head alone: what a list reads in normal operation */
    if (chain_peek(fake_db(), "directories", user, &dir, &v) == STORE_OK)
        snprintf(state, sizeof(state), "%s",
                 json_string_value(json_object_get(
                     json_object_get(json_object_get(dir, "things"), id), "state")) ?: "");
    json_decref(dir);
    return state;
}

TEST(listed_create_leaves_its_entry_settled_and_the_list_reads_only)
{
    char id[LISTED_ID_LEN + 1];
    json_t *t, *items = NULL;
    bool more;
    struct listed_cursor next;
    uint64_t before, writes;

    setup();
    for (int i = 0; i < 5; i++) {
        t = thing("alice", 100 + i);
        CHECK_INT(listed_create(&kind, fake_db(), "alice", t, 0, id), STORE_OK);
        json_decref(t);
        CHECK_STR(entry_state("alice", id), "ok");
    }
    before = ops();
    writes = fake_db_count("directories_log");
    CHECK_INT(listed_page(&kind, fake_db(), "alice", 2, NULL, &items, &more, &next), STORE_OK);
    CHECK_INT(ops() - before, 2); /* the head and one probe: no repair */
    CHECK_INT(fake_db_count("directories_log"), writes);
    CHECK_INT(json_array_size(items), 2);
    CHECK(more);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(items, 0), "createdAt")), 104);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(items, 1), "createdAt")), 103);
    json_decref(items);
    CHECK_INT(listed_page(&kind, fake_db(), "alice", 10, &next, &items, &more, &next), STORE_OK);
    CHECK_INT(json_array_size(items), 3);
    CHECK(!more);
    json_decref(items);
}

TEST(listed_lost_acknowledgement_keeps_the_trail)
{
    char id[LISTED_ID_LEN + 1];
    json_t *t = thing("bob", 1), *items = NULL, *body = NULL;
    struct listed_cursor next;
    int64_t gen;
    bool more;

    setup();
    /* the object's insert (after the directory's) is applied, its answer lost */
    fake_db_fail_nth("insert", 2, STORE_DOWN, true);
    CHECK_INT(listed_create(&kind, fake_db(), "bob", t, 0, id), STORE_DOWN);
    CHECK_STR(entry_state("bob", id), "new");  /* never dropped on an unknown outcome */
    CHECK(fake_db_doc("things", id) != NULL); /* it was stored */
    /* the next list settles it either way: here it exists, so it is listed */
    CHECK_INT(listed_page(&kind, fake_db(), "bob", 10, NULL, &items, &more, &next), STORE_OK);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(entry_state("bob", id), "ok");
    json_decref(items);
    CHECK_INT(listed_load(&kind, fake_db(), "bob", id, &body, &gen), STORE_OK);
    CHECK(body != NULL);
    json_decref(body);
    /* not applied: listed "new" until its request can no longer run, then dropped */
    fake_db_fail_nth("insert", 2, STORE_DOWN, false);
    CHECK_INT(listed_create(&kind, fake_db(), "bob", t, 0, id), STORE_DOWN);
    CHECK_STR(entry_state("bob", id), "new");
    CHECK_INT(listed_page(&kind, fake_db(), "bob", 10, NULL, &items, &more, &next), STORE_OK);
    CHECK_INT(json_array_size(items), 1);
    json_decref(items);
    CHECK_STR(entry_state("bob", id), "new");
    set_clock(directory_new_grace_ms() + 1000);
    CHECK_INT(listed_page(&kind, fake_db(), "bob", 10, NULL, &items, &more, &next), STORE_OK);
    CHECK_STR(entry_state("bob", id), "");
    json_decref(items);
    json_decref(t);
}

TEST(listed_sealed_directory_refuses_and_names_what_was_listed)
{
    char id[LISTED_ID_LEN + 1], later[LISTED_ID_LEN + 1];
    json_t *t = thing("carol", 1), *sealed = NULL, *items = NULL;
    struct listed_cursor next;
    struct store_tally objects = {0}, deps = {0};
    bool more;

    setup();
    CHECK_INT(listed_create(&kind, fake_db(), "carol", t, 0, id), STORE_OK);
    CHECK_INT(directory_seal(fake_db(), "carol", &sealed), STORE_OK);
    CHECK(json_object_get(json_object_get(sealed, "things"), id) != NULL);
    CHECK(json_object_get(json_object_get(json_object_get(sealed, "things"), id), "state") ==
          NULL); /* ids only */
    CHECK_INT(listed_create(&kind, fake_db(), "carol", t, 0, later), STORE_ERASED);
    CHECK_INT(fake_db_count("things"), 1); /* nothing inserted */
    CHECK_INT(listed_page(&kind, fake_db(), "carol", 10, NULL, &items, &more, &next),
              STORE_ERASED);
    CHECK_INT(listed_erase_user(&kind, fake_db(), "carol", sealed, &objects, &deps), STORE_OK);
    CHECK_INT(objects.n, 1);
    CHECK_INT(fake_db_count("things"), 0);
    json_decref(sealed);
    json_decref(t);
}

/* A quota's limit is checked at the commit point: at the limit nothing is
 * listed or inserted, and a deletion makes room again. */
TEST(listed_create_refuses_past_its_limit)
{
    char id[LISTED_ID_LEN + 1], first[LISTED_ID_LEN + 1];
    int64_t things, log;
    bool found = false;
    json_t *t;

    setup();
    for (int i = 0; i < 3; i++) {
        t = thing("dave", 100 + i);
        CHECK_INT(listed_create(&kind, fake_db(), "dave", t, 3, id), STORE_OK);
        json_decref(t);
        if (i == 0)
            memcpy(first, id, sizeof(first));
    }
    things = fake_db_count("things");
    log = fake_db_count("directories_log");
    t = thing("dave", 200);
    CHECK_INT(listed_create(&kind, fake_db(), "dave", t, 3, id), STORE_LIMIT);
    CHECK_INT(fake_db_count("things"), things);
    CHECK_INT(fake_db_count("directories_log"), log);
    CHECK_INT(listed_remove(&kind, fake_db(), "dave", first, &found), STORE_OK);
    CHECK(found);
    CHECK_INT(listed_create(&kind, fake_db(), "dave", t, 3, id), STORE_OK);
    json_decref(t);
}

const struct unit_test chain_tests[] = {
    {"chain: commits are linearizable", chain_commits_are_linearizable},
    {"chain: a read walks past a lagging head and repairs it",
     chain_read_walks_past_a_lagging_head_and_repairs_it},
    {"chain: the log is pruned past the prune age", chain_log_is_pruned_past_the_prune_age},
    {"chain: a writer past its lease reads again", chain_writer_past_its_lease_reads_again},
    {"chain: a removal costs the live window, not the history",
     chain_removal_costs_the_live_window_not_the_history},
    {"chain: a commit after a removal takes its entry back",
     chain_commit_after_a_removal_takes_its_entry_back},
    {"listed: a create leaves its entry settled; the list only reads",
     listed_create_leaves_its_entry_settled_and_the_list_reads_only},
    {"listed: a lost acknowledgement keeps the trail", listed_lost_acknowledgement_keeps_the_trail},
    {"listed: a sealed directory refuses and names what was listed",
     listed_sealed_directory_refuses_and_names_what_was_listed},
    {"listed: a create past its limit is refused, nothing written",
     listed_create_refuses_past_its_limit},
    {NULL, NULL},
};
