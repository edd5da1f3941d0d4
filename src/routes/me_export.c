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
 *                     at}]}]}
 *
 * Memory: nothing here grows with the user's data but the directory (one
 * document, which every list route loads anyway) and the ticket numbers.
 * The JSON is streamed: the status and headers go out first, then each
 * record is fetched by _id, written with json_dump_callback() through
 * libfcgi's buffer, and freed before the next.  The ZIP cannot be
 * streamed that way (libzip writes an archive to a file or to memory), so
 * the same JSON writer writes to a file in a private temporary directory,
 * each resume's PDF is rendered to a file there one at a time, libzip
 * reads those files a buffer at a time while it writes the archive file,
 * and the archive is then streamed out in pieces; the directory is
 * removed when the request ends, whatever happened.  It is a working
 * folder of svc/scratch.h: in memory-backed /dev/shm where the host has it
 * (so an export never reaches a disk), readable by this user only, and,
 * when its worker is killed mid-export, removed by the master that reaps
 * the worker, by the user's erasure, or by the scheduler.
 */
#include "routes/routes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/fault.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "http/request.h"
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
#include "svc/scratch.h"
#include "svc/services.h"

#define CHUNK (64 * 1024)

/* Where the export goes: the client (streamed) or a file (the ZIP's). */
struct sink {
    struct request *req;
    FILE *file;
    bool failed;
    bool first;              /* no element yet in the array being written */
    const char *pdf_dir;     /* ZIP: render each resume's PDF here; else NULL */
    json_t *pdfs;            /* ZIP: names of the PDFs written */
    json_t *privacy;         /* privacy requests met among the tickets */
};

static int put(const char *p, size_t n, void *arg)
{
    struct sink *s = arg;

    if (s->failed)
        return -1;
    if (s->file != NULL ? fwrite(p, 1, n, s->file) != n : request_stream_write(s->req, p, n) != 0)
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

static int render_pdf(struct sink *s, json_t *resume)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    char *path, *name;
    FILE *f;
    int rc;

    if (pdf_render(json_object_get(resume, "resume"), PDF_A4, jsonx_string(resume, "title"),
                   &pdf, &len) != 0)
        return STORE_ERROR;
    name = arena_printf(s->req->arena, "resume-%s.pdf", jsonx_string(resume, "id"));
    path = arena_printf(s->req->arena, "%s/%s", s->pdf_dir, name);
    f = fopen(path, "wb");
    rc = f != NULL && fwrite(pdf, 1, len, f) == len ? STORE_OK : STORE_ERROR;
    if (f != NULL && fclose(f) != 0)
        rc = STORE_ERROR;
    free(pdf);
    if (rc != STORE_OK)
        log_error("export: cannot write a PDF: %s", strerror(errno));
    else
        json_array_append_new(s->pdfs, json_string(name));
    return rc;
}

static int resume_out(const char *id, const char *parent, void *arg)
{
    struct sink *s = arg;
    json_t *r = NULL, *jr;
    int rc;

    (void)parent;
    if ((rc = resumes_get(s->req->svc->db, s->req->user_id, id, &r)) != STORE_OK)
        return rc;
    if (r == NULL)
        return 0; /* listed, never stored: its request died */
    jr = json_deep_copy(json_object_get(r, "resume"));
    json_object_set_new(jr, "meta", json_pack("{s:s, s:O, s:I}", "canonical",
                        "https://jsonresume.org/schema/", "lastModified",
                        json_object_get(r, "updatedAt"), "version",
                        json_integer_value(json_object_get(r, "version"))));
    json_object_set_new(r, "jsonResume", jr);
    element(s, r);
    if (s->pdf_dir != NULL)
        rc = render_pdf(s, r);
    json_decref(r);
    return rc;
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
    json_t *pr;
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
    put_s(s, "]}\n");
    if (rc == STORE_OK && s->failed)
        rc = STORE_ERROR;
    return rc;
}

