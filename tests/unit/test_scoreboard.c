/*
 * test_scoreboard.c - admission of slow routes on the shared scoreboard:
 * the per-user and the total limits, the places reserved for users who
 * hold none, a claim released at the end of a request, the limit holding
 * across processes that race for it, and the robust lock surviving a
 * process killed while holding it; and GET /metrics' per-route counts.
 */
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#include "proc/scoreboard.h"

TEST(scoreboard_limits_per_user_and_in_all)
{
    static const struct scoreboard_share share = {.total = 3, .per_user = 2, .reserve = 0};
    struct scoreboard *b = scoreboard_new(6);
    uint64_t alice = scoreboard_user_hash("user_alice"), bob = scoreboard_user_hash("user_bob");
    uint64_t carol = scoreboard_user_hash("user_carol");

    CHECK(alice != bob && alice != 0);
    CHECK(scoreboard_admit(b, &b->slots[0], alice, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[1], alice, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[2], alice, &share) == SCOREBOARD_USER_BUSY);
    CHECK(scoreboard_admit(b, &b->slots[2], bob, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[3], carol, &share) == SCOREBOARD_FULL);
    CHECK(b->refused_user == 1 && b->refused_full == 1);
    CHECK(scoreboard_slow_in_flight(b) == 3);
    scoreboard_end(&b->slots[0]); /* a request's end drops its claim */
    CHECK(scoreboard_admit(b, &b->slots[3], carol, &share) == SCOREBOARD_ADMITTED);
    scoreboard_release(&b->slots[1]);
    CHECK(scoreboard_admit(b, &b->slots[4], alice, &share) == SCOREBOARD_ADMITTED);
}

/* The last `reserve` places go to users who hold none: a user's second
 * request cannot take them, another user's first can. */
TEST(scoreboard_reserves_places_for_new_users)
{
    static const struct scoreboard_share share = {.total = 4, .per_user = 3, .reserve = 2};
    struct scoreboard *b = scoreboard_new(8);
    uint64_t alice = scoreboard_user_hash("user_alice"), bob = scoreboard_user_hash("user_bob");
    uint64_t carol = scoreboard_user_hash("user_carol"), dan = scoreboard_user_hash("user_dan");

    CHECK(scoreboard_admit(b, &b->slots[0], alice, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[1], alice, &share) == SCOREBOARD_ADMITTED);
    /* two places left, both reserved: not for alice's third */
    CHECK(scoreboard_admit(b, &b->slots[2], alice, &share) == SCOREBOARD_FULL);
    CHECK(scoreboard_admit(b, &b->slots[2], bob, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[3], bob, &share) == SCOREBOARD_FULL);
    CHECK(scoreboard_admit(b, &b->slots[3], carol, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[4], dan, &share) == SCOREBOARD_FULL);
    /* the pure verdict agrees at the edges */
    CHECK(scoreboard_verdict(&share, 0, 3) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_verdict(&share, 1, 1) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_verdict(&share, 1, 2) == SCOREBOARD_FULL);
    CHECK(scoreboard_verdict(&share, 3, 3) == SCOREBOARD_USER_BUSY);
}

/* The watchdog's verdict: a request by its start; a streamed answer by its
 * last piece, within a limit for the whole. */
TEST(scoreboard_overdue_measures_a_stream_by_its_progress)
{
    struct scoreboard_slot s = {0};
    const char *why = NULL;

    CHECK(!scoreboard_overdue(&s, 1000000, 60000, 600000, &why)); /* idle */
    s.busy_since_ms = 100000;
    CHECK(!scoreboard_overdue(&s, 160000, 60000, 600000, &why));
    CHECK(scoreboard_overdue(&s, 160001, 60000, 600000, &why));
    CHECK_STR(why, "past the request timeout");
    s.progress_ms = 50000; /* a previous request's mark: not this one's */
    CHECK(scoreboard_overdue(&s, 160001, 60000, 600000, &why));
    s.progress_ms = 150000; /* streaming, moved 10 s ago */
    CHECK(!scoreboard_overdue(&s, 160001, 60000, 600000, &why));
    CHECK(!scoreboard_overdue(&s, 210000, 60000, 600000, &why));
    CHECK(scoreboard_overdue(&s, 210001, 60000, 600000, &why));
    CHECK_STR(why, "a streamed answer that stopped moving");
    s.progress_ms = 700000; /* still moving, but past the whole limit */
    CHECK(!scoreboard_overdue(&s, 700000, 60000, 600000, &why));
    CHECK(scoreboard_overdue(&s, 700001, 60000, 600000, &why));
    CHECK_STR(why, "a streamed answer past its whole limit");
}

