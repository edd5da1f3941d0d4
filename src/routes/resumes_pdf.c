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
 * reads, every suggestion accepted (tailoring_apply() in
 * model/tailoring.c, the same as POST .../apply): the tailored summary,
 * the tailored highlights of each work entry it names, and the skills in
 * its order.  The stored resume is not changed; a tailoring of another
 * resume, or someone else's, is the same 404.
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
#include "model/tailoring.h"
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

/* name, a pdf_file_name() (malloc'd, freed here), ending in ext instead
 * of ".pdf": in the arena, NULL when out of memory. */
static char *named(struct request *req, char *name, const char *ext)
{
    size_t n = name != NULL ? strlen(name) : 0;
    char *out = n > 4 ? arena_printf(req->arena, "%.*s%s", (int)(n - 4), name, ext) : NULL;

    free(name);
    return out;
}

const char *routes_resume_attachment(struct request *req, json_t *resume, const char *ext)
{
    static const char hex[] = "0123456789ABCDEF";
    char *ascii = named(req, pdf_file_name(resume, true), ext);
    char *utf8 = named(req, pdf_file_name(resume, false), ext);
    size_t n = utf8 != NULL ? strlen(utf8) : 0, k = 0;
    char *enc = ascii != NULL && utf8 != NULL ? arena_alloc(req->arena, 3 * n + 1) : NULL;
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

/* The resume's look with the query's (checked before) over it. */
static void query_look(struct request *req, json_t *resume, struct pdf_options *o)
{
    const char *paper = request_query(req, "paper");

    routes_pdf_look(resume, o);
    if (paper != NULL)
        o->paper = strcmp(paper, "letter") == 0 ? PDF_LETTER : PDF_A4;
    if (request_query(req, "template") != NULL)
        o->template_id = request_query(req, "template");
    if (request_query(req, "font") != NULL)
        o->font_id = request_query(req, "font");
}

int routes_pdf_options(struct request *req, json_t *resume, struct pdf_options *o)
{
    int rc;

    if ((rc = check_look_query(req)) != 0)
        return rc;
    query_look(req, resume, o);
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
        resume = jsonx_own(req->arena, tailoring_apply(
            resume, json_object_get(tailoring, "result"),
            jsonx_own(req->arena, tailoring_paths(resume, json_object_get(tailoring, "result"))),
            NULL));
        if (resume == NULL)
            return request_error(req, 500, "internal_error", "The server ran out of memory.");
    }

    query_look(req, resume, &opt); /* the query was checked before the resume was read */
    if (pdf_render_with(resume, &opt, jsonx_string(resume_jobtune(resume), "title"), &pdf,
                        &len) != 0)
        return request_error(req, 500, "internal_error", "The PDF could not be made.");
    if (arena_add_cleanup(req->arena, free, pdf) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    request_header(req, "Content-Disposition", routes_resume_attachment(req, resume, ".pdf"));
    routes_track(req, "pdf_exported",
                 json_pack("{s:s}", "paper", opt.paper == PDF_LETTER ? "letter" : "a4"));
    return request_bytes(req, 200, "application/pdf", pdf, len);
}
