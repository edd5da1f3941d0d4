/*
 * preview.c - the editor's live preview: one page of an unsaved resume as
 * the PDF would print it, as a PNG.
 *
 * The page is drawn by the PDF engine itself (pdf_render_page(): the same
 * layout and the same pager, on an image surface instead of a PDF one),
 * with the look resumes_pdf.c would choose (routes_pdf_options()), so the
 * preview and the download cannot disagree on a line break or a page.
 * The body is judged like POST /api/resumes (one 422 naming every path)
 * and nothing is stored or logged of it; the PNG is made, sent and freed.
 * It is fast enough to follow typing (docs/BENCHMARKS.md, "preview"), so
 * the route is a quick one.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/jsonx.h"
#include "http/request.h"
#include "model/resume.h"
#include "svc/pdf.h"

#define PAGE_MAX 99 /* a resume the schema allows never gets near it */
#define DPI_DEFAULT 96
#define DPI_MIN 48
#define DPI_MAX 192

/* "1".."max" (no sign, no leading zero) into *out; false otherwise. */
static bool parse_small(const char *s, int max, int *out)
{
    int v = 0;

    if (s == NULL || *s < '1' || *s > '9')
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (*s - '0')) > max)
            return false;
    }
    *out = v;
    return true;
}

static int invalid(struct request *req, const char *field, const char *problem)
{
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_pack("{s:s}", field, problem));
}

/* POST /api/preview?page=N&template=&font=&paper=&dpi= {JSON Resume}
 *   -> 200 image/png + X-Page-Count | 422 document paths, page, dpi, paper, template, font */
int preview_create_route(struct request *req)
{
    const char *page_arg = request_query(req, "page"), *dpi_arg = request_query(req, "dpi");
    json_t *normalized = NULL, *problems;
    struct pdf_options opt;
    int page = 1, dpi = DPI_DEFAULT, pages, rc;
    unsigned char *png;
    size_t len;

    if (page_arg != NULL && !parse_small(page_arg, PAGE_MAX, &page))
        return invalid(req, "page", "Give a page number: 1, 2, ...");
    if (dpi_arg != NULL && (!parse_small(dpi_arg, DPI_MAX, &dpi) || dpi < DPI_MIN))
        return invalid(req, "dpi", "Give a resolution from 48 to 192 dots per inch.");
    problems = resume_check(req->input, &normalized);
    json_decref(normalized);
    if (problems != NULL)
        return request_error_fields(req, 422, "validation_failed",
                                    "The resume does not follow the JSON Resume format.",
                                    problems);
    if ((rc = routes_pdf_options(req, req->input, &opt)) != 0)
        return rc;
    if (pdf_render_page(req->input, &opt, page, dpi, &png, &len, &pages) != 0)
        return request_error(req, 500, "internal_error", "The preview could not be made.");
    request_header(req, "X-Page-Count", arena_printf(req->arena, "%d", pages));
    if (png == NULL)
        return invalid(req, "page", pages == 1 ? "This resume has 1 page."
                                               : arena_printf(req->arena,
                                                              "This resume has %d pages.", pages));
    if (arena_add_cleanup(req->arena, free, png) != 0)
        return request_error(req, 500, "internal_error", "The server ran out of memory.");
    return request_bytes(req, 200, "image/png", png, len);
}
