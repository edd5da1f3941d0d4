/*
 * resumes_tailor_apply.c - keeping what a person chose of a tailoring:
 * POST /api/resumes/{id}/tailorings/{tid}/apply.
 *
 * The body names the accepted changes by path (model/tailoring.h), with
 * an edit for any of them, and where the result goes: "new", a resume of
 * its own titled for the job (meta.jobtune.title), the original
 * untouched; or "this", the resume itself, under If-Match like PUT.  No
 * AI is called: the suggestions are the stored tailoring's.
 *
 * Invariants:
 *  - The paths are those the tailoring suggests for this resume; anything
 *    else, an edit of a change not accepted, or an edit that is not text
 *    of the resume's limits is a 422 naming the path, and nothing is
 *    written.
 *  - A tailoring is applied only to the version of the resume it was made
 *    from (its work indexes and lines are that version's): a resume
 *    changed since gives 409 tailoring_outdated.
 *  - One write or none: "new" is one create (the resume quota counted at
 *    the directory's commit point, as POST /api/resumes), "this" one
 *    commit of the version If-Match names (412 when another won).
 *  - Another user's resume or tailoring, or a tailoring of another resume,
 *    is the same 404 as a missing one.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "http/request.h"
#include "model/resume.h"
#include "model/tailoring.h"
#include "store/resumes.h"
#include "store/store.h"
#include "store/tailorings.h"
#include "svc/services.h"

#define TITLE_MAX 200
#define JOB_LABEL_MAX 80 /* characters of the job description's first line in a title */

static int not_found(struct request *req, const char *what)
{
    return request_error(req, 404, "not_found",
                         arena_printf(req->arena, "There is no such %s.", what));
}

static int invalid(struct request *req, json_t *fields)
{
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_incref(fields));
}

/* The body's own problems (what needs no tailoring to judge) into fields:
 * unknown keys, "as", "title".  *as_new: "as" is "new". */
static void check_body(struct request *req, json_t *fields, bool *as_new)
{
    const char *key, *as = jsonx_string(req->input, "as");
    json_t *v, *title = json_object_get(req->input, "title");
    bool as_this = as != NULL && strcmp(as, "this") == 0;

    json_object_foreach(req->input, key, v) {
        if (strcmp(key, "as") != 0 && strcmp(key, "accept") != 0 && strcmp(key, "edits") != 0 &&
            strcmp(key, "title") != 0)
            json_object_set_new(fields, key, json_string("This field does not exist."));
    }
    *as_new = as != NULL && strcmp(as, "new") == 0;
    if (!*as_new && !as_this)
        json_object_set_new(fields, "as", json_string("Give \"new\" (a new resume for this "
                                                      "job) or \"this\" (this resume)."));
    if (as_this && json_array_size(json_object_get(req->input, "accept")) == 0)
        json_object_set_new(fields, "accept", json_string("Accept at least one change to "
                                                          "apply it to this resume."));
    if (title == NULL)
        return;
    if (as_this) {
        json_object_set_new(fields, "title", json_string("A title is given only to a new "
                                                         "resume (\"as\": \"new\")."));
    } else {
        char *t = json_is_string(title) ? arena_strdup(req->arena, json_string_value(title))
                                        : NULL;

        if (t == NULL || text_check_len(t, TITLE_MAX) != TEXT_OK ||
            text_has_hidden_controls(t, TEXT_ONE_LINE))
            json_object_set_new(fields, "title", json_string("Give the title as one line of 1 "
                                                             "to 200 characters."));
    }
}

/* The route's resume (*resume) and tailoring (*tailoring), both arena-owned,
 * or the status of the 404 or 503 written. */
static int load(struct request *req, json_t **resume, json_t **tailoring)
{
    const char *id = request_param(req, "id"), *tid = request_param(req, "tid"), *of;
    json_t *doc = NULL;
    int rc;

    if (id == NULL || !resumes_is_id(id))
        return not_found(req, "resume");
    if ((rc = resumes_get(req->svc->db, req->user_id, id, &doc)) != STORE_OK)
        return routes_db_failure(req, rc);
    if ((*resume = jsonx_own(req->arena, doc)) == NULL)
        return not_found(req, "resume");
    if (tid == NULL || !encode_is_hex(tid, TAILORINGS_ID_LEN))
        return not_found(req, "tailoring");
    doc = NULL;
    if ((rc = tailorings_get(req->svc->db, req->user_id, tid, &doc)) != STORE_OK)
        return routes_db_failure(req, rc);
    *tailoring = jsonx_own(req->arena, doc);
    of = jsonx_string(*tailoring, "resumeId");
    if (*tailoring == NULL || of == NULL || strcmp(of, id) != 0)
        return not_found(req, "tailoring");
    return 0;
}

/* The first line of the job description with text, trimmed and cut to
 * JOB_LABEL_MAX characters at a space ("…" added when cut): arena text,
 * or NULL when it has none. */