/* ---- the ZIP's working folder (svc/scratch.h) ---------------------------- */

static void remove_scratch(void *path)
{
    scratch_remove(path);
}

static void close_file(void *f)
{
    fclose(f);
}

/* A private folder for this request, removed when it ends (and, if its
 * worker dies first, by the master that reaps it). */
static const char *temp_dir(struct request *req)
{
    char *path = arena_alloc(req->arena, 4096);

    if (path == NULL || scratch_create(req->user_id, path, 4096) != 0)
        return NULL;
    arena_add_cleanup(req->arena, remove_scratch, path);
    return path;
}

static int zip_export(struct request *req, struct sink *s, json_t *user, json_t *dir,
                      const char *filename)
{
    const char *tmp = temp_dir(req), *json_path, *zip_path;
    struct archive *ar;
    json_t *name;
    size_t i;
    char *buf;
    FILE *f;
    int rc;

    if (tmp == NULL)
        return 500;
    json_path = arena_printf(req->arena, "%s/export.json", tmp);
    zip_path = arena_printf(req->arena, "%s/export.zip", tmp);
    if ((s->file = fopen(json_path, "wb")) == NULL)
        return 500;
    s->pdf_dir = tmp;
    s->pdfs = jsonx_own(req->arena, json_array());
    rc = write_export(s, user, dir);
    if (fclose(s->file) != 0 && rc == STORE_OK)
        rc = STORE_ERROR;
    s->file = NULL;
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    fault_point("export_members_written"); /* the tests: a worker killed here */
    if ((ar = archive_new(zip_path)) == NULL)
        return 500;
    rc = archive_add_file(ar, "export.json", json_path, true);
    json_array_foreach(s->pdfs, i, name) {
        if (rc == 0)
            rc = archive_add_file(ar, json_string_value(name),
                                  arena_printf(req->arena, "%s/%s", tmp, json_string_value(name)),
                                  false);
    }
    if (rc != 0) {
        archive_discard(ar);
        return 500;
    }
    if (archive_close(ar) != 0 || (f = fopen(zip_path, "rb")) == NULL)
        return 500;
    arena_add_cleanup(req->arena, close_file, f);
    request_header(req, "Content-Disposition",
                   arena_printf(req->arena, "attachment; filename=\"%s.zip\"", filename));
    if (request_stream_begin(req, 200, "application/zip") != 0)
        return 200;
    buf = arena_alloc(req->arena, CHUNK);
    for (size_t n; !request_is_head(req) && (n = fread(buf, 1, CHUNK, f)) > 0;) {
        if (request_stream_write(req, buf, n) != 0)
            break; /* the client went away */
    }
    return 200;
}

/* GET /api/me/export[?format=json|zip] -> 200 attachment (streamed) | 422 */
int me_export_get_route(struct request *req)
{
    const char *format = request_query(req, "format");
    struct sink s = {.req = req, .first = true};
    json_t *user = NULL, *dir = NULL;
    char day[40], *filename;
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
    text_iso8601(clock_wall_ms(), day, sizeof(day));
    day[10] = '\0'; /* YYYY-MM-DD */
    filename = arena_printf(req->arena, "jobtune-export-%s", day);

    if (format != NULL && strcmp(format, "zip") == 0) {
        rc = zip_export(req, &s, user, dir, filename);
        if (rc == 200)
            routes_track(req, "data_exported", json_pack("{s:s}", "format", "zip"));
        return rc;
    }

    request_header(req, "Content-Disposition",
                   arena_printf(req->arena, "attachment; filename=\"%s.json\"", filename));
    if (request_stream_begin(req, 200, "application/json") != 0 || request_is_head(req))
        return 200;
    if ((rc = write_export(&s, user, dir)) != STORE_OK)
        log_error("export of a user cut short (%d): the client got a truncated document", rc);
    else
        routes_track(req, "data_exported", json_pack("{s:s}", "format", "json"));
    return 200;
}
