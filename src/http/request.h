/*
 * request.h - one FastCGI request: its inputs, its response, its arena.
 *
 * Lifetime: everything reachable from a struct request (strings, json_t
 * values handed to jsonx_own(), the struct itself) lives until the worker's
 * arena_reset() after FCGX_Finish_r().  FastCGI environment strings die at
 * the next accept, which is the same moment.
 */
#ifndef JT_REQUEST_H
#define JT_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/router.h"

struct arena;
struct services;
typedef struct FCGX_Stream FCGX_Stream;

#define REQUEST_MAX_HEADERS 8

struct request {
    struct arena *arena;
    struct services *svc;      /* per-process services (db, ...) */

    /* inputs, borrowed from the FastCGI environment */
    char **envp;
    FCGX_Stream *in;
    FCGX_Stream *out;          /* where the response goes (streaming writes it early) */
    const char *method;
    const char *path;          /* decoded path, no query */
    const char *query;         /* raw query string, "" when none */
    const char *request_id;
    const char *remote_addr;
    const char *content_type;  /* media type, lower case, no parameters */
    struct route_match match;
    const char *user_id;       /* the session's Clerk user id, or NULL */
    uint64_t started_ms;       /* clock_mono_ms() when the request was accepted */
    /* Called at each piece of a streamed answer (NULL: none): the worker
     * tells the master's watchdog the answer is moving (proc/scoreboard.h). */
    void (*progress)(void *ctx);
    void *progress_ctx;
    /* What this request sent to sub-processors for its user: an array of
     * processing-record entries that handlers append to (routes/
     * processing.c) and the dispatcher stores once, after the handler.
     * NULL until the first entry; owned by the arena. */
    json_t *processing;
    /* Analytics events for the worker to hand over after the response
     * (routes/analytics.c): an array of {"user"?, "event"}, NULL until the
     * first; owned by the arena.  analytics_allowed: 0 not decided yet, 1
     * on, -1 off, with analytics_regime (static) once decided. */
    json_t *analytics;
    int analytics_allowed;
    const char *analytics_regime;

    /* body */
    char *body;                /* NUL-terminated, arena memory */
    size_t body_len;
    json_t *input;             /* parsed object for BODY_JSON / FORM_OR_JSON */
    bool input_is_form;

    /* response */
    int status;
    const char *resp_type;
    const char *resp_body;
    size_t resp_len;
    struct { const char *name, *value; } headers[REQUEST_MAX_HEADERS];
    size_t nheaders;
    bool streaming;            /* request_stream_begin() wrote status and headers */
    int streamed_status;
    bool stream_failed;        /* request_stream_fail(): the body must not end cleanly */
    bool quota_refused;        /* a per-user quota refused it (routes/quota.c) */
};

/* Borrowed CGI variable (e.g. "HTTP_ACCEPT"), or NULL. */
const char *request_env(const struct request *req, const char *name);
/* Does the request carry Global Privacy Control (`Sec-GPC: 1`)? */
bool request_has_gpc(const struct request *req);

/* Borrowed route capture, or NULL. */
const char *request_param(const struct request *req, const char *name);

/*
 * Borrowed query parameter value (first occurrence, decoded into the arena
 * by form_decode_component(), as strictly as a form body), or NULL when
 * absent.  A value with a malformed escape, invalid UTF-8 or a NUL is not
 * taken for absence: the answer is REQUEST_QUERY_INVALID, an empty string
 * told apart by its address, for the caller to answer 422.
 */
const char *request_query(struct request *req, const char *name);
extern const char request_query_invalid[];
#define REQUEST_QUERY_INVALID request_query_invalid

/* Does the client want JSON back (a JSON body, or Accept names JSON)? */
bool request_wants_json(const struct request *req);

/* Add a response header; names and values must be arena or static memory. */
void request_header(struct request *req, const char *name, const char *value);

/*
 * Response setters.  Each returns `status`, so a handler can end with
 * `return request_json(req, 201, body);`.  request_json steals `body`.
 */
int request_json(struct request *req, int status, json_t *body);
int request_error(struct request *req, int status, const char *code,
                  const char *message);
/* fields: object of field -> problem; stolen. */
int request_error_fields(struct request *req, int status, const char *code,
                         const char *message, json_t *fields);
/* Like request_error_fields, but a form route's browser client (one that
 * does not ask for JSON) gets a small HTML page listing the problems. */
int request_fail(struct request *req, int status, const char *code,
                 const char *message, json_t *fields);
/*
 * 503 not_configured: a feature the operator has not set up.  The person
 * gets `message` (a plain sentence: the feature is not available right
 * now); the operator's detail goes in a separate field,
 * error.operator = {problem: variable} (problem "missing" or "invalid"),
 * and in the log, once per worker and variable, not on every call.
 * message, problem and variable are static strings.
 */
int request_not_configured(struct request *req, const char *message,
                           const char *problem, const char *variable);
int request_html(struct request *req, int status, const char *html);
/* A binary body (a PDF, ...): body is borrowed and must live in the
 * request's arena, or be handed to it as a cleanup, until the response is
 * written. */
int request_bytes(struct request *req, int status, const char *content_type,
                  const void *body, size_t len);
int request_redirect(struct request *req, int status, const char *location);

/* Write status line, headers and body to out (HEAD: no body); nothing
 * when the response was streamed. */
void request_write(struct request *req, FCGX_Stream *out);

/*
 * A streamed response, for a body too large to hold in memory (the data
 * export).  request_stream_begin() writes the status line, Content-Type
 * and the headers set so far to req->out at once, with no Content-Length:
 * nginx passes the body on as it comes, in chunked transfer coding.
 * request_stream_write() then writes body pieces through libfcgi's
 * buffer (nothing for HEAD), so the worker holds one buffer of it at a
 * time.  Once begun, the response is the handler's: the dispatcher and
 * request_write() add nothing.  Both return 0, or -1 when the stream
 * failed (the client went away).
 *
 * A body that cannot be completed (the database went away part-way) must
 * reach the client as a failed transfer, never as a short document that
 * ends like a whole one: request_stream_fail() marks it, and the worker
 * then drops the connection to nginx without FastCGI's FCGI_END_REQUEST,
 * which nginx (fastcgi_keep_conn on) takes for an upstream error and
 * answers by closing the client's connection without the last chunk
 * (docs/ARCHITECTURE.md, "A cut-off answer is an error").  The handler
 * logs why.
 */
int request_stream_begin(struct request *req, int status, const char *content_type);
int request_stream_write(struct request *req, const void *data, size_t len);
/* Send what request_stream_write() holds in libfcgi's buffer now, for an
 * answer whose pieces are events the client waits on (an interview
 * answer's progress); 0 or -1 as request_stream_write(). */
int request_stream_flush(struct request *req);
void request_stream_fail(struct request *req);
/* Is this a HEAD request (headers only)? */
bool request_is_head(const struct request *req);

/* Fill req->content_type from CONTENT_TYPE (call once, before anything
 * reads it). */
void request_parse_content_type(struct request *req);

/* Read the body the matched route (req->match.route) takes: check its
 * length, type and charset, and parse it for the JSON and form kinds.  0
 * when it is in place, else the status of the error response written. */
int request_read_body(struct request *req);

/* Reason phrase of a status. */
const char *request_reason(int status);

/* HTML-escape s into the arena. */
char *request_html_escape(struct arena *a, const char *s);

#endif
