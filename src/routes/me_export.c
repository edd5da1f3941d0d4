/*
 * me_export.c - GET /api/me/export: every piece of personal data held
 * about the signed-in user, as one JSON attachment (?format=zip: a ZIP of
 * that JSON and each resume as a PDF).
 *
 * The document, in this order:
 *   {"format": "jobtune-export/1", "exportedAt", "userId",
 *    "account":     the users document (profile, residence, consent and
 *                   its history),
 *    "resumes":     [{id, userId, version, title, createdAt, updatedAt,
 *                     resume (as stored), jsonResume (the same with a
 *                     JSON Resume "meta")}],
 *    "tailorings":  [stored tailoring documents],
 *    "interviews":  [{id, version, ...stored body: questions with their
 *                     answers (the transcript), report}],
 *    "tickets":     [support tickets filed signed in or from the
 *                    account's email, any case],
 *    "privacyRequests": [{ticket, ...the privacyRequest of a ticket}],
 *    "processing":  [{at, entries: [{processor, purpose, dataCategories,
 *                     at}]}],
 *    "quotas":      {resumes, interviews, tailoringsPerResume,
 *                    aiCallsPerDay: {used, limit[, resetsAt]}} (quota.c)}
 *
 * Memory: nothing here grows with the user's data but the directory (one
 * document, which every list route loads anyway), the ticket numbers and,
 * for the ZIP, a central-directory entry per member.  Both forms are
 * streamed: the status and headers go out first, then each record is
 * fetched by _id, written with json_dump_callback() and freed before the
 * next.  The JSON goes straight through libfcgi's buffer; the ZIP
 * (svc/archive.h) deflates it as member export.json as it passes, then
 * renders each resume's PDF in memory, one at a time, and sends it as a
 * stored member before the next is made (named as the PDF route names
 * it, in the look its meta.jobtune asks for).  Nothing goes to a file.
 *
 * A failure part-way (the database gone, the archive past its limits)
 * cannot become an error status any more: it is logged and the transfer
 * is made to fail (request_stream_fail()), so the client never holds a
 * cut-off document that ended like a whole one.
 */
#include "routes/routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "http/request.h"
#include "model/resume.h"
#include "store/directory.h"
#include "store/interviews.h"
#include "store/processing.h"
#include "store/resumes.h"
#include "store/store.h"
#include "store/tailorings.h"
#include "store/tickets.h"
#include "store/users.h"
#include "svc/archive.h"
#include "svc/pdf.h"
#include "svc/services.h"

/* Where the JSON goes: the client, or the ZIP's member export.json. */
struct sink {
    struct request *req;
    struct archive *zip;     /* ZIP: the archive; else NULL */
    bool failed;
    bool first;              /* no element yet in the array being written */
    json_t *privacy;         /* privacy requests met among the tickets */
    json_t *pdf_names;       /* ZIP: the PDF members' names so far (a set) */
};

static int put(const char *p, size_t n, void *arg)
{
    struct sink *s = arg;

    if (s->failed)
        return -1;
    if (s->zip != NULL ? archive_write(s->zip, p, n) != 0 : request_stream_write(s->req, p, n) != 0)
        s->failed = true;
    return s->failed ? -1 : 0;
}

static void put_s(struct sink *s, const char *text)
{
    put(text, strlen(text), s);
}

/* One value, written as it is serialized. */
static void put_json(struct sink *s, json_t *v)
{
    if (json_dump_callback(v, put, s, JSON_COMPACT | JSON_ENCODE_ANY) != 0)
        s->failed = true;
}

/* `"name":[` */
static void open_array(struct sink *s, const char *name)
{
    put_s(s, ",\"");
    put_s(s, name);
    put_s(s, "\":[");
    s->first = true;
}

static void element(struct sink *s, json_t *v)
{
    if (!s->first)
        put_s(s, ",");
    s->first = false;
    put_json(s, v);
}

/* ---- the sections ------------------------------------------------------- */

static int resume_out(const char *id, const char *parent, void *arg)
{
    struct sink *s = arg;
    json_t *r = NULL, *jr, *look;
    int rc;

    (void)parent;
    if ((rc = resumes_get(s->req->svc->db, s->req->user_id, id, &r)) != STORE_OK)
        return rc;
    if (r == NULL)
        return 0; /* listed, never stored: its request died */
    jr = json_deep_copy(json_object_get(r, "resume"));
    /* JSON Resume's meta.version is text */
    json_object_set_new(jr, "meta", json_pack("{s:s, s:O, s:o}", "canonical",
                        "https://jsonresume.org/schema/", "lastModified",
                        json_object_get(r, "updatedAt"), "version",
                        json_sprintf("%" JSON_INTEGER_FORMAT,
                                     json_integer_value(json_object_get(r, "version")))));
    /* how it prints is the resume's own: it goes where it came from */
    if ((look = resume_jobtune(json_object_get(r, "resume"))) != NULL)
        json_object_set(json_object_get(jr, "meta"), "jobtune", look);
    json_object_set_new(r, "jsonResume", jr);
    element(s, r);
    json_decref(r);
    return 0;
}

