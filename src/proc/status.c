/*
 * status.c - the status document and the process titles (see status.h).
 *
 * The document is built from a snapshot of the shared scoreboard without
 * locks: fields of a worker that changes state while we read may disagree
 * by one request, which a status page can live with.
 */
#include "proc/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "proc/scoreboard.h"

/* Resident set size in bytes from /proc/<pid>/statm, or -1. */
static json_int_t rss_bytes(pid_t pid)
{
    char path[64];
    long size, resident;
    FILE *f;
    int n;

    snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
    f = fopen(path, "re");
    if (f == NULL)
        return -1;
    n = fscanf(f, "%ld %ld", &size, &resident);
    fclose(f);
    if (n != 2)
        return -1;
    return (json_int_t)resident * (json_int_t)sysconf(_SC_PAGESIZE);
}

static json_t *worker_json(const struct scoreboard_slot *s, uint64_t now)
{
    uint64_t since = __atomic_load_n(&s->busy_since_ms, __ATOMIC_ACQUIRE);
    json_int_t rss = rss_bytes(s->pid);
    json_t *w;

    w = json_pack("{s:i, s:i, s:i, s:s, s:I, s:I}", "pid", (int)s->pid, "number", s->number,
                  "generation", s->generation, "state", since ? "busy" : "idle",
                  "requests", (json_int_t)__atomic_load_n(&s->requests, __ATOMIC_RELAXED),
                  "ageSeconds", (json_int_t)((now - s->started_ms) / 1000));
    if (w == NULL)
        return NULL;
    json_object_set_new(w, "rssBytes", rss >= 0 ? json_integer(rss) : json_null());
    if (since) {
        char method[sizeof(s->method)], route[sizeof(s->route)];

        memcpy(method, s->method, sizeof(method));
        memcpy(route, s->route, sizeof(route));
        method[sizeof(method) - 1] = route[sizeof(route) - 1] = '\0';
        json_object_set_new(w, "method", json_string(method));
        json_object_set_new(w, "route", json_string(route));
        json_object_set_new(w, "busyMs", json_integer((json_int_t)(now > since ? now - since : 0)));
    } else {
        json_object_set_new(w, "method", json_null());
        json_object_set_new(w, "route", json_null());
        json_object_set_new(w, "busyMs", json_null());
    }
    return w;
}

/* The slow routes' share, what holds it now, and what it and the quotas
 * refused since the start. */
static json_t *admission_json(const struct scoreboard *b, const struct scoreboard_share *share)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:{s:I, s:I, s:I}}",
                     "slowWorkers", share->total, "perUser", share->per_user,
                     "reservedForNewUsers", share->reserve,
                     "slowInFlight", scoreboard_slow_in_flight(b), "refused",
                     "userBusy", (json_int_t)__atomic_load_n(&b->refused_user, __ATOMIC_RELAXED),
                     "full", (json_int_t)__atomic_load_n(&b->refused_full, __ATOMIC_RELAXED),
                     "quota", (json_int_t)__atomic_load_n(&b->refused_quota, __ATOMIC_RELAXED));
}

json_t *status_json(const struct scoreboard *b, const struct scoreboard_share *share)
{
    uint64_t now = clock_mono_ms();
    json_t *workers = json_array(), *doc;
    int busy = 0, idle = 0;

    if (workers == NULL)
        return NULL;
    for (int i = 0; i < b->nslots; i++) {
        const struct scoreboard_slot *s = &b->slots[i];

        if (s->number <= 0 || s->pid <= 0)
            continue;
        if (scoreboard_busy_since(s))
            busy++;
        else
            idle++;
        json_array_append_new(workers, worker_json(s, now));
    }
    doc = json_pack("{s:{s:i, s:I, s:I}, s:{s:I, s:I, s:I}, s:{s:i, s:i, s:i}, s:o, s:o*}",
                    "master", "pid", (int)b->master_pid,
                    "uptimeSeconds", (json_int_t)((now - b->started_ms) / 1000),
                    "startedAt", (json_int_t)(b->started_wall_ms / 1000),
                    "counts",
                    "accepted", (json_int_t)__atomic_load_n(&b->accepted, __ATOMIC_RELAXED),
                    "crashes", (json_int_t)__atomic_load_n(&b->crashes, __ATOMIC_RELAXED),
                    "slowKills", (json_int_t)__atomic_load_n(&b->slow_kills, __ATOMIC_RELAXED),
                    "pool", "total", busy + idle, "busy", busy, "idle", idle,
                    "workers", workers, "admission", admission_json(b, share));
    return doc;
}

/* ---- process titles ---------------------------------------------------- */

static char *title_area;
static size_t title_len;
/* The environment moved off the title area: the strings in one block and
 * the array environ starts as.  Owned here for the life of the process and
 * never freed: setenv()/unsetenv() (svc/systemd.c) may swap the array or
 * drop strings from it, so these are the references that keep them
 * (volatile: a pointer that is only stored would be optimised away). */
static char **volatile env_array;
static char *volatile env_block;

void status_title_init(int argc, char **argv)
{
    extern char **environ;
    char **env, *block, *end, *p;
    size_t total = 0;
    int n = 0;

    if (argc < 1 || argv[0] == NULL)
        return;
    end = argv[0] + strlen(argv[0]) + 1;
    for (int i = 1; i < argc; i++)
        if (argv[i] == end)
            end = argv[i] + strlen(argv[i]) + 1;
    while (environ[n] != NULL)
        total += strlen(environ[n++]) + 1;
    env = calloc((size_t)n + 1, sizeof(*env));
    block = malloc(total > 0 ? total : 1);
    if (env == NULL || block == NULL) {
        free(env); /* keep the old environment and argv[0]'s own length */
        free(block);
        return;
    }
    p = block;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(environ[i]) + 1;

        if (environ[i] == end)
            end = environ[i] + len;
        memcpy(p, environ[i], len);
        env[i] = p;
        p += len;
    }
    env_array = env;
    env_block = block;
    environ = env; /* the old strings may now be overwritten */
    title_area = argv[0];
    title_len = (size_t)(end - argv[0]);
}

void status_title_set(const char *comm, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    size_t n;

    if (comm != NULL)
        prctl(PR_SET_NAME, comm);
    if (title_area == NULL || title_len < 2)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    n = strlen(buf);
    if (n > title_len - 1)
        n = title_len - 1;
    memcpy(title_area, buf, n);
    memset(title_area + n, 0, title_len - n);
}
