/*
 * resumes_pdf.c - a stored resume as a PDF download: the policy's right to
 * data portability in the form people actually use.
 *
 * The handler only answers the HTTP questions (paper size, ownership,
 * status codes); reading is resumes_get(), which filters by the session's
 * user, so another user's resume is the same 404 as an unknown one, and
 * typesetting is pdf_render().  The PDF is made on every request and
 * never stored.  Its malloc'd buffer is handed to the request's arena, so
 * it is freed after the response is written, on every path.
 *
 * The look (paper, template, font) and the sections that print are the
 * query's, else the resume's meta.jobtune, else the defaults; the editor's
 * preview (preview.c) asks routes_pdf_options() the same question, so the
 * page it shows is the page this route prints.
 *
 * With ?tailoring=<id> the PDF is of the resume as that tailoring of it
 * reads: the tailored summary, the tailored highlights of each work entry
 * it names, and the skills in its order (skills it does not list keep
 * their place after those it does).  The stored resume is not changed; a
 * tailoring of another resume, or someone else's, is the same 404.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "http/request.h"
#include "model/resume.h"
#include "store/resumes.h"
#include "store/store.h"
#include "store/tailorings.h"
#include "svc/pdf.h"
#include "svc/services.h"

/* GET /api/pdf/templates -> 200 {"templates", "fonts", "default"} */
int pdf_templates_get_route(struct request *req)
{
    return request_json(req, 200, pdf_catalog());
}

/* The skills of resume (borrowed) in the order of names (borrowed array
 * of skill names): a new array. */
static json_t *reordered_skills(json_t *skills, json_t *names)
{
    size_t n = json_array_size(skills), i, j;
    json_t *out = json_array(), *name, *skill;
    char *used = calloc(n + 1, 1);

    if (out == NULL || used == NULL) {
        free(used);
        return out;
    }
    json_array_foreach(names, j, name) {
        for (i = 0; i < n; i++) {
            const char *have = jsonx_string(json_array_get(skills, i), "name");

            if (!used[i] && have != NULL && json_is_string(name) &&
                strcmp(have, json_string_value(name)) == 0) {
                json_array_append(out, json_array_get(skills, i));
                used[i] = 1;
                break;
            }
        }
    }
    json_array_foreach(skills, i, skill) {
        if (!used[i])
            json_array_append(out, skill);
    }
    free(used);
    return out;
}

/* resume (borrowed) as the tailoring's result (borrowed) reads it: a new
 * reference, or NULL when Jansson runs out of memory. */
static json_t *tailored_copy(json_t *resume, json_t *result)
{
    json_t *copy = json_deep_copy(resume), *basics, *work, *item, *skills;
    const char *summary = jsonx_string(result, "summary");
    size_t i;

    if (copy == NULL)
        return NULL;
    if (summary != NULL) {
        basics = json_object_get(copy, "basics");
        if (!json_is_object(basics)) {
            basics = json_object();
            json_object_set_new(copy, "basics", basics);
        }
        json_object_set_new(basics, "summary", json_string(summary));
    }
    work = json_object_get(copy, "work");
    json_array_foreach(json_object_get(result, "work"), i, item) {
        json_t *index = json_object_get(item, "index"), *entry;

        /* the resume may have changed since: an entry it no longer has is skipped */
        if (!json_is_integer(index) || json_integer_value(index) < 0 ||
            (entry = json_array_get(work, (size_t)json_integer_value(index))) == NULL ||
            !json_is_object(entry))
            continue;
        json_object_set(entry, "highlights", json_object_get(item, "highlights"));
    }
    skills = json_object_get(copy, "skills");
    if (json_is_array(skills) && json_is_array(json_object_get(result, "skills")))
        json_object_set_new(copy, "skills",
                            reordered_skills(skills, json_object_get(result, "skills")));
    return copy;
}

/* Content-Disposition of resume's PDF (RFC 6266): the ASCII name for
 * every client, and the UTF-8 one percent-encoded (RFC 8187) for those
 * that read filename*.  Both names come from pdf_file_name(). */
static const char *attachment(struct request *req, json_t *resume)
{
    static const char hex[] = "0123456789ABCDEF";
    char *ascii = pdf_file_name(resume, true), *utf8 = pdf_file_name(resume, false);
    size_t n = strlen(utf8), k = 0;
    char *enc = arena_alloc(req->arena, 3 * n + 1);
    const char *value = "attachment";

    for (const unsigned char *p = (const unsigned char *)utf8; enc != NULL && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_') {
            enc[k++] = (char)*p;
        } else {
            enc[k++] = '%';
            enc[k++] = hex[*p >> 4];
            enc[k++] = hex[*p & 15];
        }
    }
    if (enc != NULL) {
        enc[k] = '\0';
        value = arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                             ascii, enc) ?: value;
    }
    free(ascii);
    free(utf8);
    return value;
}

