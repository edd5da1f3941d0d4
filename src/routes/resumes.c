/*
 * resumes.c - the signed-in user's resumes over HTTP: list, create (which
 * is also the JSON Resume import), duplicate, read (also as a bare JSON
 * Resume export), replace and delete.
 *
 * A duplicate is a new resume with the same document, titled "... (copy)"
 * in its meta.jobtune, counted against the same quota as a create.
 *
 * Handlers are thin: they read parameters, answer the HTTP-only questions
 * (preconditions, formats, status codes) and leave storage to the
 * resumes_ module and validation to resume_validate().  Another user's
 * resume, an unknown id and an id that is not even well-formed all get
 * the same 404, so nothing tells one from the other.
 *
 * Versions are HTTP entity tags: a stored resume at version N answers with
 * ETag "N", and PUT must name the version it replaces in If-Match
 * (428 without it, 412 when it is stale, and then nothing is written).
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "http/request.h"
#include "model/resume.h"
#include "store/resumes.h"
#include "store/store.h"
#include "svc/services.h"



static int not_found(struct request *req)
{
    return request_error(req, 404, "not_found", "There is no such resume.");
}

static int invalid(struct request *req, const char *field, const char *problem)
{
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_pack("{s:s}", field, problem));
}

int resumes_respond(struct request *req, int status, json_t *stored, json_t *normalized)
{
    json_t *version = json_object_get(stored, "version");

    request_header(req, "ETag", arena_printf(req->arena, "\"%lld\"",
                                             (long long)json_integer_value(version)));
    json_object_del(stored, "userId");
    if (json_array_size(normalized) > 0)
        json_object_set_new(stored, "normalized", normalized);
    else
        json_decref(normalized);
    return request_json(req, status, stored);
}

/* ---- list ---------------------------------------------------------------- */

/* GET /api/resumes?limit=&cursor= -> 200 {"items","next"} | 422 limit/cursor */
int resumes_list_route(struct request *req)
{
    struct routes_page page;
    struct listed_cursor next;
    json_t *items = NULL;
    bool more;
    int rc;

    if ((rc = routes_page_query(req, &page)) != 0)
        return rc;
    rc = resumes_page(req->svc->db, req->user_id, page.limit, page.after, &items, &more, &next);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    return routes_page_answer(req, items, more, &next);
}

/* ---- create -------------------------------------------------------------- */

/* POST /api/resumes {JSON Resume} -> 201 resume + normalized + Location, ETag | 422 */
int resumes_create_route(struct request *req)
{
    json_t *normalized = NULL, *stored = NULL;
    json_t *problems = resume_check(req->input, &normalized);
    int rc;

    jsonx_own(req->arena, normalized);
    if (problems != NULL)
        return request_error_fields(req, 422, "validation_failed",
                                    "The resume does not follow the JSON Resume format.",
                                    problems);
    rc = resumes_insert(req->svc->db, req->user_id, req->input, config.quota.resumes, &stored);
    if (rc == STORE_LIMIT)
        return routes_quota_full(req, "resumes");
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    request_header(req, "Location", arena_printf(req->arena, "/api/resumes/%s",
                                                 jsonx_string(stored, "id")));
    routes_track(req, "resume_created", NULL);
    return resumes_respond(req, 201, stored, json_incref(normalized));
}

/* ---- duplicate ----------------------------------------------------------- */

/* POST /api/resumes/{id}/duplicate -> 201 the copy, titled "<title> (copy)",
 *   + Location, ETag | 404 | 409 quota */
