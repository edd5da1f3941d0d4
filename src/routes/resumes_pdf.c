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

/* GET /api/resumes/{id}/pdf?paper=a4|letter&template=&font=&tailoring=
 *   -> 200 application/pdf | 404 (also an unknown tailoring) | 422 paper, template, font */
int resume_pdf_get_route(struct request *req)
{
    const char *paper_arg = request_query(req, "paper");
    const char *template_arg = request_query(req, "template"), *font_arg = request_query(req, "font");
    const char *tailoring_arg = request_query(req, "tailoring");
    json_t *resume;
    enum pdf_paper paper = PDF_A4;
    struct pdf_options opt;
    json_t *stored = NULL;
    unsigned char *pdf;
    size_t len;
    int rc;

    if (paper_arg != NULL) {
        if (strcmp(paper_arg, "letter") == 0)
            paper = PDF_LETTER;
        else if (strcmp(paper_arg, "a4") != 0)
            return request_error_fields(req, 422, "validation_failed",
                                        "Some fields need attention.",
                                        json_pack("{s:s}", "paper",
                                                  "Give paper=a4 or paper=letter."));
    }
    if (template_arg != NULL && !pdf_has_template(template_arg))
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "template",
                                              "Give one of the ids GET /api/pdf/templates "
                                              "lists under templates."));
    if (font_arg != NULL && !pdf_has_font(font_arg))
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "font",
                                              "Give one of the ids GET /api/pdf/templates "
                                              "lists under fonts."));
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

    opt = (struct pdf_options){paper, template_arg, font_arg};
    if (pdf_render_with(resume, &opt, NULL, &pdf, &len) != 0)
        return request_error(req, 500, "internal_error", "The PDF could not be made.");
    if (arena_add_cleanup(req->arena, free, pdf) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    request_header(req, "Content-Disposition", "attachment; filename=\"resume.pdf\"");
    routes_track(req, "pdf_exported",
                 json_pack("{s:s}", "paper", paper == PDF_LETTER ? "letter" : "a4"));
    return request_bytes(req, 200, "application/pdf", pdf, len);
}