static int tailoring_out(const char *id, const char *parent, void *arg)
{
    struct sink *s = arg;
    json_t *t = NULL;
    int rc;

    (void)parent;
    if ((rc = tailorings_get(s->req->svc->db, s->req->user_id, id, &t)) != STORE_OK)
        return rc;
    if (t != NULL)
        element(s, t);
    json_decref(t);
    return 0;
}

static int interview_out(const char *id, const char *parent, void *arg)
{
    struct sink *s = arg;
    json_t *body = NULL, *out;
    struct chain_ver v;
    int rc;

    (void)parent;
    if ((rc = interviews_get(s->req->svc->db, s->req->user_id, id, &body, &v)) != STORE_OK)
        return rc;
    if (body == NULL)
        return 0;
    out = json_pack("{s:s, s:I}", "id", id, "version", (json_int_t)v.gen);
    json_object_update(out, body);
    element(s, out);
    json_decref(out);
    json_decref(body);
    return 0;
}

/* `"section":[...]`: each object the directory lists, fetched by _id */
static int write_section(struct sink *s, json_t *dir, const char *section,
                         directory_visit_fn out)
{
    int rc;

    open_array(s, section);
    rc = directory_each(dir, section, out, s);
    put_s(s, "]");
    return rc;
}

static int ticket_out(json_t *ticket, void *arg)
{
    struct sink *s = arg;
    json_t *pr = json_object_get(ticket, "privacyRequest");

    element(s, ticket);
    if (json_is_object(pr)) {
        json_t *copy = json_pack("{s:O}", "ticket", json_object_get(ticket, "_id"));

        json_object_update(copy, pr);
        json_array_append_new(s->privacy, copy);
    }
    return s->failed ? STORE_ERROR : 0;
}

static int processing_out(json_t *slot, void *arg)
{
    struct sink *s = arg;

    json_object_del(slot, "_id");
    element(s, slot);
    return s->failed ? STORE_ERROR : 0;
}

/* The whole document, after the account and the directory are read. */
static int write_export(struct sink *s, json_t *user, json_t *dir)
{
    struct request *req = s->req;
    char at[40];
    size_t i;
    json_t *pr, *quotas;
    int rc;

    put_s(s, "{\"format\":\"jobtune-export/1\",\"exportedAt\":");
    put_json(s, jsonx_own(req->arena, json_string(text_iso8601(clock_wall_ms(), at,
                                                                sizeof(at)))));
    put_s(s, ",\"userId\":");
    put_json(s, jsonx_own(req->arena, json_string(req->user_id)));
    put_s(s, ",\"account\":");
    put_json(s, user);
    if ((rc = write_section(s, dir, "resumes", resume_out)) != STORE_OK ||
        (rc = write_section(s, dir, "tailorings", tailoring_out)) != STORE_OK ||
        (rc = write_section(s, dir, "interviews", interview_out)) != STORE_OK)
        return rc;
    open_array(s, "tickets");
    rc = tickets_each_of_user(req->svc->db, req->user_id, jsonx_string(user, "email"),
                              ticket_out, s);
    put_s(s, "]");
    if (rc != STORE_OK)
        return rc;
    open_array(s, "privacyRequests");
    json_array_foreach(s->privacy, i, pr)
        element(s, pr);
    put_s(s, "]");
    open_array(s, "processing");
    rc = processing_each(req->svc->db, req->user_id, processing_out, s);
    put_s(s, "]");
    if (rc != STORE_OK)
        return rc;
    if ((quotas = jsonx_own(req->arena, routes_quota_usage(req, dir))) == NULL)
        return STORE_DOWN;
    put_s(s, ",\"quotas\":");
    put_json(s, quotas);
    put_s(s, "}\n");
    if (s->failed)
        rc = STORE_ERROR;
    return rc;
}

/* ---- the ZIP ------------------------------------------------------------------ */

static int to_client(const void *p, size_t n, void *arg)
{
    return request_stream_write(arg, p, n);
}

static void free_archive(void *ar)
{
    archive_free(ar);
}

