/*
 * request.c - request inputs, the response builder and the body reader.
 *
 * Together with the dispatcher (routes/dispatch.c) this is the one place
 * that turns "wrong content type", "too large" and "malformed body" into
 * the contract's error format, so handlers only ever see a well-formed
 * input and only ever return a status.
 */
#include "http/request.h"

#include <errno.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/meter.h"
#include "http/form.h"
#include "http/media.h"

/* ---- inputs ------------------------------------------------------------ */

const char *request_env(const struct request *req, const char *name)
{
    return req->envp ? FCGX_GetParam(name, req->envp) : NULL;
}

bool request_has_gpc(const struct request *req)
{
    const char *gpc = request_env(req, "HTTP_SEC_GPC");

    return gpc != NULL && strcmp(gpc, "1") == 0;
}

const char *request_param(const struct request *req, const char *name)
{
    return router_param(&req->match, name);
}

/* Distinct from every decoded value by its address; reads as "" to a
 * caller that does not compare, which every current check rejects. */
const char request_query_invalid[] = "";

const char *request_query(struct request *req, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = req->query;

    while (p != NULL && *p != '\0') {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);

        if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            enum form_error err = FORM_OK;
            char *val = form_decode_component(req->arena, p + nlen + 1, plen - nlen - 1, &err);

            if (val == NULL && err != FORM_NO_MEMORY)
                return REQUEST_QUERY_INVALID;
            return val;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

bool request_wants_json(const struct request *req)
{
    const char *accept = request_env(req, "HTTP_ACCEPT");
    bool accepts_json = accept != NULL && strstr(accept, "application/json") != NULL;

    if (req->content_type != NULL && strcmp(req->content_type, "application/json") == 0)
        return true;
    /* A form post is a browser without JavaScript unless it asks for JSON. */
    if (req->input_is_form ||
        (req->content_type != NULL &&
         strcmp(req->content_type, "application/x-www-form-urlencoded") == 0))
        return accepts_json;
    return accepts_json || accept == NULL || strstr(accept, "text/html") == NULL;
}

/* ---- response ---------------------------------------------------------- */

void request_header(struct request *req, const char *name, const char *value)
{
    if (req->nheaders == REQUEST_MAX_HEADERS) {
        log_error("too many response headers on %s", req->match.route
                  ? req->match.route->pattern : "-");
        return;
    }
    req->headers[req->nheaders].name = name;
    req->headers[req->nheaders].value = value;
    req->nheaders++;
}

int request_json(struct request *req, int status, json_t *body)
{
    char *text;

    req->status = status;
    req->resp_type = "application/json";
    if (body == NULL)
        goto oom;
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (text == NULL)
        goto oom;
    req->resp_body = arena_strdup(req->arena, text);
    free(text);
    if (req->resp_body == NULL)
        goto oom;
    req->resp_len = strlen(req->resp_body);
    return status;
oom:
    req->status = 500;
    req->resp_body = "{\"error\":{\"code\":\"internal_error\",\"message\":\"The server ran out of memory.\"}}";
    req->resp_len = strlen(req->resp_body);
    return 500;
}

int request_error_fields(struct request *req, int status, const char *code,
                         const char *message, json_t *fields)
{
    json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);

    if (err != NULL && fields != NULL)
        json_object_set_new(err, "fields", fields);
    else
        json_decref(fields);
    return request_json(req, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

int request_error(struct request *req, int status, const char *code, const char *message)
{
    return request_error_fields(req, status, code, message, NULL);
}

#define NOT_CONFIGURED_LOGGED_MAX 16

/* Has "problem variable" been logged by this process yet?  Remembers it. */
static bool not_configured_first_time(const char *problem, const char *variable)
{
    static struct { const char *problem, *variable; } logged[NOT_CONFIGURED_LOGGED_MAX];
    static size_t n;

    for (size_t i = 0; i < n; i++)
        if (strcmp(logged[i].variable, variable) == 0 && strcmp(logged[i].problem, problem) == 0)
            return false;
    if (n < NOT_CONFIGURED_LOGGED_MAX) {
        logged[n].problem = problem;
        logged[n].variable = variable;
        n++;
    }
    return true;
}

int request_not_configured(struct request *req, const char *message, const char *problem,
                           const char *variable)
{
    json_t *err;

    if (not_configured_first_time(problem, variable))
        log_warn("not configured: %s is %s; the routes that need it answer 503 "
                 "(logged once per worker)", variable,
                 strcmp(problem, "missing") == 0 ? "not set" : "invalid");
    err = json_pack("{s:s, s:s, s:{s:s}}", "code", "not_configured", "message", message,
                    "operator", problem, variable);
    return request_json(req, 503, err ? json_pack("{s:o}", "error", err) : NULL);
}

int request_html(struct request *req, int status, const char *html)
{
    req->status = status;
    req->resp_type = "text/html; charset=utf-8";
    req->resp_body = html;
    req->resp_len = strlen(html);
    return status;
}

int request_bytes(struct request *req, int status, const char *content_type,
                  const void *body, size_t len)
{
    req->status = status;
    req->resp_type = content_type;
    req->resp_body = body;
    req->resp_len = len;
    return status;
}

int request_redirect(struct request *req, int status, const char *location)
{
    request_header(req, "Location", location);
    req->status = status;
    req->resp_type = "text/plain; charset=utf-8";
    req->resp_body = "";
    req->resp_len = 0;
    return status;
}

char *request_html_escape(struct arena *a, const char *s)
{
    size_t n = 0;
    char *out, *o;

    for (const char *p = s; *p; p++)
        n += (*p == '&') ? 5 : (*p == '<' || *p == '>') ? 4 : (*p == '"' || *p == '\'') ? 6 : 1;
    out = o = arena_alloc(a, n + 1);
    if (out == NULL)
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *rep = NULL;

        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: *o++ = *p; continue;
        }
        memcpy(o, rep, strlen(rep));
        o += strlen(rep);
    }
    *o = '\0';
    return out;
}

