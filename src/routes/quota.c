/*
 * quota.c - the per-user quotas (JOBTUNE_QUOTA_*, docs/ARCHITECTURE.md, "Quotas").
 *
 * Two kinds.  Counts of what a user keeps (resumes, interviews, tailorings
 * of one resume) are checked by the store at the directory's commit point
 * (a STORE_LIMIT there is exact under racing creates) and answered 409: the
 * user makes room by deleting.  Units per UTC day (requests that call
 * OpenAI or Sarvam) are slots in store/usage.h, spent just before
 * the outside call and answered 429 with Retry-After until midnight UTC.
 * Both name the quota, its limit and, for a daily one, when it resets; a
 * refusal is counted on GET /api/status.
 */
#include "routes/routes.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/text.h"
#include "http/request.h"
#include "store/directory.h"
#include "store/interviews.h"
#include "store/resumes.h"
#include "store/store.h"
#include "store/tailorings.h"
#include "store/usage.h"
#include "svc/services.h"

/* What a directory lists of each kind (resume_id: the tailorings' resume). */
static int64_t count_resumes(json_t *dir, const char *resume_id)
{
    (void)resume_id;
    return resumes_count(dir);
}

static int64_t count_interviews(json_t *dir, const char *resume_id)
{
    (void)resume_id;
    return interviews_count(dir);
}

struct count_quota {
    const char *name;
    const long *limit;
    int64_t (*count)(json_t *dir, const char *resume_id);
    const char *has, *what, *advice; /* "<has> <limit> <what>, the most..." */
};

static const struct count_quota counts[] = {
    {"resumes", &config.quota.resumes, count_resumes, "You have",
     "resumes, the most one account keeps", "Delete one you no longer need to make room."},
    {"interviews", &config.quota.interviews, count_interviews, "You have",
     "interviews, the most one account keeps", "Delete an old one to make room."},
    {"tailoringsPerResume", &config.quota.tailorings, tailorings_count, "This resume has",
     "tailorings, the most one resume keeps",
     "Save a new resume for further applications."},
};

static const struct count_quota *count_quota(const char *name)
{
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        if (strcmp(counts[i].name, name) == 0)
            return &counts[i];
    return NULL;
}

/* {"error": {code, message, quota: {name, limit, used, resetsAt}}}. */
static int refuse(struct request *req, int status, const char *name, long limit, int64_t used,
                  int64_t resets_ms, const char *message)
{
    char iso[32];
    json_t *body;

    req->quota_refused = true;
    body = json_pack("{s:{s:s, s:s, s:{s:s, s:I, s:I, s:o}}}", "error", "code",
                     "quota_exceeded", "message", message, "quota", "name", name, "limit",
                     (json_int_t)limit, "used", (json_int_t)used, "resetsAt",
                     resets_ms > 0 ? json_string(text_iso8601(resets_ms, iso, sizeof(iso)))
                                   : json_null());
    if (body == NULL)
        return request_error(req, 500, "internal_error", "Out of memory.");
    return request_json(req, status, body);
}

int routes_quota_full(struct request *req, const char *name)
{
    const struct count_quota *q = count_quota(name);

    return refuse(req, 409, name, *q->limit, *q->limit, 0,
                  arena_printf(req->arena, "%s %ld %s. %s", q->has, *q->limit, q->what,
                               q->advice));
}

int routes_quota_check(struct request *req, const char *name, const char *resume_id)
{
    const struct count_quota *q = count_quota(name);
    json_t *dir = NULL;
    int64_t used;
    int rc;

    if (*q->limit <= 0)
        return 0;
    if ((rc = directory_get(req->svc->db, req->user_id, &dir)) != STORE_OK)
        return routes_db_failure(req, rc);
    used = q->count(dir, resume_id);
    json_decref(dir);
    return used >= *q->limit ? routes_quota_full(req, name) : 0;
}

/* One unit of a daily quota, or the refusal: 429 until midnight UTC. */
static int take_daily(struct request *req, const char *kind, long limit, const char *name,
                      const char *what)
{
    int64_t now = clock_wall_ms(), reset = usage_day_end(now), used = 0;
    long long left_min = (reset - now + 59999) / 60000;
    char retry[24];
    int rc;

    rc = usage_take(req->svc->db, req->user_id, kind, limit, now, &used);
    if (rc == STORE_OK)
        return 0;
    if (rc != STORE_LIMIT)
        return routes_db_failure(req, rc);
    snprintf(retry, sizeof(retry), "%lld", (long long)((reset - now + 999) / 1000));
    request_header(req, "Retry-After", arena_strdup(req->arena, retry));
    return refuse(req, 429, name, limit, used, reset,
                  arena_printf(req->arena, "You have used today's %ld %s. They reset at "
                                           "midnight UTC, in %lld h %lld min.",
                               limit, what, left_min / 60, left_min % 60));
}

int routes_quota_ai(struct request *req)
{
    return take_daily(req, USAGE_AI, config.quota.ai_calls, "aiCallsPerDay",
                      "AI requests (tailoring, interview questions, answers, feedback and "
                      "spoken questions)");
}

int routes_quota_import(struct request *req)
{
    return take_daily(req, USAGE_IMPORT, config.quota.imports, "importsPerDay",
                      "resume imports");
}

bool routes_quota_ai_spare(struct request *req)
{
    int64_t used = 0;

    return usage_take(req->svc->db, req->user_id, USAGE_AI, config.quota.ai_calls,
                      clock_wall_ms(), &used) == STORE_OK;
}

/* {"used", "limit" (null: none)[, "resetsAt"]} */
static json_t *usage_json(int64_t used, long limit, int64_t resets_ms)
{
    json_t *u = json_pack("{s:I, s:o}", "used", (json_int_t)used, "limit",
                          limit > 0 ? json_integer(limit) : json_null());
    char iso[32];

    if (u != NULL && resets_ms > 0)
        json_object_set_new(u, "resetsAt",
                            json_string(text_iso8601(resets_ms, iso, sizeof(iso))));
    return u;
}

json_t *routes_quota_usage(struct request *req, json_t *dir)
{
    int64_t now = clock_wall_ms(), ai = 0, imports = 0, most = 0, n;
    const char *id;
    json_t *entry;
    int rc;

    if ((rc = usage_today(req->svc->db, req->user_id, USAGE_AI, now, &ai)) != STORE_OK ||
        (rc = usage_today(req->svc->db, req->user_id, USAGE_IMPORT, now, &imports)) != STORE_OK)
        return NULL;
    json_object_foreach(json_object_get(dir, "resumes"), id, entry)
        if ((n = tailorings_count(dir, id)) > most)
            most = n;
    return json_pack("{s:o, s:o, s:o, s:o, s:o}",
                     "resumes", usage_json(resumes_count(dir), config.quota.resumes, 0),
                     "interviews", usage_json(interviews_count(dir), config.quota.interviews, 0),
                     "tailoringsPerResume", usage_json(most, config.quota.tailorings, 0),
                     "aiCallsPerDay",
                     usage_json(ai, config.quota.ai_calls, usage_day_end(now)),
                     "importsPerDay",
                     usage_json(imports, config.quota.imports, usage_day_end(now)));
}