static const char *job_label(struct arena *a, const char *jd)
{
    const char *start = jd, *end, *cut = NULL;
    size_t chars = 0;
    char *line, *space;

    while (*start == ' ' || *start == '\t' || *start == '\r' || *start == '\n')
        start++;
    if (*start == '\0')
        return NULL;
    end = start + strcspn(start, "\r\n");
    for (const char *p = start; p < end; p++) {
        if (((unsigned char)*p & 0xC0) == 0x80)
            continue; /* a UTF-8 continuation byte */
        if (chars == JOB_LABEL_MAX) {
            cut = p;
            break;
        }
        chars++;
    }
    if ((line = arena_strndup(a, start, (size_t)((cut ?: end) - start))) == NULL)
        return NULL; /* out of memory: the title goes without the job */
    if (cut == NULL)
        return text_trim(line);
    if ((space = strrchr(line, ' ')) != NULL && space > line + JOB_LABEL_MAX / 2)
        *space = '\0';
    return arena_printf(a, "%s…", text_trim(line));
}

/* The new resume's title: the body's, else "<resume's title> — <job>". */
static const char *new_title(struct request *req, json_t *stored, json_t *tailoring)
{
    const char *given = jsonx_string(req->input, "title"), *job, *own;
    char *copy;

    if (given != NULL) /* NULL out of memory: resume_set_title() fails on it */
        return (copy = arena_strdup(req->arena, given)) != NULL ? text_trim(copy) : NULL;
    own = jsonx_string(resume_jobtune(json_object_get(stored, "resume")), "title");
    if (own == NULL || *own == '\0')
        own = jsonx_string(stored, "title");
    job = job_label(req->arena, jsonx_string(tailoring, "jobDescription") ?: "");
    return job != NULL ? arena_printf(req->arena, "%s — %s", own, job) : own;
}

/* The version the resume must be at for "this": If-Match's, checked
 * against stored; 0 after the 412 was written. */
static int64_t this_version(struct request *req, json_t *stored, int *status)
{
    int64_t want = resumes_if_match_version(request_env(req, "HTTP_IF_MATCH"));

    if (want <= 0 || want != json_integer_value(json_object_get(stored, "version"))) {
        *status = request_error(req, 412, "precondition_failed",
                                "This resume was changed since you loaded it; "
                                "load it again and choose again.");
        return 0;
    }
    return want;
}

/* POST /api/resumes/{id}/tailorings/{tid}/apply {"as", "accept", "edits"?, "title"?}
 *   [+ If-Match: "N" for "this"] -> 201 new resume + Location | 200 this resume | 404 |
 *   409 quota_exceeded, tailoring_outdated | 412 | 422 | 428 */
int tailor_apply_route(struct request *req)
{
    json_t *fields = jsonx_own(req->arena, json_object()), *stored = NULL, *tailoring = NULL;
    json_t *applied;
    json_t *problems, *normalized = NULL, *out = NULL;
    const char *if_match = request_env(req, "HTTP_IF_MATCH");
    int64_t version = 0;
    bool as_new;
    int status = 0, rc;

    check_body(req, fields, &as_new);
    if (json_object_size(fields) > 0)
        return invalid(req, fields);
    if (!as_new && (if_match == NULL || *if_match == '\0'))
        return request_error(req, 428, "precondition_required",
                             "Send If-Match with the ETag of the version you tailored.");
    if ((status = load(req, &stored, &tailoring)) != 0)
        return status;
    problems = jsonx_own(req->arena, tailoring_check_choice(
        jsonx_own(req->arena, tailoring_paths(json_object_get(stored, "resume"),
                                              json_object_get(tailoring, "result"))),
        json_object_get(req->input, "accept"), json_object_get(req->input, "edits")));
    if (problems != NULL)
        return invalid(req, problems);
    if (!as_new && (version = this_version(req, stored, &status)) == 0)
        return status;
    if (!json_equal(json_object_get(stored, "version"),
                    json_object_get(tailoring, "resumeVersion")))
        return request_error(req, 409, "tailoring_outdated",
                             "The resume was changed after this tailoring was made, so its "
                             "suggestions may no longer fit. Tailor it again.");

    applied = jsonx_own(req->arena, tailoring_apply(
        json_object_get(stored, "resume"), json_object_get(tailoring, "result"),
        json_object_get(req->input, "accept"), json_object_get(req->input, "edits")));
    if (applied == NULL)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    /* the model's text within the resume's limits, like anything stored */
    problems = resume_check(applied, &normalized);
    jsonx_own(req->arena, normalized);
    if (problems != NULL)
        return request_error_fields(req, 422, "validation_failed",
                                    "With these changes the resume would not be valid.",
                                    problems);
    if (!as_new) {
        rc = resumes_replace(req->svc->db, req->user_id, jsonx_string(stored, "id"), version,
                             applied, &out);
        if (rc == STORE_CONFLICT)
            return request_error(req, 412, "precondition_failed",
                                 "This resume was changed since you loaded it; "
                                 "load it again and choose again.");
        if (rc != STORE_OK)
            return routes_db_failure(req, rc);
        if (out == NULL)
            return not_found(req, "resume");
        return resumes_respond(req, 200, out, NULL);
    }
    if (resume_set_title(applied, json_string(new_title(req, stored, tailoring))) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    rc = resumes_insert(req->svc->db, req->user_id, applied, config.quota.resumes, &out);
    if (rc == STORE_LIMIT)
        return routes_quota_full(req, "resumes");
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    request_header(req, "Location", arena_printf(req->arena, "/api/resumes/%s",
                                                 jsonx_string(out, "id")));
    return resumes_respond(req, 201, out, NULL);
}