const char *request_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
    }
}

bool request_is_head(const struct request *req)
{
    return req->method != NULL && strcmp(req->method, "HEAD") == 0;
}

/* Status line, the fixed headers, a Content-Length when len >= 0, and the
 * handler's headers. */
static void write_head(struct request *req, FCGX_Stream *out, long long len)
{
    char buf[1024];
    int n;

    /* libfcgi's own printf knows no %zu: format here, write raw bytes. */
    n = snprintf(buf, sizeof(buf), "Status: %d %s\r\nContent-Type: %s\r\n"
                 "Cache-Control: no-store\r\n",
                 req->status, request_reason(req->status),
                 req->resp_type ? req->resp_type : "application/json");
    FCGX_PutStr(buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1, out);
    if (len >= 0) {
        n = snprintf(buf, sizeof(buf), "Content-Length: %lld\r\n", len);
        FCGX_PutStr(buf, n, out);
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        if (req->headers[i].value == NULL)
            continue;
        FCGX_PutS(req->headers[i].name, out);
        FCGX_PutStr(": ", 2, out);
        FCGX_PutS(req->headers[i].value, out);
        FCGX_PutStr("\r\n", 2, out);
    }
    FCGX_PutStr("\r\n", 2, out);
}

void request_write(struct request *req, FCGX_Stream *out)
{
    if (req->streaming)
        return;
    meter_phase_set(METER_WRITING);
    write_head(req, out, (long long)req->resp_len);
    if (!request_is_head(req) && req->resp_len > 0)
        FCGX_PutStr(req->resp_body, (int)req->resp_len, out);
}

int request_stream_begin(struct request *req, int status, const char *content_type)
{
    if (req->out == NULL || req->streaming)
        return -1;
    req->status = req->streamed_status = status;
    req->resp_type = content_type;
    req->resp_body = "";
    req->resp_len = 0;
    req->streaming = true;
    write_head(req, req->out, -1);
    return FCGX_GetError(req->out) == 0 ? 0 : -1;
}

int request_stream_write(struct request *req, const void *data, size_t len)
{
    const char *p = data;
    enum meter_phase before;

    if (!req->streaming)
        return -1;
    if (request_is_head(req))
        return 0;
    before = meter_phase_set(METER_WRITING);
    while (len > 0) {
        int piece = len > (1 << 20) ? (1 << 20) : (int)len;

        if (FCGX_PutStr(p, piece, req->out) != piece) {
            meter_phase_set(before);
            return -1;
        }
        p += piece;
        len -= (size_t)piece;
    }
    meter_phase_set(before);
    if (req->progress != NULL)
        req->progress(req->progress_ctx);
    return 0;
}

void request_stream_fail(struct request *req)
{
    req->stream_failed = req->streaming;
}

/* ---- dispatch ---------------------------------------------------------- */

/* The small HTML page form clients get instead of a JSON error. */
static int html_error(struct request *req, int status, const char *message,
                      json_t *fields)
{
    const char *key;
    json_t *v;
    char *items = arena_strdup(req->arena, "");

    json_object_foreach(fields, key, v) {
        if (items == NULL)
            break;
        items = arena_printf(req->arena, "%s<li><strong>%s</strong>: %s</li>\n", items,
                             request_html_escape(req->arena, key),
                             request_html_escape(req->arena, json_string_value(v) ?: ""));
    }
    return request_html(req, status, arena_printf(req->arena,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>%d %s — Jobtune</title><link rel=\"stylesheet\" href=\"/assets/site.css\">"
        "</head><body><main><h1>We could not accept your request</h1>\n"
        "<p>%s</p>\n<ul class=\"problems\">\n%s</ul>\n"
        "<p><a href=\"/support\">Go back to the support form</a></p></main></body></html>\n",
        status, request_reason(status), request_html_escape(req->arena, message),
        items ? items : ""));
}

/* Error for a form route honours the client; elsewhere always JSON. */
static int fail(struct request *req, int status, const char *code, const char *message,
                json_t *fields)
{
    if (req->match.route != NULL && req->match.route->body == BODY_FORM_OR_JSON &&
        !request_wants_json(req)) {
        int rc = html_error(req, status, message,
                            fields ? fields : jsonx_own(req->arena, json_object()));

        json_decref(fields);
        return rc;
    }
    return request_error_fields(req, status, code, message, fields);
}