int resumes_duplicate_route(struct request *req)
{
    json_t *stored = NULL, *copy, *made = NULL;
    int rc = resumes_get(req->svc->db, req->user_id, request_param(req, "id"), &stored);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (stored == NULL)
        return not_found(req);
    jsonx_own(req->arena, stored);
    copy = jsonx_own(req->arena, json_deep_copy(json_object_get(stored, "resume")));
    if (copy == NULL || resume_set_title(copy, resume_copy_title(jsonx_string(stored, "title") ?:
                                                                 RESUME_UNTITLED)) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    rc = resumes_insert(req->svc->db, req->user_id, copy, config.quota.resumes, &made);
    if (rc == STORE_LIMIT)
        return routes_quota_full(req, "resumes");
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    request_header(req, "Location", arena_printf(req->arena, "/api/resumes/%s",
                                                 jsonx_string(made, "id")));
    routes_track(req, "resume_created", NULL); /* a copy is a new resume */
    return resumes_respond(req, 201, made, NULL);
}

/* ---- read ---------------------------------------------------------------- */

/* GET /api/resumes/{id}[?format=jsonresume] -> 200 resume | 200 JSON Resume attachment | 404 */
int resumes_show_route(struct request *req)
{
    const char *format = request_query(req, "format");
    json_t *stored = NULL;
    int rc;

    if (format != NULL && strcmp(format, "jsonresume") != 0)
        return invalid(req, "format", "Leave format out, or give format=jsonresume.");
    rc = resumes_get(req->svc->db, req->user_id, request_param(req, "id"), &stored);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (stored == NULL)
        return not_found(req);
    if (format == NULL)
        return resumes_respond(req, 200, stored, NULL);
    request_header(req, "Content-Disposition",
                   routes_resume_attachment(req, json_object_get(stored, "resume"), ".json"));
    rc = request_json(req, 200, json_incref(json_object_get(stored, "resume")));
    json_decref(stored);
    return rc;
}

/* ---- replace ------------------------------------------------------------- */

int64_t resumes_if_match_version(const char *h)
{
    char digits[20];
    size_t n = 0;
    const char *p = h;
    bool quoted;

    while (*p == ' ' || *p == '\t')
        p++;
    quoted = *p == '"';
    if (quoted)
        p++;
    while (*p >= '0' && *p <= '9' && n < sizeof(digits) - 1)
        digits[n++] = *p++;
    digits[n] = '\0';
    if (n == 0 || n > 15 || (quoted && *p++ != '"'))
        return 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '\0')
        return 0;
    return (int64_t)strtoll(digits, NULL, 10);
}

/* PUT /api/resumes/{id} {JSON Resume} + If-Match: "N"
 *   -> 200 resume + normalized | 404 | 412 | 422 | 428 */
int resumes_update_route(struct request *req)
{
    const char *id = request_param(req, "id"), *if_match = request_env(req, "HTTP_IF_MATCH");
    json_t *problems, *stored = NULL, *normalized = NULL;
    int64_t version;
    int rc;

    if (!resumes_is_id(id))
        return not_found(req);
    if (if_match == NULL || *if_match == '\0')
        return request_error(req, 428, "precondition_required",
                             "Send If-Match with the ETag of the version you edited.");
    problems = resume_check(req->input, &normalized);
    jsonx_own(req->arena, normalized);
    if (problems != NULL)
        return request_error_fields(req, 422, "validation_failed",
                                    "The resume does not follow the JSON Resume format.",
                                    problems);
    version = resumes_if_match_version(if_match);
    if (version <= 0) {
        /* no version of ours: 412, unless there is nothing to edit at all */
        rc = resumes_get(req->svc->db, req->user_id, id, &stored);
        if (rc != STORE_OK)
            return routes_db_failure(req, rc);
        if (stored == NULL)
            return not_found(req);
        json_decref(stored);
        rc = STORE_CONFLICT;
    } else {
        rc = resumes_replace(req->svc->db, req->user_id, id, version, req->input, &stored);
    }
    if (rc == STORE_CONFLICT)
        return request_error(req, 412, "precondition_failed",
                             "This resume was changed since you loaded it; "
                             "load it again and reapply your edit.");
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (stored == NULL)
        return not_found(req);
    return resumes_respond(req, 200, stored, json_incref(normalized));
}

/* ---- delete -------------------------------------------------------------- */

/* DELETE /api/resumes/{id} -> 204 (with its tailorings) | 404 */
int resumes_delete_route(struct request *req)
{
    bool found;
    int rc = resumes_remove(req->svc->db, req->user_id, request_param(req, "id"), &found);

    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (!found)
        return not_found(req);
    /* an empty body of our own: the dispatcher only fills in a missing one */
    req->status = 204;
    req->resp_type = "text/plain; charset=utf-8";
    req->resp_body = "";
    req->resp_len = 0;
    return 204;
}