/* The first query parameter of names that is wrong, as a 422; 0 when
 * they are all absent or known. */
static int check_look_query(struct request *req)
{
    const char *paper = request_query(req, "paper");
    const char *tpl = request_query(req, "template"), *font = request_query(req, "font");
    const char *field = NULL, *problem = NULL;

    if (paper != NULL && !resume_is_one_of(resume_papers, paper))
        field = "paper", problem = "Give paper=a4 or paper=letter.";
    else if (tpl != NULL && !pdf_has_template(tpl))
        field = "template", problem = "Give one of the ids GET /api/pdf/templates lists under "
                                      "templates.";
    else if (font != NULL && !pdf_has_font(font))
        field = "font", problem = "Give one of the ids GET /api/pdf/templates lists under fonts.";
    if (field == NULL)
        return 0;
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_pack("{s:s}", field, problem));
}

void routes_pdf_look(json_t *resume, struct pdf_options *o)
{
    json_t *jobtune = resume_jobtune(resume);
    const char *paper = jsonx_string(jobtune, "paper");

    memset(o, 0, sizeof(*o));
    o->paper = paper != NULL && strcmp(paper, "letter") == 0 ? PDF_LETTER : PDF_A4;
    o->template_id = jsonx_string(jobtune, "template");
    o->font_id = jsonx_string(jobtune, "font");
    o->sections = json_object_get(jobtune, "sections");
}

int routes_pdf_options(struct request *req, json_t *resume, struct pdf_options *o)
{
    const char *paper = request_query(req, "paper");
    int rc;

    if ((rc = check_look_query(req)) != 0)
        return rc;
    routes_pdf_look(resume, o);
    if (paper != NULL)
        o->paper = strcmp(paper, "letter") == 0 ? PDF_LETTER : PDF_A4;
    if (request_query(req, "template") != NULL)
        o->template_id = request_query(req, "template");
    if (request_query(req, "font") != NULL)
        o->font_id = request_query(req, "font");
    return 0;
}

/* GET /api/resumes/{id}/pdf?paper=a4|letter&template=&font=&tailoring=
 *   -> 200 application/pdf | 404 (also an unknown tailoring) | 422 paper, template, font */
int resume_pdf_get_route(struct request *req)
{
    const char *tailoring_arg = request_query(req, "tailoring");
    json_t *resume;
    struct pdf_options opt;
    json_t *stored = NULL;
    unsigned char *pdf;
    size_t len;
    int rc;

    if ((rc = check_look_query(req)) != 0)
        return rc;
    rc = resumes_get(req->svc->db, req->user_id, request_param(req, "id"), &stored);
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    if (stored == NULL)
        return request_error(req, 404, "not_found", "There is no such resume.");
    jsonx_own(req->arena, stored);
    resume = json_object_get(stored, "resume");
    if (tailoring_arg != NULL) {
        json_t *tailoring = NULL;
        const char *of;

        if (!encode_is_hex(tailoring_arg, TAILORINGS_ID_LEN))
            return request_error(req, 404, "not_found", "There is no such tailoring.");
        rc = tailorings_get(req->svc->db, req->user_id, tailoring_arg, &tailoring);
        if (rc != STORE_OK)
            return routes_db_failure(req, rc);
        tailoring = jsonx_own(req->arena, tailoring);
        of = jsonx_string(tailoring, "resumeId");
        if (tailoring == NULL || of == NULL || strcmp(of, request_param(req, "id")) != 0)
            return request_error(req, 404, "not_found", "There is no such tailoring.");
        resume = jsonx_own(req->arena, tailored_copy(resume, json_object_get(tailoring, "result")));
        if (resume == NULL)
            return request_error(req, 500, "internal_error", "The server ran out of memory.");
    }

    if ((rc = routes_pdf_options(req, resume, &opt)) != 0)
        return rc;
    if (pdf_render_with(resume, &opt, NULL, &pdf, &len) != 0)
        return request_error(req, 500, "internal_error", "The PDF could not be made.");
    if (arena_add_cleanup(req->arena, free, pdf) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    request_header(req, "Content-Disposition", attachment(req, resume));
    routes_track(req, "pdf_exported",
                 json_pack("{s:s}", "paper", opt.paper == PDF_LETTER ? "letter" : "a4"));
    return request_bytes(req, 200, "application/pdf", pdf, len);
}