int request_fail(struct request *req, int status, const char *code,
                 const char *message, json_t *fields)
{
    return fail(req, status, code, message, fields);
}

void request_parse_content_type(struct request *req)
{
    const char *ct = request_env(req, "CONTENT_TYPE");
    size_t n;
    char *t;

    req->content_type = NULL;
    if (ct == NULL || *ct == '\0')
        return;
    n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    t = arena_strndup(req->arena, ct, n);
    if (t == NULL)
        return;
    for (char *p = t; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    req->content_type = t;
}

/* No charset parameter, or charset=utf-8 (or utf8), quoted or not, any
 * case: "utf-8x" is another charset, and a parameter list that does not
 * parse is refused rather than guessed at. */
static bool charset_ok(const struct request *req)
{
    const char *cs;
    size_t n;

    switch (media_param(request_env(req, "CONTENT_TYPE"), "charset", &cs, &n)) {
    case MEDIA_PARAM_ABSENT:
        return true;
    case MEDIA_PARAM_FOUND:
        return (n == 5 && strncasecmp(cs, "utf-8", 5) == 0) ||
               (n == 4 && strncasecmp(cs, "utf8", 4) == 0);
    case MEDIA_PARAM_MALFORMED:
        break;
    }
    return false;
}

int request_read_body(struct request *req)
{
    const struct route *route = req->match.route;
    const char *cl = request_env(req, "CONTENT_LENGTH");
    unsigned long long len = 0;
    bool is_json, is_form;
    const char *where;
    char *end;
    int got;

    if (cl != NULL && *cl != '\0') {
        errno = 0;
        len = strtoull(cl, &end, 10);
        if (errno != 0 || *end != '\0')
            return fail(req, 400, "bad_request", "Content-Length is not a number.", NULL);
    }
    if (route->body == BODY_NONE)
        return 0;
    if (len > route->body_limit)
        return fail(req, 413, "payload_too_large",
                    arena_printf(req->arena, "The body is larger than the %zu bytes "
                                 "this address accepts.", route->body_limit), NULL);
    is_json = req->content_type && strcmp(req->content_type, "application/json") == 0;
    is_form = req->content_type &&
              strcmp(req->content_type, "application/x-www-form-urlencoded") == 0;
    if ((route->body == BODY_JSON || route->body == BODY_JSON_RESUME) && !is_json)
        return fail(req, 415, "unsupported_media_type",
                    "Send the body as application/json.", NULL);
    if (route->body == BODY_FORM_OR_JSON && !is_json && !is_form)
        return fail(req, 415, "unsupported_media_type",
                    "Send the body as application/json or "
                    "application/x-www-form-urlencoded.", NULL);
    if ((is_json || is_form) && !charset_ok(req))
        return fail(req, 415, "unsupported_media_type", "Bodies must be UTF-8.", NULL);

    req->body = arena_alloc(req->arena, (size_t)len + 1);
    if (req->body == NULL)
        return fail(req, 500, "internal_error", "The server ran out of memory.", NULL);
    meter_phase_set(METER_READING);
    got = len > 0 && req->in ? FCGX_GetStr(req->body, (int)len, req->in) : 0;
    meter_phase_set(METER_HANDLER);
    if (got < 0 || (unsigned long long)got != len)
        return fail(req, 400, "bad_request", "The body ended before Content-Length.", NULL);
    req->body[len] = '\0';
    req->body_len = (size_t)len;
    if (route->body == BODY_RAW)
        return 0;

    if (is_form) {
        enum form_error ferr;
        const char *bad_key;

        req->input = form_decode(req->arena, req->body, req->body_len, &ferr, &bad_key);
        req->input_is_form = true;
        if (req->input == NULL) {
            json_t *fields = NULL;

            if (bad_key != NULL)
                fields = json_pack("{s:s}", bad_key, form_strerror(ferr));
            return fail(req, ferr == FORM_BAD_KEY ? 422 : 400,
                        ferr == FORM_BAD_KEY ? "validation_failed" : "malformed_body",
                        form_strerror(ferr), fields);
        }
        return 0;
    }
    {
        enum jsonx_error jerr;

        req->input = route->body == BODY_JSON_RESUME
                         ? jsonx_parse_object_any_keys(req->arena, req->body, req->body_len,
                                                       &jerr, &where)
                         : jsonx_parse_object(req->arena, req->body, req->body_len, &jerr,
                                              &where);
        if (req->input != NULL)
            return 0;
        if (jerr == JSONX_BAD_KEY)
            return fail(req, 422, "validation_failed",
                        "Keys may not start with '$' or contain '.'.",
                        json_pack("{s:s}", where, "This key is not allowed."));
        return fail(req, 400, "malformed_body",
                    arena_printf(req->arena, "The body is not a valid JSON object (%s).",
                                 where ? where : "parse error"), NULL);
    }
}