/* Eight processes, one slot each, race for one user's 2 places and hold
 * what they got until all eight have tried (a pipe each way, not a sleep):
 * exactly two win. */
TEST(scoreboard_limit_holds_across_processes)
{
    enum { N = 8 };
    static const struct scoreboard_share share = {.total = N, .per_user = 2, .reserve = 0};
    struct scoreboard *b = scoreboard_new(N);
    uint64_t user = scoreboard_user_hash("user_flood");
    int admitted = 0, tried[2], go[2];
    pid_t pids[N];
    char c;

    CHECK(pipe(tried) == 0 && pipe(go) == 0);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        CHECK(pids[i] >= 0);
        if (pids[i] == 0) {
            int v;

            close(tried[0]);
            close(go[1]);
            v = scoreboard_admit(b, &b->slots[i], user, &share);
            if (write(tried[1], "t", 1) != 1)
                _exit(2);
            while (read(go[0], &c, 1) > 0) /* held until the parent closes go */
                ;
            scoreboard_end(&b->slots[i]);
            _exit(v == SCOREBOARD_ADMITTED ? 0 : 1);
        }
    }
    close(tried[1]);
    close(go[0]);
    for (int i = 0; i < N; i++)
        CHECK(read(tried[0], &c, 1) == 1);
    close(go[1]); /* every child has tried: let them end */
    close(tried[0]);
    for (int i = 0; i < N; i++) {
        int st = 0;

        CHECK(waitpid(pids[i], &st, 0) == pids[i]);
        admitted += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    CHECK(admitted == 2);
    CHECK(b->refused_user == N - 2);
}

/* A worker killed while it holds the admission lock does not wedge the
 * others: the next locker gets the lock back (EOWNERDEAD, made consistent). */
TEST(scoreboard_lock_survives_a_dead_holder)
{
    static const struct scoreboard_share share = {.total = 2, .per_user = 2, .reserve = 0};
    struct scoreboard *b = scoreboard_new(2);
    pid_t pid = fork();
    int st = 0;

    CHECK(pid >= 0);
    if (pid == 0) {
        pthread_mutex_lock(&b->gate);
        _exit(0); /* dies holding it */
    }
    CHECK(waitpid(pid, &st, 0) == pid);
    CHECK(scoreboard_admit(b, &b->slots[0], 7, &share) == SCOREBOARD_ADMITTED);
    CHECK(scoreboard_admit(b, &b->slots[1], 7, &share) == SCOREBOARD_ADMITTED);
}

/* GET /metrics' histogram: a duration lands in the first bucket whose
 * upper bound it does not pass (bounds inclusive, as Prometheus' le), past
 * the last in +Inf; the status class by hundreds. */
TEST(scoreboard_records_buckets_and_classes)
{
    struct scoreboard *b = scoreboard_new(1);
    struct scoreboard_route *r = &b->routes[3];

    scoreboard_record(b, 3, 200, 5000);      /* exactly 5 ms: le="0.005" */
    scoreboard_record(b, 3, 404, 5001);      /* just past: le="0.01" */
    scoreboard_record(b, 3, 503, 61000000);  /* past 60 s: +Inf */
    scoreboard_record(b, 3, 302, 0);
    CHECK(r->buckets[0] == 2 && r->buckets[1] == 1);
    CHECK(r->buckets[SCOREBOARD_BUCKETS - 1] == 1);
    CHECK(r->by_class[0] == 1 && r->by_class[1] == 1 && r->by_class[2] == 1 &&
          r->by_class[3] == 1);
    CHECK(r->sum_us == 5000 + 5001 + 61000000);
    scoreboard_record(b, SCOREBOARD_ROUTES + 5, 200, 1); /* out of range: the last entry */
    CHECK(b->routes[SCOREBOARD_ROUTES - 1].by_class[0] == 1);
}

const struct unit_test scoreboard_tests[] = {
    {"scoreboard_records_buckets_and_classes", scoreboard_records_buckets_and_classes},
    {"scoreboard_limits_per_user_and_in_all", scoreboard_limits_per_user_and_in_all},
    {"scoreboard_reserves_places_for_new_users", scoreboard_reserves_places_for_new_users},
    {"scoreboard_overdue_measures_a_stream_by_its_progress",
     scoreboard_overdue_measures_a_stream_by_its_progress},
    {"scoreboard_limit_holds_across_processes", scoreboard_limit_holds_across_processes},
    {"scoreboard_lock_survives_a_dead_holder", scoreboard_lock_survives_a_dead_holder},
    {NULL, NULL},
};