/* The ZIP member name of a resume's PDF: the name the PDF route gives it
 * (ASCII, as every unzip reads it), made unique with "-2", "-3", ...
 * when another resume of the export has the same person and title. */
static const char *pdf_member_name(struct sink *s, json_t *resume)
{
    char *name = pdf_file_name(resume, true);
    size_t stem = strlen(name) - strlen(".pdf");
    const char *unique = arena_strdup(s->req->arena, name);

    for (int n = 2; unique != NULL && json_object_get(s->pdf_names, unique) != NULL; n++)
        unique = arena_printf(s->req->arena, "%.*s-%d.pdf", (int)stem, name, n);
    free(name);
    if (unique != NULL)
        json_object_set_new(s->pdf_names, unique, json_true());
    return unique;
}

/* A member per resume, its PDF as the PDF route makes it without a query
 * (meta.jobtune's look): rendered in memory (one resume's PDF at a time,
 * bounded by the resume's own 256 KiB limit), sent, freed. */
static int pdf_out(const char *id, const char *parent, void *arg)
{
    struct sink *s = arg;
    unsigned char *pdf = NULL;
    size_t len = 0;
    json_t *r = NULL, *resume;
    struct pdf_options look;
    const char *name;
    int rc;

    (void)parent;
    if ((rc = resumes_get(s->req->svc->db, s->req->user_id, id, &r)) != STORE_OK)
        return rc;
    if (r == NULL)
        return 0; /* deleted since export.json was written */
    resume = json_object_get(r, "resume");
    routes_pdf_look(resume, &look);
    rc = pdf_render_with(resume, &look, jsonx_string(r, "title"), &pdf, &len);
    if (rc == 0)
        rc = (name = pdf_member_name(s, resume)) != NULL
                 ? archive_add_stored(s->zip, name, pdf, len)
                 : -1;
    free(pdf);
    json_decref(r);
    return rc == 0 ? STORE_OK : STORE_ERROR;
}

/* export.json, then a PDF per resume, then the central directory. */
static int write_zip(struct sink *s, json_t *user, json_t *dir)
{
    struct request *req = s->req;
    int rc;

    s->zip = archive_new(to_client, req, clock_wall_ms());
    arena_add_cleanup(req->arena, free_archive, s->zip);
    if (archive_begin(s->zip, "export.json") != 0)
        return STORE_ERROR;
    if ((rc = write_export(s, user, dir)) != STORE_OK)
        return rc;
    if (archive_end(s->zip) != 0)
        return STORE_ERROR;
    if ((rc = directory_each(dir, "resumes", pdf_out, s)) != STORE_OK)
        return rc;
    return archive_finish(s->zip) == 0 ? STORE_OK : STORE_ERROR;
}

/* GET /api/me/export[?format=json|zip] -> 200 attachment (streamed) | 422 */
int me_export_get_route(struct request *req)
{
    const char *format = request_query(req, "format");
    struct sink s = {.req = req, .first = true};
    json_t *user = NULL, *dir = NULL;
    char day[40], *filename;
    bool zip;
    int rc;

    if (format != NULL && strcmp(format, "json") != 0 && strcmp(format, "zip") != 0)
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "format", "Use json or zip."));
    if ((rc = users_get(req->svc->db, req->user_id, &user)) != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, user);
    if (user == NULL)
        user = jsonx_own(req->arena, json_object());
    if ((rc = directory_get(req->svc->db, req->user_id, &dir)) != STORE_OK)
        return routes_db_failure(req, rc);
    jsonx_own(req->arena, dir);
    s.privacy = jsonx_own(req->arena, json_array());
    s.pdf_names = jsonx_own(req->arena, json_object());
    text_iso8601(clock_wall_ms(), day, sizeof(day));
    day[10] = '\0'; /* YYYY-MM-DD */
    filename = arena_printf(req->arena, "jobtune-export-%s", day);

    zip = format != NULL && strcmp(format, "zip") == 0;
    request_header(req, "Content-Disposition",
                   arena_printf(req->arena, "attachment; filename=\"%s.%s\"", filename,
                                zip ? "zip" : "json"));
    if (request_stream_begin(req, 200, zip ? "application/zip" : "application/json") != 0 ||
        request_is_head(req))
        return 200;
    if ((rc = zip ? write_zip(&s, user, dir) : write_export(&s, user, dir)) != STORE_OK) {
        log_error("export of a user cut short (%d): the transfer is made to fail", rc);
        request_stream_fail(req);
    } else {
        routes_track(req, "data_exported", json_pack("{s:s}", "format", zip ? "zip" : "json"));
    }
    return 200;
}
